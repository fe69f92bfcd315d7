"""The first edit after opening would pay ~0.3 s for importing SQLAlchemy and the models, and for the database's
first connection: the grid is painted without them (they are not needed to read it). Once the window has been idle
a moment, they are done ahead: the imports on a thread of their own (no connection is made there: SQLite
connections belong to the thread of their Store, and the GUI thread keeps the event loop meanwhile), then the
engine and its first connection on the GUI thread. A window detached or closed by then is left alone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from soloit.services.bundle import Services

WARM_UP_AFTER_MS = 300  # after the first paint: the grid is on screen, and a person is still finding the cell
log = logging.getLogger(__name__)


class WarmUp(QObject):
    """Warms the edit path of `services` up once, WARM_UP_AFTER_MS after it is made, if `current()` still says
    these are the window's services then. `done` is True once it has finished (or found nothing to do)."""

    imported = Signal()  # emitted from the import thread; delivered on the GUI thread (queued)

    def __init__(self, parent: QObject, services: Services, current: Callable[[], bool]) -> None:
        super().__init__(parent)
        self.services = services
        self.current = current
        self.done = False
        self.imported.connect(self._connect)
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._start)

    def _start(self) -> None:
        if not self.current():
            self.done = True
            return
        threading.Thread(target=self._import, name="soloit-warm-up", daemon=True).start()

    def _import(self) -> None:
        from soloit.services.bundle import warm_up_imports

        try:
            warm_up_imports()
        except Exception:  # the first change imports them again and reports what fails
            log.debug("warm-up imports failed", exc_info=True)
        try:
            self.imported.emit()
        except RuntimeError:  # the window (this object's parent) is gone
            pass

    def _connect(self) -> None:
        try:
            if self.current():
                self.services.warm_up()
        except Exception:  # a database that cannot connect: the first change says so, in Japanese, as usual
            log.debug("warm-up connection failed", exc_info=True)
        finally:
            self.done = True
