"""Paints a step cell: the status colour (a hatch for 対象外), its symbol, and a clear frame when selected
so the status stays visible inside a selection.

A late step (予定日を過ぎて未完了) gets a filled red triangle in its top-right corner, a step due within 30 days an
orange bar along its bottom edge: shape and place tell them apart as well as colour (for colour-blind users), and
both leave the centred symbol readable (an outlined triangle for "due soon" was tried: at 8 px it reads as a
smudge). 遅れのみ表示 draws the cells that are not late faint."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap, QPolygon
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from soloit.domain.schedule import DUE_SOON, LATE
from soloit.ui.models.ledger_model import DIMMED_ROLE, LATENESS_ROLE, PAINT_ROLE

_SELECTION = QColor("#1565c0")
LATE_COLOR = QColor("#c62828")  # the legend uses the same colours
DUE_SOON_COLOR = QColor("#e65100")
DUE_SOON_BAR = 3  # px
_DIM = QColor(255, 255, 255, 170)
_WHITE = QColor("#ffffff")
_SELECTED_FILL = QColor(21, 101, 192, 60)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_SELECTED = QStyle.StateFlag.State_Selected
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus


def corner_size(width: int, height: int) -> int:
    """The corner triangle's side: about 2/5 of the cell's narrower side, 7–11 px (10 px in a 24 px step column)."""
    return max(7, min(11, round(min(width, height) * 0.42)))


def draw_mark(painter: QPainter, rect: QRect, late: bool) -> None:
    """Late: a red triangle filling the top-right corner (a white edge parts it from any status colour).
    Due soon: an orange bar along the bottom edge (a white line above it): another shape in another place, so the two
    never depend on telling red from orange."""
    right, top = rect.right() + 1, rect.top()
    if late:
        size = corner_size(rect.width(), rect.height())
        tip_x, tip_y = QPoint(right - size, top), QPoint(right, top + size)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LATE_COLOR)
        painter.drawPolygon(QPolygon([tip_x, QPoint(right, top), tip_y]))
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.drawLine(tip_x, tip_y)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    else:
        inset = max(1, rect.width() // 8)
        bar = QRect(rect.left() + inset, rect.bottom() - DUE_SOON_BAR + 1, rect.width() - 2 * inset, DUE_SOON_BAR)
        painter.fillRect(bar.adjusted(0, -1, 0, -DUE_SOON_BAR), QColor("#ffffff"))
        painter.fillRect(bar, DUE_SOON_COLOR)


def mark_pixmap(late: bool, size: int = 16) -> QPixmap:
    """A small blank cell with the late (or due-soon) mark, as the grid draws it: for the legend."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#f5f5f5"))
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor("#bdbdbd"), 1))
    painter.drawRect(0, 0, size - 1, size - 1)
    draw_mark(painter, QRect(0, 0, size, size), late)
    painter.end()
    return pixmap


class StatusDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        # every cell on screen is painted here: colours and flags made once (module constants), the state read once
        painter.save()
        rect = option.rect
        painter.fillRect(rect, _WHITE)
        background, text_color, symbol, mark, dimmed = self._cell(index)
        if isinstance(background, QBrush):
            painter.fillRect(rect, background)
        painter.setPen(text_color)
        painter.setFont(option.font)
        painter.drawText(rect, _CENTRE, symbol)
        if mark is LATE or mark is DUE_SOON:
            draw_mark(painter, rect, mark is LATE)
        if dimmed:
            painter.fillRect(rect, _DIM)
        state = option.state
        if state & _SELECTED:
            painter.fillRect(rect, _SELECTED_FILL)
            painter.setPen(QPen(_SELECTION, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if state & _HAS_FOCUS:
            painter.setPen(QPen(QColor("#000000"), 1, Qt.PenStyle.DotLine))
            painter.drawRect(rect.adjusted(3, 3, -4, -4))
        painter.restore()

    @staticmethod
    def _cell(index: QModelIndex | QPersistentModelIndex) -> tuple[object, QColor, str, object, bool]:
        """(background, symbol colour, symbol, lateness, dimmed): the model's PAINT_ROLE in one call, else the
        standard roles."""
        packed = index.data(PAINT_ROLE)
        if packed is not None:
            return packed
        text_brush = index.data(Qt.ItemDataRole.ForegroundRole)
        return (
            index.data(Qt.ItemDataRole.BackgroundRole),
            text_brush.color() if isinstance(text_brush, QBrush) else QColor("#000000"),
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            index.data(LATENESS_ROLE),
            bool(index.data(DIMMED_ROLE)),
        )
