"""DX取組: the initiatives of the municipality's DX plan in a filterable table; the selected one's fields, its KPIs
(with achievement %) and the systems and budget lines it concerns in the detail panel."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from soloit.domain.amounts import format_decimal
from soloit.services.changes import ChangeSet
from soloit.services.entities import INITIATIVE, KPI, ORGANISATION
from soloit.services.initiatives import InitiativeRow, KpiView
from soloit.ui.commands import Commander
from soloit.ui.views.base import RecordView, link_owner, record_id
from soloit.ui.views.formatting import day, day_key, number_key, percent
from soloit.ui.widgets.master_detail import MasterDetail
from soloit.ui.widgets.record_form import LinkEditor, RecordForm
from soloit.ui.widgets.record_table import Column, RecordTable

COLUMNS = (
    Column("取組名", lambda r: r.title, width=240),
    Column("分類", lambda r: r.category_label.split("：")[-1], width=170, tip=lambda r: r.category_label),
    Column("状況", lambda r: r.status_label),
    Column("担当部署", lambda r: r.department or "", width=120),
    Column("開始日", lambda r: day(r.start_date), sort=lambda r: day_key(r.start_date)),
    Column("終了日", lambda r: day(r.end_date), sort=lambda r: day_key(r.end_date)),
    Column("KPI", lambda r: str(r.kpi_count) if r.kpi_count else "", sort=lambda r: r.kpi_count, right=True),
    Column("達成率", lambda r: percent(r.achievement), sort=lambda r: number_key(r.achievement), right=True),
    Column("関連システム", lambda r: r.systems),
)
KPI_COLUMNS = (
    Column("KPI名", lambda k: k.name, width=150),
    Column("目標", lambda k: f"{format_decimal(k.target)}{k.unit or ''}" if k.target is not None else "", right=True),
    Column("実績", lambda k: f"{format_decimal(k.actual)}{k.unit or ''}" if k.actual is not None else "", right=True),
    Column("達成率", lambda k: percent(k.achievement), sort=lambda k: number_key(k.achievement), right=True),
    Column("時点", lambda k: day(k.as_of)),
)


class InitiativesView(RecordView):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.table = RecordTable(COLUMNS)
        self.table.setObjectName("initiatives")
        self.form = RecordForm(
            commander,
            INITIATIVE,
            ("title", "category", "status", "department_id", "start_date", "end_date", "description"),
            organisation_kinds={"department_id": "department"},
        )
        kpi_box = QGroupBox("KPI（目標と実績）")
        kpi_layout = QVBoxLayout(kpi_box)
        self.kpi_table = RecordTable(KPI_COLUMNS, filterable=False)
        self.kpi_table.setObjectName("kpis")
        self.kpi_table.setFixedHeight(150)
        self.kpi_name = QLineEdit()
        self.kpi_name.setObjectName("new_kpi_name")
        self.kpi_name.setPlaceholderText("KPI名（例: オンライン申請の件数）")
        self.kpi_name.setMaxLength(200)
        self.add_kpi_button = QPushButton("KPIを追加")
        self.add_kpi_button.setObjectName("add_kpi")
        self.remove_kpi_button = QPushButton("KPIを削除")
        self.remove_kpi_button.setObjectName("remove_kpi")
        self.remove_kpi_button.setEnabled(False)
        kpi_row = QHBoxLayout()
        kpi_row.addWidget(self.kpi_name, 1)
        kpi_row.addWidget(self.add_kpi_button)
        kpi_row.addWidget(self.remove_kpi_button)
        self.kpi_form = RecordForm(commander, KPI, ("name", "unit", "target", "actual", "as_of"))
        kpi_layout.addWidget(self.kpi_table)
        kpi_layout.addLayout(kpi_row)
        kpi_layout.addWidget(self.kpi_form)
        self.kpi_box = kpi_box
        self.systems = LinkEditor(commander, "initiative_system", "関連するシステム")
        self.budget_lines = LinkEditor(commander, "initiative_budget", "関連する予算")
        self.body = MasterDetail(
            "initiative",
            self.table,
            new_placeholder="新しい取組名（例: 書かないワンストップ窓口）",
            add_text="取組を追加",
            remove_text="取組を削除",
            on_add=self.add_initiative,
            on_remove=self.remove_initiative,
            detail=(self.form, kpi_box, self.systems, self.budget_lines),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.body)

        self.table.selected.connect(self._show)
        self.kpi_table.selected.connect(self._show_kpi)
        self.kpi_name.returnPressed.connect(self.add_kpi)
        self.add_kpi_button.clicked.connect(self.add_kpi)
        self.remove_kpi_button.clicked.connect(self.remove_kpi)
        commander.changed.connect(self._on_changed)
        self._show(None)

    def load(self) -> None:
        self._loaded = True
        rows = self.services.initiatives.initiatives()
        self.table.set_rows(rows)
        self._summarise(rows)

    def _summarise(self, rows: list[InitiativeRow]) -> None:
        running = sum(1 for r in rows if r.status == "active")
        self.summary.emit(f"DX取組 {len(rows)}件（実施中 {running}件）")

    # --- selection ---------------------------------------------------------------------------------------------

    def _show(self, initiative_id: int | None) -> None:
        self.form.show_record(initiative_id)
        self.systems.show_record(initiative_id)
        self.budget_lines.show_record(initiative_id)
        self.kpi_box.setEnabled(initiative_id is not None)
        row = self.table.current_row()
        self.body.title.setText(row.title if initiative_id is not None and row else "取組を選んでください")
        self._load_kpis()

    def _load_kpis(self) -> None:
        initiative_id = self.form.record_id
        self.kpi_table.set_rows(self.services.initiatives.kpis(initiative_id) if initiative_id is not None else [])

    def _show_kpi(self, kpi_id: int | None) -> None:
        self.kpi_form.show_record(kpi_id)
        self.remove_kpi_button.setEnabled(kpi_id is not None)

    # --- changing ----------------------------------------------------------------------------------------------

    def add_initiative(self, title: str) -> bool:
        result = self.commander.execute("DX取組を追加", lambda: self.services.initiatives.add(title))
        if not result:
            return False
        self.table.select_id(int(result.created(INITIATIVE)[0]))
        self.form.editors["category"].setFocus()
        return True

    def remove_initiative(self) -> None:
        row: InitiativeRow | None = self.table.current_row()
        if row is not None:
            self.commander.execute(f"DX取組「{row.title}」を削除", lambda: self.services.records.delete(INITIATIVE, row.id))

    def add_kpi(self) -> None:
        initiative_id = self.form.record_id
        if initiative_id is None:
            return
        name = self.kpi_name.text()
        result = self.commander.execute("KPIを追加", lambda: self.services.initiatives.add_kpi(initiative_id, name))
        if result:
            self.kpi_name.clear()
            self.kpi_table.select_id(int(result.created(KPI)[0]))
            self.kpi_form.editors["target"].setFocus()

    def remove_kpi(self) -> None:
        kpi: KpiView | None = self.kpi_table.current_row()
        if kpi is not None:
            self.commander.execute(f"KPI「{kpi.name}」を削除", lambda: self.services.records.delete(KPI, kpi.id))

    def show_entity(self, entity: str, key: str) -> bool:
        self.ensure_loaded()
        self.table.clear_filter()
        if entity in ("initiative_system", "initiative_budget"):
            owner = link_owner(self.services, entity, key)
            return owner is not None and self.table.select_id(owner[1])
        wanted = record_id(key)
        if entity == KPI and wanted is not None:
            kpi = self.services.records.record(KPI, wanted)
            if kpi is None or kpi.get("initiative_id") is None or not self.table.select_id(kpi.get("initiative_id")):
                return False
            return self.kpi_table.select_id(wanted)
        return wanted is not None and self.table.select_id(wanted)

    def _on_changed(self, changeset: ChangeSet) -> None:
        if not self._loaded:
            return
        if any(changeset.touches(e) for e in (INITIATIVE, KPI, ORGANISATION, "initiative_system", "system")):
            self.load()
        if changeset.touches(KPI):
            self._load_kpis()
