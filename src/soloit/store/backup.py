"""Copies of a live database through SQLite's online backup API (a plain file copy misses the WAL)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def online_copy(source: Path, target: Path) -> Path:
    """Copy the database at `source` (including committed WAL content) to `target`, atomically renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


def pre_upgrade_copy(db_path: Path, from_revision: str) -> Path:
    """The copy taken before a schema upgrade, beside the database."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.before-upgrade-{from_revision}-{stamp}{db_path.suffix or '.sqlite3'}")
    return online_copy(db_path, target)
