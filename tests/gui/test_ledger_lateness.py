"""Late steps where the work is: the grid marks a step whose 予定日 has passed and is not done (and one due within
30 days), its tooltip says so, 遅れのみ表示 keeps the businesses with a late step, the summary counts them, and the
事務引継書 counts the same steps. The services' clock says what today is (2026-11-20 unless a test moves it)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from soloit.domain.schedule import DUE_SOON, LATE
from soloit.ui.models.ledger_model import DIMMED_ROLE, FIRST_STEP_COLUMN, LATENESS_ROLE

KOSEKI, JIDO, JUMIN, KOTEI = 10, 0, 2, 6  # grid rows (政令 order)


def _index(window, row: int, seq: int):
    return window.ledger.model.index(row, FIRST_STEP_COLUMN + seq - 1)


def _plan(window, service) -> None:
    """Known 予定日 around today (2026-11-20), set through the services."""
    service.edit_cell("koseki", 31, "planned_date", date(2026, 11, 19))  # ⑬-1 yesterday, 未着手: late
    service.edit_cell("koseki", 32, "planned_date", date(2026, 11, 20))  # today: due soon, not late yet
    service.edit_cell("jido_teate", 5, "planned_date", date(2026, 11, 23))  # in 3 days: due soon
    service.edit_cell("jumin_kihon_daicho", 7, "planned_date", date(2026, 10, 1))
    service.set_statuses([("jumin_kihon_daicho", 7)], "done")  # done long after its date: never late
    service.edit_cell("kotei_shisanzei", 2, "planned_date", date(2026, 12, 21))  # 31 days on: nothing yet
    window.ledger.load()


def test_cells_carry_their_lateness_and_say_it_in_the_tooltip(window, service):
    _plan(window, service)
    late = _index(window, KOSEKI, 31)
    assert late.data(LATENESS_ROLE) is LATE
    assert "予定日: 2026/11/19（令和8年・過ぎています・未完了）" in late.data(Qt.ItemDataRole.ToolTipRole)
    assert late.data(Qt.ItemDataRole.AccessibleTextRole) == "未着手・予定日を過ぎています"
    today = _index(window, KOSEKI, 32)
    assert today.data(LATENESS_ROLE) is DUE_SOON
    assert "予定日: 2026/11/20（令和8年・今日が予定日）" in today.data(Qt.ItemDataRole.ToolTipRole)
    soon = _index(window, JIDO, 5)
    assert soon.data(LATENESS_ROLE) is DUE_SOON
    assert "予定日: 2026/11/23（令和8年・あと 3 日）" in soon.data(Qt.ItemDataRole.ToolTipRole)
    done = _index(window, JUMIN, 7)
    assert done.data(LATENESS_ROLE) is None
    assert "予定日: 2026/10/01（令和8年）" in done.data(Qt.ItemDataRole.ToolTipRole)
    far = _index(window, KOTEI, 2)
    assert far.data(LATENESS_ROLE) is None
    assert "予定日: 2026/12/21（令和8年）\n" in far.data(Qt.ItemDataRole.ToolTipRole) + "\n"
    assert _index(window, KOSEKI, 1).data(LATENESS_ROLE) is None  # no 予定日
    name_tip = window.ledger.model.index(KOSEKI, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "予定日を過ぎた未完了のステップ 1 件" in name_tip


def test_summary_counts_late_steps_and_follows_changes(qtbot, window, service):
    _plan(window, service)
    assert window.rate_label.text().startswith("全体の完了率 ")
    assert window.rate_label.text().endswith("・遅れ 1 ステップ")
    table = window.ledger.steps
    index = _index(window, KOSEKI, 31)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.keyClick(table, Qt.Key.Key_4)  # 対象外
    assert service.cell("koseki", 31).status == "not_applicable"
    assert index.data(LATENESS_ROLE) is None
    assert window.rate_label.text().endswith("・遅れ 0 ステップ")
    qtbot.keyClick(table, Qt.Key.Key_1)  # back to 未着手: late again
    assert index.data(LATENESS_ROLE) is LATE
    assert window.rate_label.text().endswith("・遅れ 1 ステップ")


def test_a_new_day_makes_the_step_planned_yesterday_late(qtbot, window, service, clock):
    _plan(window, service)
    clock.day = date(2026, 11, 21)
    table = window.ledger.steps
    index = _index(window, JIDO, 1)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.keyClick(table, Qt.Key.Key_2)  # any change: the model sees the day has turned
    assert _index(window, KOSEKI, 32).data(LATENESS_ROLE) is LATE
    assert window.rate_label.text().endswith("・遅れ 2 ステップ")


def test_late_only_keeps_the_businesses_with_a_late_step(qtbot, window, service):
    _plan(window, service)
    view = window.ledger
    assert view.visible_rows() == list(range(20))
    assert _index(window, KOSEKI, 1).data(DIMMED_ROLE) is False
    qtbot.keyClick(view.steps, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # the checkbox's mnemonic
    qtbot.waitUntil(view.late_only.isChecked)  # a mnemonic clicks the button animated (after a moment)
    assert view.visible_rows() == [KOSEKI]
    assert view.names.isRowHidden(JIDO) and view.steps.isRowHidden(JIDO)
    assert _index(window, KOSEKI, 31).data(DIMMED_ROLE) is False  # the late step stands out
    assert _index(window, KOSEKI, 32).data(DIMMED_ROLE) is True  # the others are faint
    assert "遅れのある 1 業務" in window.statusBar().currentMessage()

    service.edit_cell("jido_teate", 5, "planned_date", date(2026, 11, 1))  # now late too
    window.ledger.load()
    assert view.visible_rows() == [JIDO, KOSEKI]

    view.late_only.click()
    assert not view.late_only.isChecked()
    assert view.visible_rows() == list(range(20))
    assert _index(window, KOSEKI, 32).data(DIMMED_ROLE) is False


def test_late_only_on_a_ledger_without_late_steps_says_so(window):
    window.ledger.set_late_only(True)
    assert window.ledger.visible_rows() == []
    assert "予定日を過ぎた未完了のステップはありません" in window.statusBar().currentMessage()
    window.ledger.set_late_only(False)
    assert len(window.ledger.visible_rows()) == 20


def test_the_grid_and_the_handover_report_count_the_same_late_steps(qtbot, demo_store, context, settings, messages, clock):
    from tests.gui.test_wheel_guard import _demo_window

    win = _demo_window(qtbot, demo_store, context, settings, messages)
    services = win.commander.services
    services.context.clock = clock
    clock.day = date(2026, 12, 1)
    win.ledger.load()
    report = services.handover_report.build(
        predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7)
    )
    late = len(report.pending.late_steps)
    assert late == 232
    assert win.ledger.model.late_count() == late
    assert win.rate_label.text().endswith(f"・遅れ {late} ステップ")
    assert f"予定日を過ぎた未完了のステップ {late} 件" in report.overview.summary[-1]
    # the example: 戸籍 ⑬-1, 未着手, 予定日 2024/11/30, was a plain ○
    koseki = win.ledger.model.index(KOSEKI, FIRST_STEP_COLUMN + 30)
    assert koseki.data() == "○"
    assert koseki.data(LATENESS_ROLE) is LATE
    assert "予定日: 2024/11/30（令和6年・過ぎています・未完了）" in koseki.data(Qt.ItemDataRole.ToolTipRole)
    listed = {(s.business, s.step_number) for s in report.pending.late_steps}
    model = win.ledger.model
    marked = {
        (model.business_row(r).name, reference_step_number(c))
        for r in range(model.rowCount())
        for c in range(FIRST_STEP_COLUMN, model.columnCount())
        if model.index(r, c).data(LATENESS_ROLE) is LATE
    }
    assert marked == listed


def reference_step_number(column: int) -> str:
    from soloit import reference

    return reference.load().steps[column - FIRST_STEP_COLUMN].number
