"""引継ぎ driven as a person does: a note written, pinned, filed under a category and tied to a system; a contact
with a 全角 phone number, a refused mail address and a linked system; each outcome checked in the database."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt

from soloit.services.entities import NOTE
from tests.helpers import choose, ime_type


def _open(window):
    row = [spec.key for spec in window.specs].index("handover")
    window.nav.setCurrentRow(row)
    view = window.views["handover"]
    assert window.stack.currentWidget() is view
    return view


def _commit(qtbot, editor, text: str) -> None:
    editor.clear()
    ime_type(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _tick(qtbot, box) -> None:
    """Click the box itself (the widget is as wide as the form; its middle may be empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_write_a_note_pin_it_and_tie_it_to_a_system(qtbot, window, clock):
    services = window.commander.services
    view = _open(window)
    choose(view.category, "pending")  # a new note is filed under the category shown
    ime_type(view.notes_body.new_name, "住基の移行判定が未了")
    qtbot.mouseClick(view.notes_body.add_button, Qt.MouseButton.LeftButton)
    [note] = services.handover.notes()
    assert (note.title, note.category_label, note.author, note.note_date) == ("住基の移行判定が未了", "未処理・未着手", "テスト 花子", clock.today())
    form = view.note_form
    assert form.record_id == note.id and form.editors["body"].hasFocus()

    body = form.editors["body"]
    ime_type(body, "1月8日の判定会議で決める。")
    _tick(qtbot, form.editors["pinned"])  # leaving the body commits it
    subject = form.editors["subject"]
    choose(subject.kind, "system")
    choose(subject.record, 3)
    [note] = services.handover.notes()
    assert (note.body, note.pinned, note.subject, note.subject_label) == (
        "1月8日の判定会議で決める。", True, "system:3", "システム『住民基本台帳』"
    )
    shown = view.notes.view.model()
    assert [shown.index(0, c).data() for c in range(4)] == ["★", "未処理・未着手", "住基の移行判定が未了", "システム『住民基本台帳』"]

    # rewritten: the previous text stays in the journal
    body.setFocus()
    body.selectAll()
    ime_type(body, "判定会議で移行可と決定。")
    qtbot.mouseClick(form.editors["title"], Qt.MouseButton.LeftButton)
    edits = [e for e in services.journal.entries(entity=NOTE, key=str(note.id)) if e.field == "body"]
    assert [(e.old_value, e.new_value) for e in edits] == [
        ("1月8日の判定会議で決める。", "判定会議で移行可と決定。"), (None, "1月8日の判定会議で決める。")
    ]
    # a step as the subject, and the category filter
    choose(subject.kind, "cell")
    choose(subject.cell.business, "koseki")
    choose(subject.cell.step, 5)
    assert services.handover.notes()[0].subject_label == "戸籍 ステップ②-2"
    choose(view.category, "policy")
    assert view.notes.shown_rows() == []
    choose(view.category, "")
    assert len(view.notes.shown_rows()) == 1


def test_a_contact_with_a_zenkaku_phone_and_a_refused_mail(qtbot, window, messages):
    services = window.commander.services
    view = _open(window)
    view.tabs.setCurrentIndex(1)
    ime_type(view.contacts_body.new_name, "サポートデスク")
    qtbot.mouseClick(view.contacts_body.add_button, Qt.MouseButton.LeftButton)
    form = view.contact_form
    org = form.editors["organisation_id"].lineEdit()
    ime_type(org, "株式会社サンプル情報")
    qtbot.keyClick(org, Qt.Key.Key_Return)
    _commit(qtbot, form.editors["phone"], "０２７－０００－１２３４ 内線 12")
    _commit(qtbot, form.editors["mail"], "support@example")
    assert "メールアドレスの形が正しくありません" in form.refusals.slot("mail").reason.text()
    assert form.editors["mail"].text() == "support@example"  # what was typed stays until it is corrected
    _commit(qtbot, form.editors["mail"], "support@sample.example.jp")
    choose(view.contact_systems.candidates, 3)
    qtbot.mouseClick(view.contact_systems.add_button, Qt.MouseButton.LeftButton)
    [contact] = services.handover.contacts()
    assert (contact.name, contact.organisation, contact.phone, contact.mail, contact.systems) == (
        "サポートデスク", "株式会社サンプル情報", "０２７－０００－１２３４ 内線 12", "support@sample.example.jp", "住民基本台帳",
    )
    assert view.contacts.shown_rows()[0].systems == "住民基本台帳"
    assert services.organisations.organisations("vendor")[-1].name == "株式会社サンプル情報"


def test_show_note_brings_it_forward_whatever_the_filter(qtbot, window, clock):
    services = window.commander.services
    clock.day = date(2026, 11, 1)
    first = int(services.handover.add_note("古いメモ", "policy").created(NOTE)[0])
    services.handover.add_note("新しいメモ", "progress")
    view = _open(window)
    choose(view.category, "progress")
    view.show_note(first)
    assert view.note_form.record_id == first and view.notes_body.title.text() == "古いメモ"
