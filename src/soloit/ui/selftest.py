"""`soloit selftest`: offscreen, on a temporary demo database — cells, rates, a GUI edit, a render, the journal.

Prints one line per check and exits non-zero when any fails. Installers run it to prove a bundle works."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path


def run_selftest(out_dir: Path | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="soloit-selftest-") as tmp:
        work = Path(tmp)
        out = out_dir or work
        out.mkdir(parents=True, exist_ok=True)
        results: list[tuple[str, bool, str]] = []

        def check(name: str, fn: Callable[[], str]) -> bool:
            try:
                detail = fn()
                results.append((name, True, detail))
                print(f"OK   {name}: {detail}")
                return True
            except Exception as exc:
                results.append((name, False, repr(exc)))
                print(f"FAIL {name}: {exc!r}")
                traceback.print_exc(file=sys.stdout)
                return False

        state: dict[str, object] = {}
        check("Japan time without a time-zone database", _japan_time)
        check("demo database", lambda: _make_demo(work, state))
        if "store" in state:
            check("20×40 cells and rates", lambda: _check_cells(state))
            check("main window renders", lambda: _render(out, work, state))
            check("status change from the grid", lambda: _edit(state))
            check("journal chain", lambda: _verify(state))
            check("backup and restore", lambda: _backup_restore(work, state))
            state["store"].close()  # type: ignore[attr-defined]
        failed = [name for name, ok, _ in results if not ok]
        elapsed = time.perf_counter() - started
        print(f"selftest: {len(results) - len(failed)} passed, {len(failed)} failed ({elapsed:.2f} s)")
        return 1 if failed else 0


def _japan_time() -> str:
    """Stored times are UTC and shown in Japan time (UTC+09:00, fixed: Windows has no zone database of its own);
    08:30 in Japan is the previous day in UTC and must still be grouped under the Japanese day."""
    from datetime import UTC, date, datetime

    from soloit.domain.clock import format_jst, jst_day

    moment = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    shown, day = format_jst(moment), jst_day(moment)
    if shown != "2026/11/23 08:30" or day != date(2026, 11, 23):
        raise AssertionError(f"{moment.isoformat()} shown as {shown}, grouped under {day}")
    return f"{moment.isoformat()} → {shown}（{day}）"


def _make_demo(work: Path, state: dict) -> str:
    from soloit.services.demo import create_demo

    store = create_demo(work / "selftest-demo.sqlite3")
    state["store"] = store
    return str(store.path)


def _check_cells(state: dict) -> str:
    from soloit import reference
    from soloit.domain import progress
    from soloit.services.bundle import open_services

    ref = reference.load()
    snapshot = open_services(state["store"], lambda: "selftest").ledger.snapshot()
    if len(snapshot.rows) != len(ref.businesses):
        raise AssertionError(f"{len(snapshot.rows)} businesses")
    if any(len(row.cells) != ref.step_count for row in snapshot.rows):
        raise AssertionError("a business without 40 cells")
    rates = {row.business_code: progress.business_rates(c.status for c in row.cells) for row in snapshot.rows}
    for row in snapshot.rows:
        counted = sum(1 for c in row.cells if ref.status_by_code[c.status].counts_as_complete) / ref.step_count
        if abs(rates[row.business_code].complete - counted) > 1e-9:
            raise AssertionError(f"rate mismatch for {row.business_code}")
    overall = progress.municipality_rate(rates)
    if not 0 < overall.complete < 1:
        raise AssertionError(f"implausible overall rate {overall.complete}")
    return f"{len(snapshot.rows)}×{ref.step_count} cells, overall {progress.format_percent(overall.complete)}"


def _render(out: Path, work: Path, state: dict) -> str:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    from soloit.context import AppContext
    from soloit.settings import Settings
    from soloit.ui.app import make_application, open_window

    app = make_application()
    settings = Settings(display_name="selftest")
    context = AppContext(work, work, state["store"].path, False, True)
    window = open_window(context, state["store"], settings)
    window.setWindowState(Qt.WindowState.WindowNoState)  # not maximized to whatever screen this is: a 1366×768 laptop
    window.resize(1366, 768)
    window.show()
    for _ in range(3):
        app.processEvents()
    state["window"], state["app"] = window, app
    if window.ledger is None or window.ledger.model.rowCount() != 20 or window.ledger.model.columnCount() != 42:
        raise AssertionError("the ledger grid is not 20 rows × (2 + 40) columns")
    image = window.grab().toImage()
    path = out / "selftest-main-window.png"
    if not image.save(str(path)):
        raise AssertionError(f"could not write {path}")
    colours: set[int] = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            colours.add(QColor(image.pixel(x, y)).rgb())
    if image.width() < 900 or len(colours) < 8:
        raise AssertionError(f"the render looks blank ({image.width()}×{image.height()}, {len(colours)} colours)")
    return f"{path} ({image.width()}×{image.height()}, {len(colours)} colours)"


def _edit(state: dict) -> str:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from soloit import reference

    ref = reference.load()
    window = state["window"]
    ledger = window.ledger
    not_started = ref.default_status.code
    row = max(  # the business least far along
        range(ledger.model.rowCount()),
        key=lambda r: sum(c.status == not_started for c in ledger.model.business_row(r).cells),
    )
    business = ledger.model.business_row(row)
    before = window.commander.services.ledger.cell(business.business_code, 40).status
    column = ledger.model.columnCount() - 1  # the last step
    ledger.steps.setFocus()
    ledger.steps.setCurrentIndex(ledger.model.index(row, column))
    QApplication.sendEvent(ledger.steps, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier, "2"))
    QApplication.processEvents()
    cell = window.commander.services.ledger.cell(business.business_code, 40)
    if cell.status != ref.status_key_order[1]:
        raise AssertionError(f"key 2 left the cell {cell.status}")
    window.commander.undo_stack.undo()
    cell = window.commander.services.ledger.cell(business.business_code, 40)
    if cell.status != before:
        raise AssertionError(f"undo left the cell {cell.status}")
    return f"{business.name} ステップ40: key 2 → {ref.status_by_code[ref.status_key_order[1]].label_ja}, undo → 元の状態"


def _verify(state: dict) -> str:
    from soloit.services.integrity import verify

    report = verify(state["store"])
    if not report.ok:
        raise AssertionError(report.summary_ja())
    return report.summary_ja()


def _backup_restore(work: Path, state: dict) -> str:
    from soloit.services.backups import backup_now, check_backup, restore
    from soloit.services.integrity import verify
    from soloit.services.setup import open_existing

    store = state["store"]
    made = backup_now(store.path, work / "backups", kind="manual")
    check = check_backup(made.path)
    if not check.ok:
        raise AssertionError(check.problem_ja)
    target = work / "restored.sqlite3"
    result = restore(made.path, target, work / "backups")
    restored = open_existing(target)
    try:
        report = verify(restored)
    finally:
        restored.close()
    # the restored file holds the backup's entries plus the one that records the restore
    if not report.ok or report.entries != made.journal_count + 1 or result.entries != made.journal_count + 1:
        raise AssertionError(f"restored copy: {report.summary_ja()}")
    return f"{made.path.name} → {target.name}: {report.entries} entries verified"
