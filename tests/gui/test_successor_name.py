"""A successor's first start: the handover file (.soloit-handover) the predecessor wrote names the 後任者, and the
設定 dialog asked for the successor's name proposes it; accepted, it is the name the journal records from then on."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from soloit.context import AppContext
from soloit.services.handover_file import recorded_successor, write_handover_file
from soloit.settings import Settings
from soloit.ui.app import make_application, run_gui
from soloit.ui.dialogs.settings_dialog import SettingsDialog


def test_the_settings_dialog_proposes_the_successor_named_in_the_handover_file(tmp_path, qtbot, store):
    handover = tmp_path / "引継ぎ_札幌市_20270401.soloit-handover"
    write_handover_file(store, handover, actor="前任 太郎", predecessor="前任 太郎", successor="後任 花子")
    store.close()
    assert recorded_successor(handover) == "後任 花子"

    app = make_application()
    successor_pc = tmp_path / "successor"
    context = AppContext(
        successor_pc / "data", successor_pc / "config", successor_pc / "data" / "soloit.sqlite3", False, False
    )
    seen: dict[str, str] = {}

    def answer_first_run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or type(dialog).__name__ != "FirstRunDialog":
            QTimer.singleShot(50, answer_first_run)
            return
        dialog._choose_file = lambda _parent: str(handover)  # the file dialog answered
        dialog.open_button.click()
        QTimer.singleShot(50, answer_settings)

    def answer_settings() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(50, answer_settings)
            return
        seen["name"] = dialog.display_name.text()
        seen["note"] = dialog.proposed.text()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        QTimer.singleShot(300, close_main)

    def close_main() -> None:
        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                seen["title"] = widget.windowTitle()
                widget.close()
                QTimer.singleShot(0, app.quit)
                return
        QTimer.singleShot(50, close_main)

    QTimer.singleShot(0, answer_first_run)
    QTimer.singleShot(30_000, app.quit)  # a watchdog: never hang the suite
    assert run_gui(context) == 0
    assert seen["name"] == "後任 花子" and "後任者として記録された名前" in seen["note"]
    assert seen["title"] == "soloit — 札幌市"
    assert Settings.load(context.settings_path).display_name == "後任 花子"


def test_a_name_already_set_is_kept_and_nothing_is_proposed(qtbot):
    settings = Settings(display_name="情報政策係 山田")
    dialog = SettingsDialog(settings, proposed_name="後任 花子")
    qtbot.addWidget(dialog)
    assert dialog.display_name.text() == "情報政策係 山田" and dialog.proposed.text() == ""
