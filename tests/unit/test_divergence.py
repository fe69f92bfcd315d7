"""The database must extend what its backups recorded (issue "Trust and everyday use", point 2, the journal part).

Two ledgers whose chain verifies on its own: one cut short (an older copy of the file put back), one whose
journal was rewritten and rehashed as a whole. Compared with the backups of the same database, `soloit verify`
fails (exit 1) naming the backup, and opening it (`open_session`) says so in Japanese, names the backup and offers
to restore it, to look read-only, or to accept the loss explicitly (recorded in the journal) — never silently."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from soloit.cli import EXIT_FAILED, EXIT_OK, main
from soloit.context import AppContext
from soloit.services.divergence import backup_label
from soloit.services.integrity import verify
from soloit.services.session import ACCEPT, QUIT, READ_ONLY, RESTORE, Prompts, open_session
from soloit.settings import Settings
from soloit.store.backup import backup_folder, list_backups, make_backup
from soloit.store.db import open_database
from soloit.store.errors import ReadOnlyError
from soloit.store.journal import _HASHED_FIELDS, entry_hash
from soloit.store.lock import held_by_running_writer
from tests.helpers import AllServices as LedgerService
from tests.helpers import Asked, never_asked

COLUMNS = (*_HASHED_FIELDS, "hash")


def status(store_or_path, code: str = "koseki", seq: int = 1) -> str:
    if isinstance(store_or_path, Path):
        store = open_database(store_or_path, readonly=True)
        try:
            return LedgerService(store, lambda: "").cell(code, seq).status
        finally:
            store.close()
    return LedgerService(store_or_path, lambda: "").cell(code, seq).status


def journal_rows(path: Path, where: str = "1") -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT entity, field, new_value FROM journal WHERE {where} ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def setting(store, tmp_path):
    """A ledger with a backup of its newest state in its own folder. Returns (path, context, settings, backup)."""
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 1)], "in_progress")
    context = AppContext(tmp_path / "data", tmp_path / "config", store.path, False, True)
    return store, context, Settings(display_name="山田 太郎"), service


def cut_short(setting) -> tuple[Path, AppContext, Settings, object]:
    """An older copy of the file put back after a backup recorded more (its chain is sound on its own)."""
    store, context, settings, _service = setting
    path = store.path
    store.close()
    older = path.with_name("older.sqlite3")
    shutil.copyfile(path, older)
    reopened = open_database(path)
    LedgerService(reopened, lambda: "山田").set_statuses([("koseki", 1), ("koseki", 2)], "done")
    identity = reopened.facts().identity
    backup = make_backup(path, backup_folder(context.backup_dir(), identity), kind="exit")
    reopened.close()
    shutil.copyfile(older, path)
    return path, context, settings, backup


def rehashed(setting) -> tuple[Path, AppContext, Settings, object]:
    """After a backup, entry 2's actor is rewritten and every later hash and the head recomputed."""
    store, context, settings, _service = setting
    path = store.path
    identity = store.facts().identity
    backup = make_backup(path, backup_folder(context.backup_dir(), identity), kind="manual")
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER journal_no_update")
    prev = None
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM journal ORDER BY id").fetchall():
        values = dict(zip(COLUMNS, row, strict=True))
        if values["id"] == 2:
            values["actor"] = "別人"
        if prev is not None:
            values["prev_hash"] = prev
        values["hash"] = entry_hash(values)
        conn.execute(
            "UPDATE journal SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (values["actor"], values["prev_hash"], values["hash"], values["id"]),
        )
        prev = values["hash"]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'journal_head'", (prev,))
    conn.commit()
    conn.close()
    return path, context, settings, backup


CASES = {"cut-short": cut_short, "rehashed": rehashed}


@pytest.fixture(params=sorted(CASES))
def diverged(request, setting):
    return request.param, CASES[request.param](setting)


def expected_words(case: str, backup) -> list[str]:
    if case == "cut-short":
        return ["しかありませんが", f"{backup.journal_count:,} 件が記録されています", "確定済みの変更が失われたか"]
    return [f"{backup.journal_count:,} 件目が", "一致しません", "書き換えられた跡"]


def test_the_chain_alone_verifies(diverged):
    _case, (path, _context, _settings, _backup) = diverged
    store = open_database(path, readonly=True)
    try:
        assert verify(store).ok  # only the backups can show what happened
    finally:
        store.close()


