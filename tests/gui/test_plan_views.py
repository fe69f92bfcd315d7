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
    assert messages == []  # no message box: the field says why
    reason = form.refusals.slot("requested").reason
    assert reason.isVisible() and "要求額" in reason.text() and "保存されていません" in reason.text()
    assert form.editors["requested"].text() == "－５"  # what was typed stays, marked
    assert form.editors["requested"].property("refused") is True
    _commit(qtbot, form.editors["requested"], "abc")
    assert "要求額" in reason.text() and service.records.record("budget_line", line_id)["requested"] is None
    assert form.editors["requested"].text() == "abc"
    qtbot.keyClick(form.editors["requested"], Qt.Key.Key_Escape)  # discarded: the stored (empty) value again
    assert form.editors["requested"].text() == "" and not reason.isVisible()

    choose(form.editors["funding_source_id"], service.records.choices("funding_source")[1][0])
    view.tabs.setCurrentIndex(2)
    totals = [(t.label, t.budget, t.spent) for t in view.by_source.shown_rows()]
    assert totals == [("デジタル基盤改革支援補助金", 1_200_000, 300_000), ("合計", 1_200_000, 300_000)]


def test_amounts_typed_in_man_and_sen(qtbot, window, messages):
    """120万円, １２０万 (IME), 3千円 are read as a person means them; 万万 is refused beside the field, kept as typed."""
    service = window.commander.services
    view = _open(window, "budget")
    ime_type(view.line_body.new_name, "ネットワーク更新経費")
    qtbot.mouseClick(view.line_body.add_button, Qt.MouseButton.LeftButton)
    form = view.line_form
    _commit(qtbot, form.editors["budget"], "１２０万")
    _commit(qtbot, form.editors["spent"], "1万5千円")
    _commit(qtbot, form.editors["requested"], "120万円")
    record = service.records.record("budget_line", form.record_id)
    assert (record["budget"], record["spent"], record["requested"]) == (1_200_000, 15_000, 1_200_000)
    assert form.editors["budget"].text() == "1,200,000"
    _commit(qtbot, form.editors["spent"], "万万")
    assert service.records.record("budget_line", form.record_id)["spent"] == 15_000
    assert form.editors["spent"].text() == "万万" and "執行額" in form.refusals.slot("spent").reason.text()
    assert messages == []

    view.tabs.setCurrentIndex(1)
    ime_type(view.contract_body.new_name, "庁内LAN保守")
    qtbot.mouseClick(view.contract_body.add_button, Qt.MouseButton.LeftButton)
    _commit(qtbot, view.contract_form.editors["amount"], "3千円")
    assert service.records.record("contract", view.contract_form.record_id)["amount"] == 3_000


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


def _notice_contract(service, title: str = "戸籍システム保守") -> int:
    """A contract ending 2027/03/31 with 90 days' notice: its notice date is Mon 2026/12/28."""
    return int(service.contracts.add(title, end_date=date(2027, 3, 31), notice_days=90).created("contract")[0])


