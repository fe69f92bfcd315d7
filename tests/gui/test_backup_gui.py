"""ファイル → 今すぐバックアップ / バックアップから復元… in the main window, over a real session."""

from __future__ import annotations

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


def test_when_another_soloit_takes_the_lock_editing_stops_with_one_message(qtbot, store, context, settings, messages):
    import json
    import os

    window, session = _session_window(qtbot, store, context, settings, messages)
    lock_file = session.lock.path
    data = json.loads(lock_file.read_text(encoding="utf-8"))
    data.update(host="OTHER-PC", user="後任 三郎", pid=os.getpid() + 100000)
    lock_file.unlink()
    lock_file.write_text(json.dumps(data), encoding="utf-8")  # someone else's lock now
    window.controller.heartbeat()
    window.controller.heartbeat()  # the next tick says nothing more
    assert len(messages) == 1
    assert not window.ledger.isEnabled() and not window.municipality.isEnabled()
    assert "編集を止めました" in window.statusBar().currentMessage()
    session.store.close()


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


def test_a_heartbeat_on_a_full_disk_says_so_and_editing_goes_on(qtbot, store, context, settings, messages, monkeypatch):
    """Disk full is not another soloit taking over: one message naming the cause, editing stays on, and the notice
    clears once a heartbeat succeeds again."""
    import errno

    from soloit.store import lock as lockmod

    window, session = _session_window(qtbot, store, context, settings, messages)
    real_write = lockmod._write_all

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lockmod, "_write_all", full)
    window.controller.heartbeat()
    window.controller.heartbeat()
    assert len(messages) == 1 and "空き容量" in messages[0][1] and "移ったのではなく" in messages[0][1]
    assert window.ledger.isEnabled() and not window.controller.lock_lost
    assert "ロックファイルを更新できませんでした" in window.statusBar().currentMessage()
    monkeypatch.setattr(lockmod, "_write_all", real_write)
    window.controller.heartbeat()
    assert "更新できました" in window.statusBar().currentMessage()
    assert session.lock.held
    session.close(backup=False)


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
