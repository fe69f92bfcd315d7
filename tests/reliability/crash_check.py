"""Kill a writer (tests/reliability/writer.py) at random moments, over and over on the same database, and check
after every kill that nothing it reported as committed was lost and nothing half-done was left behind.

After each kill:
  - the database opens (soloit.store.db.open_database) and `PRAGMA integrity_check` says ok,
  - services.integrity.verify passes: the journal's hash chain is whole and every row equals what the journal says
    (a change without its journal entry, or an entry without its change, fails it),
  - every command the writer reported committed is in the journal, with exactly the reported changes, in order,
  - at most one committed command went unreported (the writer can be killed between a commit and its report),
  - the lock the killed writer held is taken by the next writer (and, after the last kill, by us): the OS gave it
    back when the writer died, though its holder record (<db>.lock.json) is left behind.

Kill moments, chosen at random per round:
  - "startup":    0.05–0.6 s after the writer is told to go (lands in lock taking, opening, first commands),
  - "steady":     0–20 ms after the writer reported its k-th commit, k from 1 to 12 (lands anywhere in a stream
                  of commits),
  - "in-command": right after the writer announces its k-th command, k from 1 to 40 (lands inside a transaction
                  or its commit).
Steady and in-command kills wait for a number of events, not for a time: however slow a loaded machine runs the
writer, they land as far into its stream. A writer that does not get there within WAIT_TIMEOUT is a failure of
its own (a stall, said so), never a wait without end.
The next writer is started (and imports its modules) while the previous round is being checked; it waits for a
line on stdin before it touches the lock or the database."""

from __future__ import annotations

import contextlib
import json
import queue
import random
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

WRITER = Path(__file__).with_name("writer.py")
MODES = ("startup", "steady", "steady", "in-command", "in-command")
READY_TIMEOUT = 120.0  # for a writer's imports (three start at once) and its opening the database
WAIT_TIMEOUT = 120.0  # for the commits or the command a kill waits for: generous, for a loaded machine
PIPELINE = 3  # writers started ahead: a writer's imports take longer than a round on a 2-core machine


@dataclass
class Tally:
    rounds: int = 0
    commits: int = 0  # commits the writers reported
    rounds_with_commits: int = 0  # rounds whose writer reported at least one commit
    unreported: int = 0  # commits in the journal that a writer was killed before reporting (≤ 1 per round is fine)
    lost: int = 0  # reported commits missing from the journal or different from what was reported
    integrity_failures: int = 0  # the database would not open or PRAGMA integrity_check was not ok
    verify_failures: int = 0  # integrity.verify failed: broken chain, or data and journal disagree (orphans)
    phantoms: int = 0  # rounds with more than one unreported commit
    lock_left: int = 0  # kills of a writer holding the lock (its holder record left behind)
    lock_recoveries: int = 0  # locks of killed writers taken by the next writer (or by the final check)
    lock_failures: int = 0  # a writer refused by a dead writer's lock (a lock left blocking)
    writer_errors: int = 0  # a writer that stopped by itself (a traceback: a bug)
    kills_in_command: int = 0  # kills that landed after a command began and before its commit was reported
    commits_awaited: int = 0  # commits the steady kills waited to see reported before killing
    stalls: int = 0  # rounds whose writer did not reach the events its kill waited for within the timeout
    modes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return (
            self.lost + self.integrity_failures + self.verify_failures + self.phantoms + self.lock_failures
            + self.writer_errors + self.stalls
        )

    @property
    def ok(self) -> bool:
        return self.failures == 0

    def summary(self) -> str:
        modes = ", ".join(f"{name} {count}" for name, count in sorted(self.modes.items()))
        lines = [
            f"rounds (kills)          {self.rounds}  ({modes})",
            f"kills inside a command  {self.kills_in_command}  (between its start and its reported commit)",
            f"commits reported        {self.commits}  (rounds with commits: {self.rounds_with_commits}; "
            f"steady kills waited for {self.commits_awaited})",
            f"unreported commits      {self.unreported}  (killed between commit and report; allowed ≤ 1 per round)",
            f"lost committed changes  {self.lost}",
            f"integrity failures      {self.integrity_failures}",
            f"verify failures         {self.verify_failures}  (chain broken or data ≠ journal: orphans)",
            f"phantom commits         {self.phantoms}",
            f"locks left by kills     {self.lock_left}",
            f"lock recoveries         {self.lock_recoveries}",
            f"lock failures           {self.lock_failures}",
            f"writer errors           {self.writer_errors}",
            f"stalled writers         {self.stalls}  (did not reach the awaited events in {WAIT_TIMEOUT:.0f} s)",
        ]
        lines += [f"PROBLEM: {problem}" for problem in self.problems[:20]]
        return "\n".join(lines)


def create_db(path: Path) -> int:
    """A new ledger at `path`; returns its newest journal id (the seed's entries, which no writer reports)."""
    from soloit.services.setup import create_ledger

    store = create_ledger(path, "01", "札幌市", "011002", actor="クラッシュ 試験")
    try:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT max(id) FROM journal").scalar() or 0
    finally:
        store.close()


