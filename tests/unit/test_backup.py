"""Backups: online copies with WAL content, checked, named with the journal head, rotated, private."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

import pytest

from soloit.domain.clock import JST, FixedClock
from soloit.services.backups import backup_if_due, backup_now
from soloit.store import backup as files
from soloit.store.backup import Retention, list_backups, make_backup, rotate, to_keep
from tests.helpers import AllServices as LedgerService


def test_backup_holds_committed_wal_content_and_is_checked(store, tmp_path):
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 1)], "done")  # still in the WAL: nothing checkpointed
    assert os.path.getsize(f"{store.path}-wal") > 0
    info = make_backup(store.path, tmp_path / "bk", kind="manual")
    assert info.integrity == "ok"
    conn = sqlite3.connect(info.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        status = conn.execute(
            "SELECT status FROM step_cell JOIN system ON system.id = step_cell.system_id "
            "WHERE business_code = 'koseki' AND step_seq = 1"
        ).fetchone()[0]
        count, head = (
            conn.execute(f"SELECT value FROM meta WHERE key = '{k}'").fetchone()[0]
            for k in ("journal_count", "journal_head")
        )
    finally:
        conn.close()
    assert status == "done"
    assert info.journal_count == int(count) and info.journal_head == head
    assert f"-n{count}-{head[:12]}.sqlite3" in info.path.name
    assert info.municipality == "札幌市"
    sidecar = info.path.with_name(info.path.name + ".json").read_text(encoding="utf-8")
    assert head in sidecar and "札幌市" in sidecar
    assert list_backups(tmp_path / "bk") == [info]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX permissions")
def test_database_and_backups_are_private(store, tmp_path):
    info = make_backup(store.path, tmp_path / "bk", kind="manual")
    for path in (store.path, info.path, info.path.with_name(info.path.name + ".json")):
        assert os.stat(path).st_mode & 0o777 == 0o600, path


def _fake(folder, when: datetime, kind: str = "start") -> None:
    name = f"soloit-backup-{when.astimezone(UTC):%Y%m%dT%H%M%S}.000Z-{kind}-n1-{'a' * 12}.sqlite3"
    (folder / name).write_bytes(b"x")


def test_rotation_keeps_recent_daily_weekly_monthly(tmp_path):
    start = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    for hours in range(0, 24 * 400, 6):  # four backups a day for 400 days
        _fake(tmp_path, start - timedelta(hours=hours))
    _fake(tmp_path, start - timedelta(days=500), kind="pre-upgrade-0001")
    removed = rotate(tmp_path, Retention(recent=10, daily=7, weekly=4, monthly=12))
    kept = list_backups(tmp_path)
    assert removed and len(kept) + len(removed) == 1601
    stamps = [b.created_at for b in kept]
    assert stamps[:10] == [start - timedelta(hours=6 * i) for i in range(10)]  # the 10 most recent
    days = {s.astimezone(JST).date() for s in stamps}  # days as the user lives them
    assert days >= {start.astimezone(JST).date() - timedelta(days=d) for d in range(7)}  # one a day for a week
    assert len({(s.year, s.month) for s in stamps}) >= 12  # a year of months
    assert any(b.kind.startswith("pre-upgrade") for b in kept)  # never rotated away
    assert len(kept) <= 10 + 7 + 4 + 12 + 1


def test_to_keep_with_few_backups_keeps_all(tmp_path):
    for i in range(3):
        _fake(tmp_path, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i))
    backups = list_backups(tmp_path)
    assert to_keep(backups, Retention()) == {b.path for b in backups}


def test_backup_if_due_respects_the_interval(store, tmp_path):
    root = tmp_path / "bk"
    first = backup_if_due(store.path, root, min_interval=timedelta(minutes=60))
    assert first is not None
    assert backup_if_due(store.path, root, min_interval=timedelta(minutes=60)) is None
    later = FixedClock(datetime.now(UTC) + timedelta(minutes=61))
    assert backup_if_due(store.path, root, min_interval=timedelta(minutes=60), clock=later) is not None
    assert len(list_backups(first.path.parent)) == 2


def test_backup_now_rotates(store, tmp_path):
    root = tmp_path / "bk"
    for _ in range(4):
        made = backup_now(store.path, root, retention=Retention(recent=2, daily=0, weekly=0, monthly=0))
    assert made.path.parent == root / store.facts().identity  # the database's own folder under the root
    assert len(list_backups(made.path.parent)) == 2


def test_a_corrupt_copy_is_not_kept(store, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "integrity_check", lambda _path: "*** in database main ***")
    with pytest.raises(files.StoreError):
        make_backup(store.path, tmp_path / "bk", kind="manual")
    assert list(tmp_path.glob("bk/*")) == []


def test_unwritable_backup_folder_is_a_store_error(store, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(files.StoreError) as caught:
        make_backup(store.path, blocker / "bk", kind="manual")
    assert "バックアップ" in caught.value.message_ja
