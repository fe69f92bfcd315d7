"""What happens at open and on write when the file or the disk misbehaves, simulated through seams
(mode=ro connections, PRAGMA max_page_count, a lock held by another connection): the tests run as root, so
file permissions alone would prove nothing."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from soloit.store.db import Store, make_engine, open_database
from soloit.store.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NotSoloitDatabaseError,
    ReadOnlyError,
)
from tests.helpers import AllServices as LedgerService


def _journal_count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()


def test_read_only_place_is_reported_as_such(store):
    path = store.path
    store.close()
    readonly = Store(path, make_engine(path, readonly=True))  # SQLite itself refuses the write
    service = LedgerService(readonly, lambda: "山田")
    before = _journal_count(path)
    with pytest.raises(ReadOnlyError) as caught:
        service.set_statuses([("koseki", 1)], "done")
    assert "書き込めません" in caught.value.message_ja
    assert _journal_count(path) == before
    readonly.close()


def test_disk_full_is_reported_and_nothing_is_saved(store):
    path = store.path
    store.close()
    full = open_database(path)

    @event.listens_for(full.engine, "connect")
    def _cap(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    full.engine.dispose()
    service = LedgerService(full, lambda: "山田")
    before = _journal_count(path)
    with pytest.raises(DiskFullError) as caught:
        for seq in range(1, 41):  # enough text to need new pages
            service.edit_cell("koseki", seq, "note", "長いメモ" * 400)
    assert "空き容量" in caught.value.message_ja
    full.close()
    reopened = open_database(path)
    from soloit.services.integrity import verify

    assert verify(reopened).ok  # whatever was committed before the disk filled is whole, with its journal
    reopened.close()
    assert _journal_count(path) >= before


def test_locked_database_is_reported_as_such(store):
    path = store.path
    store.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        busy = open_database(path, busy_timeout_ms=50)
        with pytest.raises(DatabaseLockedError) as caught:
            LedgerService(busy, lambda: "山田").set_statuses([("koseki", 1)], "done")
        assert "使用中" in caught.value.message_ja
        busy.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_damaged_pages_fail_quick_check_at_open(store):
    path = store.path
    service = LedgerService(store, lambda: "山田")
    for seq in range(1, 41):
        service.edit_cell("koseki", seq, "note", f"メモ{seq}" * 50)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for page in range(pages // 2, pages - 1):  # scribble over the middle of several b-tree pages
        start = page * page_size + 200
        data[start : start + 300] = b"\x07" * 300
    path.write_bytes(bytes(data))
    with pytest.raises((CorruptDatabaseError, NotSoloitDatabaseError)) as caught:
        open_database(path)
    assert "壊れて" in caught.value.message_ja or "読み取れません" in caught.value.message_ja


def test_another_programs_database_is_not_soloit(tmp_path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotSoloitDatabaseError) as caught:
        open_database(path)
    assert "soloit のデータベースではありません" in caught.value.message_ja
