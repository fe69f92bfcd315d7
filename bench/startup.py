"""Start-up and edit latency of the GUI on the demo database, against a bare PySide6 window measured in the same run.

    .venv/bin/python bench/startup.py [--runs 7]

Each run is a new process (offscreen). Printed: medians of
  - window shown: process start → main window shown (before the database layer is imported),
  - grid filled: process start → the 20×40 grid filled from the database,
  - bare window: process start → a plain QMainWindow with a 20×40 QTableWidget shown (the floor PySide6 sets),
and, in this process, a status change: key press → committed to SQLite (journal included) → grid repainted.
Targets on the 2-core machine: filled ≤ 2.5 × the bare window, status change ≤ 16 ms (median).

The large-ledger case (--large, default on): a ledger of 100,000 journal entries (bench/synthetic.py, ~38 MB,
cached in the system's temp folder) whose start-up backup is due: the verify at open and then the backup run as one
job after the grid is on screen, so "filled" must not wait for them; "backup done" says when both finished
(bench/verify_at_open.py measures the verify itself and the window's responsiveness meanwhile)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem
app = QApplication(sys.argv[:1])
w = QMainWindow()
t = QTableWidget(20, 40)
for r in range(20):
    for c in range(40):
        t.setItem(r, c, QTableWidgetItem("●"))
w.setCentralWidget(t)
w.resize(1366, 768)
w.show()
app.processEvents()
with open(os.environ["SOLOIT_STARTUP_PROBE"], "a") as fh:
    fh.write(json.dumps({"event": "bare", "t": time.time()}) + "\n")
"""


def _env(tmp: Path, probe: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        SOLOIT_STARTUP_PROBE=str(probe),
    )
    env.pop("SOLOIT_DB", None)
    # Installed programs start from compiled bytecode (the PyInstaller bundle ships it); a sandbox that forbids
    # writing .pyc files would measure Python compiling soloit's sources at every start instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(cmd: list[str], env: dict[str, str], probe: Path) -> dict[str, float]:
    probe.unlink(missing_ok=True)
    start = time.time()
    subprocess.run(cmd, env=env, check=True, timeout=120)
    events = {}
    for line in probe.read_text().splitlines():
        record = json.loads(line)
        events[record["event"]] = record["t"] - start
    return events


def startup(runs: int, tmp: Path) -> dict[str, list[float]]:
    from soloit.services.demo import create_demo

    db = tmp / "demo.sqlite3"
    create_demo(db).close()
    (tmp / "config" / "soloit").mkdir(parents=True)
    (tmp / "config" / "soloit" / "settings.json").write_text(json.dumps({"display_name": "bench"}), encoding="utf-8")
    probe = tmp / "probe.jsonl"
    env = _env(tmp, probe)
    soloit = [sys.executable, "-m", "soloit", "--db", str(db)]
    bare = [sys.executable, "-c", BARE]
    figures: dict[str, list[float]] = {"shown": [], "filled": [], "bare": []}
    _run(soloit, env, probe)  # one warm-up each so the OS file cache is the same for every measured run
    _run(bare, env, probe)
    for _ in range(runs):
        app_events = _run(soloit, env, probe)
        figures["shown"].append(app_events["shown"])
        figures["filled"].append(app_events["filled"])
        figures["bare"].append(_run(bare, env, probe)["bare"])
    return figures


def large_ledger() -> Path:
    """The 100,000-entry ledger, made once and kept in the temp folder (making it takes ~15 s)."""
    import soloit

    cached = Path(tempfile.gettempdir()) / f"soloit-bench-large-{soloit.__version__}.sqlite3"
    if not cached.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from synthetic import make_large_ledger

        partial = cached.with_name(cached.name + ".making")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        make_large_ledger(partial)
        partial.rename(cached)
    return cached


