"""How fast 検索 answers on a large ledger: 100,000 journal entries and 10,000 handover notes (made through the
journal like real data: the demo, 10,000 notes with a title and a body of a few sentences, and step-cell note
edits up to 100,000 entries).

    .venv/bin/python bench/search.py [--runs 9]

Printed: the first build of the index (a new index file), a catch-up after one more change, and the median and
max of a search for each query of 3+ characters (trigram index) and of 1–2 characters (a scan of the folded text),
index up to date. Target (issue 11): ≤ 50 ms median for a 3-character query, ≤ 200 ms for a 1-character query."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

THREE = ("移行判", "サーバ", "lgw", "ＬＧＷ", "契約書")
SHORT = ("戸", "籍", "戸籍", "PC")
WORDS = (
    "住民基本台帳", "戸籍", "移行判定", "ベンダ", "標準準拠システム", "ガバメントクラウド", "予算要求", "契約更新",
    "保守", "端末", "ネットワーク", "LGWAN", "サーバ更新", "研修", "進捗確認", "県への報告", "帳票", "データ移行",
    "リハーサル", "課長決裁", "総務課", "税務課", "住民課", "会議", "議事録", "仕様書", "見積", "入札",
)
CATEGORIES = ("progress", "policy", "schedule", "pending", "documents", "other")


def make_search_ledger(path: Path, *, notes: int = 10_000, entries: int = 100_000) -> Path:
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.services.fields import CREATE
    from synthetic import make_large_ledger

    make_large_ledger(path, entries=entries - 3 * notes + 2_000)  # a note at its default category writes two entries
    from soloit.store.db import open_database

    store = open_database(path)
    try:
        rng = random.Random(2026)
        edits: list[Edit] = []
        start = int(store.query("SELECT coalesce(max(id), 0) FROM handover_note")[0][0]) + 1
        for i in range(notes):
            key = str(start + i)
            title = f"{rng.choice(WORDS)}の{rng.choice(WORDS)}について（{i}）"
            body = "。".join("".join(rng.choice(WORDS) for _ in range(3)) for _ in range(4)) + "。"
            edits += [Edit("note", key, CREATE, title), Edit("note", key, "category", rng.choice(CATEGORIES)),
                      Edit("note", key, "body", body)]
            if len(edits) >= 6000:
                apply_batch(store, edits, actor="ベンチ", action="import", reason="メモの作成")
                edits = []
        if edits:
            apply_batch(store, edits, actor="ベンチ", action="import", reason="メモの作成")
    finally:
        store.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "soloit-bench-search.sqlite3")
    args = parser.parse_args()
    from soloit.services.bundle import open_services
    from soloit.store.db import open_database

    if not args.ledger.exists():
        started = time.perf_counter()
        make_search_ledger(args.ledger)
        print(f"made {args.ledger} in {time.perf_counter() - started:.1f} s")
    store = open_database(args.ledger)
    try:
        count = store.query("SELECT count(*) FROM journal")[0][0]
        note_count = store.query("SELECT count(*) FROM handover_note")[0][0]
        print(f"ledger: {count:,} journal entries, {note_count:,} notes")
        services = open_services(store, lambda: "ベンチ")
        with tempfile.TemporaryDirectory() as folder:
            services.search.attach_index(Path(folder) / "index.sqlite3")
            started = time.perf_counter()
            services.search.refresh()
            print(f"first build of the index: {time.perf_counter() - started:.2f} s")
            note_id = store.query("SELECT max(id) FROM handover_note")[0][0]
            services.records.edit("note", note_id, "body", "移行判定は延期")
            started = time.perf_counter()
            services.search.refresh()
            print(f"catch-up after one change: {(time.perf_counter() - started) * 1000:.1f} ms")
            for label, queries, target in (("3+ characters", THREE, 50), ("1–2 characters", SHORT, 200)):
                for query in queries:
                    times = []
                    for _ in range(args.runs):
                        started = time.perf_counter()
                        groups = services.search.search(query)
                        times.append((time.perf_counter() - started) * 1000)
                    hits = sum(g.total for g in groups)
                    print(f"  {label:15} {query!r:10} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms"
                          f"  ({hits:,} hits; target ≤ {target} ms)")
            services.search.close()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
