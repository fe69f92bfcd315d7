"""Timing the 事務引継書: the report built from a ledger holding 10,000 handover notes plus the demo data, and its
PDF written (median of several runs; the ledger is made once per invocation).

    .venv/bin/python bench/handover_pdf.py [--runs 5] [--notes 10000]

Target (issue): the 事務引継書 PDF ≤ 3 s."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
TARGET = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notes", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from soloit.exchange.handover_document import write_handover_pdf, write_handover_xlsx
    from soloit.services.bundle import open_services
    from soloit.store.db import open_database
    from synthetic import make_noted_ledger

    app = QGuiApplication.instance() or QGuiApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        db = make_noted_ledger(folder / "notes.sqlite3", args.notes)
        print(f"ledger: demo + {args.notes:,} notes, {db.stat().st_size / 1e6:.1f} MB, made in "
              f"{time.perf_counter() - started:.1f} s")
        store = open_database(db)
        try:
            services = open_services(store, lambda: "ベンチ 次郎")
            builds, pdfs, xlsxs = [], [], []
            for run in range(args.runs):
                t = time.perf_counter()
                report = services.handover_report.build(
                    predecessor="ベンチ 次郎", successor="後任 三郎", appointment_date=date(2027, 4, 1),
                    deadline=date(2027, 4, 7), witness="総務課長",
                )
                builds.append(time.perf_counter() - t)
                out = folder / "引継書.pdf"
                t = time.perf_counter()
                write_handover_pdf(report, out)
                pdfs.append(time.perf_counter() - t)
                t = time.perf_counter()
                write_handover_xlsx(report, folder / "引継書.xlsx")
                xlsxs.append(time.perf_counter() - t)
                print(f"  run {run + 1}: build {builds[-1]:.2f} s, PDF {pdfs[-1]:.2f} s, xlsx {xlsxs[-1]:.2f} s")
        finally:
            store.close()
        pages = "?"
        try:
            info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
            pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        except (OSError, subprocess.CalledProcessError, StopIteration):
            pass
        build, pdf = statistics.median(builds), statistics.median(pdfs)
        print(f"report build: median {build:.2f} s")
        print(f"PDF write:    median {pdf:.2f} s  ({pages} pages, {out.stat().st_size / 1e6:.1f} MB)")
        print(f"xlsx write:   median {statistics.median(xlsxs):.2f} s")
        total = build + pdf
        print(f"build + PDF:  {total:.2f} s — target ≤ {TARGET:.0f} s: {'met' if total <= TARGET else 'NOT met'}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
