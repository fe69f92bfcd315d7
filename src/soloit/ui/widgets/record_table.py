"""A sortable, filterable table of plain rows (any dataclass the services return), declared by its columns.

The filter box matches every shown column, with 全角/半角 and case folded (NFKC), and words separated by spaces must
all match; a view may add its own condition (an area, a 年度). The table remembers the selected row's id across a
reload, so an edit never loses the user's place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from soloit.domain.dates import with_wareki
from soloit.domain.text import fold

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex
SIZING_ROWS = 50




@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]  # what the cell shows
    sort: Callable[[Any], Any] | None = None  # what it sorts by (the text when None); never None-valued
    right: bool = False  # numbers and amounts
    color: Callable[[Any], str | None] | None = None  # a text colour (#rrggbb) for the row, e.g. overdue red
    width: int = 0  # a starting width in pixels (0: fit the contents)
    tip: Callable[[Any], str] | None = None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_SORT = int(SORT_ROLE)
_ID = int(ID_ROLE)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = frozenset((_DISPLAY, _SORT, _ID, _ALIGNMENT, _FOREGROUND, _TOOLTIP))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_SEPARATOR = "\x00"  # joins the rows' texts to fold them in one pass: NFKC and casefold leave it as it is


def fold_each(texts: list[str]) -> list[str]:
    """fold() of every text, in one call for the whole list (5,000 calls to unicodedata cost ~15 ms)."""
    folded = fold(_SEPARATOR.join(texts)).split(_SEPARATOR)
    return folded if len(folded) == len(texts) else [fold(text) for text in texts]


class RowsModel(QAbstractTableModel):
    """The rows and their cell texts; a row's texts are made when first asked for (the rows on screen, the ones
    sorted or filtered), so a table of 5,000 rows opens without formatting every cell first."""

    def __init__(self, columns: Sequence[Column], key: Callable[[Any], Any], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.key = key
        self.rows: list[Any] = []
        self._texts: list[list[str] | None] = []
        self._haystacks: list[str] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts = [None] * len(self.rows)
        self._haystacks = None
        self.endResetModel()

    def texts(self, row: int) -> list[str]:
        """What the cells of `row` show."""
        texts = self._texts[row]
        if texts is None:
            item = self.rows[row]
            texts = self._texts[row] = [column.text(item) for column in self.columns]
        return texts

    @property
    def haystacks(self) -> list[str]:
        """Each row's texts joined and folded, as the filter box compares them (made when the filter first needs them)."""
        if self._haystacks is None:
            self._haystacks = fold_each([" ".join(self.texts(row)) for row in range(len(self.rows))])
        return self._haystacks

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # roles compared as plain ints, and the ones never answered (font, decoration, check state …) turned away
        # first: a view asks for about ten roles of every cell it paints or sizes
        if role not in _ROLES or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == _DISPLAY:
            return self.texts(r)[c]
        row, column = self.rows[r], self.columns[c]
        if role == _SORT:
            return column.sort(row) if column.sort else self.texts(r)[c]
        if role == _ID:
            return self.key(row)
        if role == _ALIGNMENT:
            return _RIGHT if column.right else None
        if role == _FOREGROUND:
            colour = column.color(row) if column.color else None
            return QBrush(QColor(colour)) if colour else None
        # the tool tip; the dates shown in 西暦, with their 和暦: 令和9年4月1日（2027/04/01）
        return with_wareki(column.tip(row) if column.tip else self.texts(r)[c])


class RowsFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.condition: Callable[[Any], bool] | None = None
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.words = fold(text).split()
        self.invalidateFilter()

    def set_condition(self, condition: Callable[[Any], bool] | None) -> None:
        self.condition = condition
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model: RowsModel = self.sourceModel()  # type: ignore[assignment]
        if self.condition is not None and not self.condition(model.rows[source_row]):
            return False
        if not self.words:
            return True
        haystack = model.haystacks[source_row]
        return all(word in haystack for word in self.words)


class RecordTable(QWidget):
    """A filter box over a table; emits `selected(id or None)` when the current row changes."""

    selected = Signal(object)
    activated = Signal(object)  # Enter or double-click on a row

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], Any] = lambda row: row.id,
        placeholder: str = "絞り込み（スペース区切りですべてを含む行）",
        filterable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = RowsModel(columns, key, self)
        self.proxy = RowsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("filter")
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.count = QLabel("")
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the services' order until a header is clicked
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(SIZING_ROWS)  # fit columns to the first rows, not to all 5,000
        self.view.selectionModel().currentRowChanged.connect(lambda current, _prev: self.selected.emit(self._id(current)))
        self.view.activated.connect(lambda index: self.activated.emit(self._id(index)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter, 1)
        row.addWidget(self.count)
        layout.addWidget(top)
        layout.addWidget(self.view, 1)
        top.setVisible(filterable)
        self._sized = False
        self._pinned: dict[int, int] = {}  # column → a width the view set itself (auto-sizing leaves it)

    def _id(self, index: QModelIndex) -> Any:
        return index.data(ID_ROLE) if index.isValid() else None

    def set_rows(self, rows: Sequence[Any]) -> None:
        keep = self.current_id()
        self.view.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self.view.selectionModel().blockSignals(False)
        if not self._sized and rows and self.isVisible():
            self._size_columns()  # else when the table is first shown (a view fills its other tabs' tables hidden)
        self._update_count()
        if keep is not None and self.select_id(keep):
            return
        self.selected.emit(None)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized and self.model.rows:
            self._size_columns()
        super().showEvent(event)

    def pin_column_width(self, column: int, width: int) -> None:
        """Give `column` this width, now and after the columns are first fitted to their contents."""
        self._pinned[column] = width
        self.view.setColumnWidth(column, width)

    def _size_columns(self) -> None:
        """Columns fitted to their first rows' contents (SIZING_ROWS), once: it costs ~1 ms a column in a Japanese font."""
        self._sized = True
        for i, column in enumerate(self.model.columns):
            if i in self._pinned:
                self.view.setColumnWidth(i, self._pinned[i])
            elif column.width:
                self.view.setColumnWidth(i, column.width)
            else:
                self.view.resizeColumnToContents(i)
                self.view.setColumnWidth(i, min(self.view.columnWidth(i), 320))

    def set_condition(self, condition: Callable[[Any], bool] | None) -> None:
        keep = self.current_id()
        self.proxy.set_condition(condition)
        self._after_filter(keep)

    def _filter_changed(self, text: str) -> None:
        keep = self.current_id()
        self.proxy.set_text(text)
        self._after_filter(keep)

    def _after_filter(self, keep: Any) -> None:
        self._update_count()
        if keep is not None and self.current_id() != keep:
            self.selected.emit(None)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown}件" if shown == total else f"{shown}件／全{total}件")

    def clear_filter(self) -> None:
        """Empty the filter box (before bringing a row forward that it might hide)."""
        if self.filter.text():
            self.filter.clear()

    def current_id(self) -> Any:
        return self._id(self.view.currentIndex())

    def current_row(self) -> Any:
        index = self.proxy.mapToSource(self.view.currentIndex())
        return self.model.rows[index.row()] if index.isValid() else None

    def shown_rows(self) -> list[Any]:
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()] for r in range(self.proxy.rowCount())]

    def select_id(self, key: Any) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ID_ROLE) == key:
                self.view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
                self.view.scrollTo(index)
                return True
        return False
