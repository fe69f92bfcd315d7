"""予算・契約: the budget lines of a 年度 (amounts, 執行率, funding source, the systems and initiatives they are for),
the contracts whose term overlaps it (vendor, term, notice date), and the year's totals per funding source and per
system. The 年度 selector (令和8年度（FY2026）) governs all three tabs."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from soloit.domain.fiscal import fiscal_year, fiscal_year_label, fiscal_year_short
from soloit.services.budget import BudgetLineRow, BudgetSummary
from soloit.services.changes import ChangeSet
from soloit.services.contracts import ContractRow
from soloit.services.entities import BUDGET_LINE, CONTRACT, FUNDING_SOURCE, ORGANISATION
from soloit.services.records import Record
from soloit.ui.commands import Commander
from soloit.ui.views.base import View, link_owner, record_id
from soloit.ui.views.formatting import day, day_key, number_key, percent, yen
from soloit.ui.widgets.master_detail import MasterDetail
from soloit.ui.widgets.record_form import LinkEditor, RecordForm
from soloit.ui.widgets.record_table import Column, RecordTable

NOTICE_SOON_COLOUR = "#b71c1c"
CONTRACTS_TAB, SUMMARY_TAB = 1, 2


def _money(header: str, get: object) -> Column:
    return Column(header, lambda r: yen(get(r)), sort=lambda r: number_key(get(r)), right=True)  # type: ignore[operator]


LINE_COLUMNS = (
    Column("事業名", lambda r: r.name, width=220),
    Column("予算科目", lambda r: r.account or "", width=120),
    Column("区分", lambda r: r.kind_label),
    _money("要求額", lambda r: r.requested),
    _money("予算額", lambda r: r.budget),
    _money("契約額", lambda r: r.contracted),
    _money("執行額", lambda r: r.spent),
    Column("執行率", lambda r: percent(r.execution_rate), sort=lambda r: number_key(r.execution_rate), right=True),
    Column("財源", lambda r: r.funding_source or "", width=140),
    _money("うち補助等", lambda r: r.subsidy),
    Column("関連システム", lambda r: r.systems),
)
TOTAL_COLUMNS = (
    Column("", lambda t: t.label),  # as wide as the longest name of either table (_align_summary_names)
    Column("件数", lambda t: str(t.lines), sort=lambda t: t.lines, right=True),
    _money("要求額", lambda t: t.requested),
    _money("予算額", lambda t: t.budget),
    _money("うち補助等", lambda t: t.subsidy),
    _money("契約額", lambda t: t.contracted),
    _money("執行額", lambda t: t.spent),
    Column("執行率", lambda t: percent(t.execution_rate), sort=lambda t: number_key(t.execution_rate), right=True),
)


class BudgetView(View):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.year = QComboBox()
        self.year.setObjectName("fiscal_year")
        self.year.setMinimumContentsLength(16)
        year_label = QLabel("年度(&Y)")
        year_label.setBuddy(self.year)
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("budget_tabs")
        self.tabs.addTab(self._build_lines(), "予算(&B)")
        self.tabs.addTab(self._build_contracts(), "契約(&K)")
        self.tabs.addTab(self._build_summary(), "年度集計(&T)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        # 契約 and 年度集計 are filled when shown (opening the view on a large ledger read and laid out all three)
        self._unfilled: set[int] = set()
        self._lines_read: list[BudgetLineRow] = []
        self.tabs.currentChanged.connect(lambda _i: self._fill_shown_tab())
        self.year.activated.connect(lambda _i: self._year_changed())
        commander.changed.connect(self._on_changed)

    # --- building ----------------------------------------------------------------------------------------------

    def _build_lines(self) -> QWidget:
        self.lines = RecordTable(LINE_COLUMNS)
        self.lines.setObjectName("budget_lines")
        self.line_form = RecordForm(
            self.commander,
            BUDGET_LINE,
            ("name", "fiscal_year", "account", "kind", "requested", "budget", "contracted", "spent",
             "funding_source_id", "subsidy", "notes"),
            info=self._line_info,
        )
        self.line_systems = LinkEditor(self.commander, "budget_system", "関連するシステム")
        self.line_initiatives = LinkEditor(self.commander, "initiative_budget", "関連するDX取組", reverse=True)
        self.line_body = MasterDetail(
            "budget_line",
            self.lines,
            new_placeholder="新しい事業名（例: 標準準拠システム移行経費）",
            add_text="予算を追加",
            remove_text="予算を削除",
            on_add=self.add_line,
            on_remove=self.remove_line,
            detail=(self.line_form, self.line_systems, self.line_initiatives),
        )
        self.lines.selected.connect(self._show_line)
        return self.line_body

    def _build_contracts(self) -> QWidget:
        columns = (
            Column("契約名", lambda r: r.title, width=220),
            Column("契約先", lambda r: r.vendor or "", width=160),
            Column("開始日", lambda r: day(r.start_date), sort=lambda r: day_key(r.start_date)),
            Column("終了日", lambda r: day(r.end_date), sort=lambda r: day_key(r.end_date)),
            _money("契約金額", lambda r: r.amount),
            Column("申出期限", lambda r: day(r.notice_date), sort=lambda r: day_key(r.notice_date), color=self._notice_colour),
            Column("申出の処理", lambda r: r.notice_decision_label),
            Column("関連システム", lambda r: r.systems),
        )
        self.contracts = RecordTable(columns)
        self.contracts.setObjectName("contracts")
        self.all_years = QCheckBox("すべての年度の契約")
        self.all_years.setObjectName("all_years")
        self.all_years.toggled.connect(lambda _on: self._load_contracts())
        self.contract_form = RecordForm(
            self.commander,
            CONTRACT,
            ("title", "vendor_id", "start_date", "end_date", "amount", "notice_days", "notice_decision", "notice_decided_on",
             "document", "notes"),
            organisation_kinds={"vendor_id": "vendor"},
            info=self._contract_info,
            info_depends_on=("closed_day",),
        )
        self.contract_systems = LinkEditor(self.commander, "contract_system", "関連するシステム")
        self.contract_body = MasterDetail(
            "contract",
            self.contracts,
            new_placeholder="新しい契約名（例: 住民記録システム保守業務委託）",
            add_text="契約を追加",
            remove_text="契約を削除",
            on_add=self.add_contract,
            on_remove=self.remove_contract,
            detail=(self.contract_form, self.contract_systems),
            extra_buttons=(self.all_years,),
        )
        self.contracts.selected.connect(self._show_contract)
        return self.contract_body

    def _build_summary(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_title = QLabel("")
        self.summary_title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(self.summary_title)
        self.by_source = RecordTable(TOTAL_COLUMNS, key=lambda t: t.label, filterable=False)
        self.by_source.setObjectName("by_source")
        self.by_system = RecordTable(TOTAL_COLUMNS, key=lambda t: t.label, filterable=False)
        self.by_system.setObjectName("by_system")
        for title, table in (("財源別", self.by_source), ("システム別", self.by_system)):
            # columns as wide as their figures: the last one (執行率) is not stretched over half the width
            table.view.horizontalHeader().setStretchLastSection(False)
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(table)
            layout.addWidget(box, 1)
        self.shared_note = QLabel("")
        self.shared_note.setWordWrap(True)
        layout.addWidget(self.shared_note)
        return page

    # --- the View hooks ----------------------------------------------------------------------------------------

    def splitters(self) -> dict[str, QSplitter]:
        return {"lines": self.line_body, "contracts": self.contract_body}

    def set_detail_visible(self, visible: bool) -> None:
        self.line_body.set_detail_visible(visible)
        self.contract_body.set_detail_visible(visible)

    def load(self) -> None:
        self._loaded = True
        self._fill_years(fiscal_year(self.services.context.clock.today()))
        self._load_all()

    @property
    def fiscal_year(self) -> int:
        return int(self.year.currentData())

    def select_fiscal_year(self, fy: int) -> None:
        self._fill_years(fy)
        self._load_all()

    def _fill_years(self, wanted: int) -> None:
        today_fy = fiscal_year(self.services.context.clock.today())
        years = sorted({*self.services.budget.fiscal_years(), today_fy, today_fy + 1, wanted}, reverse=True)
        self.year.blockSignals(True)
        self.year.clear()
        for fy in years:
            self.year.addItem(fiscal_year_label(fy), fy)
        self.year.setCurrentIndex(self.year.findData(wanted))
        self.year.blockSignals(False)

    def _year_changed(self) -> None:
        self._load_all()

    def _load_all(self) -> None:
        self._load_lines()
        self._refill({CONTRACTS_TAB, SUMMARY_TAB})

    def _refill(self, tabs: set[int]) -> None:
        """`tabs` are to show what is stored now: the one on screen at once, the others when next shown."""
        self._unfilled |= tabs
        self._fill_shown_tab()

    def _fill_shown_tab(self) -> None:
        shown = self.tabs.currentIndex()
        if shown not in self._unfilled:
            return
        self._unfilled.discard(shown)
        if shown == CONTRACTS_TAB:
            self._load_contracts()
        else:
            self._load_summary(self._lines_read)

    def _load_lines(self) -> list[BudgetLineRow]:
        rows = self.services.budget.lines(self.fiscal_year)
        self.lines.set_rows(rows)
        total_budget = sum(r.budget or 0 for r in rows)
        self.summary.emit(f"{fiscal_year_short(self.fiscal_year)} 予算 {len(rows)}件・予算額 {yen(total_budget)}円")
        self._lines_read = rows
        return rows

    def _load_contracts(self) -> None:
        self._unfilled.discard(CONTRACTS_TAB)
        self.contracts.set_rows(self.services.contracts.contracts(None if self.all_years.isChecked() else self.fiscal_year))

    def _align_summary_names(self) -> None:
        """Both tables' name columns as wide as the longest name of either (never cut), so their figures line up."""
        tables = (self.by_source, self.by_system)
        metrics = self.by_source.view.fontMetrics()
        names = [str(t.model.index(r, 0).data() or "") for t in tables for r in range(t.model.rowCount())]
        width = max([220, *(metrics.horizontalAdvance(n) + 16 for n in names)])
        for table in tables:
            table.pin_column_width(0, width)

    def _load_summary(self, lines: list[BudgetLineRow]) -> None:
        """年度集計 of the lines just read (the same rows the 予算 tab shows)."""
        summary: BudgetSummary = self.services.budget.summary(self.fiscal_year, lines)
        self.summary_title.setText(f"{fiscal_year_label(self.fiscal_year)} の集計（予算 {summary.total.lines}件）")
        self.by_source.set_rows([*summary.by_source, summary.total])
        self.by_system.set_rows([*summary.by_system, summary.total])
        self._align_summary_names()
        self.shared_note.setText(
            f"複数のシステムに関連付けた予算 {summary.shared_lines}件は、システム別ではそれぞれのシステムに計上しています"
            "（システム別の各行の和は合計と一致しません）。合計は各予算を1回だけ数えます。"
            if summary.shared_lines
            else "システム別・財源別の各行の和は合計と一致します。"
        )

    # --- details -----------------------------------------------------------------------------------------------

    def show_entity(self, entity: str, key: str) -> bool:
        self.ensure_loaded()
        if entity in ("budget_system", "contract_system"):
            owner = link_owner(self.services, entity, key)
            if owner is None:
                return False
            entity, key = owner[0], str(owner[1])
        wanted = record_id(key)
        record = self.services.records.record(entity, wanted) if wanted is not None and entity in (BUDGET_LINE, CONTRACT) else None
        if record is None:
            return False
        if entity == BUDGET_LINE:
            if record.get("fiscal_year") and record.get("fiscal_year") != self.fiscal_year:
                self.select_fiscal_year(record.get("fiscal_year"))
            self.tabs.setCurrentIndex(0)
            self.lines.clear_filter()
            return self.lines.select_id(wanted)
        self.tabs.setCurrentIndex(1)
        self.contracts.clear_filter()
        if not self.contracts.select_id(wanted):
            self.all_years.setChecked(True)  # a contract whose term is another 年度
            return self.contracts.select_id(wanted)
        return True

    def _line_info(self, record: Record) -> str:
        from soloit.domain.amounts import rate

        execution = rate(record.get("spent"), record.get("budget"))
        return f"執行率 {percent(execution)}" if execution is not None else "執行率は予算額と執行額から計算します。"

    def _contract_info(self, record: Record) -> str:
        row = next((c for c in self.contracts.model.rows if c.id == record.id), None)  # the table's row, already read
        if row is None or row.notice_date is None:
            return "契約終了日を入れると、更新・解約の申出期限を計算します（閉庁日なら前の開庁日）。"
        text = f"更新・解約の申出期限: {day(row.notice_date)}（期限の90日前から「やること」に表示します）"
        if row.notice_handled:
            return f"{text}\n処理済み: {row.notice_handling}。この契約期間の申出期限は「やること」に表示しません。"
        if row.notice_decision is not None:
            earlier = f"終了日 {day(row.notice_for)}" if row.notice_for else "以前"
            return f"{text}\n記録されている処理は前の契約期間（{earlier}）のものです。今の期間の申出期限はまだ処理していません。"
        return f"{text}\n「申出期限の処理」を選ぶと処理済みになり、「やること」から外れます。"

    def _notice_colour(self, row: ContractRow) -> str | None:
        today = self.services.context.clock.today()
        if row.notice_date is not None and row.end_date is not None and row.end_date >= today and not row.notice_handled:
            if (row.notice_date - today).days <= 14:
                return NOTICE_SOON_COLOUR
        return None

    def _show_line(self, line_id: int | None) -> None:
        self.line_form.show_record(line_id)
        self.line_systems.show_record(line_id)
        self.line_initiatives.show_record(line_id)
        row: BudgetLineRow | None = self.lines.current_row()
        self.line_body.title.setText(row.name if line_id is not None and row else "予算を選んでください")

    def _show_contract(self, contract_id: int | None) -> None:
        self.contract_form.show_record(contract_id)
        self.contract_systems.show_record(contract_id)
        row: ContractRow | None = self.contracts.current_row()
        self.contract_body.title.setText(row.title if contract_id is not None and row else "契約を選んでください")

    # --- changing ----------------------------------------------------------------------------------------------

    def add_line(self, name: str) -> bool:
        fy = self.fiscal_year
        result = self.commander.execute("予算を追加", lambda: self.services.budget.add_line(fy, name))
        if not result:
            return False
        self.lines.select_id(int(result.created(BUDGET_LINE)[0]))
        self.line_form.editors["account"].setFocus()
        return True

    def remove_line(self) -> None:
        row: BudgetLineRow | None = self.lines.current_row()
        if row is not None:
            self.commander.execute(f"予算「{row.name}」を削除", lambda: self.services.records.delete(BUDGET_LINE, row.id))

    def add_contract(self, title: str) -> bool:
        result = self.commander.execute("契約を追加", lambda: self.services.contracts.add(title))
        if not result:
            return False
        self.contracts.select_id(int(result.created(CONTRACT)[0]))
        self.contract_form.editors["vendor_id"].setFocus()
        return True

    def remove_contract(self) -> None:
        row: ContractRow | None = self.contracts.current_row()
        if row is not None:
            self.commander.execute(f"契約「{row.title}」を削除", lambda: self.services.records.delete(CONTRACT, row.id))

    def _on_changed(self, changeset: ChangeSet) -> None:
        if not self._loaded:
            return
        lines = any(changeset.touches(e) for e in (BUDGET_LINE, FUNDING_SOURCE, "budget_system", "system"))
        contracts = any(changeset.touches(e) for e in (CONTRACT, ORGANISATION, "contract_system", "system", "closed_day"))
        if lines:
            moved = self.line_form.record  # a line given another 年度 is followed there
            wanted = self.fiscal_year
            if moved is not None and str(moved.id) in changeset.keys(BUDGET_LINE):
                current = self.services.records.record(BUDGET_LINE, moved.id)
                if current is not None and current.get("fiscal_year"):
                    wanted = int(current["fiscal_year"])
            self._fill_years(wanted)
            self._load_lines()
        self._refill({tab for tab, touched in ((SUMMARY_TAB, lines), (CONTRACTS_TAB, contracts)) if touched})
