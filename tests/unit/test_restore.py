"""Restore: checked first, the current file backed up first, a damaged file set aside, never overwritten."""

from __future__ import annotations

import sqlite3

import pytest

from soloit.cli import main
from soloit.services.backups import check_backup, newest_good_backup, rescue, restore
from soloit.services.integrity import verify
from soloit.store.backup import list_backups, make_backup
from soloit.store.db import open_database
from soloit.store.errors import StoreError
from tests.helpers import AllServices as LedgerService


def _status(path, code="koseki", seq=1) -> str:
    store = open_database(path)
    try:
        return LedgerService(store, lambda: "").cell(code, seq).status
    finally:
        store.close()


def _tamper(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER journal_no_update")
    conn.execute("UPDATE journal SET actor = '誰か' WHERE id = 2")
    conn.commit()
    conn.close()


def test_restore_puts_the_backup_back_and_keeps_the_current_as_a_backup(store, tmp_path):
    folder = tmp_path / "bk"
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 1)], "done")
    saved = make_backup(store.path, folder, kind="manual")
    service.set_statuses([("koseki", 1)], "in_progress")
    path = store.path
    store.close()
    result = restore(saved.path, path, folder)
    assert _status(path) == "done"
    assert result.pre_restore is not None and result.pre_restore.kind == "pre-restore"
    assert result.set_aside is None
    assert _status(result.pre_restore.path) == "in_progress"  # nothing lost: the replaced state is a backup


def test_a_tampered_backup_is_refused_and_nothing_changes(store, tmp_path):
    folder = tmp_path / "bk"
    saved = make_backup(store.path, folder, kind="manual")
    _tamper(saved.path)
    check = check_backup(saved.path)
    assert not check.ok and "変更記録" in check.problem_ja
    path = store.path
    store.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        restore(saved.path, path, folder)
    assert "使えません" in caught.value.message_ja
    assert path.read_bytes() == before
    assert [b.kind for b in list_backups(folder)] == ["manual"]


def test_a_corrupt_backup_is_refused(store, tmp_path):
    saved = make_backup(store.path, tmp_path / "bk", kind="manual")
    data = bytearray(saved.path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200
    saved.path.write_bytes(bytes(data))
    assert not check_backup(saved.path).ok


def _damage_pages(path) -> None:
    """Scribble over the file after its header: still provably soloit's own file, but damaged."""
    data = bytearray(path.read_bytes())
    data[4096:] = b"this is no longer a database" * ((len(data) - 4096) // 28) + b"x" * ((len(data) - 4096) % 28)
    path.write_bytes(bytes(data))


def test_rescue_sets_the_damaged_file_aside_and_restores_the_newest_good(store, tmp_path):
    root = tmp_path / "bk"
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "done")
    identity = store.facts().identity
    folder = root / identity
    good = make_backup(store.path, folder, kind="start")
    newer_bad = make_backup(store.path, folder, kind="manual")
    _tamper(newer_bad.path)
    path = store.path
    store.close()
    _damage_pages(path)
    damaged = path.read_bytes()
    assert newest_good_backup(root, identity).path == good.path
    result = rescue(path, root, identity)
    assert result.restored_from == good.path
    assert result.set_aside is not None and result.set_aside.read_bytes() == damaged
    assert _status(path) == "done"
    reopened = open_database(path)
    assert verify(reopened).ok
    reopened.close()


def test_cli_backup_restore_and_newest(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 2)], "done")
    path = store.path
    store.close()
    root = tmp_path / "bk"
    assert main(["backup", "--db", str(path), "--to", str(root)]) == 0
    assert "検査 OK" in capsys.readouterr().out
    [folder] = root.iterdir()  # one folder: this database's own
    backup = list_backups(folder)[0]
    store2 = open_database(path)
    LedgerService(store2, lambda: "山田").set_statuses([("koseki", 2)], "not_applicable")
    store2.close()
    assert main(["restore", str(backup.path), "--db", str(path)]) == 0
    assert "復元しました" in capsys.readouterr().out
    assert _status(path, seq=2) == "done"

    _tamper(backup.path)
    assert main(["restore", str(backup.path), "--db", str(path)]) == 1
    assert "使えません" in capsys.readouterr().err


def test_cli_damaged_database_says_how_to_restore(store, tmp_path, capsys):
    path = store.path
    store.close()
    _damage_pages(path)
    assert main(["verify", "--db", str(path)]) == 3  # damaged (not tampering, not an unreadable file)
    err = capsys.readouterr().err
    assert "壊れています" in err
    assert f"soloit restore --db {path}" in err  # the hint repeats the --db that was used
    assert "Traceback" not in err


def test_a_cli_writer_is_refused_while_another_soloit_holds_the_database_but_verify_works(store, tmp_path, capsys, monkeypatch):
    import subprocess
    import sys

    from soloit.store.lock import WriterLock

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    saved = make_backup(store.path, tmp_path / "bk", kind="manual")
    path = store.path
    store.close()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        WriterLock(path, pid=other.pid, host="JOHO-PC01", user="yamada").acquire()
        before = path.read_bytes()
        assert main(["restore", str(saved.path), "--db", str(path)]) == 2
        err = capsys.readouterr().err
        assert "JOHO-PC01" in err and "yamada" in err
        assert path.read_bytes() == before
        assert main(["verify", "--db", str(path)]) == 0  # read-only commands still work
    finally:
        other.kill()
        other.wait()


def test_after_restoring_an_older_backup_the_newer_ones_do_not_count_against_it(store, tmp_path):
    """Going back on purpose is not loss: the backups of the abandoned state (the pre-restore one included) no
    longer bind the restored database, at open and in verify."""
    from soloit.services.divergence import check_heads
    from soloit.store.backup import backup_folder

    root = tmp_path / "bk"
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 1)], "done")
    old = make_backup(store.path, backup_folder(root, store.facts().identity), kind="manual")
    for seq in range(2, 12):
        service.set_statuses([("koseki", seq)], "done")
    newer = make_backup(store.path, backup_folder(root, store.facts().identity), kind="manual")
    path = store.path
    store.close()
    result = restore(old.path, path, root)
    assert result.pre_restore is not None and result.pre_restore.journal_count == newer.journal_count
    reopened = open_database(path)
    try:
        heads = check_heads(reopened.raw(), backup_folder(root, reopened.facts().identity))
    finally:
        reopened.close()
    assert heads.divergences == []
    assert heads.before_rebase == 3  # old, newer and the pre-restore copy
