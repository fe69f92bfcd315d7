"""The one-writer lock, for callers above services (the CLI): hold it while a command changes the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's writer lock for the block (LockHeldError names who holds it)."""
    from soloit.store.lock import WriterLock

    db_path.parent.mkdir(parents=True, exist_ok=True)
    with WriterLock(db_path):
        yield
