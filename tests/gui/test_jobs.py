"""Long work runs as a job: off the GUI thread, on its own database connection, reporting progress, cancellable
without writing anything, errors shown in Japanese; the window keeps processing events meanwhile."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStatusBar

from soloit.services.bundle import open_services
from soloit.services.changes import Edit
from soloit.services.entities import CELL
from soloit.services.errors import StoreError
from soloit.store.errors import WrongThreadError
from soloit.ui.jobs import JobCancelled, JobRunner

# A query that keeps SQLite busy in C (the GIL is released while it runs), like a backup or an export does.
HEAVY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT sum(i) FROM n"


class Recorder(list):
    def __call__(self, _parent, title: str, text: str) -> None:
        self.append((title, text))


@pytest.fixture
def runner(qtbot):
    made = JobRunner(sink=Recorder())
    yield made
    made.wait_all()


def test_a_long_job_never_stalls_the_event_loop(qtbot, runner, store):
    """While a job keeps SQLite busy on its thread, the GUI thread's 20 ms timer goes on ticking: the job runs until
    the GUI has ticked inside OVERLAPS of its queries (and TICKS times in all), however slowly a loaded machine runs
    both. Work run on the GUI thread would see no tick at all and give up at the deadline: the test fails."""
    ticks: list[float] = []  # appended on the GUI thread, read by the job (a list's length is safe to read)
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    results: list[object] = []
    status = QStatusBar()
    shown: list[str] = []
    status.messageChanged.connect(shown.append)
    runner.status_bar = status
    overlaps_wanted, ticks_wanted, deadline = 5, 30, 30.0

    def work(progress):
        own = store.for_this_thread()  # the job's own connection, made on its own thread
        try:
            started, rounds, overlaps = time.monotonic(), 0, 0
            seen = len(ticks)
            while overlaps < overlaps_wanted or len(ticks) - seen < ticks_wanted:
                if time.monotonic() - started > deadline:  # a safety net only: the test fails below
                    break
                before = len(ticks)
                own.raw().execute(HEAVY).fetchone()
                overlaps += len(ticks) > before  # the GUI ticked while this thread's query ran
                rounds += 1
                progress.report(rounds, 0, f"{rounds} 回目")
            return (rounds, overlaps, len(ticks) - seen, own.facts().municipality)
        finally:
            own.close()

    timer.start(20)
    runner.start("試験の長い処理", work, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=int(deadline * 1000) + 30_000)
    timer.stop()
    rounds, overlaps, ticked, municipality = results[0]
    assert municipality == "札幌市"
    assert "試験の長い処理：1 回目" in shown  # progress reached the status bar
    assert overlaps >= overlaps_wanted, (
        f"the GUI thread was blocked: its timer ticked during {overlaps} of the job's {rounds} queries "
        f"({ticked} ticks in all)"
    )
    assert ticked >= ticks_wanted


def test_a_store_refuses_use_from_another_thread(qtbot, runner, store):
    errors: list[BaseException] = []
    runner.start("よその接続", lambda _p: store.raw(), on_error=lambda exc: errors.append(exc) or True)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], WrongThreadError)


def test_a_cancelled_job_writes_nothing(qtbot, runner, store):
    before = store.query("SELECT count(*) FROM journal")[0][0]
    reached = []

    def work(progress):
        own = store.for_this_thread()
        services = open_services(own, lambda: "試験")

        def build(_session):
            edits = [Edit(CELL, f"koseki/{seq}", "note", "取消される") for seq in range(1, 41)]
            reached.append(True)
            while not progress.cancelled:  # the user presses キャンセル while the work runs
                time.sleep(0.01)
            progress.check()  # raises JobCancelled: the transaction rolls back
            return edits

        try:
            return services.changes.run(build)
        finally:
            own.close()

    handle = runner.start("取り消す処理", work, dialog=True, cancellable=True)
    qtbot.waitUntil(lambda: bool(reached), timeout=10_000)
    handle.cancel()
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert store.query("SELECT count(*) FROM journal")[0][0] == before
    assert store.query("SELECT count(*) FROM step_cell WHERE note IS NOT NULL")[0][0] == 0
    assert runner.sink == []  # a cancellation is not an error


def test_a_failing_job_is_explained_in_japanese(qtbot, runner):
    def work(_progress):
        raise StoreError("バックアップを保存先「/mnt/share」に書き込めません: ディスクの空き容量が足りません。")

    handle = runner.start("バックアップ", work)
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    qtbot.waitUntil(lambda: bool(runner.sink), timeout=10_000)
    title, text = runner.sink[0]
    assert title == "データベースを使えません" and "/mnt/share" in text


def test_job_cancelled_is_not_shown_as_an_error(qtbot, runner):
    def work(_progress):
        raise JobCancelled

    handle = runner.start("取消", work)
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert runner.sink == []


def test_waiting_for_jobs_on_exit_does_not_need_the_event_loop(qtbot, runner):
    """On exit the window waits for running jobs (a backup must not be cut off) without processing events: a
    finished job's thread must end by itself, or closing soloit during a backup would hang."""
    seen: list[str] = []

    def work(_progress):
        time.sleep(0.3)
        seen.append("finished its work")
        return 1

    handle = runner.start("終了時に走っている処理", work)
    runner.wait_all(10_000)  # no event processing in between
    assert seen == ["finished its work"]
    assert handle.thread.isFinished()
