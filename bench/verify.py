"""`soloit verify` on a large ledger: wall time and peak memory of the command as a user runs it.

    .venv/bin/python bench/verify.py [--runs 5] [--entries 100000] [--wide] [--ledger FILE]

The ledger (bench/synthetic.py, 100,000 journal entries, ~38 MB) is cached in the system's temp folder and reused
by later runs. `make_large_ledger` grows it with note edits on the 800 step cells; `--wide` uses
`make_wide_ledger` instead (50,000 new tasks: the most rows and fields verify has to remember). Each run is a fresh `soloit verify --db FILE` process (settings and backups in a temporary folder,
so no real backup folder is read). Printed: the median wall time over the runs and the largest peak RSS of a run
(each child's ru_maxrss, measured by a small wrapper process so that one run's peak is not hidden by another's).
Target on the 2-core machine: ≤ 1.5 s and ≤ 150 MB at 100,000 entries."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs the command as its child and reports that child's peak RSS (ru_maxrss of RUSAGE_CHILDREN is the largest
# of all children so far, so every run needs a fresh parent).
WRAPPER = r"""
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - started
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{code} {wall:.6f} {kib}")
"""


def ledger(path: Path | None, entries: int, *, wide: bool = False) -> Path:
    if path is not None:
        return path
    cached = Path(tempfile.gettempdir()) / f"soloit-bench-verify-{'wide-' if wide else ''}{entries}.sqlite3"
    if not cached.exists():
        sys.path.insert(0, str(ROOT / "src"))
        sys.path.insert(0, str(ROOT / "bench"))
        from synthetic import make_large_ledger, make_wide_ledger

        partial = cached.with_name(cached.name + ".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        started = time.perf_counter()
        (make_wide_ledger if wide else make_large_ledger)(partial, entries)
        # the ledger is closed (WAL checkpointed); keep it as one file
        os.replace(partial, cached)
        print(f"built {cached} ({entries:,} entries) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return cached


def soloit_command() -> list[str]:
    exe = Path(sys.executable).with_name("soloit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soloit"]


def run_once(db: Path, env: dict[str, str]) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *soloit_command(), "verify", "--db", str(db)],
        env=env, check=True, capture_output=True, text=True, timeout=300,
    ).stdout.split()
    code, wall, kib = int(out[0]), float(out[1]), int(out[2])
    return code, wall, kib / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--wide", action="store_true", help="many rows (new tasks) instead of many edits of the same rows")
    parser.add_argument("--ledger", type=Path, help="an existing ledger to verify instead of the cached synthetic one")
    args = parser.parse_args()
    db = ledger(args.ledger, args.entries, wide=args.wide)
    with tempfile.TemporaryDirectory(prefix="soloit-bench-verify-") as tmp:
        env = dict(os.environ)
        env.update(XDG_CONFIG_HOME=str(Path(tmp) / "config"), XDG_DATA_HOME=str(Path(tmp) / "data"))
        env.pop("SOLOIT_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed programs start from compiled bytecode
        run_once(db, env)  # warm the page cache and the bytecode cache; not counted
        walls, peaks = [], []
        for _ in range(args.runs):
            code, wall, peak = run_once(db, env)
            if code != 0:
                print(f"soloit verify exited {code} on {db}", file=sys.stderr)
                return 1
            walls.append(wall)
            peaks.append(peak)
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        entries = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    print(f"soloit verify --db {db}  ({entries:,} journal entries, {db.stat().st_size / 1e6:.1f} MB, {args.runs} runs)")
    print(f"  wall time: median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
    print(f"  peak RSS:  max {max(peaks):.0f} MB (median {statistics.median(peaks):.0f} MB)")
    print("  target:    ≤ 1.50 s and ≤ 150 MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
