"""A horizontal header in two rows: the group (work item ①…⑱) spans its columns above each column's own label."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

from soloit.ui.models.ledger_model import GROUP_ROLE


class GroupedHeader(QHeaderView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(False)
        self.setHighlightSections(True)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        line = self.fontMetrics().height()
        hint.setHeight(2 * line + 14)
        return hint

    def _group(self, logical: int) -> tuple[int, str]:
        model = self.model()
        value = model.headerData(logical, Qt.Orientation.Horizontal, GROUP_ROLE) if model else None
        return value if value else (-1, "")

    def _group_span(self, logical: int) -> tuple[int, int]:
        """First and last logical section of the group `logical` belongs to (among visible sections)."""
        group = self._group(logical)[0]
        first = last = logical
        while first - 1 >= 0 and self._group(first - 1)[0] == group and not self.isSectionHidden(first - 1):
            first -= 1
        while last + 1 < self.count() and self._group(last + 1)[0] == group and not self.isSectionHidden(last + 1):
            last += 1
        return first, last

    def group_text(self, logical: int, width: int) -> str:
        """The group label that fits `width`: whole, cut short after its number (①推進…), or just the number (①)."""
        label = self._group(logical)[1]
        if not label:
            return ""
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(label) <= width:
            return label
        mark = label[0]
        if metrics.horizontalAdvance(mark + "…") + metrics.horizontalAdvance(label[1:2]) > width:
            return mark
        return metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not rect.isValid():
            return
        painter.save()
        half = rect.height() // 2
        top = QRect(rect.left(), rect.top(), rect.width(), half)
        bottom = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)

        # Lower row: this column's own label, drawn by the style.
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = bottom
        option.section = logical
        option.text = str(self.model().headerData(logical, Qt.Orientation.Horizontal) or "")
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)

        # Upper row: the group's label centred over the visible part of its columns (so a group scrolled half out
        # of view still says which it is); each section paints its own slice of the same label.
        first, last = self._group_span(logical)
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        group_rect = QRect(left, rect.top(), right - left, half)
        visible = group_rect.intersected(QRect(0, rect.top(), self.viewport().width(), half))
        painter.setClipRect(top)
        group_option = QStyleOptionHeader()
        self.initStyleOption(group_option)
        group_option.rect = group_rect
        group_option.section = first
        group_option.text = ""
        self.style().drawControl(QStyle.ControlElement.CE_HeaderSection, group_option, painter, self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(visible.adjusted(2, 0, -2, 0), int(Qt.AlignmentFlag.AlignCenter), self.group_text(logical, visible.width() - 4))
        painter.setPen(QPen(self.palette().color(self.palette().ColorRole.Mid)))
        painter.drawLine(group_rect.bottomLeft(), group_rect.bottomRight())
        painter.restore()
