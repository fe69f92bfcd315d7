"""Where soloit's bundled resources are, in a source tree, a wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding reference/*.json and other bundled files."""
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    package_dir = Path(__file__).resolve().parent
    candidates.append(package_dir / "resources")  # wheel install (force-include)
    candidates.append(package_dir.parent.parent / "resources")  # source tree / editable install
    for candidate in candidates:
        if (candidate / "reference").is_dir():
            return candidate
    raise FileNotFoundError("soloit resources folder not found; looked in: " + ", ".join(map(str, candidates)))
