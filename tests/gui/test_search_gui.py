"""検索 (Ctrl+F) as a person uses it: from any view, words typed through the IME, results grouped by area, Enter
opening a note in 引継ぎ and a change of a deleted note opening its history."""

from __future__ import annotations

from PySide6.QtCore import Qt

from soloit.services.entities import NOTE
from tests.helpers import ime_type


def _search(qtbot, window, text: str):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.focusWidget() is dialog.query  # (offscreen, the dialog is never the active window)
    ime_type(dialog.query, text)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # search now, the first result selected
    return dialog


def test_ctrl_f_finds_and_opens_a_note(qtbot, window, context):
    services = window.commander.services
    note = int(services.handover.add_note("住基の移行判定", body="判定会議は1月8日").created(NOTE)[0])
    services.handover.add_contact("サポートデスク", role="ＬＧＷＡＮの窓口")
    window.nav.setCurrentRow(2)  # from another view
    dialog = _search(qtbot, window, "移行判定")
    groups = [label for label, _hit in dialog.hits()]
    assert groups[0] == "引継ぎメモ（1件）" and groups[-1].startswith("変更履歴")
    assert dialog.results.currentItem().text(0) == "住基の移行判定"
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    handover = window.views["handover"]
    assert window.stack.currentWidget() is handover and handover.note_form.record_id == note
    assert (context.data_dir / "search-index" / f"{services.store.facts().identity}.sqlite3").exists()

    dialog = _search(qtbot, window, "lgwan")  # 全角 in the data, 半角 typed
    assert [hit.title for label, hit in dialog.hits() if label.startswith("連絡先")] == ["サポートデスク"]
    dialog = _search(qtbot, window, "戸籍")  # two characters
    assert [hit.title for label, hit in dialog.hits() if label.startswith("システム")][:2] == ["戸籍", "戸籍の附票"]
    dialog = _search(qtbot, window, "見つからない言葉")
    assert dialog.hits() == [] and "見つかりませんでした" in dialog.status.text()


def test_a_change_of_a_deleted_note_opens_its_history(qtbot, window):
    services = window.commander.services
    note = int(services.handover.add_note("消したメモ", body="古い経過").created(NOTE)[0])
    services.records.delete(NOTE, note)
    dialog = _search(qtbot, window, "古い経過")
    found = dialog.hits()
    assert [label for label, _hit in found] == ["変更履歴（2件）"] * 2  # written, and taken away with the note
    hit = found[0][1]
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    history = window.views["history"]
    assert window.stack.currentWidget() is history
    assert history.record_label.text() == "対象: 引継ぎメモ『消したメモ』"  # named as it was, though deleted
    assert history.table.current_id() == hit.entry_id
