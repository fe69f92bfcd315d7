"""Crash safety at scale: SIGKILL a writer doing random journaled service commands, N times on one database,
checking after every kill (tests/reliability/crash_check.py says what is checked).

    .venv/bin/python bench/crash.py [--kills 500] [--seed S] [--kills-per-db K] [--workdir DIR] [--keep]

Prints the tally and the time taken; exits 1 when anything was lost or found inconsistent (the work directory is
then kept for inspection). Verifying the whole journal after each kill costs more as the journal grows; with
--kills-per-db K a fresh database is started every K kills."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.crash_check import run_kills  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock, printed)")
    parser.add_argument("--kills-per-db", type=int, default=None, help="start a fresh database every K kills")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="soloit-crash-"))
    step = max(1, args.kills // 20)
    started = time.perf_counter()

    def progress(done: int, tally) -> None:
        if done % step == 0 or done == args.kills:
            elapsed = time.perf_counter() - started
            print(
                f"  {done:5d}/{args.kills} kills  {elapsed:7.1f} s  commits {tally.commits}  "
                f"failures {tally.failures}",
                file=sys.stderr,
                flush=True,
            )

    print(f"crash bench: {args.kills} kills, seed {seed}, work directory {workdir}", flush=True)
    tally = run_kills(args.kills, seed, workdir, kills_per_db=args.kills_per_db, progress=progress)
    elapsed = time.perf_counter() - started
    print(tally.summary())
    print(f"time                    {elapsed:.1f} s  ({elapsed / max(tally.rounds, 1) * 1000:.0f} ms per kill)")
    if tally.ok:
        print("result                  OK: nothing committed was lost, nothing half-done was left")
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        return 0
    print(f"result                  FAILED ({tally.failures}); work directory kept: {workdir}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
