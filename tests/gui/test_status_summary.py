"""The status bar belongs to the view on screen: switching views (the navigation, or Ctrl+1 … Ctrl+7) shows the
current view's own summary at once, never the one of the view shown before (変更履歴 → Ctrl+1 read 「変更履歴 1,987 件」)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.test_wheel_guard import _demo_window

EXPECTED = {  # the start of each view's summary on the demo ledger
    "ledger": "全体の完了率",
    "tasks": "期限切れ",
    "initiatives": "DX取組",
    "budget": "令和",
    "handover": "引継ぎメモ",
    "history": "変更履歴",
    "municipality": "みどり野町",
}


def test_switching_views_shows_each_views_own_summary(qtbot, demo_store, context, settings, messages):
    win = _demo_window(qtbot, demo_store, context, settings, messages)
    journal = demo_store.query("SELECT count(*) FROM journal")[0][0]
    keys = [spec.key for spec in win.specs]
    assert set(keys) == set(EXPECTED)
    seen = {}
    for order in (keys, list(reversed(keys)), ["history", "ledger", "history", "tasks", "municipality", "ledger"]):
        for key in order:
            win.nav.setCurrentRow(keys.index(key))
            qtbot.waitUntil(lambda key=key: win.stack.currentWidget() is win.views.get(key))
            text = win.summary_label.text()
            assert text.startswith(EXPECTED[key]), (key, text)
            seen.setdefault(key, text)
            assert text == seen[key], (key, text, seen[key])  # the same view says the same thing each time
    assert seen["history"] == f"変更履歴 {journal:,} 件"
    assert "予算" in seen["budget"]

    # by the keyboard as a person does: 変更履歴 then Ctrl+1
    win.nav.setCurrentRow(keys.index("history"))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.views["ledger"])
    assert win.summary_label.text() == seen["ledger"]


def test_a_view_in_the_background_does_not_take_the_status_bar(qtbot, demo_store, context, settings, messages):
    win = _demo_window(qtbot, demo_store, context, settings, messages)
    keys = [spec.key for spec in win.specs]
    win.nav.setCurrentRow(keys.index("history"))
    history_text = win.summary_label.text()
    win.views["ledger"].summary.emit("全体の完了率 99.9%")  # the ledger refreshes while 変更履歴 is on screen
    assert win.summary_label.text() == history_text
    win.nav.setCurrentRow(keys.index("ledger"))
    assert win.summary_label.text() == "全体の完了率 99.9%"
