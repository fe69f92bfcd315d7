"""The 20 × 40 ledger as a Qt table model: column 0 business name, column 1 完了率, then the 40 steps.

Each step cell's lateness (domain/schedule.py: 予定日を過ぎて未完了 / 30日以内) is worked out when cells are loaded or
changed, on the services' today, never while painting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from soloit import reference
from soloit.domain import progress
from soloit.domain.clock import SYSTEM_CLOCK
from soloit.domain.fiscal import format_date, wareki_year
from soloit.domain.schedule import DUE_SOON_DAYS, LATE, Lateness, lateness_phrase, step_lateness
from soloit.services import fields
from soloit.services.changes import ChangeSet
from soloit.services.entities import CELL, SYSTEM
from soloit.services.views import BusinessRow, CellView, LedgerSnapshot

NAME_COLUMN = 0
RATE_COLUMN = 1
FIRST_STEP_COLUMN = 2

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1  # the status code of a step cell
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # header: (work item number, its label) of a step column
BUSINESS_ROLE = Qt.ItemDataRole.UserRole + 3  # the business code of a row
LATENESS_ROLE = Qt.ItemDataRole.UserRole + 4  # a step cell's Lateness (LATE / DUE_SOON) or None
DIMMED_ROLE = Qt.ItemDataRole.UserRole + 5  # True for a step cell drawn faint (遅れのみ表示 and the cell is not late)
# everything the delegate paints a step cell with, in one call (a paint asks once per cell, not five times):
# (background QBrush, symbol colour QColor, symbol, Lateness or None, dimmed)
PAINT_ROLE = Qt.ItemDataRole.UserRole + 6

_Index = QModelIndex | QPersistentModelIndex
_CELL_FIELDS = frozenset(CellView.__dataclass_fields__)


_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class LedgerModel(QAbstractTableModel):
    def __init__(self, parent=None, today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self._ref = reference.load()
        self._today_of = today or SYSTEM_CLOCK.today  # the services' clock, so tests can fix the day
        self._today = self._today_of()
        self._rows: list[BusinessRow] = []
        self._rates: list[progress.Rates] = []
        self._lateness: list[tuple[Lateness | None, ...]] = []
        self._late_only = False
        self._brushes = {
            s.code: QBrush(QColor(s.color), Qt.BrushStyle.BDiagPattern if s.pattern == "diagonal" else Qt.BrushStyle.SolidPattern)
            for s in self._ref.statuses
        }
        self._text_colors = {s.code: QBrush(QColor(s.text_color)) for s in self._ref.statuses}
        self._paint = {s.code: (self._brushes[s.code], QColor(s.text_color), s.symbol) for s in self._ref.statuses}

    # --- loading ------------------------------------------------------------------------------------------

    def load(self, snapshot: LedgerSnapshot) -> None:
        self.beginResetModel()
        self._rows = list(snapshot.rows)
        self._rates = [progress.business_rates(c.status for c in row.cells) for row in self._rows]
        self._today = self._today_of()
        self._lateness = [self._row_lateness(row) for row in self._rows]
        self.endResetModel()

    def _row_lateness(self, row: BusinessRow) -> tuple[Lateness | None, ...]:
        today = self._today
        return tuple(step_lateness(c.status, c.planned_date, today) for c in row.cells)

    def apply(self, changeset: ChangeSet) -> None:
        """Update the cells a change set touched (cell and system names/flags) and their rates."""
        touched_rows: set[int] = set()
        row_by_code = {row.business_code: i for i, row in enumerate(self._rows)}
        row_by_system = {str(row.system_id): i for i, row in enumerate(self._rows)}
        cells = {i: list(row.cells) for i, row in enumerate(self._rows)}
        for change in changeset.changes:
            if change.entity == CELL:
                code, seq = fields.split_cell_key(change.key)
                i = row_by_code.get(code)
                if i is None or change.field not in _CELL_FIELDS:  # bookkeeping fields are not shown
                    continue
                cells[i][seq - 1] = replace(cells[i][seq - 1], **{change.field: change.new})
                touched_rows.add(i)
            elif change.entity == SYSTEM and change.key in row_by_system and change.field in ("name", "tokutei"):
                i = row_by_system[change.key]
                self._rows[i] = replace(self._rows[i], **{change.field: change.new})
                touched_rows.add(i)
        today = self._today_of()
        if today != self._today:  # the day turned while the window was open: every cell's lateness may change
            self._today = today
            touched_rows = set(range(len(self._rows)))
        for i in sorted(touched_rows):
            self._rows[i] = replace(self._rows[i], cells=tuple(cells[i]))
            self._rates[i] = progress.business_rates(c.status for c in self._rows[i].cells)
            self._lateness[i] = self._row_lateness(self._rows[i])
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    # --- queries for views ----------------------------------------------------------------------------------

    def business_row(self, row: int) -> BusinessRow:
        return self._rows[row]

    def cell(self, row: int, column: int) -> CellView:
        return self._rows[row].cells[column - FIRST_STEP_COLUMN]

    def step_seq(self, column: int) -> int:
        return self._ref.steps[column - FIRST_STEP_COLUMN].seq

    def row_of(self, business_code: str) -> int:
        for i, row in enumerate(self._rows):
            if row.business_code == business_code:
                return i
        raise KeyError(business_code)

    def today(self) -> date:
        """The day the cells' lateness was worked out for."""
        return self._today

    def lateness(self, row: int, column: int) -> Lateness | None:
        return self._lateness[row][column - FIRST_STEP_COLUMN]

    def late_count(self, row: int | None = None) -> int:
        """Late steps (予定日を過ぎて未完了) of one row, or of the whole ledger."""
        rows = self._lateness if row is None else [self._lateness[row]]
        return sum(1 for marks in rows for mark in marks if mark is LATE)

    def set_late_only(self, on: bool) -> None:
        """遅れのみ表示: the cells that are not late are drawn faint (the view hides the rows without one)."""
        if on == self._late_only:
            return
        self._late_only = on
        if self._rows:
            self.dataChanged.emit(
                self.index(0, FIRST_STEP_COLUMN), self.index(len(self._rows) - 1, self.columnCount() - 1), [DIMMED_ROLE]
            )

    def overall(self) -> progress.Rates | None:
        if not self._rows:
            return None
        return progress.municipality_rate({row.business_code: rate for row, rate in zip(self._rows, self._rates, strict=True)})

    # --- Qt model API -------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_STEP_COLUMN + len(self._ref.steps)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS  # asked for every cell painted: the enum's | made once

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == PAINT_ROLE:  # first: the delegate asks it for every cell it paints
            row, column = index.row(), index.column() - FIRST_STEP_COLUMN
            if column < 0 or not index.isValid():
                return None
            mark = self._lateness[row][column]
            return (*self._paint[self._rows[row].cells[column].status], mark, self._late_only and mark is not LATE)
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        business = self._rows[row]
        if role == BUSINESS_ROLE:
            return business.business_code
        if column == NAME_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return business.name + ("　［特定］" if business.tokutei else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                ref_business = self._ref.business_by_code[business.business_code]
                extra = "\n特定移行支援システム" if business.tokutei else ""
                late = self.late_count(row)
                if late:
                    extra += f"\n予定日を過ぎた未完了のステップ {late} 件"
                return f"{ref_business.order}. {business.name}（{ref_business.ministry}）{extra}"
            return None
        if column == RATE_COLUMN:
            rates = self._rates[row]
            if role == Qt.ItemDataRole.DisplayRole:
                return progress.format_percent(rates.complete)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"完了率 {progress.format_percent(rates.complete)}（完了済み＋対象外）\n"
                    f"作業中率 {progress.format_percent(rates.in_progress)}\n"
                    f"未着手率 {progress.format_percent(rates.not_started)}"
                )
            return None
        cell = business.cells[column - FIRST_STEP_COLUMN]
        status = self._ref.status_by_code[cell.status]
        if role == Qt.ItemDataRole.DisplayRole:
            return status.symbol
        if role == STATUS_ROLE:
            return cell.status
        if role == LATENESS_ROLE:
            return self._lateness[row][column - FIRST_STEP_COLUMN]
        if role == DIMMED_ROLE:
            return self._late_only and self._lateness[row][column - FIRST_STEP_COLUMN] is not LATE
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes[cell.status]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._text_colors[cell.status]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            step = self._ref.steps[column - FIRST_STEP_COLUMN]
            lines = [
                f"{business.name}",
                f"ステップ{step.seq}（{step.number}）{step.name_ja}",
                f"状態: {status.label_ja}",
            ]
            if cell.planned_date:
                lines.append(f"予定日: {self._planned_text(cell.planned_date, self._lateness[row][column - FIRST_STEP_COLUMN])}")
            if cell.actual_date:
                lines.append(f"実績日: {format_date(cell.actual_date)}")
            if cell.note:
                lines.append(f"メモ: {cell.note}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            mark = self._lateness[row][column - FIRST_STEP_COLUMN]
            if mark is LATE:
                return f"{status.label_ja}・予定日を過ぎています"
            return f"{status.label_ja}・予定日まで{DUE_SOON_DAYS}日以内" if mark is not None else status.label_ja
        return None

    def _planned_text(self, planned: date, mark: Lateness | None) -> str:
        """2024/11/30（令和6年・過ぎています・未完了）, 2026/12/10（令和8年・あと 3 日）, 2027/06/01（令和9年）."""
        phrase = lateness_phrase(mark, planned, self._today)
        era = wareki_year(planned.year, planned.month, planned.day)
        return f"{planned:%Y/%m/%d}（{era}・{phrase}）" if phrase else f"{planned:%Y/%m/%d}（{era}）"

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and section < len(self._rows):
                return str(self._ref.business_by_code[self._rows[section].business_code].order)
            return None
        if section == NAME_COLUMN:
            return {Qt.ItemDataRole.DisplayRole: "業務", GROUP_ROLE: (0, "標準化対象20業務")}.get(role)
        if section == RATE_COLUMN:
            return {
                Qt.ItemDataRole.DisplayRole: "完了率",
                GROUP_ROLE: (0, "標準化対象20業務"),
                Qt.ItemDataRole.ToolTipRole: "（完了済み＋対象外）÷40",
            }.get(role)
        step = self._ref.steps[section - FIRST_STEP_COLUMN]
        if role == Qt.ItemDataRole.DisplayRole:
            return step.number.split("-")[-1]
        if role == GROUP_ROLE:
            return (step.work_item, f"{step.work_item_mark}{step.work_item_label_ja}")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._step_tooltip(step)
        return None

    def _step_tooltip(self, step) -> str:
        """The column's step in full, under its work item with every step of that item (the header is too narrow
        for the names)."""
        lines = [f"{step.work_item_mark}{step.work_item_label_ja}（{step.phase_ja}）"]
        for other in self._ref.steps:
            if other.work_item == step.work_item:
                marker = "▶" if other.seq == step.seq else "　"
                lines.append(f"{marker}{other.number} {other.name_ja}（ステップ{other.seq}）")
        return "\n".join(lines)
