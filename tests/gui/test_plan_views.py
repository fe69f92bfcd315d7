"""DX取組, 予算・契約 and やること driven as a person does: typing (Japanese through the IME, 全角 digits too),
choosing, clicking; each outcome checked in the database and on screen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt

from tests.helpers import choose, ime_type

VIEW_ROWS = {"tasks": 1, "initiatives": 2, "budget": 3}


def _open(window, key: str):
    window.nav.setCurrentRow(VIEW_ROWS[key])
    view = window.views[key]
    assert window.stack.currentWidget() is view
    return view


def _commit(qtbot, editor, text: str) -> None:
    editor.clear()
    ime_type(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_create_an_initiative_with_a_kpi(qtbot, window):
    service = window.commander.services
    view = _open(window, "initiatives")
    ime_type(view.body.new_name, "書かないワンストップ窓口")
    qtbot.mouseClick(view.body.add_button, Qt.MouseButton.LeftButton)
    rows = service.initiatives.initiatives()
    assert [(r.title, r.status_label) for r in rows] == [("書かないワンストップ窓口", "構想")]
    assert view.form.record_id == rows[0].id and view.body.new_name.text() == ""
    choose(view.form.editors["category"], "juten_1")
    choose(view.form.editors["status"], "active")
    ime_type(view.form.editors["department_id"].lineEdit(), "住民課")
    qtbot.keyClick(view.form.editors["department_id"].lineEdit(), Qt.Key.Key_Return)

    ime_type(view.kpi_name, "書かない窓口の利用率")
    qtbot.mouseClick(view.add_kpi_button, Qt.MouseButton.LeftButton)
    assert view.kpi_form.record_id is not None
    _commit(qtbot, view.kpi_form.editors["unit"], "％")
    _commit(qtbot, view.kpi_form.editors["target"], "８０")  # 全角, as an IME gives it
    _commit(qtbot, view.kpi_form.editors["actual"], "46.5")
    kpis = service.initiatives.kpis(rows[0].id)
    assert [(k.name, k.unit, k.target, k.actual, k.achievement) for k in kpis] == [
        ("書かない窓口の利用率", "％", Decimal(80), Decimal("46.5"), Decimal("58.1"))
    ]
    row = service.initiatives.initiatives()[0]
    assert (row.category, row.status_label, row.department, row.kpi_count) == ("juten_1", "実施中", "住民課", 1)
    # the table shows it too: 実施中, one KPI, 58.1%
    shown = view.table.shown_rows()[0]
    assert (shown.status_label, shown.kpi_count, shown.achievement) == ("実施中", 1, Decimal("58.1"))
    assert view.kpi_table.model.rowCount() == 1
    assert view.kpi_table.view.model().index(0, 3).data() == "58.1%"

    # linked to a system, from the detail panel
    choose(view.systems.candidates, 3)
    qtbot.mouseClick(view.systems.add_button, Qt.MouseButton.LeftButton)
    assert service.records.linked("initiative_system", rows[0].id).keys() == {3}
    assert service.initiatives.initiatives()[0].systems == "住民基本台帳"

    # one undo takes back the link only
    window.undo_action.trigger()
    assert service.records.linked("initiative_system", rows[0].id) == {}


def test_a_budget_line_typed_with_zenkaku_digits(qtbot, window, messages):
    service = window.commander.services
    view = _open(window, "budget")
    assert view.year.currentText() == "令和8年度（FY2026）"  # the test clock's day is 2026/11/20
    ime_type(view.line_body.new_name, "標準準拠システム移行経費")
    qtbot.mouseClick(view.line_body.add_button, Qt.MouseButton.LeftButton)
    form = view.line_form
    line_id = form.record_id
    assert line_id is not None
    _commit(qtbot, form.editors["budget"], "１，２００，０００")
    _commit(qtbot, form.editors["spent"], "３００，０００")
    record = service.records.record("budget_line", line_id)
    assert (record["fiscal_year"], record["budget"], record["spent"]) == (2026, 1_200_000, 300_000)
    assert form.editors["budget"].text() == "1,200,000"  # shown back in its plain form
    assert form.info.text() == "執行率 25.0%"
    assert view.lines.view.model().index(0, 7).data() == "25.0%"

    before = len(service.journal.entries(limit=10_000))
    _commit(qtbot, form.editors["requested"], "－５")  # a negative amount, typed 全角
    assert service.records.record("budget_line", line_id)["requested"] is None
    assert len(service.journal.entries(limit=10_000)) == before
    title, text = messages[-1]
    assert title == "入力内容を確認してください"
    assert "要求額" in text and "保存されていません" in text
    assert form.editors["requested"].text() == ""  # the stored value is shown again
    _commit(qtbot, form.editors["requested"], "abc")
    assert "要求額" in messages[-1][1] and service.records.record("budget_line", line_id)["requested"] is None

    choose(form.editors["funding_source_id"], service.records.choices("funding_source")[1][0])
    view.tabs.setCurrentIndex(2)
    totals = [(t.label, t.budget, t.spent) for t in view.by_source.shown_rows()]
    assert totals == [("デジタル基盤改革支援補助金", 1_200_000, 300_000), ("合計", 1_200_000, 300_000)]


def test_complete_a_recurring_task_and_see_the_next(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 10, 1)
    service.tasks.add("情報システム関係の予算要求資料の作成", due_date=date(2026, 10, 15), recurrence="yearly 10-15")
    view = _open(window, "tasks")
    assert window.nav.item(1).toolTip().startswith("やること")
    rows = view.table.shown_rows()
    assert [(r.title, r.due, r.bucket_label, r.recurrence) for r in rows] == [
        ("情報システム関係の予算要求資料の作成", date(2026, 10, 15), "14日以内", "毎年 10月15日")
    ]
    view.table.select_id(("task", rows[0].id))
    assert view.complete_button.isEnabled()
    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    rows = view.table.shown_rows()
    assert [(r.title, r.due, r.bucket_label) for r in rows] == [
        ("情報システム関係の予算要求資料の作成", date(2027, 10, 15), "それ以降")
    ]
    assert view.form.record_id == rows[0].id  # the next one is selected
    assert view.form.editors["recurrence"].kind.currentData() == "yearly"
    assert "次の回（期限 2027/10/15）" in window.statusBar().currentMessage()
    window._update_counts()
    assert window._nav_counts["tasks"] == 0


def test_overdue_tasks_are_red_and_counted_in_the_navigation(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 11, 20)
    service.tasks.add("期限切れの作業", due_date=date(2026, 11, 10))
    service.tasks.add("来週の作業", due_date=date(2026, 11, 27))
    service.tasks.add("来年の作業", due_date=date(2027, 6, 1))
    view = _open(window, "tasks")
    window.nav_action.setChecked(True)
    window._apply_nav()
    assert window.nav.item(1).text() == "やること（2）"
    model = view.table.view.model()
    colours = {model.index(r, 2).data(): model.index(r, 2).data(Qt.ItemDataRole.ForegroundRole) for r in range(3)}
    assert colours["期限切れの作業"].color().name() == "#b71c1c"
    assert colours["来年の作業"] is None
    assert view.counts.text() == "期限切れ 1件　14日以内 1件　それ以降 1件"
    # completing the overdue one lowers the count at once
    view.table.select_id(("task", service.tasks.agenda()[0].id))
    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    assert window.nav.item(1).text() == "やること（1）"


def test_area_filter_and_text_filter(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 11, 20)
    service.tasks.add("住記の確認", due_date=date(2026, 12, 1), system_id=3)
    service.tasks.add("ｐｃ更新", due_date=date(2026, 12, 2))
    view = _open(window, "tasks")
    choose(view.area, "system")
    assert [r.title for r in view.table.shown_rows()] == ["住記の確認"]
    choose(view.area, "*")
    qtbot.keyClicks(view.table.filter, "PC")  # 全角 ｐｃ matches typed PC
    assert [r.title for r in view.table.shown_rows()] == ["ｐｃ更新"]
    assert view.table.count.text() == "1件／全2件"


def test_starter_duties_are_added_from_the_dialog(qtbot, window, monkeypatch):
    service = window.commander.services
    from soloit.ui.dialogs.duties_dialog import DutiesDialog

    view = _open(window, "tasks")

    def accept(dialog):
        dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)  # the user leaves the first one out
        return True

    monkeypatch.setattr(DutiesDialog, "exec", accept)
    qtbot.mouseClick(view.duties_button, Qt.MouseButton.LeftButton)
    from soloit.services.tasks import starter_duties

    titles = {r.title for r in view.table.shown_rows()}
    duties = starter_duties()
    assert titles == {d.title for d in duties[1:]}
    # a second time, those registered are shown as such and not offered
    dialog = DutiesDialog(duties, service.tasks.registered_duties())
    qtbot.addWidget(dialog)
    assert [d.title for d in dialog.chosen()] == [duties[0].title]


def test_deleting_an_organisation_a_contract_uses_is_refused(qtbot, window, messages):
    service = window.commander.services
    view = _open(window, "budget")
    view.tabs.setCurrentIndex(1)
    ime_type(view.contract_body.new_name, "住民記録システム保守")
    qtbot.mouseClick(view.contract_body.add_button, Qt.MouseButton.LeftButton)
    vendor = view.contract_form.editors["vendor_id"]
    ime_type(vendor.lineEdit(), "株式会社ミドリ電算")
    qtbot.keyClick(vendor.lineEdit(), Qt.Key.Key_Return)
    _commit(qtbot, view.contract_form.editors["end_date"], "R9.3.31")
    _commit(qtbot, view.contract_form.editors["notice_days"], "90")
    contract = service.contracts.contracts()[0]
    assert (contract.vendor, contract.end_date, contract.notice_date) == ("株式会社ミドリ電算", date(2027, 3, 31), date(2026, 12, 28))
    assert view.contracts.view.model().index(0, 5).data() == "2026/12/28"
    assert "2026/12/28" in view.contract_form.info.text()
    org_id = next(o.id for o in service.organisations.organisations() if o.name == "株式会社ミドリ電算")
    assert window.commander.execute("組織を削除", lambda: service.organisations.delete(org_id)) is None
    assert "契約" in messages[-1][1] and "住民記録システム保守" in messages[-1][1]


def test_a_task_is_linked_to_a_step_by_choosing_business_and_step(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 11, 20)
    service.tasks.add("戸籍の移行テスト", due_date=date(2026, 12, 1))
    view = _open(window, "tasks")
    view.table.select_id(("task", view.table.shown_rows()[0].id))
    cell = view.form.editors["cell_key"]
    choose(cell.business, "koseki")
    choose(cell.step, 5)
    task = service.records.record("task", view.form.record_id)
    assert task["cell_key"] == "koseki/5"
    assert view.table.shown_rows()[0].about == "戸籍 ステップ②-2"
    choose(view.area, "cell")
    assert [r.title for r in view.table.shown_rows()] == ["戸籍の移行テスト"]
    choose(cell.business, "")  # （なし）
    assert service.records.record("task", task.id)["cell_key"] is None


def test_the_detail_panel_of_the_plan_views_follows_f6(qtbot, window):
    for key in ("tasks", "initiatives", "budget"):
        view = _open(window, key)
        bodies = [view.line_body, view.contract_body] if key == "budget" else [view.body]
        assert all(body.sizes()[1] > 0 for body in bodies)
        window.detail_action.trigger()
        assert all(body.sizes()[1] == 0 for body in bodies), key
        window.detail_action.trigger()
        assert all(body.sizes()[1] > 0 for body in bodies), key