# --- checking one database after a kill -------------------------------------------------------------------------


def parse_lines(raw: list[str]) -> list[dict]:
    """The writer's events; a line cut short by the kill is ignored."""
    events = []
    for line in raw:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def check_database(db: Path, events: list[dict], tally: Tally, *, after_id: int = 0, label: str = "") -> int:
    """Check the database against what a killed writer reported (its events). Adds to `tally`; returns the newest
    journal id, to pass as `after_id` next time (journal ids only grow, so each round reads only its own part)."""
    from sqlalchemy import select

    from soloit.services.integrity import verify
    from soloit.store.db import open_database
    from soloit.store.models import JournalEntry

    commits = [e for e in events if e.get("event") == "commit"]
    tally.commits += len(commits)
    tally.rounds_with_commits += bool(commits)
    try:
        store = open_database(db)
    except Exception as exc:  # any failure to open is the finding (StoreError, sqlite3 errors …)
        tally.integrity_failures += 1
        tally.problems.append(f"{label}: the database does not open: {exc!r}")
        return after_id
    try:
        integrity = store.pragma("integrity_check")
        if integrity != "ok":
            tally.integrity_failures += 1
            tally.problems.append(f"{label}: integrity_check: {integrity}")
        report = verify(store)
        if not report.ok:
            tally.verify_failures += 1
            tally.problems.append(f"{label}: verify: {report.summary_ja()}")
        with store.read() as session:
            rows = session.execute(
                select(
                    JournalEntry.id, JournalEntry.batch, JournalEntry.entity, JournalEntry.entity_key,
                    JournalEntry.field, JournalEntry.new_value,
                )
                .where(JournalEntry.id > after_id)
                .order_by(JournalEntry.id)
            ).all()
    except Exception as exc:
        tally.integrity_failures += 1
        tally.problems.append(f"{label}: reading the database failed: {exc!r}")
        return after_id
    finally:
        store.close()

    journaled: dict[str, list[list]] = {}
    for _id, batch, entity, key, fld, new in rows:
        journaled.setdefault(batch, []).append([entity, key, fld, new])
    order = list(journaled)  # batches in commit order
    position = -1
    for commit in commits:
        found = journaled.get(commit.get("batch"))
        if found is None:
            tally.lost += 1
            tally.problems.append(f"{label}: command {commit.get('n')} (batch {commit.get('batch')}) was reported "
                                  "committed but is not in the journal")
            continue
        if found != commit.get("changes"):
            tally.lost += 1
            tally.problems.append(f"{label}: command {commit.get('n')} is in the journal as {found}, "
                                  f"reported as {commit.get('changes')}")
        index = order.index(commit["batch"])
        if index < position:
            tally.lost += 1
            tally.problems.append(f"{label}: command {commit.get('n')} is journaled out of order")
        position = index
    unreported = [batch for batch in order if batch not in {c.get("batch") for c in commits}]
    tally.unreported += len(unreported)
    if len(unreported) > 1:
        tally.phantoms += 1
        tally.problems.append(f"{label}: {len(unreported)} commits the writer never reported: {unreported}")
    elif unreported and unreported[0] != order[-1]:
        tally.phantoms += 1
        tally.problems.append(f"{label}: an unreported commit precedes reported ones")
    return rows[-1][0] if rows else after_id


# --- one writer process ----------------------------------------------------------------------------------------


