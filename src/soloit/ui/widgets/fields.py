"""Small editors that say when the user has committed a value (Enter, leaving the field, or choosing)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from soloit.domain.dates import format_wareki


class CommitLineEdit(QLineEdit):
    """Emits `committed(text)` once per real change, on Enter or when focus leaves."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = ""
        self.editingFinished.connect(self._finish)

    def show_value(self, text: str) -> None:
        self._shown = text
        self.setText(text)

    def _finish(self) -> None:
        if self.text() != self._shown:
            self._shown = self.text()
            self.committed.emit(self.text())


class DateLineEdit(CommitLineEdit):
    """A date typed as 2026/03/31 or in 和暦 (令和8年3月31日, R8.3.31; empty for none); the service reads and
    validates it, and it is shown back as 2026/03/31."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("例: 2026/03/31 または R8.3.31")
        self._hint = "西暦（2026/3/31）でも和暦（令和8年3月31日、R8.3.31）でも入力できます"
        self.setToolTip(self._hint)
        self.setMaxLength(20)

    def set_hint(self, hint: str) -> None:
        """The tooltip's fixed part (under the 和暦 of the date shown)."""
        self._hint = hint
        self.setToolTip(hint)

    def show_date(self, value: date | None) -> None:
        """Shown as 2026/03/31; the tooltip gives its 和暦 (令和8年3月31日)."""
        self.show_value(f"{value:%Y/%m/%d}" if value else "")
        self.setToolTip(f"{format_wareki(value)}\n{self._hint}" if value else self._hint)


class CommitPlainTextEdit(QPlainTextEdit):
    """Multi-line text committed when focus leaves."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = ""
        self.setTabChangesFocus(True)

    def show_value(self, text: str) -> None:
        self._shown = text
        self.setPlainText(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.toPlainText() != self._shown:
            self._shown = self.toPlainText()
            self.committed.emit(self._shown)


class ChoiceCombo(QComboBox):
    """A fixed list of (code, label) with an empty first entry; emits `chosen(code or None)` on user choice.
    A list cannot hold a value that is not one of its choices: when a choice is refused, the form shows the stored
    choice again with the reason under it (ui/widgets/refusal.py)."""

    chosen = Signal(object)

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None, *, allow_empty: bool = True) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        if allow_empty:
            self.addItem("（未設定）", None)
        for code, label in choices:
            self.addItem(label, code)
        # the open list shows every choice whole, however narrow the box (long official wordings); the list itself is
        # made when first asked for (view(), or opening it): making it costs ~1 ms a box, and a form has many
        longest = max((self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        self._list_width: int | None = longest
        self.currentIndexChanged.connect(lambda _i: self.setToolTip(self.currentText()))
        self.activated.connect(lambda i: self.chosen.emit(self.itemData(i)))

    def view(self) -> QAbstractItemView:
        view = super().view()
        if self._list_width is not None:
            width, self._list_width = self._list_width, None
            view.setMinimumWidth(width + 2 * view.frameWidth() + 24)
        return view

    def showPopup(self) -> None:
        self.view()
        super().showPopup()

    def show_code(self, code: str | None) -> None:
        i = self.findData(code)
        self.setCurrentIndex(max(i, 0))

    def text_fits(self) -> bool:
        """Whether the chosen text is shown whole in the box (not cut at its right edge)."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().horizontalAdvance(self.currentText()) <= field.width()


class OrganisationCombo(QComboBox):
    """An editable list of organisation names; typing a new name creates that organisation. A refused name stays
    as typed, marked, until corrected or discarded with Esc (ui/widgets/refusal.py)."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._shown = ""
        self._list_pending = False  # the drop-down list's width is to be fitted to the names (when next asked for)
        self.lineEdit().setPlaceholderText("一覧から選ぶか、名前を入力")
        self.lineEdit().editingFinished.connect(self._finish)
        self.activated.connect(lambda _i: self._finish())

    def set_names(self, names: list[str]) -> None:
        text = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(names)
        self.setEditText(text)
        self.blockSignals(False)
        self._list_pending = True

    def view(self) -> QAbstractItemView:
        view = super().view()
        if self._list_pending:
            # the drop-down list is as wide as its longest name, whatever the field's width (株式会社… is never cut);
            # measured when the list is wanted, not each time a record is shown (every name through the delegate)
            self._list_pending = False
            view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        return view

    def showPopup(self) -> None:
        self.view()
        super().showPopup()

    def show_value(self, text: str) -> None:
        self._shown = text
        self.setEditText(text)
        self.lineEdit().setCursorPosition(0)  # a name longer than the field shows from its start (株式会社…)
        self.setToolTip(text)

    def _finish(self) -> None:
        if self.currentText().strip() != self._shown:
            self._shown = self.currentText().strip()
            self.setToolTip(self._shown)
            self.committed.emit(self._shown)