def test_cli_verify_fails_naming_the_backup(diverged, capsys, monkeypatch):
    case, (path, context, _settings, backup) = diverged
    monkeypatch.setenv("XDG_DATA_HOME", str(context.data_dir.parent / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(context.config_dir))
    Settings(backup_dir=str(context.backup_dir())).save(context.config_dir / "soloit" / "settings.json")
    assert main(["verify", "--db", str(path)]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.startswith("soloit: 検証に失敗しました（改ざんまたは欠落の跡）：")
    assert backup_label(backup) in err and backup.path.name in err
    for word in expected_words(case, backup):
        assert word in err, err


def test_open_says_so_and_quit_changes_nothing(diverged):
    case, (path, context, settings, backup) = diverged
    before = path.read_bytes()
    asked = Asked(QUIT)
    assert open_session(context, settings, path, asked.prompts()) is None
    [(text, offered)] = asked.lost
    assert text.startswith("このデータベースは、バックアップに記録された変更を含んでいません。")
    assert backup_label(backup) in text and backup.path.name in text
    for word in expected_words(case, backup):
        assert word in text
    assert offered.path == backup.path  # the backup that recorded more passes its check: it is offered
    assert path.read_bytes() == before and not held_by_running_writer(path)
    # without an answer for lost changes the open flow stops too: never silently on
    assert open_session(context, settings, path, Prompts(lambda *_: None, lambda *_: False, lambda *_: False)) is None
    assert path.read_bytes() == before


def test_read_only_shows_the_live_data_and_writes_nothing(diverged):
    case, (path, context, settings, backup) = diverged
    asked = Asked(READ_ONLY)
    session = open_session(context, settings, path, asked.prompts())
    assert session is not None and len(asked.lost) == 1
    try:
        assert session.readonly and session.store.readonly and session.lock is None
        assert not held_by_running_writer(path)
        assert status(session.store) == "in_progress"
        if case == "cut-short":
            assert status(session.store, seq=2) == "not_started"  # the change only the backup holds is not shown
        with pytest.raises(ReadOnlyError):
            LedgerService(session.store, lambda: "").set_statuses([("koseki", 3)], "done")
        with pytest.raises(ReadOnlyError):
            session.backup_now()
        assert any("読み取り専用で開きました" in m for m in session.messages)
    finally:
        made = session.close()
    assert made is None
    assert [b.path for b in list_backups(backup.path.parent)] == [backup.path]  # no backup of the lost state
    assert status(path, seq=3) == "not_started"


def test_restore_puts_the_backup_back_and_the_next_open_does_not_ask(diverged):
    case, (path, context, settings, backup) = diverged
    asked = Asked(RESTORE)
    session = open_session(context, settings, path, asked.prompts())
    assert session is not None and not session.readonly
    try:
        if case == "cut-short":
            assert status(session.store, seq=2) == "done"
        store = session.store
        assert verify(store).ok
        assert journal_rows(path, "entity = 'database'")[-1][1] == "restore"
        assert any(f"{backup.path.name} から復元しました" in m for m in session.messages)
    finally:
        session.close(backup=False)
    kinds = sorted(b.kind for b in list_backups(backup.path.parent))
    assert kinds == sorted([backup.kind, "pre-restore"])  # the replaced state is kept as a backup
    again = open_session(context, settings, path, never_asked())
    assert again is not None
    again.close(backup=False)


def test_accept_is_recorded_and_the_next_open_does_not_ask(diverged, capsys, monkeypatch):
    _case, (path, context, settings, backup) = diverged
    asked = Asked(ACCEPT)
    session = open_session(context, settings, path, asked.prompts())
    assert session is not None and not session.readonly
    try:
        [(entity, field, value)] = journal_rows(path, "entity = 'database' AND field = 'accept'")
        assert (entity, field) == ("database", "accept")
        assert backup.path.name in value
        assert any("了承して開きました" in m for m in session.messages)
        LedgerService(session.store, lambda: "").set_statuses([("koseki", 4)], "done")  # writable
    finally:
        session.close(backup=False)
    again = open_session(context, settings, path, never_asked())
    assert again is not None
    again.close(backup=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(context.data_dir.parent / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(context.config_dir))
    Settings(backup_dir=str(context.backup_dir())).save(context.config_dir / "soloit" / "settings.json")
    assert main(["verify", "--db", str(path)]) == EXIT_OK
    assert "改ざんの跡はありません" in capsys.readouterr().out


def test_an_ordinary_restore_of_an_older_backup_is_not_taken_for_lost_changes(store, tmp_path, capsys, monkeypatch):
    """Yesterday's backup restored over today's ledger: the replaced state is kept as a pre-restore backup with
    more entries, but it is what the user chose to leave; the next open and `soloit verify` do not complain."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    context = AppContext.resolve(store.path)
    path = store.path
    service = LedgerService(store, lambda: "山田")
    identity = store.facts().identity
    yesterday = make_backup(path, backup_folder(context.backup_dir(), identity), kind="exit")
    service.set_statuses([("koseki", s) for s in range(1, 6)], "done")
    store.close()
    assert main(["restore", str(yesterday.path), "--db", str(path)]) == EXIT_OK
    capsys.readouterr()
    pre = [b for b in list_backups(yesterday.path.parent) if b.kind == "pre-restore"]
    assert len(pre) == 1 and pre[0].journal_count > yesterday.journal_count
    assert main(["verify", "--db", str(path)]) == EXIT_OK, capsys.readouterr().err
    capsys.readouterr()
    session = open_session(context, Settings(), path, never_asked())
    assert session is not None
    try:
        assert status(session.store, seq=5) == "not_started"
    finally:
        session.close(backup=False)


def test_a_restore_chosen_at_open_that_fails_is_explained_not_raised(diverged, monkeypatch):
    import errno
    import os

    _case, (path, context, settings, _backup) = diverged
    real = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith(".restoring"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    asked = Asked(RESTORE)
    assert open_session(context, settings, path, asked.prompts()) is None
    monkeypatch.undo()
    [(title, text)] = asked.errors
    assert title == "データベースを開けません"
    assert "ディスクの空き容量が足りません" in text and "今のデータベースは変更していません" in text
    assert not held_by_running_writer(path)
    again = Asked(QUIT)
    assert open_session(context, settings, path, again.prompts()) is None
    assert len(again.lost) == 1  # nothing was decided: asked again
