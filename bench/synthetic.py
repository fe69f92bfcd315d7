"""Synthetic ledgers for the benches: a real soloit database (made through the services, so its journal is a real
hash chain) grown to a given number of journal entries.

    .venv/bin/python bench/synthetic.py OUT.sqlite3 [--entries 100000]

The default (100,000 entries of short notes) makes a file of about 33 MB, the size the start-up
bench's "large ledger" case uses."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTE = "進捗確認"  # short notes: 100,000 entries make a file of about 33 MB


def make_large_ledger(path: Path, entries: int = 100_000, *, seed: int = 2026, batch: int = 5000) -> Path:
    """A demo ledger whose journal is grown with note edits to `entries` entries (real services, real chain)."""
    from soloit import reference
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.demo import create_demo
    from soloit.services.entities import CELL
    from soloit.services.fields import cell_key

    store = create_demo(path, seed=seed)
    try:
        ref = reference.load()
        keys = [cell_key(b.code, s.seq) for b in ref.businesses for s in ref.steps]
        rng = random.Random(seed)
        have = store.query("SELECT count(*) FROM journal")[0][0]
        n = 0
        while have < entries:
            size = min(batch, entries - have)
            edits = [Edit(CELL, rng.choice(keys), "note", f"{NOTE}（{n + i}）") for i in range(size)]
            n += size
            apply_batch(store, edits, actor="ベンチ", action="import", reason="大きな台帳の作成")
            have = store.query("SELECT count(*) FROM journal")[0][0]
    finally:
        store.close()
    return path



def make_wide_ledger(path: Path, entries: int = 100_000, *, seed: int = 2026, batch: int = 5000) -> Path:
    """A demo ledger grown with new tasks (a title and a note each, two entries) to `entries` entries: as many
    rows as the journal has half its entries, the case where verify holds the most (the newest value of every
    field of every row)."""
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.demo import create_demo
    from soloit.services.fields import CREATE

    store = create_demo(path, seed=seed)
    try:
        key = max(store.query("SELECT max(id) FROM task")[0][0] or 0, 1000)
        have = store.query("SELECT count(*) FROM journal")[0][0]
        while have < entries:
            edits = []
            for _ in range(max(1, min(batch, entries - have) // 2)):
                key += 1
                edits.append(Edit("task", str(key), CREATE, f"定例の確認作業 {key}"))
                edits.append(Edit("task", str(key), "notes", f"メモ {key} 庁内ネットワークの点検と報告"))
            apply_batch(store, edits, actor="ベンチ", action="import", reason="広い台帳の作成")
            have = store.query("SELECT count(*) FROM journal")[0][0]
    finally:
        store.close()
    return path

NOTE_CATEGORIES = ("progress", "policy", "schedule", "pending", "documents", "other")
NOTE_SENTENCES = (
    "ベンダと移行リハーサルの日程を調整した。", "原課の確認待ち（回答期限は来週末）。", "県のデジタル戦略課へ照会済み。",
    "仕様書の該当箇所は第3章4節。", "次回の定例会で課長に報告する。", "契約変更の要否を財政課と協議中。",
    "データ移行の差分件数は 1,234 件（R8-03 時点）。", "帳票レイアウトの確認は税務課が担当。",
)


def make_noted_ledger(path: Path, notes: int = 10_000, *, seed: int = 2026, batch: int = 2000) -> Path:
    """The demo ledger with `notes` more handover notes (title, category, body of 2–6 sentences, author, date),
    written as journaled batches through the services' bulk path."""
    from datetime import date, timedelta

    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.demo import create_demo
    from soloit.services.fields import CREATE

    store = create_demo(path, seed=seed)
    rng = random.Random(seed)
    try:
        key = store.query("SELECT max(id) FROM handover_note")[0][0] or 0
        made = 0
        while made < notes:
            edits = []
            for _ in range(min(batch, notes - made)):
                key += 1
                made += 1
                body = "".join(rng.choice(NOTE_SENTENCES) for _ in range(rng.randint(2, 6)))
                edits += [
                    Edit("note", str(key), CREATE, f"引継ぎメモ {key}：{rng.choice(NOTE_SENTENCES)[:14]}"),
                    Edit("note", str(key), "category", rng.choice(NOTE_CATEGORIES)),
                    Edit("note", str(key), "body", body),
                    Edit("note", str(key), "author", "ベンチ 次郎"),
                    Edit("note", str(key), "note_date", date(2024, 4, 1) + timedelta(days=rng.randint(0, 900))),
                ]
            apply_batch(store, edits, actor="ベンチ 次郎", action="import", reason="メモの多い台帳の作成")
    finally:
        store.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    if args.out.exists():
        print(f"{args.out} exists", file=sys.stderr)
        return 1
    started = time.perf_counter()
    make_large_ledger(args.out, args.entries)
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: {args.entries} journal entries, {size:.1f} MB, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
