"""Writing a small JSON file so that it appears whole or not at all (settings, backup sidecars)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any, *, indent: int = 2, temp: Path | None = None) -> None:
    """Write `data` to a private (0600) temporary file beside `path`, fsync it, and rename it over `path`. The
    temporary file (named `temp`, or a hidden unique name) is removed when anything fails."""
    tmp = temp or path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")  # (not uuid: it imports platform)
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=indent)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
