"""標準化 (20業務): the 20 × 40 grid with a frozen business column, and the detail panel of the selected business."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from soloit.ui.views.system_detail import SystemDetailPanel
from soloit.ui.widgets.grouped_header import GroupedHeader
from soloit.ui.widgets.status_delegate import StatusDelegate

_STATUS_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
ROW_HEIGHT = 26
STEP_WIDTH = 34


def _legend_html() -> str:
    ref = reference.load()
    chips = []
    for n, code in enumerate(ref.status_key_order, start=1):
        status = ref.status_by_code[code]
        chips.append(
            f'<span style="background:{status.color}; color:{status.text_color};">&nbsp;{status.symbol}&nbsp;</span>'
            f"&nbsp;{status.label_ja}（キー{n}）"
        )
    return "　".join(chips) + "　｜　クリックで選択、Space で順に切替、右クリックで理由を付けて変更"


class StepTable(QTableView):
    """The 40 step columns. A click only selects; keys 1–4 and Space change the selected cells' status."""

    status_key = Signal(int)  # index into reference status_key_order
    cycle_key = Signal()

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


class LedgerView(QWidget):
    status_message = Signal(str)

    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commander = commander
        self.ledger = commander.services.ledger
        self.reason_dialog = ReasonDialog.ask  # seam: tests replace it
        self.model = LedgerModel(self)
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
        self.names.setColumnWidth(NAME_COLUMN, 168)
        self.names.setColumnWidth(RATE_COLUMN, 58)
        self.names.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.names.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.names.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.names.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.names.setFixedWidth(168 + 58 + 34)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.steps.setItemDelegate(StatusDelegate(self.steps))
        self.steps.horizontalHeader().setDefaultSectionSize(STEP_WIDTH)
        self.steps.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.steps.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.steps.verticalScrollBar().valueChanged.connect(self.names.verticalScrollBar().setValue)
        self.names.verticalScrollBar().valueChanged.connect(self.steps.verticalScrollBar().setValue)

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
        grid_layout.addWidget(tables, 1)
        grid_layout.addWidget(self.legend)

        self.detail = SystemDetailPanel(commander)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ledgerSplitter")
        self.splitter.addWidget(grid)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([760, 400])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        self.steps.status_key.connect(lambda i: self.set_selected_status(ref.status_key_order[i]))
        self.steps.cycle_key.connect(self.cycle_selected_status)
        self.steps.customContextMenuRequested.connect(self._context_menu)
        self.steps.selectionModel().currentChanged.connect(self._step_current_changed)
        self.names.selectionModel().currentRowChanged.connect(self._name_row_changed)
        self.commander.changed.connect(self._on_changed)

    # --- loading --------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.model.load(self.ledger.snapshot())
        if self.model.rowCount():
            self.names.selectRow(0)

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
