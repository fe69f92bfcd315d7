"""Backups under faults (issue "Trust and everyday use", point 5).

A full backup folder (SQLite's own SQLITE_FULL through `PRAGMA max_page_count` on the copy, or ENOSPC from the
file system at each rename) gives a message that names the folder, not the database, and leaves no partial file
behind; what a killed backup left is cleaned by the next backup; orphan sidecars are ignored and cleaned; a
restore that fails never reports success. The tests run as root, so faults are injected, not made with
permissions."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from soloit.cli import EXIT_FAILED, EXIT_STORE_ERROR, main
from soloit.services.backups import backup_now, newest_good_backup, restore
from soloit.settings import Settings
from soloit.store import backup as files
from soloit.store.backup import LEFTOVER_AGE, list_backups, rotate, sweep_leftovers
from soloit.store.errors import DiskFullError, StoreError
from tests.helpers import AllServices as LedgerService


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def folder_with_one(store, tmp_path):
    """The ledger's own backup folder, holding one good backup."""
    root = tmp_path / "share"
    first = backup_now(store.path, root)
    return root, first.path.parent, first


def full_destination(monkeypatch, pages: int = 4, ending: str = files.PARTIAL) -> None:
    """Connections to a file being written by an online copy (whose name ends with `ending`) may hold only
    `pages` pages: SQLite reports SQLITE_FULL while the copy is written, as on a full disk."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        conn = real(database, *args, **kwargs)
        if str(database).endswith(ending):
            conn.execute(f"PRAGMA max_page_count={pages}")
        return conn

    monkeypatch.setattr(files.sqlite3, "connect", connect)


def assert_names_the_folder(message: str, folder: Path, db_path: Path) -> None:
    assert message.startswith(f"バックアップを保存先「{folder}」に書き込めません: ")
    assert "ディスクの空き容量が足りません" in message
    assert str(db_path) not in message  # the database is fine: it is not named as the problem
    assert "データベース本体は変更していません" in message


def test_sqlite_full_in_the_backup_folder(store, folder_with_one, monkeypatch):
    root, folder, first = folder_with_one
    before = listing(root)
    db_before = store.facts()
    full_destination(monkeypatch)
    with pytest.raises(DiskFullError) as caught:
        backup_now(store.path, root)
    assert_names_the_folder(caught.value.message_ja, folder, store.path)
    assert listing(root) == before  # no .partial, no staging file, no sidecar: the folder as it was
    assert [b.path for b in list_backups(folder)] == [first.path]
    assert store.facts() == db_before


@pytest.mark.parametrize("failing", ["staging", "backup", "sidecar"])
def test_enospc_at_each_rename(store, folder_with_one, monkeypatch, failing):
    """ENOSPC from the file system when the copy, the backup or its sidecar is moved into place."""
    root, folder, _first = folder_with_one
    before = listing(root)
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        name = Path(dst).name
        hit = {
            "staging": name.startswith(files.STAGING_PREFIX),
            "backup": name.startswith(files.PREFIX) and name.endswith(files.SUFFIX),
            "sidecar": name.endswith(files.SUFFIX + files.SIDECAR),
        }[failing]
        if hit and Path(dst).parent == folder:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(DiskFullError) as caught:
        backup_now(store.path, root)
    monkeypatch.undo()
    assert_names_the_folder(caught.value.message_ja, folder, store.path)
    assert listing(root) == before


def test_cli_backup_into_a_full_folder(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    identity = store.facts().identity
    path = store.path
    store.close()
    full_destination(monkeypatch)
    root = tmp_path / "share"
    assert main(["backup", "--db", str(path), "--to", str(root)]) == EXIT_STORE_ERROR
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    [line] = err.strip().splitlines()
    assert_names_the_folder(line.removeprefix("soloit: "), root / identity, path)
    assert listing(root) == {}


# --- leftovers -------------------------------------------------------------------------------------------------


def leftovers(folder: Path, stamp: str) -> list[Path]:
    """What a backup killed at various moments leaves: the staging file and its -journal, the .partial copy and
    its -journal, a sidecar's .partial."""
    names = [
        f".soloit-backup-{stamp}-start.sqlite3",
        f".soloit-backup-{stamp}-start.sqlite3-journal",
        f".soloit-backup-{stamp}-start.sqlite3.partial",
        f".soloit-backup-{stamp}-start.sqlite3.partial-journal",
        f"soloit-backup-{stamp}-start-n4-{'a' * 12}.sqlite3.json.partial",
    ]
    made = []
    for name in names:
        path = folder / name
        path.write_bytes(b"half-written " * 100)
        made.append(path)
    return made


