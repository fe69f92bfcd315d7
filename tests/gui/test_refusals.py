"""A refused value never throws away what was typed (issue 23, point 3): for every kind of field of a RecordForm and
of the ledger's detail panel, a refused value stays as typed (a list shows its stored choice again), marked, with the
reason under it and no journal entry; Esc brings the stored value back; a corrected value saves. And the step panel
says why the step has its status (point 6): the reason, who and when."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from soloit.services.entities import NOTE, TASK
from soloit.services.errors import ValidationError
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN
from soloit.ui.widgets.record_form import RecordForm
from tests.helpers import choose, ime_type

SECRET_BODY = "鍵は総務課金庫の台帳で管理…\nパスワード: abc123"
CORRECTED_BODY = "鍵は総務課金庫の台帳で管理…\nパスワードの保管場所：金庫の台帳"


def _open(window, key: str):
    window.nav.setCurrentRow([spec.key for spec in window.specs].index(key))
    view = window.views[key]
    assert window.stack.currentWidget() is view
    return view


def _journal(services) -> int:
    return len(services.journal.entries(limit=10**6))


def _type_line(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    ime_type(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _assert_held(form, field: str, typed: str | None, words: str) -> None:
    """`field` refused: the reason under it (naming `words`), the mark, and (for a text) what was typed."""
    editor = form.editors[field]
    reason = form.refusals.slot(field).reason
    assert reason.isVisible(), f"{field}: no reason shown"
    assert words in reason.text() and "保存されていません" in reason.text()
    assert form.refusals.is_held(field)
    assert editor.property("refused") is True
    assert "保存されていません" in editor.accessibleDescription()
    if typed is not None:
        shown = editor.toPlainText() if hasattr(editor, "toPlainText") else editor.currentText() if hasattr(
            editor, "currentText"
        ) else editor.text()
        assert shown == typed


def _assert_clear(form, field: str) -> None:
    assert not form.refusals.is_held(field)
    assert not form.refusals.slot(field).reason.isVisible()
    assert form.editors[field].property("refused") is False


def _new_note(qtbot, window):
    view = _open(window, "handover")
    ime_type(view.notes_body.new_name, "庁舎サーバ室の鍵")
    qtbot.mouseClick(view.notes_body.add_button, Qt.MouseButton.LeftButton)
    return view, view.note_form


# --- RecordForm: the text-like kinds -------------------------------------------------------------------------------


def test_a_note_body_with_a_secret_on_line_2_stays_as_typed(qtbot, window, messages):
    services = window.commander.services
    _view, form = _new_note(qtbot, window)
    note_id = form.record_id
    body = form.editors["body"]
    ime_type(form.reason, "鍵の管理方法を記録")  # a reason written for the change
    body.setFocus()
    body.setPlainText(SECRET_BODY)
    before = _journal(services)
    form.editors["title"].setFocus()  # leaving the body commits it
    assert services.records.record(NOTE, note_id)["body"] is None
    assert _journal(services) == before  # nothing saved, nothing journaled
    _assert_held(form, "body", SECRET_BODY, "秘密の情報")
    assert messages == []  # the reason is beside the field, no message box
    assert form.reason.text() == "鍵の管理方法を記録"  # the reason written is not lost either

    # another change reloads the form: the refused body stays as typed
    _type_line(qtbot, form.editors["title"], "サーバ室の鍵の管理")
    assert services.records.record(NOTE, note_id)["title"] == "サーバ室の鍵の管理"
    assert services.records.record(NOTE, note_id)["body"] is None
    _assert_held(form, "body", SECRET_BODY, "秘密の情報")

    # Esc discards it: the stored (empty) body again, mark and reason gone
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_Escape)
    assert body.toPlainText() == ""
    _assert_clear(form, "body")

    # corrected, it saves
    body.setPlainText(SECRET_BODY)
    form.editors["title"].setFocus()
    _assert_held(form, "body", SECRET_BODY, "秘密の情報")
    before = _journal(services)
    body.setFocus()
    body.setPlainText(CORRECTED_BODY)
    form.editors["title"].setFocus()
    assert services.records.record(NOTE, note_id)["body"] == CORRECTED_BODY
    assert _journal(services) == before + 1
    _assert_clear(form, "body")
    assert body.toPlainText() == CORRECTED_BODY


@pytest.mark.parametrize(
    ("view_key", "field", "bad", "words", "good", "stored"),
    [
        ("handover", "title", "PW: abc123", "秘密の情報", "サーバ室の鍵", "サーバ室の鍵"),  # a line of text
        ("handover", "note_date", "2026/13/45", "13月はありません", "R8.12.1", "2026-12-01"),  # a date
        ("budget", "requested", "abc", "要求額", "１，２００", 1200),  # an amount
        ("budget", "budget", "－５", "予算額", "5000", 5000),  # an amount typed 全角, negative
    ],
)
def test_a_refused_line_stays_as_typed(qtbot, window, messages, view_key, field, bad, words, good, stored):
    services = window.commander.services
    if view_key == "handover":
        _view, form = _new_note(qtbot, window)
        entity = NOTE
    else:
        view = _open(window, "budget")
        ime_type(view.line_body.new_name, "標準準拠システム移行経費")
        qtbot.mouseClick(view.line_body.add_button, Qt.MouseButton.LeftButton)
        form, entity = view.line_form, "budget_line"
    record_id = form.record_id
    editor = form.editors[field]
    stored_before = editor.text()
    before = _journal(services)
    _type_line(qtbot, editor, bad)
    assert _journal(services) == before
    _assert_held(form, field, bad, words)
    assert messages == []
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.text() == stored_before
    _assert_clear(form, field)

    _type_line(qtbot, editor, bad)
    _type_line(qtbot, editor, good)  # corrected: saved, the mark gone
    value = services.records.record(entity, record_id)[field]
    assert (value.isoformat() if hasattr(value, "isoformat") else value) == stored
    assert _journal(services) == before + 1
    _assert_clear(form, field)


def test_typing_back_the_stored_value_clears_the_refusal(qtbot, window):
    services = window.commander.services
    _view, form = _new_note(qtbot, window)
    title = form.editors["title"]
    before = _journal(services)
    _type_line(qtbot, title, "password=abc")
    _assert_held(form, "title", "password=abc", "秘密の情報")
    _type_line(qtbot, title, "庁舎サーバ室の鍵")  # the stored title, typed back
    _assert_clear(form, "title")
    assert title.text() == "庁舎サーバ室の鍵" and _journal(services) == before


def test_an_organisation_typed_with_a_secret_stays_as_typed(qtbot, window, messages):
    services = window.commander.services
    view = _open(window, "handover")
    view.tabs.setCurrentIndex(1)
    ime_type(view.contacts_body.new_name, "サポートデスク")
    qtbot.mouseClick(view.contacts_body.add_button, Qt.MouseButton.LeftButton)
    form = view.contact_form
    combo = form.editors["organisation_id"]
    line = combo.lineEdit()
    before = _journal(services)
    ime_type(line, "パスワード: abc123")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _journal(services) == before and services.organisations.organisations("vendor") == []
    assert combo.currentText() == "パスワード: abc123"
    assert line.property("refused") is True  # the frame is on the list's own line
    assert form.refusals.slot("organisation_id").reason.isVisible() and messages == []
    assert "秘密の情報" in form.refusals.slot("organisation_id").reason.text()
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert combo.currentText() == "" and not form.refusals.is_held("organisation_id")

    ime_type(line, "パスワード: abc123")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    line.selectAll()
    ime_type(line, "株式会社サンプル情報")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert [o.name for o in services.organisations.organisations("vendor")] == ["株式会社サンプル情報"]
    assert not form.refusals.is_held("organisation_id") and line.property("refused") is False


def test_showing_another_record_says_what_was_not_saved(qtbot, window, messages):
    view, form = _new_note(qtbot, window)
    first = form.record_id
    body = form.editors["body"]
    body.setFocus()
    body.setPlainText(SECRET_BODY)
    form.editors["title"].setFocus()
    assert form.refusals.is_held("body")
    ime_type(view.notes_body.new_name, "二つ目のメモ")
    qtbot.mouseClick(view.notes_body.add_button, Qt.MouseButton.LeftButton)
    assert form.record_id != first
    assert not form.refusals.is_held("body") and body.toPlainText() == ""
    [(title, text)] = messages
    assert title == "入力が保存されていません" and "【本文】" in text and SECRET_BODY in text


# --- RecordForm: lists, check boxes and the composite choosers ----------------------------------------------------


def _refusing(monkeypatch, records, field: str) -> None:
    """The service refuses any value for `field` (the UI mechanism is what is tested; none of these lists can
    offer a value the real rules refuse)."""
    real = records.edit

    def edit(entity_name, record_id, name, value, *, reason=None):
        if name == field:
            raise ValidationError("テスト項目", "この値は受け付けません。")
        return real(entity_name, record_id, name, value, reason=reason)

    monkeypatch.setattr(records, "edit", edit)


@pytest.fixture
def task_form(qtbot, window):
    services = window.commander.services
    services.records.create(TASK, "住基の移行判定")
    form = RecordForm(
        window.commander, TASK, ("title", "status", "recurrence", "system_id", "cell_key", "notes")
    )
    qtbot.addWidget(form)
    form.resize(700, 600)
    form.show()
    form.show_record(services.records.choices(TASK)[0][0])
    return form


def _pick(kind: str, form) -> None:
    editor = form.editors[kind]
    if kind == "status":
        choose(editor, "done")
    elif kind == "recurrence":
        choose(editor.kind, "monthly")
    elif kind == "system_id":
        choose(editor, 3)
    elif kind == "cell_key":
        choose(editor.business, "koseki")
    elif kind == "pinned":
        editor.click()
    elif kind == "category":
        choose(editor, "policy")
    elif kind == "subject":
        choose(editor.kind, "system")
        choose(editor.record, 3)


def _esc_target(kind: str, form):
    editor = form.editors[kind]
    return {"recurrence": getattr(editor, "kind", None), "cell_key": getattr(editor, "business", None),
            "subject": getattr(editor, "kind", None)}.get(kind) or editor


@pytest.mark.parametrize("field", ["status", "recurrence", "system_id", "cell_key"])
def test_a_refused_choice_shows_the_stored_one_with_the_reason(qtbot, window, task_form, monkeypatch, messages, field):
    services = window.commander.services
    form = task_form
    record_id = form.record_id
    stored = services.records.record(TASK, record_id)[field]
    _refusing(monkeypatch, services.records, field)
    before = _journal(services)
    _pick(field, form)
    assert _journal(services) == before and services.records.record(TASK, record_id)[field] == stored
    _assert_held(form, field, None, "この値は受け付けません")
    assert messages == []
    target = _esc_target(field, form)
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    _assert_clear(form, field)

    monkeypatch.undo()
    _pick(field, form)  # the same choice, accepted now
    assert services.records.record(TASK, record_id)[field] != stored
    assert _journal(services) > before
    _assert_clear(form, field)


def test_a_stale_reference_is_refused_beside_the_list(qtbot, window, task_form, messages):
    """A system deleted meanwhile (the list still offers it): the real rule refuses it."""
    services = window.commander.services
    form = task_form
    services.ledger.add_system("庶務事務システム")
    new_id = max(i for i, _name in services.records.choices("system"))
    form.show_record(form.record_id)
    form.editors["system_id"].showPopup()  # the list, opened, offers it (its choices are read when it is wanted)
    form.editors["system_id"].hidePopup()
    services.ledger.remove_system(new_id)  # removed behind the form's back
    before = _journal(services)
    choose(form.editors["system_id"], new_id)
    assert _journal(services) == before and services.records.record(TASK, form.record_id)["system_id"] is None
    _assert_held(form, "system_id", None, "見つかりません")
    assert form.editors["system_id"].currentData() is None  # the stored choice again


@pytest.mark.parametrize("field", ["pinned", "category", "subject"])
def test_a_refused_note_choice_or_box(qtbot, window, monkeypatch, messages, field):
    services = window.commander.services
    _view, form = _new_note(qtbot, window)
    stored = services.records.record(NOTE, form.record_id)[field]
    _refusing(monkeypatch, services.records, field)
    before = _journal(services)
    _pick(field, form)
    assert _journal(services) == before and services.records.record(NOTE, form.record_id)[field] == stored
    _assert_held(form, field, None, "この値は受け付けません")
    if field == "pinned":
        assert form.editors["pinned"].isChecked() is False  # the stored state again
    target = _esc_target(field, form)
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    _assert_clear(form, field)


# --- the ledger's detail panel --------------------------------------------------------------------------------------


def _click_cell(qtbot, window, row: int, seq: int) -> None:
    table = window.ledger.steps
    index = window.ledger.model.index(row, FIRST_STEP_COLUMN + seq - 1)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


@pytest.mark.parametrize(
    ("field", "bad", "words", "good"),
    [
        ("current_product", "総合行政システム PW: abc123", "秘密の情報", "総合行政システム（住記）"),
        ("planned_go_live", "2026/13/45", "本番稼働予定日", "2027/1/4"),
        ("current_vendor_id", "パスワード: abc123", "秘密の情報", "株式会社テスト電算"),
        ("actual_go_live", "2026/12/1", "今日（2026/11/20）より後の日付", "2026/11/20"),  # an actual date cannot be ahead
    ],
)
def test_the_detail_panel_keeps_a_refused_text(qtbot, window, messages, field, bad, words, good):
    services = window.commander.services
    window.ledger.names.selectRow(2)  # 住民基本台帳
    detail = window.ledger.detail
    editor = detail.editors[field]
    line = editor.lineEdit() if hasattr(editor, "lineEdit") else editor
    before = _journal(services)
    _type_line(qtbot, line, bad)
    assert _journal(services) == before
    _assert_held(detail, field, bad, words)
    assert messages == []
    detail.editors["target_product"].setFocus()
    _type_line(qtbot, detail.editors["target_product"], "次期システム")  # another change reloads the panel
    _assert_held(detail, field, bad, words)
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    _assert_clear(detail, field)
    assert line.text() == ""
    before = _journal(services)
    _type_line(qtbot, line, bad)
    _type_line(qtbot, line, good)
    assert _journal(services) > before
    _assert_clear(detail, field)


def test_the_step_panel_keeps_a_refused_date_and_note(qtbot, window, messages):
    services = window.commander.services
    _click_cell(qtbot, window, 1, 3)
    detail = window.ledger.detail
    before = _journal(services)
    _type_line(qtbot, detail.cell_planned, "2026/13/45")
    detail.cell_note.setFocus()
    detail.cell_note.setPlainText(SECRET_BODY)
    detail.editors["notes"].setFocus()  # leaving the note commits it
    assert _journal(services) == before and messages == []
    for key, editor, typed in (("cell:planned_date", detail.cell_planned, "2026/13/45"), ("cell:note", detail.cell_note, SECRET_BODY)):
        slot = detail.refusals.slot(key)
        assert slot.reason.isVisible() and editor.property("refused") is True
        assert (editor.toPlainText() if key == "cell:note" else editor.text()) == typed
    # Esc in the note: stored value again; the refused date stays
    detail.cell_note.setFocus()
    qtbot.keyClick(detail.cell_note, Qt.Key.Key_Escape)
    assert detail.cell_note.toPlainText() == "" and not detail.refusals.is_held("cell:note")
    assert detail.cell_planned.text() == "2026/13/45" and detail.refusals.is_held("cell:planned_date")
    _type_line(qtbot, detail.cell_planned, "2027/2/1")
    assert services.ledger.cell("kodomo_kosodate", 3).planned_date.isoformat() == "2027-02-01"
    assert _journal(services) == before + 1 and not detail.refusals.is_held("cell:planned_date")
    assert detail.cell_planned.text() == "2027/02/01"


def test_the_step_panel_refuses_an_actual_date_after_today(qtbot, window, messages, clock):
    """実績日 ahead of today (the test's day 2026/11/20) is refused beside the field, kept as typed; today is taken."""
    services = window.commander.services
    _click_cell(qtbot, window, 1, 3)
    detail = window.ledger.detail
    before = _journal(services)
    _type_line(qtbot, detail.cell_actual, "R8.12.1")
    assert _journal(services) == before and messages == []
    slot = detail.refusals.slot("cell:actual_date")
    assert slot.reason.isVisible() and detail.cell_actual.text() == "R8.12.1"
    assert "今日（2026/11/20）より後の日付（2026/12/01）は実績として入れられません" in slot.reason.text()
    assert "予定なら予定日に入れてください" in slot.reason.text()
    assert services.ledger.cell("kodomo_kosodate", 3).actual_date is None
    _type_line(qtbot, detail.cell_actual, "2026/11/20")
    assert services.ledger.cell("kodomo_kosodate", 3).actual_date.isoformat() == "2026-11-20"
    assert not detail.refusals.is_held("cell:actual_date")


# --- point 6: the step panel says why --------------------------------------------------------------------------------


def _jst(recorded_at: str) -> str:
    return datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y/%m/%d %H:%M")


def test_the_step_panel_shows_why_the_status_is_what_it_is(qtbot, window, service):
    service.services.ledger.edit_cell("kodomo_kosodate", 3, "status", "in_progress", reason="首長への報告日程を調整中")
    [entry] = [e for e in service.journal(entity="cell", key="kodomo_kosodate/3") if e.field == "status"]
    _click_cell(qtbot, window, 1, 3)
    detail = window.ledger.detail
    assert detail.cell_status.text() == "作業中"
    why = detail.cell_status_why.text()
    assert "首長への報告日程を調整中" in why and "テスト 花子" in why and _jst(entry.recorded_at) in why

    # a new status without a reason, from the window: the line follows at once
    commander = window.commander
    commander.execute("状態", lambda: commander.services.ledger.edit_cell("kodomo_kosodate", 3, "status", "done"))
    assert detail.cell_status.text() == "完了済み"
    assert "（理由なし）" in detail.cell_status_why.text()
    # a reason given afterwards shows too
    commander.attempt(lambda: commander.services.journal.annotate(commander.last_changeset, "報告済みを確認"))
    commander.annotated.emit(commander.last_changeset)
    assert "報告済みを確認" in detail.cell_status_why.text()
    # undone: the previous status, and the line says so
    window.undo_action.trigger()
    assert detail.cell_status.text() == "作業中" and "元に戻す" in detail.cell_status_why.text()

    # a step never changed
    _click_cell(qtbot, window, 1, 4)
    assert detail.cell_status_why.text() == "理由: （変更の記録はありません）"


def test_screens_of_a_refusal_and_the_step_panel(qtbot, window, service, tmp_path):
    """Pictures at 1366×768 to look at (saved where SOLOIT_SHOTS says, else in the test's temporary folder); the
    test asserts each reason fits the panel's width, wrapped and not cut."""
    shots = Path(os.environ.get("SOLOIT_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    service.services.ledger.edit_cell("kodomo_kosodate", 3, "status", "in_progress", reason="首長への報告日程を調整中")
    _click_cell(qtbot, window, 1, 3)
    detail = window.ledger.detail
    detail.cell_note.setFocus()
    detail.cell_note.setPlainText(SECRET_BODY)
    editor = detail.editors["current_product"]
    editor.setFocus()  # commits the note
    _type_line(qtbot, editor, "総合行政システム PW: abc123")
    _type_line(qtbot, detail.editors["planned_go_live"], "2026/13/45")
    window.resize(1366, 768)
    qtbot.wait(50)
    assert window.grab().save(str(shots / "detail_refusal.png"))
    detail.ensureWidgetVisible(detail.refusals.slot("current_product"))
    assert window.grab().save(str(shots / "detail_refusal_system.png"))
    for key in ("cell:note", "current_product", "planned_go_live"):
        label = detail.refusals.slot(key).reason
        assert label.isVisible() and label.width() <= detail.viewport().width()
        assert label.heightForWidth(label.width()) <= label.height() + 2  # wrapped, nothing cut


def test_screen_of_a_refused_note_body(qtbot, window, tmp_path):
    """The 引継ぎ view at 1366×768 with a refused note body and a refused organisation (a picture to look at)."""
    shots = Path(os.environ.get("SOLOIT_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    _view, form = _new_note(qtbot, window)
    body = form.editors["body"]
    body.setFocus()
    body.setPlainText(SECRET_BODY)
    _type_line(qtbot, form.editors["note_date"], "2026/13/45")
    qtbot.wait(50)
    assert window.grab().save(str(shots / "note_refusal.png"))
    for field in ("body", "note_date"):
        label = form.refusals.slot(field).reason
        assert label.isVisible() and label.heightForWidth(label.width()) <= label.height() + 2
