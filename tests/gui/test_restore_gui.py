"""Restore in the main window (issue "Trust and everyday use", points 1 and 5), over a real session and real
widgets; no dialog opens (the controller's seams answer): the restore list holds this database's backups only,
another database's file is restored only after a warning that names both, every prompt names 団体名, 団体コード,
the backup's date and its entry count, and a restore that fails never reports success."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from soloit.domain.clock import format_jst
from soloit.services.session import Prompts, open_session
from soloit.services.setup import create_ledger
from soloit.store.backup import backup_folder, list_backups, make_backup
from soloit.ui.app import make_application, open_window
from tests.helpers import AllServices as LedgerService

SAPPORO = "札幌市（011002）"
HAKODATE = "函館市（012025）"


@pytest.fixture
def opened(qtbot, store, context, settings, messages):
    """The main window over a session of 札幌市 with one backup (koseki/1 done in it, in_progress now)."""
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "done")
    identity = store.facts().identity
    backup = make_backup(store.path, backup_folder(context.backup_dir(), identity), kind="manual")
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "in_progress")
    path = store.path
    store.close()
    make_application()
    session = open_session(context, settings, path, Prompts(messages, lambda *_: False, lambda *_: False))
    assert session is not None
    window = open_window(context, session.store, settings, session=session)
    window.message_sink = messages
    window.commander.sink = messages
    window.jobs.sink = messages
    qtbot.addWidget(window)
    window.show()
    yield window, session, backup
    window.jobs.wait_all()
    session.close(backup=False)


def journal_head(path: Path) -> tuple[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(conn.execute("SELECT value FROM meta WHERE key IN ('journal_count', 'journal_head') ORDER BY key"))
    finally:
        conn.close()


def other_ledger_backup(tmp_path: Path, root: Path):
    path = tmp_path / "hakodate.sqlite3"
    other = create_ledger(path, "01", "函館市", "012025", actor="佐藤")
    LedgerService(other, lambda: "佐藤").set_statuses([("koseki", 1), ("koseki", 2)], "not_applicable")
    identity = other.facts().identity
    other.close()
    return make_backup(path, backup_folder(root, identity), kind="exit")


def test_the_restore_list_holds_this_databases_backups_and_the_prompt_names_it(qtbot, opened, tmp_path, context):
    window, _session, backup = opened
    theirs = other_ledger_backup(tmp_path, context.backup_dir())
    stray = backup.path.parent / theirs.path.name  # another database's backup put into this folder by hand
    shutil.copyfile(theirs.path, stray)
    shutil.copyfile(f"{theirs.path}.json", f"{stray}.json")
    offered, asked = [], []
    window.controller.ask_restore = lambda found, folder: offered.append((found, folder)) or None
    window.restore_action.trigger()
    [(found, folder)] = offered
    assert [b.path for b in found] == [backup.path] and folder == backup.path.parent

    window.controller.ask_restore = lambda found, folder: found[0]
    window.controller.confirm = lambda _parent, title, text: asked.append((title, text)) or False
    window.restore_action.trigger()
    [(title, text)] = asked
    assert title == "バックアップから復元"
    assert SAPPORO in text and format_jst(backup.created_at) in text and f"変更記録 {backup.journal_count:,} 件" in text
    assert not window.jobs.busy and window.controller.session.store.facts().municipality == "札幌市"


def test_another_databases_file_needs_a_warning_naming_both(qtbot, opened, tmp_path, context, messages):
    window, session, _backup = opened
    path = session.store.path
    theirs = other_ledger_backup(tmp_path, tmp_path / "elsewhere")
    before = journal_head(path)
    asked: list[tuple[str, str]] = []
    window.controller.choose_file = lambda _parent: theirs.path
    window.controller.confirm = lambda _parent, title, text: asked.append((title, text)) or False
    window.controller.restore_from_other_file()
    [(title, text)] = asked
    assert title == "別のデータベースのバックアップ"
    assert f"今のデータベース: {SAPPORO}" in text
    assert f"バックアップ: {HAKODATE} {format_jst(theirs.created_at)}" in text
    assert f"変更記録 {theirs.journal_count:,} 件" in text
    assert not window.jobs.busy and journal_head(path) == before  # declined: nothing happened

    window.controller.confirm = lambda _parent, title, text: True
    window.controller.restore_from_other_file()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    assert "から復元しました" in window.statusBar().currentMessage()
    assert messages == []
    facts = window.controller.session.store.facts()
    assert (facts.municipality, facts.lg_code) == ("函館市", "012025")
    assert window.controller.session.identity == theirs.identity
    assert window.windowTitle() == "soloit — 函館市"
    assert window.commander.services.ledger.cell("koseki", 2).status == "not_applicable"


def test_a_restore_whose_backup_fails_its_check_reports_no_success(qtbot, opened, messages):
    window, session, backup = opened
    path = session.store.path
    conn = sqlite3.connect(backup.path)  # the backup was changed behind soloit's back
    conn.execute("DROP TRIGGER journal_no_update")
    conn.execute("UPDATE journal SET actor = '誰か' WHERE id = 2")
    conn.commit()
    conn.close()
    before = journal_head(path)
    window.controller.ask_restore = lambda found, folder: found[0]
    window.controller.confirm = lambda *_: True
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    status = window.statusBar().currentMessage()
    assert "復元しました" not in status
    assert status == "復元できませんでした。データベースは復元前のままです。"
    [(title, text)] = messages
    assert title == "データベースを使えません"
    assert f"バックアップ「{backup.path.name}」は使えません。" in text and "変更記録の検証に失敗しました" in text
    assert journal_head(path) == before
    assert window.commander.services.ledger.cell("koseki", 1).status == "in_progress"  # the window works again
    assert [b.kind for b in list_backups(backup.path.parent)] == ["manual"]  # no pre-restore: nothing replaced
    assert not list(path.parent.glob(f"{path.name}.restoring*"))


def test_a_restore_that_fails_while_writing_reports_no_success(qtbot, opened, messages, monkeypatch):
    window, session, _backup = opened
    path = session.store.path
    before = journal_head(path)
    real_replace = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith(".restoring"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    window.controller.ask_restore = lambda found, folder: found[0]
    window.controller.confirm = lambda *_: True
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    monkeypatch.undo()
    assert window.statusBar().currentMessage() == "復元できませんでした。データベースは復元前のままです。"
    [(_title, text)] = messages
    assert text.startswith(f"復元するデータベースを「{path.parent}」に書き込めません: ディスクの空き容量が足りません")
    assert "今のデータベースは変更していません" in text and "バックアップを保存先" not in text
    assert journal_head(path) == before
    assert window.commander.services.ledger.cell("koseki", 1).status == "in_progress"
    assert not list(path.parent.glob(f"{path.name}.restoring*"))


def test_the_start_up_rescue_question_names_the_backup(monkeypatch, store, tmp_path):
    """The GUI's question for a damaged file names 団体名, 団体コード, the backup's date and its entry count."""
    from PySide6.QtWidgets import QMessageBox

    from soloit.ui.app import gui_prompts

    made = make_backup(store.path, tmp_path / "bk", kind="start")
    shown: list[tuple[str, str]] = []

    def question(_parent, title, text, *_args):
        shown.append((title, text))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    make_application()
    assert gui_prompts().ask_rescue("データベース「x」が壊れています。", made) is False
    [(title, text)] = shown
    assert title == "データベースが壊れています"
    assert f"{SAPPORO} {format_jst(made.created_at)} の起動時バックアップ（変更記録 {made.journal_count:,} 件）" in text


def test_another_file_that_is_not_soloits_is_named_and_nothing_is_asked(qtbot, opened, tmp_path, messages):
    window, session, _backup = opened
    path = session.store.path
    report = tmp_path / "報告書.xlsx"
    report.write_bytes(b"PK\x03\x04" + bytes(200))
    before = journal_head(path)
    asked: list = []
    window.controller.choose_file = lambda _parent: report
    window.controller.confirm = lambda *args: asked.append(args) or True
    window.controller.restore_from_other_file()
    assert asked == [] and not window.jobs.busy
    [(_title, text)] = messages
    assert text.startswith(f"「{report}」は soloit のデータベースではありません（Excel や Word などの Office 文書")
    assert "このファイルには何もしていません" in text
    assert report.read_bytes() == b"PK\x03\x04" + bytes(200)
    assert journal_head(path) == before


def test_a_backup_into_a_full_folder_names_the_folder_in_the_window(qtbot, opened, messages, monkeypatch):
    window, session, backup = opened
    folder = backup.path.parent
    before = sorted(p.name for p in folder.iterdir())
    real = os.replace

    def full(src, dst, *args, **kwargs):
        if Path(dst).parent == folder:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    monkeypatch.undo()
    [(_title, text)] = messages
    assert text.startswith(f"バックアップを保存先「{folder}」に書き込めません: ディスクの空き容量が足りません")
    assert str(session.store.path) not in text
    assert "作成しました" not in window.statusBar().currentMessage()
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing partial left


@pytest.mark.parametrize("kind", ["xlsx", "other-sqlite"])
def test_starting_the_gui_on_a_wrong_file_names_it_and_changes_nothing(qtbot, tmp_path, monkeypatch, kind):
    """`soloit --db 報告書.xlsx`: one message saying it is not a soloit database; no question, no rename, no new
    file (run_gui with the message boxes recorded instead of shown)."""
    from PySide6.QtWidgets import QMessageBox

    from soloit.context import AppContext
    from soloit.ui.app import run_gui

    work = tmp_path / "work"
    work.mkdir()
    if kind == "xlsx":
        path = work / "報告書.xlsx"
        path.write_bytes(b"PK\x03\x04" + bytes(300))
    else:
        path = work / "家計簿.sqlite3"
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t(x)")
        conn.execute("INSERT INTO t VALUES ('家計')")
        conn.commit()
        conn.close()
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text, *_a: shown.append(("critical", title, text)))
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *_a: shown.append(("question", title, text)))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text, *_a: shown.append(("information", title, text)))
    app = make_application()
    context = AppContext(tmp_path / "data", tmp_path / "config", path, False, True)
    assert run_gui(context) == 2
    for widget in app.topLevelWidgets():  # the window shown before the database was looked at
        if type(widget).__name__ == "MainWindow":
            widget.close()
            widget.deleteLater()
    [(box, title, text)] = shown
    assert (box, title) == ("critical", "データベースを開けません")
    assert f"「{path}」は soloit のデータベースではありません" in text and "このファイルには何もしていません" in text
    assert {p.name: p.read_bytes() for p in work.iterdir()} == before


def test_the_restore_prompt_says_how_many_changes_it_takes_back(qtbot, opened):
    window, session, backup = opened
    ledger = window.commander.services.ledger
    for seq in range(1, 4):
        ledger.edit_cell("koseki", seq, "note", f"復元で消えるメモ{seq}")  # one journal entry each
    now = int(journal_head(session.store.path)[0][0])
    taken_back = now - backup.journal_count
    assert taken_back >= 4  # the status set after the backup, and the three notes
    asked: list[str] = []
    window.controller.ask_restore = lambda found, folder: found[0]
    window.controller.confirm = lambda _parent, _title, text: asked.append(text) or False
    window.restore_action.trigger()
    [text] = asked
    assert f"この復元で {taken_back} 件の変更が取り消されます（{now:,} 件 → {backup.journal_count:,} 件）。" in text
    assert "今のデータベースにない変更" not in text