def age(paths: list[Path], seconds: float) -> None:
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def test_the_next_backup_cleans_what_a_killed_backup_left(store, folder_with_one):
    root, folder, first = folder_with_one
    old = leftovers(folder, "20261101T010203.004Z")
    age(old, LEFTOVER_AGE.total_seconds() + 60)
    fresh = leftovers(folder, "20261123T010203.004Z")  # a backup running right now (another soloit): left alone
    mine = folder / "メモ.txt"
    mine.write_text("ユーザーのファイル", encoding="utf-8")
    age([mine], 10 * 24 * 3600)
    made = backup_now(store.path, root)
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in fresh)
    assert mine.read_text(encoding="utf-8") == "ユーザーのファイル"
    assert sorted(b.path for b in list_backups(folder)) == sorted([first.path, made.path])


def test_orphan_sidecars_are_ignored_and_cleaned(store, folder_with_one):
    _root, folder, first = folder_with_one
    orphan = folder / f"soloit-backup-20261101T010203.004Z-manual-n99-{'b' * 12}.sqlite3.json"
    orphan.write_text(json.dumps({"database_id": store.facts().identity, "journal_count": 99}), encoding="utf-8")
    foreign = folder / "notes.json"  # not soloit's name: never touched
    foreign.write_text("{}", encoding="utf-8")
    assert [b.path for b in list_backups(folder)] == [first.path]  # ignored
    assert sweep_leftovers(folder) == [orphan]  # cleaned (also by every backup and rotation)
    assert foreign.exists() and first.path.exists() and Path(f"{first.path}.json").exists()
    orphan.write_text("{}", encoding="utf-8")
    rotate(folder, identity=store.facts().identity)
    assert not orphan.exists()


def test_a_broken_sidecar_does_not_hide_a_backup(store, folder_with_one):
    _root, folder, first = folder_with_one
    Path(f"{first.path}.json").write_text("{ 途中で切れた", encoding="utf-8")
    [info] = list_backups(folder, store.facts().identity)  # the file itself says whose it is
    assert info.path == first.path and info.municipality == "札幌市"


# --- a restore that fails --------------------------------------------------------------------------------------


def beside(path: Path) -> list[str]:
    """The files beside the database, but SQLite's own -shm and an empty -wal (a read-only look makes them)."""
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    return sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm")))

def test_a_restore_that_fails_writing_reports_no_success_and_changes_nothing(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "share"
    saved = backup_now(store.path, root)
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "done")
    path = store.path
    store.close()
    before = path.read_bytes()
    around = beside(path)
    backups_before = listing(root)
    full_destination(monkeypatch, pages=2, ending=".restoring.partial")  # where the restored copy is written
    with pytest.raises(StoreError) as caught:
        restore(saved.path, path, root)
    assert caught.value.message_ja.startswith(f"復元するデータベースを「{path.parent}」に書き込めません")
    assert path.read_bytes() == before
    assert beside(path) == around  # no .restoring file left
    assert listing(root) == backups_before  # no pre-restore copy of a restore that did not happen
    assert main(["restore", str(saved.path), "--db", str(path)]) in (EXIT_FAILED, EXIT_STORE_ERROR)
    out, err = capsys.readouterr()
    assert "復元しました" not in out and "Traceback" not in err
    assert path.read_bytes() == before


def test_a_full_temporary_folder_is_not_a_bad_backup(store, tmp_path, monkeypatch, capsys):
    """A backup is checked on a temporary copy: when that copy cannot be written, the backup is neither refused
    as unusable nor skipped by --newest; the message names the temporary folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "share"
    saved = backup_now(store.path, root)
    path = store.path
    store.close()
    before = path.read_bytes()
    full_destination(monkeypatch, pages=2, ending="check.sqlite3.partial")
    with pytest.raises(StoreError) as caught:
        restore(saved.path, path, root)
    message = caught.value.message_ja
    assert message.startswith("バックアップを検査するための一時コピーを「") and "soloit-check-" in message
    assert "使えません" not in message and "バックアップが壊れているとは限りません" in message
    with pytest.raises(StoreError):
        newest_good_backup(root, saved.identity)  # not "no usable backup"
    Settings(backup_dir=str(root)).save(tmp_path / "config" / "soloit" / "settings.json")
    assert main(["restore", "--newest", "--db", str(path)]) == EXIT_STORE_ERROR
    out, err = capsys.readouterr()
    assert "一時コピー" in err and "使えるバックアップが見つかりません" not in err and "復元しました" not in out
    assert path.read_bytes() == before


def test_the_next_restore_cleans_what_a_killed_restore_left(store, tmp_path):
    root = tmp_path / "share"
    saved = backup_now(store.path, root)
    path = store.path
    store.close()
    left = [path.with_name(path.name + suffix) for suffix in (
        ".restoring", ".restoring-journal", ".restoring-wal", ".restoring.partial", ".restoring.partial-journal"
    )]
    for leftover in left:
        leftover.write_bytes(b"half-written " * 100)
    restore(saved.path, path, root)
    assert not any(p.exists() for p in left)
    assert beside(path) == [path.name, "share"]
