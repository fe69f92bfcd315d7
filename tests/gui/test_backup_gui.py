"""ファイル → 今すぐバックアップ / バックアップから復元… in the main window, over a real session."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from soloit.services.backups import list_backups
from soloit.services.session import Prompts, open_session
from soloit.ui.app import make_application, open_window
from soloit.ui.dialogs.restore_dialog import RestoreDialog
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN


def _session_window(qtbot, store, context, settings, messages):
    path = store.path
    store.close()
    make_application()
    session = open_session(context, settings, path, Prompts(messages, lambda *_: False, lambda *_: False))
    window = open_window(context, session.store, settings, session=session)
    window.message_sink = messages
    window.commander.sink = messages
    window.jobs.sink = messages  # a job's error is shown by the runner
    qtbot.addWidget(window)
    window.show()
    return window, session


def test_backup_now_and_restore_from_the_menu(qtbot, store, context, settings, messages):
    window, session = _session_window(qtbot, store, context, settings, messages)
    service = window.commander.services.ledger
    service.set_statuses([("koseki", 5)], "done")
    window.ledger.load()
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)  # a job: the window stays responsive
    backups = list_backups(session.backup_dir)
    assert len(backups) == 1 and "バックアップを作成しました" in window.statusBar().currentMessage()

    table = window.ledger.steps
    index = window.ledger.model.index(10, FIRST_STEP_COLUMN + 4)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert window.commander.services.ledger.cell("koseki", 5).status == "not_started"

    offered, asked = [], []
    window.controller.ask_restore = lambda found, folder: offered.append((found, folder)) or found[0]
    window.controller.confirm = lambda _parent, title, text: asked.append(text) or True
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    assert offered[0][0][0].path == backups[0].path
    # the prompt names 団体名 and 団体コード, the backup's date and its entry count
    assert "札幌市（011002）" in asked[0] and f"変更記録 {backups[0].journal_count:,} 件" in asked[0]
    assert "復元しました" in window.statusBar().currentMessage()
    assert window.commander.services.ledger.cell("koseki", 5).status == "done"  # a new service over the restored file
    assert window.ledger.model.index(10, FIRST_STEP_COLUMN + 4).data() == "●"
    kinds = sorted(b.kind for b in list_backups(session.backup_dir))
    assert kinds == ["manual", "pre-restore"]
    assert messages == []
    session.close(backup=False)


def test_restore_dialog_lists_backups(qtbot, store, context, settings, messages):
    window, session = _session_window(qtbot, store, context, settings, messages)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    dialog = RestoreDialog(list_backups(session.backup_dir), session.backup_dir)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "手動"
    assert dialog.table.item(0, 2).text() == "札幌市（011002）"
    assert dialog.selected() is not None
    session.close(backup=False)


@pytest.mark.skipif(os.name != "posix", reason="Windows does not let an open lock file be removed")
def test_when_another_soloit_takes_the_lock_editing_stops_with_one_message(qtbot, store, context, settings, messages):
    """The OS holds the lock for the session; only a lock file removed by hand lets another soloit lock a new one.
    The next check finds it: one message naming who has it, editing stops."""
    from soloit.store.lock import WriterLock

    window, session = _session_window(qtbot, store, context, settings, messages)
    session.lock.path.unlink()
    other = WriterLock(session.store.path, host="OTHER-PC", user="後任 三郎")
    other.acquire()
    window.controller.check_lock()
    window.controller.check_lock()  # the next tick says nothing more
    assert len(messages) == 1 and "後任 三郎" in messages[0][1]
    assert not window.ledger.isEnabled() and not window.municipality.isEnabled()
    assert "編集を止めました" in window.statusBar().currentMessage()
    session.close(backup=False)
    assert other.holder()["user"] == "後任 三郎"  # the other's lock and record untouched
    other.release()


def test_verify_from_the_menu_runs_as_a_job_and_says_what_it_found(qtbot, store, context, settings, messages):
    window, session = _session_window(qtbot, store, context, settings, messages)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    window.verify_action.trigger()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    title, text = messages[-1]
    assert title == "データベースの検証"
    assert "改ざんの跡はありません" in text and "バックアップ 1 個" in text
    session.close(backup=False)


def test_the_about_box_lists_the_exact_library_versions():
    from importlib.metadata import version

    from soloit.ui.dialogs.about_dialog import about_text

    text = about_text()
    assert f"SQLAlchemy {version('SQLAlchemy')}" in text and f"openpyxl {version('openpyxl')}" in text
    assert "ネットワークには接続しません" in text


def test_the_backup_message_gives_the_time_in_japan_time(qtbot, store, context, settings, messages):
    from datetime import UTC, datetime

    from soloit.domain.clock import FixedClock

    window, session = _session_window(qtbot, store, context, settings, messages)
    session.clock = FixedClock(datetime(2026, 11, 22, 23, 30, 5, tzinfo=UTC))  # 08:30:05 on the 23rd in Japan
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    [made] = list_backups(session.backup_dir)
    assert made.path.name.startswith("soloit-backup-20261122T233005")  # the file's name sorts by UTC
    message = window.statusBar().currentMessage()
    assert message.startswith("2026/11/23 08:30:05（日本時間）のバックアップを作成しました（変更記録 ")
    assert f"保存先: {made.path.parent}" in message and "20261122T" not in message
    assert messages == []
    session.close(backup=False)
