"""The verify at every open of the window (issue 22, point 3), on a large ledger: how long the job takes, and that
the window stays responsive meanwhile.

    .venv/bin/python bench/verify_at_open.py [--runs 5] [--entries 100000] [--ledger FILE]

The ledger is bench/verify.py's (100,000 journal entries, cached in the system's temp folder). Each run opens a
session on a fresh copy (settings and backups in a temporary folder) and runs the controller's job exactly as the
window does after it is shown (SessionController.check_at_start: the full verify on its own connection, then the
start-up backup, here due), offscreen, while a 10 ms timer on the GUI thread measures the longest gap between its
ticks (how long the window could not repaint or react). Printed: medians of the verify, of the whole job (verify
and start-up backup) and of the longest gap."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def run_once(source: Path, tmp: Path) -> tuple[float, float, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from soloit.context import AppContext
    from soloit.services.session import PASSED, Prompts, open_session
    from soloit.settings import Settings
    from soloit.ui.app import make_application, open_window

    app = make_application()
    db = tmp / "large.sqlite3"
    shutil.copyfile(source, db)
    context = AppContext(tmp / "data", tmp / "config", db, False, True)
    settings = Settings(display_name="bench")
    session = open_session(context, settings, db, Prompts(print, lambda *_: False, lambda *_: False))
    assert session is not None
    window = open_window(context, session.store, settings, session=session)
    window.show()
    app.processEvents()
    controller = window.controller
    assert controller is not None
    verify_end: list[float] = []
    real_check = session.check_integrity

    def timed_check():
        report = real_check()
        verify_end.append(time.perf_counter())
        return report

    session.check_integrity = timed_check  # type: ignore[method-assign]
    gaps: list[float] = []
    clock = QElapsedTimer()
    tick = QTimer()
    tick.setInterval(10)

    def on_tick() -> None:
        gaps.append(clock.restart() / 1000)

    tick.timeout.connect(on_tick)
    started = time.perf_counter()
    clock.start()
    tick.start()
    controller.check_at_start()
    while window.jobs.busy:
        QApplication.processEvents()
        time.sleep(0.001)
    ended = time.perf_counter()
    tick.stop()
    assert session.integrity == PASSED, session.integrity_report
    window.close()
    session.close(backup=False)
    window.deleteLater()
    app.processEvents()
    return verify_end[0] - started, ended - started, max(gaps, default=0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--ledger", type=Path, help="an existing ledger instead of the cached synthetic one")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from verify import ledger

    source = ledger(args.ledger, args.entries)
    verifies, jobs, gaps = [], [], []
    for n in range(args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="soloit-bench-open-") as tmp:
            verify, job, gap = run_once(source, Path(tmp))
        if n == 0:
            continue  # warm-up: the OS file cache
        verifies.append(verify)
        jobs.append(job)
        gaps.append(gap)
    print(f"verify at open on {source} ({source.stat().st_size / 1e6:.0f} MB), {args.runs} runs (median; min–max):")
    print(f"  verify (job, own connection): {statistics.median(verifies):.2f} s ({min(verifies):.2f}–{max(verifies):.2f})")
    print(f"  verify + start-up backup:     {statistics.median(jobs):.2f} s ({min(jobs):.2f}–{max(jobs):.2f})")
    print(f"  longest GUI-thread gap:       {statistics.median(gaps) * 1000:.0f} ms ({min(gaps) * 1000:.0f}–{max(gaps) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
