"""SQLite URI file names, quoted so that '#', '?' and '%' in a folder name do not cut the path short."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote


def file_uri(path: Path, mode: str = "ro", *, immutable: bool = False) -> str:
    """file:/abs/path?mode=ro (on Windows file:///C:/…). `immutable` reads the database file alone: SQLite takes
    no locks, ignores any -wal and creates no -wal or -shm beside it."""
    text = Path(path).absolute().as_posix()
    if not text.startswith("/"):
        text = "/" + text  # C:/x → /C:/x, as SQLite expects on Windows
    return f"file://{quote(text, safe='/:')}?mode={mode}" + ("&immutable=1" if immutable else "")
