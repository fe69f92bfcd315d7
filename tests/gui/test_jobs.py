"""Long work runs as a job: off the GUI thread, on its own database connection, reporting progress, cancellable
without writing anything, errors shown in Japanese; the window keeps processing events meanwhile."""

from __future__ import annotations

import time
from itertools import pairwise

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


def test_a_two_second_job_never_stalls_the_event_loop(qtbot, runner, store):
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    results: list[object] = []
    status = QStatusBar()
    shown: list[str] = []
    status.messageChanged.connect(shown.append)
    runner.status_bar = status

    def work(progress):
        own = store.for_this_thread()  # the job's own connection, made on its own thread
        try:
            started, rounds = time.monotonic(), 0
            while time.monotonic() - started < 2.2:
                own.raw().execute(HEAVY).fetchone()
                rounds += 1
                progress.report(rounds, 0, f"{rounds} 回目")
            return (rounds, own.facts().municipality)
        finally:
            own.close()

    timer.start(50)
    runner.start("試験の長い処理", work, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    timer.stop()
    rounds, municipality = results[0]
    assert municipality == "札幌市" and rounds >= 2
    assert "試験の長い処理：1 回目" in shown  # progress reached the status bar
    gaps = [later - earlier for earlier, later in pairwise(ticks)]
    assert len(ticks) >= 30, "the timer kept firing while the job ran"
    assert max(gaps) <= 0.150, f"the GUI thread was blocked: a 50 ms timer was late by {max(gaps) * 1000 - 50:.0f} ms"


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
