"""Icons by meaning, in one place (SVG files under resources/icons/), so a view or action asks for "ledger", not a
file name."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter

from soloit.paths import resources_dir
from soloit.ui.views.registry import VIEWS

NAMES = ("app", *dict.fromkeys(spec.icon for spec in VIEWS))  # the window's own, and each registered view's


@cache
def icon(name: str) -> QIcon:
    if name not in NAMES:
        raise KeyError(name)
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


def with_badge(name: str, count: int, size: int = 40) -> QIcon:
    """The icon with a red badge holding `count` (9+ above nine), for the navigation strip shown as icons only."""
    base = icon(name)
    if count <= 0:
        return base
    pixmap = base.pixmap(size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = QRectF(size * 0.42, 0, size * 0.58, size * 0.5)
    painter.setBrush(QColor("#c62828"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(badge, size * 0.25, size * 0.25)
    font = QFont()
    font.setPixelSize(int(size * 0.36))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(count) if count < 10 else "9+")
    painter.end()
    return QIcon(pixmap)
