"""SQLite URI file names, quoted so that '#', '?' and '%' in a folder name do not cut the path short."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote


def file_uri(path: Path, mode: str = "ro") -> str:
    """file:/abs/path?mode=ro (on Windows file:///C:/…)."""
    text = Path(path).absolute().as_posix()
    if not text.startswith("/"):
        text = "/" + text  # C:/x → /C:/x, as SQLite expects on Windows
    return f"file://{quote(text, safe='/:')}?mode={mode}"
