"""The step panel's status reason (JournalService.last_change) on a large ledger: median time of one look-up.

    .venv/bin/python bench/step_reason.py [--entries 100000] [--runs 200]

The synthetic ledger's journal is grown with note edits spread over the 800 step cells (about 125 entries per
cell), so the look-up reads through a cell's entries as the detail panel does whenever a step is selected."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import make_large_ledger

    from soloit import reference
    from soloit.services.bundle import open_services
    from soloit.services.entities import CELL
    from soloit.services.fields import cell_key
    from soloit.store.db import open_database

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = make_large_ledger(Path(folder) / "large.sqlite3", args.entries)
        store = open_database(path)
        try:
            services = open_services(store, lambda: "bench")
            ref = reference.load()
            keys = [cell_key(b.code, s.seq) for b in ref.businesses for s in ref.steps]
            services.ledger.set_statuses([("koseki", 5)], "in_progress", reason="bench")
            times = []
            for i in range(args.runs):
                key = keys[i % len(keys)]
                start = time.perf_counter()
                services.journal.last_change(CELL, key, "status")
                times.append((time.perf_counter() - start) * 1000)
            entries = store.query("SELECT count(*) FROM journal")[0][0]
            print(f"journal entries: {entries:,}; last_change over {args.runs} cells: median {statistics.median(times):.2f} ms, "
                  f"max {max(times):.2f} ms")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
