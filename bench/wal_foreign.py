"""What the checks of a -wal cost at open and at `soloit verify` on a large ledger.

    .venv/bin/python bench/wal_foreign.py [--entries 100000] [--edits 200] [--runs 5] [--workdir DIR] [--keep]

Builds a ledger of --entries journal entries (bench/synthetic.py, about 33 MB for 100,000), then commits --edits
note edits through the services with automatic checkpoints off and copies the file and its -wal while the
connection is open (the state a crash leaves). Times, median and range of --runs runs after one untimed run:
  - view_with_wal: the file alone read immutable, then a private copy of file + -wal in the temporary folder
    opened by SQLite (what open_database does before SQLite sees a non-empty -wal, to tell a foreign one);
  - verify_view: entering and leaving the view `soloit verify` reads (the same copy, kept for the verify)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def crashed_ledger(workdir: Path, entries: int, edits: int) -> Path:
    from sqlalchemy import event

    from soloit.services.bundle import open_services
    from soloit.store.db import open_database
    from soloit.store.wal import wal_path
    from synthetic import make_large_ledger

    built = make_large_ledger(workdir / "built.sqlite3", entries)
    store = open_database(built)
    event.listen(store.engine, "connect", lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint=0"))
    ledger = open_services(store, lambda: "ベンチ").ledger
    for i in range(edits):
        ledger.edit_cell("koseki", 1 + i % 40, "note", f"ベンチ {i}")
    target = workdir / "ledger.sqlite3"
    shutil.copyfile(built, target)
    shutil.copyfile(wal_path(built), wal_path(target))
    store.close()
    return target


def timed(action, runs: int) -> list[float]:
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    from soloit.store.wal import wal_path
    from soloit.store.wal_guard import verify_view, view_with_wal

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="soloit-wal-foreign-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        db = crashed_ledger(workdir, args.entries, args.edits)
        wal = wal_path(db)
        print(f"ledger {db.stat().st_size / 1e6:.1f} MB, -wal {wal.stat().st_size / 1e6:.1f} MB ({args.edits} edits)")
        view = view_with_wal(db, wal)
        assert view.main is not None and view.with_wal is not None and not view.foreign

        def enter_verify_view() -> None:
            with verify_view(db) as seen:
                assert seen.finding is None

        for label, action in (("view_with_wal", lambda: view_with_wal(db, wal)), ("verify_view", enter_verify_view)):
            times = timed(action, args.runs)
            print(f"{label:14s} median {statistics.median(times):.3f} s ({min(times):.3f}–{max(times):.3f}, {args.runs} runs)")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
