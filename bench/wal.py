"""How long store.wal.analyse_wal takes on a large -wal, and how much memory it holds while reading it.

    .venv/bin/python bench/wal.py [--size-mb 100] [--page-size 4096] [--runs 5] [--workdir DIR] [--keep]

Builds a real WAL with SQLite (WAL mode, wal_autocheckpoint=0, transactions of a few hundred kilobytes until the
-wal reaches --size-mb), copies it aside before the connection closes (closing would checkpoint and delete it), and
times analyse_wal on the copy: the intact WAL, then the same WAL with one frame damaged half-way (so half of it is
read past the point SQLite stops). Printed: the median and range of --runs runs each (the file is in the page cache
after a first, untimed run), the throughput, and the peak of Python allocations during one more run (tracemalloc)."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from soloit.store.wal import analyse_wal, wal_path


def build_wal(workdir: Path, size_mb: int, page_size: int) -> Path:
    """A database with a -wal of about `size_mb` MB of committed transactions; returns the copy of the -wal."""
    db = workdir / "bench.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA page_size={page_size}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("PRAGMA synchronous=OFF")  # building the file only; analyse_wal is what is measured
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB NOT NULL)")
    rng = random.Random(1)
    target = size_mb * 1_000_000
    while os.path.getsize(wal_path(db)) < target:
        conn.execute("BEGIN")
        for _ in range(100):
            conn.execute("INSERT INTO t(b) VALUES (?)", (rng.randbytes(rng.randrange(100, 6000)),))
        conn.execute("COMMIT")
    copy = workdir / "copy.sqlite3-wal"
    shutil.copyfile(wal_path(db), copy)
    conn.close()
    return copy


def damaged_copy(wal: Path, page_size: int) -> Path:
    frame_size = page_size + 24
    frames = (wal.stat().st_size - 32) // frame_size
    target = wal.with_name("damaged.sqlite3-wal")
    shutil.copyfile(wal, target)
    with open(target, "r+b") as fh:
        fh.seek(32 + (frames // 2) * frame_size + 24 + page_size // 2)
        fh.write(bytes(16))
    return target


def time_runs(path: Path, runs: int) -> list[float]:
    analyse_wal(path)  # warm: the file in the page cache, the code imported
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        analyse_wal(path)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--page-size", type=int, default=4096)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="soloit-wal-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        wal = build_wal(workdir, args.size_mb, args.page_size)
        size = wal.stat().st_size
        print(f"built a {size / 1e6:.1f} MB WAL (page size {args.page_size}) in {time.perf_counter() - started:.1f} s")
        for label, path in (("intact", wal), ("damaged half-way", damaged_copy(wal, args.page_size))):
            times = time_runs(path, args.runs)
            report = analyse_wal(path)
            tracemalloc.start()
            analyse_wal(path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            median = statistics.median(times)
            print(
                f"{label:17s} median {median:.3f} s ({min(times):.3f}–{max(times):.3f}, {args.runs} runs)  "
                f"{size / 1e6 / median:.0f} MB/s  peak Python allocations {peak / 1e6:.1f} MB"
            )
            print(
                f"{'':17s} frames {report.frames}, recovered commits {report.recovered_commits}, "
                f"lost commits {report.lost_commits}, first bad frame {report.first_bad_frame}"
            )
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
