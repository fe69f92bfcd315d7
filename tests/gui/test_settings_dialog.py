"""The settings dialog holds the display name to the one text rule (soloit.settings.display_name_problem): a name
with control characters, broken characters or line breaks is refused with a Japanese message and nothing is saved.
The dialog is driven without exec(), so no modal dialog opens. (A lone surrogate cannot reach the dialog: QLineEdit
drops it on the way in; display_name_problem and the services refuse it — tests/unit/test_text_rules.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from soloit.settings import Settings, display_name_problem

BAD_NAMES = {
    "bell": "山田\x07",
    "escape": "山田\x1b[2J",
    "right-to-left override": "山田\u202e",
}


@pytest.fixture
def dialog(qtbot):
    from soloit.ui.dialogs.settings_dialog import SettingsDialog

    settings = Settings(display_name="テスト 花子")
    made = SettingsDialog(settings)
    qtbot.addWidget(made)
    return made


def _press_ok(dialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_good_name_is_saved(dialog):
    dialog.display_name.setText("情報政策係 山田")
    _press_ok(dialog)
    assert dialog.settings.display_name == "情報政策係 山田"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_an_empty_name_is_refused(dialog):
    dialog.display_name.setText("  ")
    _press_ok(dialog)
    assert dialog.settings.display_name == "テスト 花子"
    assert dialog.error.text() == "【あなたの名前】入力してください。"


@pytest.mark.parametrize("bad", list(BAD_NAMES.values()), ids=list(BAD_NAMES))
def test_a_name_the_text_rule_refuses_is_not_saved(dialog, bad):
    dialog.display_name.setText(bad)
    _press_ok(dialog)
    assert dialog.settings.display_name == "テスト 花子"
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text() == f"【あなたの名前】{display_name_problem(bad)}"


def test_the_handover_days_are_set_within_their_range(qtbot, dialog):
    from PySide6.QtCore import Qt

    spin = dialog.handover_days
    assert spin.value() == 7
    spin.selectAll()
    qtbot.keyClicks(spin, "120")  # beyond 90: the box keeps what it can take
    assert spin.value() == 12  # "120" is refused at its last digit
    spin.selectAll()
    qtbot.keyClicks(spin, "14")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    _press_ok(dialog)
    assert dialog.settings.handover_days == 14
