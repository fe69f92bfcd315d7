"""Writing a large file without Python's cyclic garbage collector running in the middle of it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a large file is built and written: openpyxl makes several
    objects a cell and the PDF layout one tuple a line, and the collections they trigger walk every object of the
    process again and again (a fifth of the status pack's time, a tenth of the 事務引継書 PDF's). What becomes
    garbage meanwhile is collected once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
