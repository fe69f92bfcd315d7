"""Paints a step cell: the status colour (a hatch for 対象外), its symbol, and a clear frame when selected
so the status stays visible inside a selection."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

_SELECTION = QColor("#1565c0")


class StatusDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        rect = option.rect
        painter.fillRect(rect, QColor("#ffffff"))
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        if isinstance(brush, QBrush):
            painter.fillRect(rect, brush)
        text_brush = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.setPen(text_brush.color() if isinstance(text_brush, QBrush) else QColor("#000000"))
        painter.setFont(option.font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor(21, 101, 192, 60))
            painter.setPen(QPen(_SELECTION, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(QColor("#000000"), 1, Qt.PenStyle.DotLine))
            painter.drawRect(rect.adjusted(3, 3, -4, -4))
        painter.restore()
