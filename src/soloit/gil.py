"""Long work on a job's thread that calls into Qt many times must let the GUI thread run now and then.

Each call into Qt through PySide lets go of Python's GIL and takes it back a moment later. A GUI thread waiting for
the GIL (to run a timer's slot or paint) asks for it after 5 ms, but the job thread's next call takes it back first
and clears that request: on an idle 2-core PC the window then waits for hundreds of milliseconds at a time (a 50 ms
timer 450 ms late while the 事務引継書 PDF is drawn). A short sleep every few tens of milliseconds hands the GIL over
for certain. On the main thread (the command line, a test) there is nobody to hand it to: `breathe` does nothing."""

from __future__ import annotations

import threading
import time

EVERY_S = 0.02  # at most this long without letting the GUI thread in
PAUSE_S = 0.001


class Breather:
    """Call it between steps of a long loop: every EVERY_S it sleeps PAUSE_S (off the main thread only)."""

    def __init__(self) -> None:
        self._active = threading.current_thread() is not threading.main_thread()
        self._last = time.monotonic()

    def __call__(self) -> None:
        if not self._active:
            return
        now = time.monotonic()
        if now - self._last >= EVERY_S:
            time.sleep(PAUSE_S)
            self._last = time.monotonic()
