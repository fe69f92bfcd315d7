"""How fast the plan views answer on a large ledger: 300 DX initiatives (with 600 KPIs), 2,000 budget lines of one
年度, 200 contracts and 5,000 tasks (a fifth of them recurring), made through the journal like real data.

    .venv/bin/python bench/views.py [--runs 7]

Printed for each view (median and max over the runs, 1366×768 offscreen):
- switch: from the ledger to the view when it is first shown (created, filled from the database, painted);
- again: back to it once it exists (painted);
- filter: typing a word into its filter box until the table is repainted (several words);
- reload: an edit elsewhere in the view's area, until the table is filled again and repainted.
Target (issue 10): switching to each view and filtering it ≤ 100 ms median."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100
FILTER_WORDS = ("標準", "委託", "2027", "住民", "ｚｚ")


def make_plan_ledger(path: Path, *, initiatives: int = 300, lines: int = 2000, contracts: int = 200, tasks: int = 5000) -> None:
    from soloit import reference
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.demo import create_demo
    from soloit.services.entities import BUDGET_LINE, CONTRACT, INITIATIVE, KPI, TASK
    from soloit.services.fields import CREATE

    store = create_demo(path)
    try:
        ref = reference.load()
        rng = random.Random(2026)

        def next_id(table: str) -> int:
            return int(store.query(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]) + 1

        departments = [i for (i,) in store.query("SELECT id FROM organisation WHERE kind = 'department'")]
        vendors = [i for (i,) in store.query("SELECT id FROM organisation WHERE kind = 'vendor'")]
        sources = [i for (i,) in store.query("SELECT id FROM funding_source")]
        systems = [i for (i,) in store.query("SELECT id FROM system")]
        edits: list[Edit] = []
        first = next_id("initiative")
        kpi = next_id("kpi")
        for n in range(initiatives):
            key = str(first + n)
            edits += [
                Edit(INITIATIVE, key, CREATE, f"DX取組 {n:03d}（{rng.choice(['窓口', '標準化', 'セキュリティ', 'RPA'])}）"),
                Edit(INITIATIVE, key, "status", rng.choice([s.code for s in ref.initiative_statuses])),
                Edit(INITIATIVE, key, "category", rng.choice([c.code for c in ref.dx_categories])),
                Edit(INITIATIVE, key, "department_id", rng.choice(departments)),
                Edit(INITIATIVE, key, "start_date", date(2025, 4, 1) + timedelta(days=rng.randint(0, 700))),
            ]
            for _ in range(2):
                edits += [
                    Edit(KPI, str(kpi), CREATE, f"指標 {kpi}"), Edit(KPI, str(kpi), "initiative_id", first + n),
                    Edit(KPI, str(kpi), "target", "100"), Edit(KPI, str(kpi), "actual", str(rng.randint(0, 120))),
                ]
                kpi += 1
        first = next_id("budget_line")
        for n in range(lines):
            key = str(first + n)
            budget = rng.randint(1, 500) * 100_000
            edits += [
                Edit(BUDGET_LINE, key, CREATE, f"{rng.choice(['標準準拠システム', '保守委託', '機器更新', '研修'])}経費 {n:04d}"),
                Edit(BUDGET_LINE, key, "fiscal_year", 2026),
                Edit(BUDGET_LINE, key, "kind", "initial"),
                Edit(BUDGET_LINE, key, "budget", budget),
                Edit(BUDGET_LINE, key, "spent", budget // rng.randint(1, 4)),
                Edit(BUDGET_LINE, key, "funding_source_id", rng.choice(sources)),
            ]
        first = next_id("contract")
        for n in range(contracts):
            key = str(first + n)
            start = date(2025, 4, 1) + timedelta(days=rng.randint(0, 700))
            edits += [
                Edit(CONTRACT, key, CREATE, f"保守業務委託 {n:03d}"), Edit(CONTRACT, key, "vendor_id", rng.choice(vendors)),
                Edit(CONTRACT, key, "start_date", start), Edit(CONTRACT, key, "end_date", start + timedelta(days=364)),
                Edit(CONTRACT, key, "amount", rng.randint(1, 100) * 100_000), Edit(CONTRACT, key, "notice_days", 90),
            ]
        first = next_id("task")
        for n in range(tasks):
            key = str(first + n)
            edits += [
                Edit(TASK, key, CREATE, f"やること {n:04d}（{rng.choice(['確認', '報告', '更新', '委託'])}）"),
                Edit(TASK, key, "due_date", date(2026, 6, 1) + timedelta(days=rng.randint(0, 700))),
                Edit(TASK, key, "system_id", rng.choice(systems)),
            ]
            if n % 5 == 0:
                edits.append(Edit(TASK, key, "recurrence", f"yearly {rng.randint(1, 12):02d}-15"))
        apply_batch(store, edits, actor="ベンチ", action="import", reason="大きな台帳の作成")
    finally:
        store.close()


def measure(path: Path, runs: int) -> dict[str, dict[str, list[float]]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from soloit.context import AppContext
    from soloit.settings import Settings
    from soloit.store.db import open_database
    from soloit.ui.app import make_application, open_window

    app = make_application()
    store = open_database(path)
    window = open_window(AppContext(path.parent, path.parent, path, False, True), store, Settings(display_name="bench"))
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    figures: dict[str, dict[str, list[float]]] = {}
    tables = {"tasks": "table", "initiatives": "table", "budget": "lines"}
    for row, spec in enumerate(window.specs):
        if spec.key not in tables:
            continue
        got = figures.setdefault(spec.label, {"switch": [], "again": [], "filter": [], "reload": []})
        for _ in range(runs):
            window.nav.setCurrentRow(0)
            app.processEvents()
            old = window.views.pop(spec.key, None)
            if old is not None:
                window.stack.removeWidget(old)
                old.deleteLater()
                app.processEvents()
            started = time.perf_counter()
            window.nav.setCurrentRow(row)
            window.repaint()
            got["switch"].append(time.perf_counter() - started)
            window.nav.setCurrentRow(0)
            app.processEvents()
            started = time.perf_counter()
            window.nav.setCurrentRow(row)
            window.repaint()
            got["again"].append(time.perf_counter() - started)
        view = window.views[spec.key]
        table = getattr(view, tables[spec.key])
        for _ in range(runs):
            for word in FILTER_WORDS:
                started = time.perf_counter()
                table.filter.setText(word)
                table.view.viewport().repaint()
                got["filter"].append(time.perf_counter() - started)
                table.filter.clear()
                app.processEvents()
            started = time.perf_counter()
            view.load()
            table.view.viewport().repaint()
            got["reload"].append(time.perf_counter() - started)
        shown = table.model.rowCount()
        print(f"  {spec.label}: {shown:,} rows", file=sys.stderr)
    window.close()
    store.close()
    QApplication.processEvents()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.sqlite3"
        started = time.perf_counter()
        make_plan_ledger(path)
        print(f"ledger made in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        figures = measure(path, args.runs)
    worst = 0.0
    for label, kinds in figures.items():
        parts = []
        for kind, values in kinds.items():
            med = statistics.median(values) * 1000
            if kind in ("switch", "filter"):
                worst = max(worst, med)
            parts.append(f"{kind} {med:.1f} ms (max {max(values) * 1000:.1f})")
        print(f"{label}: " + "; ".join(parts))
    print(f"slowest median of switch/filter: {worst:.1f} ms  target ≤ {TARGET_MS} ms: {'OK' if worst <= TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
