"""A writer to be killed: takes the database's writer lock, then performs random journaled service commands for
ever, printing one JSON line (flushed) per event so that whoever kills it can check afterwards what it committed.

    python tests/reliability/writer.py DB_PATH SEED [--go-on-stdin]

Lines printed (one JSON object each):
  {"event": "imported"}                          modules loaded (with --go-on-stdin it then waits for a line on stdin)
  {"event": "locked", "left_behind": {...}|null} the writer lock is ours (left_behind: the holder record a killed
                                                 writer left; the OS gave its lock back when it died)
  {"event": "lock_held", "message": "..."}       someone holds the lock: exits with status 3
  {"event": "ready"}                             the database is open, commands start
  {"event": "begin", "n": 7, "op": "status"}     command 7 starts (a killer can aim at the commit that follows)
  {"event": "commit", "n": 7, "batch": "…", "action": "edit", "changes": [[entity, key, field, new], …]}
                                                 command 7 has committed (printed only after the commit returned)
  {"event": "refused", "n": 7, "op": "undo"}     the service refused the command (ValidationError): nothing written
Start-up imports only what the commands need, so that kills land mid-transaction often."""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

NOTES = (
    "ベンダーと打合せ済み。次回は来月の定例で確認する。",
    "仕様書の差分確認中（住民記録との連携部分）",
    "ガバメントクラウドの接続テスト完了。課題なし。",
    "原課の確認待ち：帳票レイアウト",
    "予算要求に合わせて見直し",
    "データ移行リハーサル１回目 ✔",
    "",
)
PRODUCTS = ("標準準拠システム Ver.2", "COKAS-R", "MIJ 住基", "総合行政システム", "独自開発（移行予定）")
VENDORS = ("株式会社○○システム", "△△情報サービス", "□□ソリューションズ")
ACTOR = "クラッシュ 試験"
TODAY = date(2026, 11, 20)


def emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    db = Path(argv[1])
    rng = random.Random(int(argv[2]))
    go_on_stdin = "--go-on-stdin" in argv[3:]

    from soloit import reference
    from soloit.domain.clock import Clock
    from soloit.services.bundle import open_services
    from soloit.services.errors import ValidationError
    from soloit.services.fields import encode
    from soloit.store.db import open_database
    from soloit.store.lock import LockHeldError, WriterLock

    ref = reference.load()
    codes = [b.code for b in ref.businesses]
    seqs = [s.seq for s in ref.steps]
    statuses = list(ref.status_by_code)
    hostings = [c.code for c in ref.hosting_kinds]
    emit({"event": "imported"})
    if go_on_stdin and not sys.stdin.readline():
        return 0

    lock = WriterLock(db, user=ACTOR)
    try:
        lock.acquire()
    except LockHeldError as exc:
        emit({"event": "lock_held", "message": exc.message_ja})
        return 3
    emit({"event": "locked", "left_behind": lock.left_behind})

    store = open_database(db)
    class TodayIsFixed(Clock):  # the time runs; the day stays, so dates written are reproducible
        def today(self) -> date:
            return TODAY

    services = open_services(store, lambda: ACTOR, TodayIsFixed())
    service = services.ledger
    system_ids = [s.id for s in service.systems()]
    extra_ids = [s.id for s in service.systems() if s.business_code is None]
    done: list = []  # like the GUI's QUndoStack: undo takes the newest, redo puts back what undo took
    undone: list = []
    emit({"event": "ready"})

    def random_date() -> date:
        return date(2025, 4, 1) + timedelta(days=rng.randrange(0, 6 * 365))

    def command(op: str):
        if op == "status":
            start = rng.randrange(len(seqs))
            cells = [
                (code, seq)
                for code in rng.sample(codes, rng.randint(1, 3))
                for seq in seqs[start : start + rng.randint(1, 8)]
            ]
            return service.set_statuses(cells, rng.choice(statuses), reason=rng.choice((None, "一括更新")))
        if op == "note":
            text = rng.choice(NOTES)
            return service.edit_cell(rng.choice(codes), rng.choice(seqs), "note", f"{text}{rng.randrange(100)}")
        if op == "planned":
            return service.edit_cell(rng.choice(codes), rng.choice(seqs), "planned_date", random_date())
        if op == "product":
            field = rng.choice(("current_product", "target_product"))
            return service.edit_system(rng.choice(system_ids), field, rng.choice(PRODUCTS))
        if op == "dates":
            field = rng.choice(("planned_start", "planned_go_live"))
            return service.edit_system(rng.choice(system_ids), field, random_date())
        if op == "hosting":
            return service.edit_system(rng.choice(system_ids), "hosting", rng.choice(hostings))
        if op == "vendor":
            field = rng.choice(("current_vendor_id", "target_vendor_id"))
            return service.set_system_organisation(rng.choice(system_ids), field, rng.choice(VENDORS), "vendor")
        if op == "add_system":
            return service.add_system(
                rng.choice(("財務会計", "人事給与", "共通機能", "文書管理")) + str(rng.randrange(1000)),
                current_product=rng.choice(PRODUCTS),
            )
        if op == "remove_system":
            return service.remove_system(rng.choice(extra_ids), reason="試験で削除")
        if op == "undo":
            return services.changes.undo(undone[-1])
        if op == "redo":
            return services.changes.redo(undone[-1])
        raise AssertionError(op)

    ops = ["status"] * 30 + ["note"] * 12 + ["planned"] * 8 + ["product"] * 8 + ["dates"] * 8 + ["hosting"] * 4
    ops += ["vendor"] * 5 + ["add_system"] * 4 + ["remove_system"] * 2 + ["undo"] * 14 + ["redo"] * 5
    n = 0
    while True:
        n += 1
        op = rng.choice(ops)
        if op == "remove_system" and not extra_ids:
            op = "add_system"
        if op == "undo":
            if not done:
                continue
            undone.append(done.pop())
        elif op == "redo" and not undone:
            continue
        emit({"event": "begin", "n": n, "op": op})
        try:
            changeset = command(op)
        except ValidationError:
            emit({"event": "refused", "n": n, "op": op})
            if op == "undo":
                done.append(undone.pop())
            continue
        if op == "redo":
            done.append(undone.pop())
        elif op != "undo":
            undone.clear()
            done.append(changeset)
            del done[:-50]
        for change in changeset.changes:
            if change.entity == "system" and change.field == "*":
                key = int(change.key)
                if change.new is None:
                    system_ids.remove(key)
                    extra_ids.remove(key)
                elif key not in system_ids:
                    system_ids.append(key)
                    extra_ids.append(key)
        if changeset.changes:
            emit(
                {
                    "event": "commit",
                    "n": n,
                    "batch": changeset.batch,
                    "action": changeset.action,
                    "changes": [[c.entity, c.key, c.field, encode(c.new)] for c in changeset.changes],
                }
            )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
