"""The garbage collector paused around a large write runs again afterwards, even when the write fails, and is left
off when it was off before."""

from __future__ import annotations

import gc

import pytest

from soloit.exchange.gc_pause import collection_paused


def test_the_collector_runs_again_after_a_write_even_a_failed_one():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(OSError), collection_paused():
        raise OSError("disk full")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
