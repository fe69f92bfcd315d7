"""A reference list in a form (やること's 予算, 契約's systems…) names the chosen record without reading the choices;
the choices are read when the user goes into the list, and choosing from it is saved as before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from soloit.services.entities import BUDGET_LINE, TASK
from soloit.ui.widgets.record_form import RecordForm


def _line(services, fy: int, name: str) -> int:
    return int(services.budget.add_line(fy, name).created(BUDGET_LINE)[0])


def test_the_chosen_budget_line_is_named_before_the_list_is_read(qtbot, window):
    services = window.commander.services
    moving = _line(services, 2026, "標準準拠システム移行経費")
    renewal = _line(services, 2027, "端末更新")
    task = int(services.records.create(TASK, "端末の見積依頼", {"budget_line_id": renewal}).created(TASK)[0])
    bare = int(services.records.create(TASK, "予算なしの作業").created(TASK)[0])
    form = RecordForm(window.commander, TASK, ("title", "budget_line_id"))
    qtbot.addWidget(form)
    form.resize(700, 400)
    form.show()
    form.show_record(task)
    combo = form.editors["budget_line_id"]
    assert combo.currentText() == "令和9年度 端末更新" and combo.currentData() == renewal
    assert not combo.choices_loaded() and combo.count() == 2  # the empty entry and the chosen line, no more
    assert combo.toolTip() == "令和9年度 端末更新"

    form.show_record(bare)
    assert combo.currentText() == "（未設定）" and combo.currentData() is None and not combo.choices_loaded()
    form.show_record(task)

    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)  # into the list: the choices are read, the line still chosen
    combo.hidePopup()
    assert combo.choices_loaded() and combo.currentData() == renewal
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert (
        "令和8年度 標準準拠システム移行経費" in offered
        and "令和9年度 端末更新" in offered
        and offered[0] == "（未設定）"
    )

    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the next line, chosen with the keyboard, is saved
    assert combo.currentData() == moving and services.records.record(TASK, task)["budget_line_id"] == moving

    services.records.edit(BUDGET_LINE, moving, "name", "移行経費（標準化）")
    form.show_record(bare)
    form.show_record(task)  # the chosen line under its name of now
    assert combo.currentText() == "令和8年度 移行経費（標準化）" and combo.currentData() == moving
    assert not combo.choices_loaded()