def startup_large(runs: int, tmp: Path) -> dict[str, list[float]]:
    """Start on the large ledger with its start-up backup due (a fresh backup folder every run)."""
    source = large_ledger()
    figures: dict[str, list[float]] = {"shown": [], "filled": [], "backup": []}
    for n in range(runs + 1):
        run = tmp / f"large-{n}"
        (run / "config" / "soloit").mkdir(parents=True)
        (run / "config" / "soloit" / "settings.json").write_text(json.dumps({"display_name": "bench"}), encoding="utf-8")
        db = run / "large.sqlite3"
        shutil.copyfile(source, db)
        probe = run / "probe.jsonl"
        env = _env(run, probe)
        events = _run([sys.executable, "-m", "soloit", "--db", str(db)], env, probe)
        if n == 0:
            continue  # warm-up: the OS file cache
        figures["shown"].append(events["shown"])
        figures["filled"].append(events["filled"])
        figures["backup"].append(events.get("start_backup_done", float("nan")))
        shutil.rmtree(run, ignore_errors=True)
    return figures


def status_change(tmp: Path, changes: int = 40) -> list[float]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from soloit.context import AppContext
    from soloit.settings import Settings
    from soloit.store.db import open_database
    from soloit.ui.app import make_application, open_window
    from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN

    app = make_application()
    db = tmp / "edit.sqlite3"
    shutil.copy(tmp / "demo.sqlite3", db)
    store = open_database(db)
    window = open_window(AppContext(tmp, tmp, db, False, True), store, Settings(display_name="bench"))
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    table = window.ledger.steps
    times = []
    for i in range(changes):
        index = window.ledger.model.index(16, FIRST_STEP_COLUMN + 30 + i % 10)
        table.setCurrentIndex(index)
        app.processEvents()
        key = Qt.Key.Key_2 if i % 2 == 0 else Qt.Key.Key_1
        started = time.perf_counter()
        QApplication.sendEvent(table, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))
        table.viewport().repaint()
        times.append(time.perf_counter() - started)
    expected = "in_progress" if changes % 2 else "not_started"
    last = window.commander.services.ledger.cell("kaigo_hoken", 31 + (changes - 1) % 10).status
    assert last in (expected, "in_progress", "not_started")
    window.close()
    store.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-large", action="store_true", help="skip the 100,000-entry ledger case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soloit-bench-") as name:
        tmp = Path(name)
        figures = startup(max(5, args.runs), tmp)
        large = None if args.no_large else startup_large(max(3, args.runs // 2), tmp)
        edits = status_change(tmp)
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"runs: {len(figures['shown'])} cold processes each (median; min–max)")
    for key, label, target in (
        ("shown", "soloit window shown", 0.5),
        ("filled", "soloit grid filled ", 1.0),
        ("bare", "bare PySide6 20×40 ", None),
    ):
        values = figures[key]
        verdict = "" if target is None else (f"  target ≤ {target:.1f} s: " + ("OK" if med[key] <= target else "MISSED"))
        print(f"  {label}: {med[key]:.3f} s  ({min(values):.3f}–{max(values):.3f}){verdict}")
    print(f"  ratio shown / bare : {med['shown'] / med['bare']:.2f}×")
    ratio = med["filled"] / med["bare"]
    print(f"  ratio filled / bare: {ratio:.2f}×  target ≤ 2.5×: {'OK' if ratio <= 2.5 else 'MISSED'}")
    if large is not None:
        lmed = {k: statistics.median(v) for k, v in large.items()}
        print(f"large ledger (100,000 journal entries, {large_ledger().stat().st_size / 1e6:.0f} MB), start-up backup due, "
              f"{len(large['filled'])} runs (median):")
        print(f"  window shown: {lmed['shown']:.3f} s   grid filled: {lmed['filled']:.3f} s   "
              f"start-up backup done (a job, after the grid): {lmed['backup']:.3f} s")
    edit_median = statistics.median(edits) * 1000
    print(
        f"status change (key → committed → repainted), {len(edits)} changes: median {edit_median:.1f} ms "
        f"(max {max(edits) * 1000:.1f} ms)  target ≤ 16 ms: {'OK' if edit_median <= 16 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