def test_a_notice_row_opens_its_contract_on_enter_and_double_click(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 12, 20)
    contract = _notice_contract(service)
    view = _open(window, "tasks")
    model = view.table.view.model()
    assert (model.index(0, 1).data(), model.index(0, 3).data()) == ("2026/12/28（月）", "未処理")
    assert view.table.select_id(("contract", contract))
    assert "まだ処理していません" in view.notice_text.text() and view.handle_button.isEnabled()
    assert not view.body.remove_button.isEnabled()  # a notice is not deleted, it is handled
    view.table.view.setFocus()
    qtbot.keyClick(view.table.view, Qt.Key.Key_Return)
    budget = window.views["budget"]
    assert window.stack.currentWidget() is budget and window.nav.currentRow() == VIEW_ROWS["budget"]
    assert budget.tabs.currentIndex() == 1
    assert budget.contracts.current_id() == contract and budget.contract_form.record_id == contract
    # double-click does the same
    view = _open(window, "tasks")
    view.table.select_id(("contract", contract))
    index = view.table.view.currentIndex()
    where = view.table.view.visualRect(index).center()
    qtbot.mouseClick(view.table.view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double click starts with a press
    qtbot.mouseDClick(view.table.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.stack.currentWidget() is budget and budget.contracts.current_id() == contract


def test_handling_a_notice_in_its_dialog_takes_it_off_the_list(qtbot, window, clock):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from soloit.services.integrity import verify

    service = window.commander.services
    clock.day = date(2026, 12, 20)
    contract = _notice_contract(service)
    service.tasks.add("来週の作業", due_date=date(2026, 12, 24))
    view = _open(window, "tasks")
    window.nav_action.setChecked(True)
    window._apply_nav()
    assert window.nav.item(1).text() == "やること（2）"
    entries = verify(window.commander.services.store).entries
    view.table.select_id(("contract", contract))
    seen = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.findChild(type(dialog.day), "notice_decided_on").text())
        choose(dialog.decision, "terminate")
        dialog.day.setText("2026/12/18")
        dialog.reason.setText("more cost-effective successor chosen")  # setText, never keyClicks Japanese
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(view.handle_button, Qt.MouseButton.LeftButton)
    assert seen == ["2026/12/20"]  # today is offered
    row = service.records.record("contract", contract)
    assert (row["notice_decision"], row["notice_decided_on"], row["notice_for"]) == (
        "terminate", date(2026, 12, 18), date(2027, 3, 31)
    )
    report = verify(window.commander.services.store)
    assert report.ok and report.entries == entries + 3
    assert [r.kind for r in view.table.shown_rows()] == ["task"]
    assert window.nav.item(1).text() == "やること（1）"
    assert "「解約する」として処理しました" in window.statusBar().currentMessage()
    # 完了も表示: shown as handled, grey, not red
    view.show_done.setChecked(True)
    (notice,) = [r for r in view.table.shown_rows() if r.kind == "contract"]
    assert (notice.bucket_label, notice.status_label) == ("完了", "解約する")
    view.table.select_id(("contract", contract))
    model = view.table.view.model()
    current = view.table.view.currentIndex().row()
    assert model.index(current, 2).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#757575"
    assert "処理済み：解約する（2026/12/18 処理）" in view.notice_text.text()
    # Ctrl+Z brings it back
    view.show_done.setChecked(False)
    window.commander.undo_stack.undo()
    assert sorted(r.kind for r in view.table.shown_rows()) == ["contract", "task"]
    assert window.nav.item(1).text() == "やること（2）"


def test_a_handled_notice_through_the_seam_and_its_contract_form(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2027, 1, 5)  # past the notice date: overdue, red
    contract = _notice_contract(service, "端末保守")
    view = _open(window, "tasks")
    (row,) = view.table.shown_rows()
    assert row.bucket_label == "期限切れ"
    assert view.table.view.model().index(0, 1).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b71c1c"
    view.notice_dialog = lambda *_args: ("notified", "", None)  # the day left empty: today
    view.table.select_id(("contract", contract))
    view.build_context_menu().actions()[1].trigger()  # 申出期限を処理…
    assert view.table.shown_rows() == []
    assert service.records.record("contract", contract)["notice_decided_on"] == date(2027, 1, 5)
    budget = _open(window, "budget")
    budget.show_entity("contract", str(contract))
    assert budget.contract_form.editors["notice_decision"].currentData() == "notified"
    assert "処理済み: 申出済み（2027/01/05 処理）" in budget.contract_form.info.text()
    assert budget.contracts.view.model().index(0, 6).data() == "申出済み"
    # renewed: the end date moves on, the new term's notice is due again
    _commit(qtbot, budget.contract_form.editors["end_date"], "2028/03/31")
    assert "前の契約期間（終了日 2027/03/31）" in budget.contract_form.info.text()
    assert [r.id for r in service.contracts.notices(date(2027, 12, 1))] == [contract]


def test_a_task_row_opens_its_form_and_its_step(qtbot, window, clock):
    service = window.commander.services
    clock.day = date(2026, 11, 20)
    service.tasks.add("戸籍の移行テスト", due_date=date(2026, 12, 1), cell_key="koseki/5")
    view = _open(window, "tasks")
    (row,) = view.table.shown_rows()
    view.table.select_id(("task", row.id))
    view.table.view.setFocus()
    qtbot.keyClick(view.table.view, Qt.Key.Key_Return)
    assert view.form.editors["title"].hasFocus()
    assert view.open_related_button.isEnabled() and view.open_related_button.text() == "ステップを開く(&R)"
    qtbot.mouseClick(view.open_related_button, Qt.MouseButton.LeftButton)
    ledger = window.views["ledger"]
    assert window.stack.currentWidget() is ledger
    index = ledger.steps.currentIndex()
    assert (ledger.model.business_row(index.row()).business_code, ledger.model.step_seq(index.column())) == ("koseki", 5)


def test_the_year_summary_columns_are_as_wide_as_their_figures(qtbot, window):
    """年度集計: 執行率 is not stretched over half the table; the names of both tables fit and line up."""
    services = window.commander.services
    services.budget.add_line(2026, "標準準拠システム移行経費", budget=95_000_000, spent=41_200_000)
    services.budget.add_line(2026, "ネットワーク更新", budget=4_500_000, spent=4_350_000)
    view = _open(window, "budget")
    view.tabs.setCurrentIndex(2)
    assert view.by_source.model.rowCount() >= 2 and view.by_system.model.rowCount() >= 2  # a row and 合計
    rate_column = len(view.by_source.model.columns) - 1
    assert view.by_source.model.headerData(rate_column, Qt.Orientation.Horizontal) == "執行率"
    for table in (view.by_source, view.by_system):
        metrics = table.view.fontMetrics()
        header = table.view.horizontalHeader()
        assert not header.stretchLastSection()
        widest = max(metrics.horizontalAdvance(str(table.model.index(r, rate_column).data())) for r in range(table.model.rowCount()))
        assert header.sectionSize(rate_column) < max(widest, metrics.horizontalAdvance("執行率")) + 60
        assert header.sectionSize(rate_column) < table.view.viewport().width() / 6
        names = [str(table.model.index(r, 0).data()) for r in range(table.model.rowCount())]
        assert all(metrics.horizontalAdvance(n) < header.sectionSize(0) for n in names)
    assert view.by_source.view.columnWidth(0) == view.by_system.view.columnWidth(0)


def test_dates_in_tables_and_forms_give_their_wareki_in_the_tooltip(qtbot, window):
    """Tables and forms keep 西暦 (2027/03/31); the tooltip gives the 和暦 a municipal reader counts in."""
    services = window.commander.services
    view = _open(window, "budget")
    view.tabs.setCurrentIndex(1)
    ime_type(view.contract_body.new_name, "住民記録システム保守")
    qtbot.mouseClick(view.contract_body.add_button, Qt.MouseButton.LeftButton)
    end = view.contract_form.editors["end_date"]
    _commit(qtbot, end, "R9.3.31")
    assert services.contracts.contracts()[0].end_date == date(2027, 3, 31)
    assert end.text() == "2027/03/31" and end.toolTip().startswith("令和9年3月31日\n")
    model = view.contracts.view.model()
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "終了日")
    cell = model.index(0, column)
    assert cell.data() == "2027/03/31"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "令和9年3月31日（2027/03/31）"
