"""Every file soloit writes is flushed to disk through a handle that may write.

Windows' FlushFileBuffers (behind os.fsync) refuses a handle opened for reading only; POSIX does not, so an
`open(path, "rb")` + fsync passed every Linux test while every export failed on Windows. tests/conftest.py makes
such an fsync fail for the whole session; here that guard is seen to fail, and each writer is seen to flush the
very file it leaves (the inode of a flushed descriptor is the inode of the final file, renames included)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from soloit.durable import flush_file
from tests.conftest import ReadOnlyFsync


@pytest.fixture
def flushed(monkeypatch) -> set[int]:
    """The inodes of every descriptor os.fsync is given from now on (through the session's read-only guard)."""
    seen: set[int] = set()
    guarded = os.fsync

    def spy(fd):
        number = fd if isinstance(fd, int) else fd.fileno()
        seen.add(os.fstat(number).st_ino)
        return guarded(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def _assert_flushed(path: Path, seen: set[int]) -> None:
    assert path.is_file(), path
    assert path.stat().st_ino in seen, f"{path.name} was written but never flushed to disk"


def test_the_guard_refuses_a_read_only_descriptor(tmp_path: Path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"x")
    with open(path, "rb") as fh, pytest.raises(ReadOnlyFsync):
        os.fsync(fh.fileno())
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())  # a handle that may write is fine
    fd = os.open(path, os.O_WRONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def test_flush_file_opens_for_writing_and_never_creates(tmp_path: Path, flushed: set[int]):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"PK")
    os.chmod(path, 0o600)
    flush_file(path)
    _assert_flushed(path, flushed)
    assert path.read_bytes() == b"PK"
    with pytest.raises(FileNotFoundError):
        flush_file(tmp_path / "missing.xlsx")
    assert not (tmp_path / "missing.xlsx").exists()


def test_exports_are_flushed(qapp, store, tmp_path: Path, flushed: set[int]):
    from soloit.exchange.handover_outputs import HANDOVER_FILE, PDF, XLSX, write_handover_outputs
    from soloit.exchange.history_export import write_history
    from soloit.exchange.operations import export_pack
    from soloit.services.bundle import open_services
    from soloit.services.timeline import TimelineFilter
    from tests.helpers import DayClock

    services = open_services(store, lambda: "テスト 花子", DayClock(date(2026, 11, 20)))
    services.ledger.set_statuses([("koseki", 1)], "done", reason="確認済み")

    pack = export_pack(services, tmp_path / "pack.xlsx", as_of=date(2026, 11, 20), prepared_by="テスト 花子")
    _assert_flushed(pack.path, flushed)
    for name in ("history.csv", "history.xlsx"):
        write_history(services.timeline.export_rows(TimelineFilter()), tmp_path / name, facts={})
        _assert_flushed(tmp_path / name, flushed)
    folder = tmp_path / "handover"
    folder.mkdir()
    outputs = write_handover_outputs(
        services, folder, {PDF, XLSX, HANDOVER_FILE}, predecessor="前任 次郎", successor="後任 花子",
        appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 8),
    )
    assert set(outputs.written) == {PDF, XLSX, HANDOVER_FILE}
    for path in outputs.written.values():
        _assert_flushed(path, flushed)


def test_backups_settings_and_the_lock_are_flushed(store, tmp_path: Path, flushed: set[int]):
    from soloit.settings import Settings
    from soloit.store.backup import make_backup
    from soloit.store.lock import WriterLock

    info = make_backup(store.path, tmp_path / "backups", kind="manual")
    _assert_flushed(info.path, flushed)
    _assert_flushed(Path(f"{info.path}.json"), flushed)

    settings_path = tmp_path / "settings.json"
    Settings().save(settings_path)
    _assert_flushed(settings_path, flushed)

    lock = WriterLock(tmp_path / "other.sqlite3")
    lock.acquire()
    try:
        _assert_flushed(lock.info_path, flushed)  # who holds it (the lock file itself is only locked)
    finally:
        lock.release()


def test_the_wal_copy_is_flushed(template_ledger: Path, tmp_path: Path, flushed: set[int]):
    from soloit.store.wal_guard import keep_wal

    live = tmp_path / "live.sqlite3"
    shutil.copy(template_ledger, live)
    conn = sqlite3.connect(live)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("CREATE TABLE scratch (x)")
        conn.execute("INSERT INTO scratch VALUES (1)")
        conn.commit()
        copied = tmp_path / "copied.sqlite3"
        shutil.copy(live, copied)
        shutil.copy(f"{live}-wal", f"{copied}-wal")  # a -wal with committed frames, as after a crash
    finally:
        conn.close()
    kept = keep_wal(copied)
    assert kept is not None
    try:
        _assert_flushed(kept.copy, flushed)
    finally:
        kept.release()
