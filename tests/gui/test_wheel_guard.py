"""Reading never edits: wheel events over every combo box, spin box and date field of every view's detail form
(the demo ledger, a record selected in each table) change nothing and journal nothing, unless the user focused
the field first. The same wheel events without the guard do change a value, so the events are real."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QTabWidget, QWidget

from soloit.ui.widgets.wheel_guard import GUARDED


def _journal(store) -> int:
    return store.query("SELECT count(*) FROM journal")[0][0]


def _wheel(widget: QWidget, dy: int) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(0, 0), QPoint(0, dy),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(widget, event)


def _fields(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if isinstance(w, GUARDED) and w.isVisible() and w.isEnabled()]


def _select_first_rows(root: QWidget, qtbot) -> None:
    for table in root.findChildren(QAbstractItemView):
        model = table.model()
        if table.isVisible() and model is not None and model.rowCount() > 0 and table.selectionModel() is not None:
            table.setCurrentIndex(model.index(0, 0))
            qtbot.wait(10)


def _every_page(view: QWidget):
    """The view itself, then each tab of its tab widgets shown in turn."""
    yield
    for tabs in view.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield


def _demo_window(qtbot, demo_store, context, settings, messages):
    from soloit.ui.app import make_application, open_window

    make_application()
    win = open_window(context, demo_store, settings)
    win.commander.sink = messages
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_wheel_over_unfocused_fields_of_every_view_changes_nothing(qtbot, demo_store, context, settings, messages):
    win = _demo_window(qtbot, demo_store, context, settings, messages)
    before = _journal(demo_store)
    wheeled: dict[str, int] = {}
    for spec in win.specs:
        view = win.view(spec.key)
        win.stack.setCurrentWidget(view)
        qtbot.wait(20)
        for _ in _every_page(view):
            _select_first_rows(view, qtbot)
            for field in _fields(view):
                win.nav.setFocus()  # the reader's focus is elsewhere
                for dy in (-120, -120, 120, -360):
                    _wheel(field, dy)
                wheeled[spec.key] = wheeled.get(spec.key, 0) + 1
        QApplication.processEvents()
    assert not messages, messages
    assert _journal(demo_store) == before
    # every view with a detail form had fields under the wheel (the test reached them)
    for key in ("ledger", "tasks", "initiatives", "budget", "handover", "municipality"):
        assert wheeled.get(key, 0) >= 1, (key, wheeled)


def test_a_focused_field_takes_the_wheel_and_without_the_guard_any_would(qtbot, demo_store, context, settings, messages):
    win = _demo_window(qtbot, demo_store, context, settings, messages)
    view = win.view("ledger")
    win.stack.setCurrentWidget(view)
    _select_first_rows(view, qtbot)
    combo = next(w for w in _fields(view) if isinstance(w, QComboBox) and not w.isEditable() and w.count() > 2)
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # never focused by the wheel itself
    start = combo.currentIndex()
    win.nav.setFocus()
    _wheel(combo, -120)
    assert combo.currentIndex() == start
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo, -120 if start < combo.count() - 1 else 120)
    assert combo.currentIndex() != start  # chosen on purpose: the wheel works as usual

    guard = QApplication.instance()._soloit_wheel_guard
    QApplication.instance().removeEventFilter(guard)
    try:
        moved = combo.currentIndex()
        win.nav.setFocus()
        _wheel(combo, -120 if moved < combo.count() - 1 else 120)
        assert combo.currentIndex() != moved  # what the guard prevents: a wheel over an unfocused field edits
    finally:
        QApplication.instance().installEventFilter(guard)


def test_fields_made_before_the_guard_is_installed_get_its_focus_policy(qtbot):
    """run_gui paints the window first and installs the guard then: fields polished before it are set as at Polish."""
    from soloit.ui.widgets.wheel_guard import install_wheel_guard

    app = QApplication.instance()
    guard = app._soloit_wheel_guard
    app.removeEventFilter(guard)
    del app._soloit_wheel_guard
    try:
        combo = QComboBox()
        qtbot.addWidget(combo)
        combo.setFocusPolicy(Qt.FocusPolicy.WheelFocus)
        combo.show()
        qtbot.waitExposed(combo)
        assert combo.focusPolicy() == Qt.FocusPolicy.WheelFocus  # polished with no guard
        installed = install_wheel_guard(app)
        assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    finally:
        app.removeEventFilter(installed)
        app.installEventFilter(guard)
        app._soloit_wheel_guard = guard
