"""Start-up pieces: Qt's Japanese strings, the first-run dialog, settings, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from soloit.services.session import adopt_existing
from soloit.services.setup import validate_profile
from soloit.settings import Settings
from soloit.ui.app import make_application
from soloit.ui.dialogs.first_run import FirstRunDialog
from soloit.ui.dialogs.settings_dialog import SettingsDialog


def test_qt_standard_buttons_are_japanese(qtbot):
    make_application()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().startswith("キャンセル")


def test_first_run_new_validates_before_closing(qtbot):
    dialog = FirstRunDialog(validate_new=validate_profile)
    qtbot.addWidget(dialog)
    dialog.new_button.click()
    assert dialog.pages.currentIndex() == 1
    dialog.prefecture.setCurrentIndex(dialog.prefecture.findData("01"))
    dialog.name.setText("札幌市")
    dialog.lg_code.setText("011003")
    dialog.display_name.setText("山田")
    dialog.findChild(type(dialog.new_button), "first_run_create").click()
    assert dialog.choice is None
    assert "団体コード" in dialog.error.text()
    dialog.lg_code.setText("011002")
    dialog.findChild(type(dialog.new_button), "first_run_create").click()
    assert dialog.choice is not None
    assert (dialog.choice.kind, dialog.choice.lg_code, dialog.choice.display_name) == ("new", "011002", "山田")


def test_first_run_requires_a_display_name(qtbot):
    dialog = FirstRunDialog(validate_new=validate_profile)
    qtbot.addWidget(dialog)
    dialog.new_button.click()
    dialog.name.setText("札幌市")
    dialog.lg_code.setText("011002")
    dialog.findChild(type(dialog.new_button), "first_run_create").click()
    assert dialog.choice is None
    assert "あなたの名前" in dialog.error.text()


def test_first_run_demo_and_open(qtbot, tmp_path):
    dialog = FirstRunDialog(choose_file=lambda _parent: str(tmp_path / "handed-over.sqlite3"))
    qtbot.addWidget(dialog)
    dialog.open_button.click()
    assert (dialog.choice.kind, dialog.choice.path) == ("open", str(tmp_path / "handed-over.sqlite3"))
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    assert dialog.choice.kind == "demo"


def test_adopting_a_predecessors_file_copies_it_and_leaves_the_original(store, tmp_path):
    from tests.helpers import AllServices as LedgerService

    LedgerService(store, lambda: "前任").set_statuses([("koseki", 1)], "done")
    source_bytes = store.path.read_bytes()
    target = tmp_path / "local" / "soloit.sqlite3"
    adopted = adopt_existing(store.path, target)
    try:
        assert LedgerService(adopted, lambda: "後任").cell("koseki", 1).status == "done"
    finally:
        adopted.close()
    assert store.path.read_bytes() == source_bytes


def test_settings_dialog_saves_display_name(qtbot):
    settings = Settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.display_name.setText("情報政策係 山田")
    QTimer.singleShot(0, lambda: None)
    dialog._accept()
    assert settings.display_name == "情報政策係 山田"


def test_geometry_and_splitters_are_remembered(qtbot, window, settings, context):
    window.resize(1100, 700)
    window.ledger.splitter.setSizes([500, 500])
    sizes = window.ledger.splitter.sizes()
    window.close()
    saved = Settings.load(context.settings_path)
    assert "main_geometry" in saved.ui_state and "splitter_ledger.main" in saved.ui_state

    from soloit.ui.app import open_window

    again = open_window(context, window.commander.services.store, saved)
    qtbot.addWidget(again)
    again.show()
    QApplication.processEvents()
    assert again.size().width() == 1100
    assert again.ledger.splitter.sizes() == sizes


def test_window_fits_1366_by_768(window):
    assert window.minimumSizeHint().width() <= 1366
    assert window.minimumSizeHint().height() <= 768

