"""はじめの日: greeted once when the journal has not seen the display name; the five soonest, the decisions, the
pinned notes and the vendor contacts shown; an item opens its record; the code of the 事務引継書 checked."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from soloit.domain.anchor_code import anchor_code
from soloit.services.entities import NOTE
from soloit.store import journal
from tests.helpers import ime_type


def _texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_a_newcomer_is_greeted_once(qtbot, window, settings):
    assert window.first_day_dialog is None
    window.greet_newcomer()  # テスト 花子 made the ledger: the journal knows her
    assert window.first_day_dialog is None
    settings.display_name = "後任 次郎"
    window.greet_newcomer()
    assert window.first_day_dialog is not None and window.first_day_dialog.isVisible()
    window.first_day_dialog.close()
    window.first_day_dialog = None
    window.greet_newcomer()  # only once
    assert window.first_day_dialog is None


def test_what_the_first_day_shows_and_opens(qtbot, window, clock):
    services = window.commander.services
    clock.day = date(2026, 11, 20)
    for i, due in enumerate((date(2026, 12, 1), date(2026, 11, 25), date(2027, 1, 10), date(2026, 12, 24), date(2027, 2, 1), date(2027, 3, 1))):
        services.tasks.add(f"やること{i}", due_date=due)
    note = int(services.handover.add_note("必ず読む", pinned=True).created(NOTE)[0])
    services.handover.add_note("読まなくてよい")
    services.ledger.edit_cell("koseki", 5, "note", "条例改正", reason="議会で可決")
    window.show_first_day()
    dialog = window.first_day_dialog
    assert _texts(dialog.lists["due"]) == [
        "2026/11/25　やること1（14日以内）", "2026/12/01　やること0（14日以内）", "2026/12/24　やること3（90日以内）",
        "2027/01/10　やること2（90日以内）", "2027/02/01　やること4（90日以内）",
    ]
    assert _texts(dialog.lists["pinned"]) == ["【経過・現況】必ず読む"]
    assert "戸籍 ステップ②-2 メモ: （なし） → 条例改正（理由: 議会で可決）" in _texts(dialog.lists["decisions"])[0]
    assert _texts(dialog.lists["contacts"]) == ["移行中のシステムに関係する連絡先は登録されていません。"]
    dialog.lists["pinned"].setCurrentRow(0)
    qtbot.keyClick(dialog.lists["pinned"], Qt.Key.Key_Return)
    assert window.views["handover"].note_form.record_id == note


def test_the_code_of_the_document_is_checked(qtbot, window):
    services = window.commander.services
    count, head = journal.raw_head(services.store.raw())
    printed = anchor_code(count, head)
    services.handover.add_note("その後のメモ")
    window.show_first_day()
    dialog = window.first_day_dialog
    ime_type(dialog.code, printed)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.code_result.text().startswith("✔ ") and "追加された変更記録は" in dialog.code_result.text()
    dialog.code.clear()
    mistyped = printed[:-1] + ("A" if printed[-1] != "A" else "B")
    ime_type(dialog.code, mistyped)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.code_result.text().startswith("✖ ") and "読み違い・打ち間違い" in dialog.code_result.text()
    dialog.code.clear()
    ime_type(dialog.code, anchor_code(count, "f" * 64))  # a well-formed code of another journal
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.code_result.text().startswith("✖ ") and "一致しません" in dialog.code_result.text()
    dialog.code.clear()
    ime_type(dialog.code, "いいかげんなコード")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.code_result.text().startswith("✖ ")


def test_a_vendor_contact_is_shown_whole_phone_included(qtbot, window):
    """A long contact (name, vendor, phone with 内線, mail) keeps its phone number visible: every line of the row
    fits the list's width at the dialog's size on a 1366×768 screen, and the row is as tall as its wrapped text."""
    services = window.commander.services
    vendor = int(services.organisations.add("日本標準ソリューションズ株式会社", "vendor").created("organisation")[0])
    contact = int(
        services.handover.add_contact(
            "移行プロジェクト 担当SE 山田", organisation_id=vendor, phone="03-0000-5678 内線 210",
            mail="yamada@nihon-std.example.jp",
        ).created("contact")[0]
    )
    services.ledger.edit_cell("koseki", 1, "status", "in_progress")
    system = next(s.id for s in services.ledger.systems() if s.name == "戸籍")
    services.records.set_links("contact_system", contact, [system])
    window.show_first_day()
    dialog = window.first_day_dialog
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 768
    contacts = dialog.lists["contacts"]
    [text] = _texts(contacts)
    assert text.splitlines()[1] == "03-0000-5678 内線 210　yamada@nihon-std.example.jp"
    rect = contacts.visualItemRect(contacts.item(0))
    metrics = contacts.fontMetrics()
    needed = metrics.boundingRect(0, 0, rect.width(), 10_000, Qt.TextFlag.TextWordWrap, text)
    assert needed.width() <= contacts.viewport().width() and needed.height() <= rect.height()
    assert metrics.horizontalAdvance("03-0000-5678 内線 210") < rect.width(), "the phone number is on screen"
