"""The edit path is warmed up once the window has been idle a moment (ui/warm_up.py): the engine exists and its
first connection waits in the pool, so the first change does not pay for them; a window detached before then, or
a closed store, is left alone."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from soloit.ui.app import make_application, open_window
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN


def _window(qtbot, context, store, settings):
    make_application()
    window = open_window(context, store, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_first_connection_is_made_once_the_window_is_idle(qtbot, context, store, settings):
    assert store._engine is None  # opening and painting the grid read through sqlite3 alone
    window = _window(qtbot, context, store, settings)
    assert not window.warm_up.done and store._engine is None  # not before the first paint
    qtbot.waitUntil(lambda: window.warm_up.done, timeout=10_000)
    assert store._engine is not None and store.engine.pool.checkedin() == 1  # ready for the first change
    # and the first change takes it: saved, journaled, shown
    steps = window.ledger.steps
    index = window.ledger.model.index(2, FIRST_STEP_COLUMN + 4)
    steps.setCurrentIndex(index)
    QApplication.sendEvent(steps, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier))
    row = window.ledger.model.business_row(2)
    assert window.commander.services.ledger.cell(row.business_code, 5).status == "in_progress"
    assert store.engine.pool.checkedin() == 1  # the same single connection, given back


def test_a_window_detached_before_it_is_idle_is_left_alone(qtbot, context, store, settings):
    window = _window(qtbot, context, store, settings)
    warm_up = window.warm_up
    window.detach()
    qtbot.waitUntil(lambda: warm_up.done, timeout=10_000)
    assert store._engine is None


def test_a_closed_store_is_not_opened_again(store):
    store.close()
    store.warm_up()
    assert store._engine is None
