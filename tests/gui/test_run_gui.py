"""The whole start-up as a user meets it: no data yet → first-run dialog → 新しく始める → the main window;
on exit a backup is made and the writer lock is released."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from soloit.context import AppContext
from soloit.settings import Settings
from soloit.store.lock import held_by_running_writer
from soloit.ui.app import make_application, run_gui


def test_first_run_new_ledger_then_exit_backup(tmp_path, qtbot):
    app = make_application()
    context = AppContext(tmp_path / "data", tmp_path / "config", tmp_path / "data" / "soloit.sqlite3", False, False)
    seen: list[str] = []

    def answer_first_run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or type(dialog).__name__ != "FirstRunDialog":
            QTimer.singleShot(50, answer_first_run)
            return
        seen.append("first-run")
        dialog.new_button.click()
        dialog.prefecture.setCurrentIndex(dialog.prefecture.findData("01"))
        dialog.name.setText("札幌市")
        dialog.lg_code.setText("011002")
        dialog.display_name.setText("情報政策係 山田")
        dialog.findChild(type(dialog.new_button), "first_run_create").click()
        QTimer.singleShot(300, close_main)

    def close_main() -> None:
        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                seen.append(widget.windowTitle())
                seen.append("locked" if held_by_running_writer(context.db_path) else "not locked")
                widget.close()
                QTimer.singleShot(0, app.quit)
                return
        QTimer.singleShot(50, close_main)

    QTimer.singleShot(0, answer_first_run)
    QTimer.singleShot(30_000, app.quit)  # a watchdog: never hang the suite
    assert run_gui(context) == 0
    assert seen == ["first-run", "soloit — 札幌市", "locked"]
    assert context.db_path.exists()
    assert not held_by_running_writer(context.db_path)
    from soloit.store.backup import list_backups

    [folder] = (context.data_dir / "backups").iterdir()  # the new ledger's own backup folder
    kinds = sorted(b.kind for b in list_backups(folder))
    assert kinds == ["exit", "start"]
    saved = Settings.load(context.settings_path)
    assert saved.display_name == "情報政策係 山田" and saved.last_db == str(context.db_path)
