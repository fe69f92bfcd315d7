"""編集 → 直前の変更に理由を付ける: the reason becomes its own journal entry naming that change, and the history shows
it with the change."""

from __future__ import annotations

from PySide6.QtCore import Qt

from soloit.ui.dialogs.late_reason_dialog import LateReasonDialog
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN


def test_a_reason_given_after_the_change(qtbot, window, service, monkeypatch):
    table = window.ledger.steps
    index = window.ledger.model.index(16, FIRST_STEP_COLUMN + 39)  # 介護保険, step 40
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.keyClick(table, Qt.Key.Key_3)  # 完了済み, no reason typed beforehand
    changed = window.commander.last_changeset
    shown: list[str] = []
    monkeypatch.setattr(LateReasonDialog, "ask", classmethod(lambda _cls, _parent, what: shown.append(what) or "県の確認で完了"))
    window.late_reason_action.trigger()
    assert shown == ["介護保険 ステップ⑱-1 ステータス: 未着手 → 完了済み ほか 1 件"]  # the dialog says which change
    entries = service.journal(limit=5)
    newest = entries[0]
    assert (newest.action, newest.entity, newest.entity_key, newest.new_value) == ("annotate", "batch", changed.batch, "県の確認で完了")
    assert all(e.reason is None for e in entries[1:4])  # the change's own entries are not rewritten
    history = [window.ledger.detail.history.item(i).text() for i in range(window.ledger.detail.history.count())]
    status_line = next(line for line in history if "ステータス: 未着手 → 完了済み" in line)
    assert "県の確認で完了" in status_line and "が追記" in status_line


def test_without_a_change_there_is_nothing_to_give_a_reason_to(qtbot, window, service):
    before = len(service.journal(limit=1000))
    window.late_reason_action.trigger()
    assert "まだありません" in window.statusBar().currentMessage()
    assert len(service.journal(limit=1000)) == before


def test_a_late_reason_obeys_the_text_rules(qtbot, window, service, messages, monkeypatch):
    table = window.ledger.steps
    index = window.ledger.model.index(0, FIRST_STEP_COLUMN)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.keyClick(table, Qt.Key.Key_2)
    before = len(service.journal(limit=1000))
    monkeypatch.setattr(LateReasonDialog, "ask", classmethod(lambda _cls, _parent, _what: "ベル\x07"))
    window.late_reason_action.trigger()
    assert len(service.journal(limit=1000)) == before
    assert messages and "制御文字" in messages[-1][1]