class Writer:
    """A writer process that has imported its modules and waits for `go()`; its output lines are collected by a
    thread (so it never blocks on a full pipe) and can be waited for."""

    def __init__(self, db: Path, seed: int, stderr_path: Path) -> None:
        self._stderr = open(stderr_path, "wb")  # closed in finish()
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(seed), "--go-on-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()
        self.stderr_path = stderr_path

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, predicate, timeout: float) -> bool:
        """Consume lines until one satisfies `predicate` (True) or the writer ends or time runs out (False)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                return False
            if line is None:
                self._queue.put(None)
                return False
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if predicate(event):
                return True

    def go(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"go\n")
            self.proc.stdin.flush()
        except OSError:  # it has died already: finish() reports how
            pass

    def kill(self) -> bool:
        """SIGKILL (TerminateProcess on Windows). False when the writer had already ended by itself."""
        ended = self.proc.poll() is not None
        if not ended:
            self.proc.kill()
        return not ended

    def finish(self) -> int:
        code = self.proc.wait()
        self._thread.join(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._stderr.close()
        return code

    def stderr_tail(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-2000:]


def _is_ready(event: dict) -> bool:
    return event.get("event") == "ready"


def _kill_at_random(writer: Writer, mode: str, rng: random.Random, tally: Tally, label: str) -> bool:
    """Kill the writer at a moment chosen by `mode`. False when it had already ended by itself. A writer that
    does not reach the events the kill waits for is killed anyway and counted as a stall."""
    if mode == "startup":
        time.sleep(rng.uniform(0.05, 0.6))
        return writer.kill()
    awaited = f"it said it is ready (within {READY_TIMEOUT:.0f} s)"
    reached = writer.wait_for(_is_ready, READY_TIMEOUT)
    if reached and mode == "steady":
        wanted = rng.randint(1, 12)
        seen = 0

        def kth_commit(event: dict) -> bool:
            nonlocal seen
            seen += event.get("event") == "commit"
            return seen >= wanted

        reached = writer.wait_for(kth_commit, WAIT_TIMEOUT)
        awaited = f"its commit no. {wanted} (it reported {seen} in {WAIT_TIMEOUT:.0f} s)"
        if reached:
            tally.commits_awaited += wanted
            time.sleep(rng.choice((0.0, rng.uniform(0, 0.005), rng.uniform(0, 0.02))))
    elif reached:
        target = rng.randint(1, 40)
        awaited = f"the start of its command no. {target} (within {WAIT_TIMEOUT:.0f} s)"
        reached = writer.wait_for(lambda e: e.get("event") == "begin" and e.get("n", 0) >= target, WAIT_TIMEOUT)
        if reached:
            time.sleep(rng.choice((0.0, 0.0, rng.uniform(0, 0.002), rng.uniform(0, 0.01))))
    killed = writer.kill()
    if not reached and killed:  # a writer that ended by itself is reported as a writer error instead
        tally.stalls += 1
        tally.problems.append(f"{label}: {mode} kill: the writer never reached {awaited}: {writer.stderr_tail()}")
    return killed


def _recover_left_lock(db: Path, tally: Tally, label: str) -> None:
    """The lock of the last killed writer of a database must be free for a fresh writer (us)."""
    from soloit.store.lock import WriterLock, holder_path_for

    if not holder_path_for(db).exists():
        return
    lock = WriterLock(db, user="crash_check")
    try:
        lock.acquire()
    except Exception as exc:
        tally.lock_failures += 1
        tally.problems.append(f"{label}: the last writer's lock was not recovered: {exc!r}")
    else:
        tally.lock_recoveries += lock.left_behind is not None
        lock.release()


def run_kills(n: int, seed: int, workdir: Path, *, kills_per_db: int | None = None, progress=None) -> Tally:
    """Kill `n` writers at random moments, checking the database after each. One database is created and kept
    for all kills (or a new one every `kills_per_db` kills, to bound the cost of verifying an ever longer
    journal). `progress(round_no, tally)` is called after each round when given."""
    from soloit.store.lock import holder_path_for

    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    tally = Tally()
    per_db = kills_per_db or n
    pending: deque[Writer] = deque()  # the next rounds' writers, importing their modules ahead of time

    for first in range(0, n, per_db):
        rounds = range(first, min(n, first + per_db))
        db = workdir / f"crash-{first:05d}.sqlite3"
        after_id = create_db(db)
        upcoming = iter(rounds)
        for round_no in rounds:
            while len(pending) < PIPELINE and (ahead := next(upcoming, None)) is not None:
                pending.append(Writer(db, rng.randrange(2**31), workdir / f"writer-{ahead % 5}.stderr"))
            writer = pending.popleft()
            label = f"round {round_no + 1}"
            lock_was_left = holder_path_for(db).exists()
            if not writer.wait_for(lambda e: e.get("event") == "imported", READY_TIMEOUT):
                writer.kill()
                writer.finish()
                tally.rounds += 1
                tally.writer_errors += 1
                tally.problems.append(f"{label}: writer did not start: {writer.stderr_tail()}")
                continue
            mode = rng.choice(MODES)
            tally.modes[mode] = tally.modes.get(mode, 0) + 1
            writer.go()
            killed = _kill_at_random(writer, mode, rng, tally, label)
            code = writer.finish()
            tally.rounds += 1
            events = parse_lines(writer.lines)
            steps = [e for e in events if e.get("event") in ("begin", "commit", "refused")]
            tally.kills_in_command += bool(steps) and steps[-1].get("event") == "begin"
            _check_lock_events(events, tally, label, lock_was_left)
            if not killed and code != 0:
                tally.writer_errors += 1
                tally.problems.append(f"{label}: writer stopped by itself (exit {code}): {writer.stderr_tail()}")
            if any(e.get("event") == "locked" for e in events) and holder_path_for(db).exists():
                tally.lock_left += 1
            after_id = check_database(db, events, tally, after_id=after_id, label=label)
            if progress is not None:
                progress(round_no + 1, tally)
        _recover_left_lock(db, tally, f"after round {rounds[-1] + 1}")
    return tally


def _check_lock_events(events: list[dict], tally: Tally, label: str, lock_was_left: bool) -> None:
    taken_over = [e for e in events if e.get("event") == "locked" and e.get("left_behind") is not None]
    tally.lock_recoveries += len(taken_over)
    for event in events:
        if event.get("event") == "lock_held":
            tally.lock_failures += 1
            tally.problems.append(f"{label}: writer refused by a dead writer's lock: {event.get('message')}")
    if lock_was_left and any(e.get("event") == "locked" for e in events) and not taken_over:
        tally.lock_failures += 1
        tally.problems.append(f"{label}: a holder record was left, yet the writer did not see it when it took the lock")
