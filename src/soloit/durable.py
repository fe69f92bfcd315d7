"""Putting a written file's bytes on the disk: the one way soloit flushes a file it wrote.

`os.fsync` must be given a descriptor that may write. On Windows it calls FlushFileBuffers, which fails with
"access denied" on a handle opened for reading only (POSIX lets it pass, so Linux tests saw nothing while every
Windows export failed). Every flush of a file by path goes through `flush_file`, which opens it read-write.
tests/conftest.py refuses any `os.fsync` of a read-only descriptor for the whole test session."""

from __future__ import annotations

import os
from pathlib import Path

_WRITE_FLAGS = os.O_RDWR | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)


def flush_file(path: Path) -> None:
    """Flush the bytes of the existing file `path` to disk, through a handle opened for writing (never creates)."""
    fd = os.open(path, _WRITE_FLAGS)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
