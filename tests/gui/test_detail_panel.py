"""The detail panel: each field saved when committed, Japanese typed as an IME does, bad input refused."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN
from tests.helpers import ime_type

_ime_type = ime_type


def _select_business(window, row: int) -> None:
    window.ledger.names.selectRow(row)


def test_japanese_text_typed_through_the_ime_is_saved_and_journaled(qtbot, window, service):
    _select_business(window, 2)  # 住民基本台帳
    detail = window.ledger.detail
    editor = detail.editors["current_product"]
    _ime_type(detail.reason, "ベンダ定例会で確認")  # the reason is written first, then the change
    editor.clear()
    _ime_type(editor, "総合行政システム（住記）")
    assert editor.text() == "総合行政システム（住記）"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert service.system(3).current_product == "総合行政システム（住記）"
    entry = service.journal(entity="system", key="3")[0]
    assert (entry.field, entry.old_value, entry.new_value) == ("current_product", None, "総合行政システム（住記）")
    assert entry.reason == "ベンダ定例会で確認"
    assert detail.reason.text() == ""  # a reason serves one change


def test_vendor_typed_by_name_creates_the_organisation(qtbot, window, service):
    _select_business(window, 0)
    combo = window.ledger.detail.editors["current_vendor_id"]
    _ime_type(combo.lineEdit(), "株式会社テスト電算")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    view = service.system(1)
    assert view.current_vendor == "株式会社テスト電算"
    assert [o.name for o in service.organisations("vendor")] == ["株式会社テスト電算"]


def test_dates_and_choices_save_and_bad_dates_are_refused(qtbot, window, service, messages):
    _select_business(window, 16)  # 介護保険
    detail = window.ledger.detail
    planned = detail.editors["planned_go_live"]
    planned.setFocus()
    planned.clear()
    qtbot.keyClicks(planned, "2027/1/4")
    qtbot.keyClick(planned, Qt.Key.Key_Return)
    assert service.system(17).planned_go_live == date(2027, 1, 4)

    detail.editors["tokutei"].click()
    assert service.system(17).tokutei is True
    reason = detail.editors["tokutei_reason"]
    assert reason.isEnabled()
    reason.setCurrentIndex(reason.findData("vendor_resources"))
    reason.activated.emit(reason.currentIndex())
    assert service.system(17).tokutei_reason == "vendor_resources"

    target = detail.editors["tokutei_target_date"]
    target.setFocus()
    qtbot.keyClicks(target, "2031/04/01")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert service.system(17).tokutei_target_date is None  # after 2030年度末: refused
    assert messages == []  # no message box: the field says why
    assert "移行完了目標日" in detail.refusals.slot("tokutei_target_date").reason.text()
    assert target.text() == "2031/04/01"  # what was typed stays, marked, until corrected or discarded
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert target.text() == ""  # Esc: the stored value again
    assert "［特定］" in window.ledger.model.index(16, 0).data()

    planned.setFocus()
    planned.clear()
    qtbot.keyClicks(planned, "2027/13/40")
    qtbot.keyClick(planned, Qt.Key.Key_Return)
    assert service.system(17).planned_go_live == date(2027, 1, 4)
    assert "本番稼働予定日" in detail.refusals.slot("planned_go_live").reason.text()
    assert planned.text() == "2027/13/40"


def test_cell_fields_in_the_panel(qtbot, window, service):
    table = window.ledger.steps
    index = window.ledger.model.index(1, FIRST_STEP_COLUMN + 2)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    detail = window.ledger.detail
    assert "ステップ①-3（3/40）首長等への報告" == detail.cell_title.text()
    detail.cell_planned.setFocus()
    qtbot.keyClicks(detail.cell_planned, "2027-02-01")
    qtbot.keyClick(detail.cell_planned, Qt.Key.Key_Return)
    _ime_type(detail.cell_note, "原課と日程調整中")
    detail.editors["notes"].setFocus()  # leaving the note commits it
    cell = service.cell("kodomo_kosodate", 3)
    assert cell.planned_date == date(2027, 2, 1)
    assert cell.note == "原課と日程調整中"
    tooltip = window.ledger.model.index(1, FIRST_STEP_COLUMN + 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "予定日: 2027/02/01" in tooltip and "原課と日程調整中" in tooltip


def test_undo_restores_a_detail_field(qtbot, window, service):
    _select_business(window, 3)
    editor = window.ledger.detail.editors["target_product"]
    editor.setFocus()
    qtbot.keyClicks(editor, "STD-2025")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert service.system(4).target_product == "STD-2025"
    window.undo_action.trigger()
    assert service.system(4).target_product is None
    assert editor.text() == ""


def test_history_tells_what_changed_when_by_whom_and_why(qtbot, window, service):
    _select_business(window, 10)  # 戸籍
    detail = window.ledger.detail
    assert detail.history.item(0).text() == "まだ変更はありません。"
    table = window.ledger.steps
    index = window.ledger.model.index(10, FIRST_STEP_COLUMN + 4)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    _ime_type(detail.reason, "ベンダ定例会で確認")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_3)
    texts = [detail.history.item(i).text() for i in range(detail.history.count())]
    assert any(
        "テスト 花子" in t and "戸籍 ステップ②-2 ステータス: 未着手 → 完了済み" in t and "理由: ベンダ定例会で確認" in t
        for t in texts
    ), texts
    detail.editors["tokutei"].click()
    assert "特定移行支援システム: いいえ → はい" in detail.history.item(0).text()
    window.undo_action.trigger()
    assert "［元に戻す］システム『戸籍』 特定移行支援システム: はい → いいえ" in detail.history.item(0).text()


def test_a_long_vendor_name_is_never_cut(qtbot, window, service):
    name = "株式会社みどり野総合情報システムサービス北関東支社"
    service.set_system_organisation(1, "current_vendor_id", name, "vendor")
    _select_business(window, 1)
    _select_business(window, 0)  # shown afresh
    combo = window.ledger.detail.editors["current_vendor_id"]
    assert combo.currentText() == name and combo.toolTip() == name
    assert combo.lineEdit().cursorPosition() == 0  # the field shows the name from its start
    widest = max(combo.view().sizeHintForColumn(0), combo.fontMetrics().horizontalAdvance(name))
    assert combo.view().minimumWidth() >= widest  # the drop-down list shows every name whole


def test_the_longest_tokutei_reason_is_shown_whole(qtbot, window, service):
    """The 28-character official wording is not cut: the open list is as wide as its longest choice, and when the
    box at the panel's width (1366×768) cuts the chosen reason, it is spelled out in full under the box."""
    window.show()
    qtbot.waitExposed(window)
    _select_business(window, 16)  # 介護保険
    detail = window.ledger.detail
    detail.editors["tokutei"].click()
    combo = detail.editors["tokutei_reason"]
    metrics = combo.fontMetrics()
    longest = max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert metrics.horizontalAdvance("標準準拠システムが開発されず、代替の見込みが立たないもの") == longest
    assert combo.view().minimumWidth() >= longest
    combo.setCurrentIndex(combo.findData("no_compliant_product"))
    combo.activated.emit(combo.currentIndex())
    assert service.system(17).tokutei_reason == "no_compliant_product"
    full = detail.tokutei_reason_full
    assert not combo.text_fits(), "at 1366×768 the panel is narrower than the wording"
    assert full.isVisible() and full.text() == "標準準拠システムが開発されず、代替の見込みが立たないもの"
    assert full.heightForWidth(full.width()) <= full.height(), "the spelled-out reason is not cut either"
    combo.setCurrentIndex(combo.findData("other"))  # a short one fits in the box: nothing repeated
    assert combo.text_fits() and not full.isVisible()
    combo.setCurrentIndex(combo.findData("no_compliant_product"))
    combo.resize(longest + 80, combo.height())  # a wider panel (1920×1080): the box shows it whole
    assert combo.text_fits() and not full.isVisible()
