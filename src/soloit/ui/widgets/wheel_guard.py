"""Reading never edits: the mouse wheel changes a value only in a field the user has focused.

Qt gives a wheel event to whatever widget is under the pointer, so scrolling a detail panel over a combo box, a
spin box or a date field changed its value (and every change is saved and journaled at once). One filter on the
application, installed where the QApplication is made, holds for every form and dialog: over such a field that
does not have the keyboard focus the wheel scrolls the nearest scroll area instead, and the field keeps its value.
Clicking or tabbing into the field first makes the wheel work on it as usual."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)  # QDateEdit and QDoubleSpinBox are QAbstractSpinBoxes


def _field_of(obj: QObject) -> QWidget | None:
    """The guarded field `obj` is, or belongs to (a combo box's line edit, a spin box's line edit)."""
    widget = obj if isinstance(obj, QWidget) else None
    for _ in range(3):
        if widget is None:
            return None
        if isinstance(widget, GUARDED) and not _is_scroll_bar(widget):
            return widget
        widget = widget.parentWidget()
    return None


def _is_scroll_bar(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return widget in (parent.verticalScrollBar(), parent.horizontalScrollBar())
        parent = parent.parentWidget()
    return False


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


class WheelGuard(QObject):
    """The application-wide event filter (see the module's docstring)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, GUARDED):
            # Qt gives a WheelFocus field the focus *before* filters see a real wheel event: click or Tab only
            if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel:
            return False
        field = _field_of(obj)
        if field is None or field.hasFocus() or (field.focusProxy() is not None and field.focusProxy().hasFocus()):
            return False
        if isinstance(field, QComboBox) and field.view().isVisible():
            return False  # its open list scrolls
        area = _scroll_area_of(field)
        if area is not None and isinstance(event, QWheelEvent):
            delta = event.angleDelta()
            bar = area.horizontalScrollBar() if abs(delta.x()) > abs(delta.y()) else area.verticalScrollBar()
            QApplication.sendEvent(bar, event)
        return True  # the field never sees it: its value stays


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on `app` once; the installed guard. Fields that exist already get the focus policy the
    guard gives at Polish (the main window is painted before the guard is installed: an application-wide filter
    in Python costs ~40 ms while the first window is built, every event of every widget passing through it)."""
    guard = getattr(app, "_soloit_wheel_guard", None)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        app._soloit_wheel_guard = guard  # type: ignore[attr-defined]
        for widget in app.allWidgets():
            if isinstance(widget, GUARDED) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return guard
