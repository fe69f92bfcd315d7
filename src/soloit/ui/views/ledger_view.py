"""標準化 (20業務): the 20 × 40 grid with a frozen business column, and the detail panel of the selected business.

Column widths: 'normal' keeps every step column wide and scrolls sideways; 'compact' fits all 40 steps into the
width there is (on a 1366×768 laptop: names, 完了率 and the 40 steps, no scrolling); 'auto' is compact whenever
the normal widths would not fit.

Late steps (domain/schedule.py) carry a red corner, steps due within 30 days an orange-outlined one; 遅れのみ表示
(Alt+L) keeps the businesses with a late step and draws their other steps faint; the summary counts the late steps."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from soloit import reference
from soloit.services.changes import ChangeSet
from soloit.ui.commands import Commander
from soloit.ui.dialogs.reason_dialog import ReasonDialog
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN, NAME_COLUMN, RATE_COLUMN, STATUS_ROLE, LedgerModel
from soloit.ui.views.base import View
from soloit.ui.views.system_detail import SystemDetailPanel
from soloit.ui.widgets.grouped_header import GroupedHeader
from soloit.ui.widgets.status_delegate import StatusDelegate, mark_pixmap

_STATUS_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
ROW_HEIGHT = 26
STEP_WIDTH = 34  # a step column in the normal layout
MIN_STEP_WIDTH = 18  # the narrowest a step column gets in the compact layout (a status symbol still reads)
DETAIL_WIDTH = 330


def _legend_html() -> str:
    ref = reference.load()
    chips = []
    for n, code in enumerate(ref.status_key_order, start=1):
        status = ref.status_by_code[code]
        chips.append(
            f'<span style="background:{status.color}; color:{status.text_color};">&nbsp;{status.symbol}&nbsp;</span>'
            f"&nbsp;{status.label_ja}（キー{n}）"
        )
    return "　".join(chips) + "　｜　クリックで選択、Space で順に切替、右クリックで理由を付けて変更　｜　列の見出しにステップ名"


class StepTable(QTableView):
    """The 40 step columns. A click only selects; keys 1–4 and Space change the selected cells' status."""

    status_key = Signal(int)  # index into reference status_key_order
    cycle_key = Signal()
    resized = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier) == Qt.KeyboardModifier.NoModifier:
            key = Qt.Key(event.key())
            if key in _STATUS_KEYS:
                self.status_key.emit(_STATUS_KEYS[key])
                return
            if key == Qt.Key.Key_Space:
                self.cycle_key.emit()
                return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class LedgerView(View):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.ledger = commander.services.ledger
        self.reason_dialog = ReasonDialog.ask  # seam: tests replace it
        self.model = LedgerModel(self, today=lambda: self.services.context.clock.today())
        self.column_mode = "auto"
        self.compact = False
        ref = reference.load()

        self.names = QTableView()
        self.names.setObjectName("ledgerNames")
        self.steps = StepTable()
        self.steps.setObjectName("ledgerSteps")
        for table in (self.names, self.steps):
            table.setModel(self.model)
            table.setHorizontalHeader(GroupedHeader(table))
            table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setWordWrap(False)
        self.names.verticalHeader().setVisible(True)
        self.steps.verticalHeader().setVisible(False)
        for column in range(FIRST_STEP_COLUMN, self.model.columnCount()):
            self.names.setColumnHidden(column, True)
        self.steps.setColumnHidden(NAME_COLUMN, True)
        self.steps.setColumnHidden(RATE_COLUMN, True)
        self.names.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.names.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.names.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.names.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.steps.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.steps.setItemDelegate(StatusDelegate(self.steps))
        header = self.steps.horizontalHeader()
        header.setMinimumSectionSize(MIN_STEP_WIDTH)
        header.setDefaultSectionSize(STEP_WIDTH)
        self.steps.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.steps.verticalScrollBar().valueChanged.connect(self.names.verticalScrollBar().setValue)
        self.names.verticalScrollBar().valueChanged.connect(self.steps.verticalScrollBar().setValue)

        self.late_only = QCheckBox("遅れのみ表示(&L)")
        self.late_only.setObjectName("lateOnly")
        self.late_only.setToolTip(
            "予定日を過ぎて未完了のステップがある業務だけを表示し、遅れていないステップは薄く表示します（Alt+L）"
        )
        self.late_only.toggled.connect(self.set_late_only)
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 2)
        toolbar.addWidget(self.late_only)
        toolbar.addSpacing(16)
        for late, text in ((True, "予定日を過ぎて未完了"), (False, "予定日まで30日以内")):
            icon = QLabel()
            icon.setPixmap(mark_pixmap(late))
            toolbar.addWidget(icon)
            toolbar.addWidget(QLabel(text))
            toolbar.addSpacing(10)
        toolbar.addStretch(1)

        tables = QWidget()
        tables_layout = QHBoxLayout(tables)
        tables_layout.setContentsMargins(0, 0, 0, 0)
        tables_layout.setSpacing(0)
        tables_layout.addWidget(self.names)
        tables_layout.addWidget(self.steps, 1)
        self.legend = QLabel(_legend_html())
        self.legend.setObjectName("legend")
        self.legend.setWordWrap(True)
        grid = QWidget()
        grid_layout = QVBoxLayout(grid)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.setSpacing(2)
        grid_layout.addLayout(toolbar)
        grid_layout.addWidget(tables, 1)
        grid_layout.addWidget(self.legend)

        self.detail = SystemDetailPanel(commander, with_cells=True)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ledgerSplitter")
        self.splitter.addWidget(grid)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([1000, DETAIL_WIDTH])
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        self.steps.status_key.connect(lambda i: self.set_selected_status(ref.status_key_order[i]))
        self.steps.cycle_key.connect(self.cycle_selected_status)
        self.steps.customContextMenuRequested.connect(self._context_menu)
        self.steps.selectionModel().currentChanged.connect(self._step_current_changed)
        self.names.selectionModel().currentRowChanged.connect(self._name_row_changed)
        self.steps.resized.connect(self._fit_columns)
        self.model.dataChanged.connect(self._emit_summary)
        self.model.modelReset.connect(self._emit_summary)
        self.model.dataChanged.connect(self._filter_rows)
        self.model.modelReset.connect(self._filter_rows)
        self.commander.changed.connect(self._on_changed)
        self.commander.annotated.connect(lambda _cs: self.detail.reload_history())

    def splitters(self) -> dict[str, QSplitter]:
        return {"main": self.splitter}

    # --- loading --------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.model.load(self.ledger.snapshot())
        self._fit_names()
        self._fit_columns()
        if self.model.rowCount():
            self.names.selectRow(0)

    def _emit_summary(self, *_args: object) -> None:
        from soloit.domain.progress import format_percent

        overall = self.model.overall()
        if overall is None:
            self.summary.emit("")
            return
        self.summary.emit(
            f"全体の完了率 {format_percent(overall.complete)}"
            f"（作業中 {format_percent(overall.in_progress)}・未着手 {format_percent(overall.not_started)}）"
            f"・遅れ {self.model.late_count():,} ステップ"
        )

    # --- 遅れのみ表示 -------------------------------------------------------------------------------------------

    def set_late_only(self, on: bool) -> None:
        """Show only the businesses with a late step (the others' rows hidden) and draw the steps that are not late
        faint; off shows every business again."""
        if self.late_only.isChecked() != on:
            self.late_only.setChecked(on)  # toggled calls back here
            return
        self.model.set_late_only(on)
        self._filter_rows()
        if on:
            late = self.model.late_count()
            rows = sum(1 for row in range(self.model.rowCount()) if self.model.late_count(row))
            self.status_message.emit(
                f"遅れのある {rows} 業務（予定日を過ぎた未完了のステップ {late:,} 件）を表示しています。"
                if late
                else "予定日を過ぎた未完了のステップはありません。「遅れのみ表示」を外すと全業務を表示します。"
            )

    def _filter_rows(self, *_args: object) -> None:
        on = self.late_only.isChecked()
        for row in range(self.model.rowCount()):
            hidden = on and self.model.late_count(row) == 0
            if self.names.isRowHidden(row) != hidden:
                self.names.setRowHidden(row, hidden)
                self.steps.setRowHidden(row, hidden)

    def visible_rows(self) -> list[int]:
        """The grid rows shown (all 20 unless 遅れのみ表示 hides some)."""
        return [row for row in range(self.model.rowCount()) if not self.steps.isRowHidden(row)]

    # --- layout -----------------------------------------------------------------------------------------------

    def _fit_names(self) -> None:
        """The name and 完了率 columns as wide as their longest text, never cut."""
        metrics = self.names.fontMetrics()
        padding = 14
        name_width = max(
            (metrics.horizontalAdvance(str(self.model.index(row, NAME_COLUMN).data())) for row in range(self.model.rowCount())),
            default=100,
        )
        name_width = max(name_width, metrics.horizontalAdvance("業務")) + padding
        rate_width = metrics.horizontalAdvance("100.0%") + padding
        self.names.setColumnWidth(NAME_COLUMN, name_width)
        self.names.setColumnWidth(RATE_COLUMN, rate_width)
        frame = 2 * self.names.frameWidth()
        self.names.setFixedWidth(self.names.verticalHeader().sizeHint().width() + name_width + rate_width + frame)

    def set_column_mode(self, mode: str) -> None:
        self.column_mode = mode
        self._fit_columns()

    def set_detail_visible(self, visible: bool) -> None:
        sizes = self.splitter.sizes()
        total = sum(sizes) or (self.width() or 1366)
        if visible and sizes[1] == 0:
            self.splitter.setSizes([max(total - DETAIL_WIDTH, 200), DETAIL_WIDTH])
        elif not visible and sizes[1] != 0:
            self.splitter.setSizes([total, 0])
        QTimer.singleShot(0, self._fit_columns)

    def _fit_columns(self) -> None:
        """Step columns: fixed and wide ('normal'), or shared out over the visible width ('compact'; 'auto' when
        the normal widths do not fit)."""
        header = self.steps.horizontalHeader()
        steps = self.model.columnCount() - FIRST_STEP_COLUMN
        available = self.steps.viewport().width()
        compact = self.column_mode == "compact" or (self.column_mode == "auto" and available < steps * STEP_WIDTH)
        self.compact = compact
        if compact:
            width = max(MIN_STEP_WIDTH, available // steps) if available > 0 else MIN_STEP_WIDTH
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            remainder = max(0, available - width * steps) if width > MIN_STEP_WIDTH else 0
            for n, column in enumerate(range(FIRST_STEP_COLUMN, self.model.columnCount())):
                # share the pixels left over from the integer division, so the last column meets the edge
                self.steps.setColumnWidth(column, width + (1 if n < remainder else 0))
        else:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            for column in range(FIRST_STEP_COLUMN, self.model.columnCount()):
                self.steps.setColumnWidth(column, STEP_WIDTH)
        header.viewport().update()

    def save_columns(self) -> QByteArray | None:
        return self.names.horizontalHeader().saveState()

    def restore_columns(self, state: QByteArray) -> None:
        self.names.horizontalHeader().restoreState(state)

    # --- selection ------------------------------------------------------------------------------------------

    def selected_cells(self) -> list[tuple[str, int]]:
        """(business code, step seq) of every selected step cell, in grid order."""
        indexes = sorted(
            (i for i in self.steps.selectionModel().selectedIndexes() if i.column() >= FIRST_STEP_COLUMN),
            key=lambda i: (i.row(), i.column()),
        )
        return [(self.model.business_row(i.row()).business_code, self.model.step_seq(i.column())) for i in indexes]

    def _step_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.column() < FIRST_STEP_COLUMN:
            return
        row = self.model.business_row(current.row())
        if self.names.currentIndex().row() != current.row():
            self.names.selectionModel().setCurrentIndex(
                self.model.index(current.row(), NAME_COLUMN),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.detail.show_cell(row.business_code, self.model.step_seq(current.column()))

    def _name_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.show_system(None)
            return
        row = self.model.business_row(current.row())
        if self.detail.system_id != row.system_id:
            self.detail.show_system(row.system_id)
        step_current = self.steps.currentIndex()
        if step_current.isValid() and step_current.row() == current.row():
            self.detail.show_cell(row.business_code, self.model.step_seq(step_current.column()))
        else:
            self.detail.show_cell(None, None)

    def show_entity(self, entity: str, key: str) -> bool:
        """A business's system (its row) or one step cell, selected and shown in the detail panel."""
        self.ensure_loaded()
        if entity == "cell":
            from soloit.services.fields import split_cell_key

            try:
                code, seq = split_cell_key(key)
                row = self.model.row_of(code)
            except (KeyError, ValueError):
                return False
            column = next((c for c in range(FIRST_STEP_COLUMN, self.model.columnCount()) if self.model.step_seq(c) == seq), None)
            if column is None:
                return False
            index = self.model.index(row, column)
            self.steps.setFocus()
            self.steps.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.steps.scrollTo(index)
            return True
        for row in range(self.model.rowCount()):
            if str(self.model.business_row(row).system_id) == key:
                self.names.selectionModel().setCurrentIndex(
                    self.model.index(row, NAME_COLUMN),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.names.scrollTo(self.model.index(row, NAME_COLUMN))
                return True
        return False

    # --- editing --------------------------------------------------------------------------------------------

    def set_selected_status(self, status: str, reason: str | None = None) -> ChangeSet | None:
        cells = self.selected_cells()
        if not cells:
            return None
        label = reference.load().status_by_code[status].label_ja
        text = f"{len(cells)}件のステップを「{label}」に変更" if len(cells) > 1 else f"ステップを「{label}」に変更"
        if reason is None:
            reason = self.detail.take_reason()
        return self.commander.execute(text, lambda: self.ledger.set_statuses(cells, status, reason=reason))

    def cycle_selected_status(self) -> None:
        current = self.steps.currentIndex()
        if not current.isValid() or current.column() < FIRST_STEP_COLUMN:
            return
        order = reference.load().status_key_order
        status = current.data(STATUS_ROLE)
        self.set_selected_status(order[(order.index(status) + 1) % len(order)])

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu()
        if menu is not None:
            menu.exec(self.steps.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu | None:
        if not self.selected_cells():
            return None
        ref = reference.load()
        menu = QMenu(self)
        for n, code in enumerate(ref.status_key_order, start=1):
            status = ref.status_by_code[code]
            action = QAction(f"{status.symbol} {status.label_ja}(&{n})", menu)
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: self.set_selected_status(c))
            menu.addAction(action)
        menu.addSeparator()
        with_reason = QAction("理由を付けて変更…(&R)", menu)
        with_reason.triggered.connect(self.change_with_reason)
        menu.addAction(with_reason)
        return menu

    def change_with_reason(self) -> None:
        cells = self.selected_cells()
        if not cells:
            return
        current = self.steps.currentIndex()
        answer = self.reason_dialog(self, current.data(STATUS_ROLE) if current.isValid() else None, len(cells))
        if answer is not None:
            status, reason = answer
            self.set_selected_status(status, reason=reason)

    def _on_changed(self, changeset: ChangeSet) -> None:
        self.model.apply(changeset)
