"""Timing the status pack and the ministry-sheet import (median of several runs).

    .venv/bin/python bench/export.py [--runs 5] [--quick] [--only demo|large|import ...]

1. the pack of the demo;
2. the pack of a large synthetic municipality (20 + 30 systems) with 10,000 journal entries made after a first
   pack, so the timed pack lists ~10,000 changes (the worst case); each run exports from a fresh copy of the file;
3. one municipality read from a national-size ministry sheet (1,741 municipalities, 34,820 rows, generated once
   and cached under ~/.cache/soloit-bench/), compared with the ledger and applied (backup first).

Targets (issue 9): the large pack ≤ 1.0 s; one municipality from the national sheet ≤ 3 s."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
AS_OF = date(2026, 11, 22)
CACHE = Path.home() / ".cache" / "soloit-bench"


def _figures(name: str, times: list[float], target: float | None = None) -> tuple[str, float]:
    median = statistics.median(times)
    mark = "" if target is None else (f"  目標 ≤ {target:.1f} s: " + ("達成" if median <= target else "未達"))
    print(f"{name}: 中央値 {median:.3f} s（最小 {min(times):.3f}、最大 {max(times):.3f}、{len(times)} 回）{mark}", flush=True)
    return name, median


def _services(store):
    from soloit.services.bundle import open_services

    return open_services(store, lambda: "ベンチ")


def bench_demo(tmp: Path, runs: int) -> tuple[str, float]:
    from soloit.exchange.operations import export_pack
    from soloit.services.demo import create_demo

    store = create_demo(tmp / "demo.sqlite3")
    times = []
    try:
        services = _services(store)
        for i in range(runs):
            started = time.perf_counter()
            export_pack(services, tmp / f"demo-{i}.xlsx", as_of=AS_OF, prepared_by="ベンチ")
            times.append(time.perf_counter() - started)
    finally:
        store.close()
    return _figures("デモの報告パック", times)


def make_large(path: Path, entries: int = 10_000) -> int:
    """The demo plus 30 other systems, a first pack, then `entries` journal entries after it."""
    from soloit import reference
    from soloit.exchange.operations import export_pack
    from soloit.services.changes import Edit
    from soloit.services.demo import create_demo
    from soloit.services.entities import CELL
    from soloit.services.fields import cell_key

    store = create_demo(path)
    try:
        services = _services(store)
        for n in range(30):
            services.ledger.add_system(
                f"業務システム{n + 1:02d}", hosting="on_premises", planned_start=date(2026, 4, 1),
                planned_go_live=date(2027 + n % 4, 1 + n % 12, 1), notes=f"更新時期の確認（{n}）",
            )
        for system in services.ledger.systems()[20:]:
            services.ledger.set_system_organisation(system.id, "current_vendor_id", f"ベンダ{system.id % 7}", "vendor")
        export_pack(services, path.with_suffix(".first.xlsx"), as_of=date(2026, 10, 31), prepared_by="ベンチ")
        start = store.facts().journal_count
        keys = [cell_key(b.code, s.seq) for b in reference.load().businesses for s in reference.load().steps]
        n = 0
        while store.facts().journal_count - start < entries:
            edits = [Edit(CELL, keys[(n + i) % len(keys)], "note", f"進捗確認（{n + i}）") for i in range(1000)]
            services.changes.apply(edits, reason="定例会議の確認")
            n += 1000
        return store.facts().journal_count - start
    finally:
        store.close()


def bench_large(tmp: Path, runs: int) -> tuple[str, float]:
    from soloit.exchange.operations import export_pack
    from soloit.store.db import open_database

    base = tmp / "large.sqlite3"
    made = make_large(base)
    times, rows = [], 0
    for i in range(runs):
        copy = tmp / f"large-{i}.sqlite3"
        shutil.copy(base, copy)
        store = open_database(copy)
        try:
            services = _services(store)
            started = time.perf_counter()
            result = export_pack(services, tmp / f"large-{i}.xlsx", as_of=AS_OF, prepared_by="ベンチ")
            times.append(time.perf_counter() - started)
            rows = len(result.report.changes)
        finally:
            store.close()
    print(f"  （50 システム、前回の報告の後の変更記録 {made:,} 件 → 「前回報告からの変更」{rows:,} 行）")
    return _figures("大きな団体の報告パック", times, 1.0)


def national_sheet(prefecture: str, municipality: str) -> Path:
    """1,741 municipalities × 20 businesses, with `municipality` of `prefecture` in the middle (cached)."""
    import openpyxl

    from soloit import reference
    from soloit.exchange.soumu_sheet import SHEET_NAME, headers, sheet_order

    path = CACHE / f"national-{prefecture}-{municipality}.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"全国分の進捗シートを作成しています（初回のみ、約 20 秒）: {path}", flush=True)
    prefectures = [p.name_ja for p in reference.load().prefectures]
    words = ["完了済み", "作業中", "未", "対象外", ""]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_NAME)
    ws.append(headers())
    for m in range(1741):
        pref, name = (prefecture, municipality) if m == 870 else (prefectures[m % 47], f"町{m}")
        for b, business in enumerate(sheet_order()):
            ws.append([pref, name, business.label_soumu_sheet, *(words[(m + b + s) % 5] for s in range(40))])
    temp = path.with_suffix(".tmp")
    wb.save(temp)
    temp.replace(path)
    return path


def bench_import(tmp: Path, runs: int) -> list[tuple[str, float]]:
    from soloit.exchange.operations import apply_soumu_import, preview_soumu_import
    from soloit.services.demo import create_demo
    from soloit.store.db import open_database

    base = tmp / "import.sqlite3"
    store = create_demo(base)
    profile = _services(store).municipality.profile()
    store.close()
    sheet = national_sheet(profile.prefecture_name, profile.name)
    plan_times, all_times, cells = [], [], 0
    for i in range(runs):
        copy = tmp / f"import-{i}.sqlite3"
        shutil.copy(base, copy)
        store = open_database(copy)
        try:
            services = _services(store)
            started = time.perf_counter()
            plan = preview_soumu_import(services, sheet)
            planned = time.perf_counter()
            apply_soumu_import(services, plan, backup_dir=tmp / f"backups-{i}")
            done = time.perf_counter()
            plan_times.append(planned - started)
            all_times.append(done - started)
            cells = len(plan.updates)
        finally:
            store.close()
    print(f"  （34,820 行のシートから {profile.prefecture_name} {profile.name} の 800 セル、変わるセル {cells} 件）")
    return [_figures("全国分のシートから1団体: 読み込みと比較", plan_times),
            _figures("全国分のシートから1団体: 読み込み・比較・取り込み（バックアップ込み）", all_times, 3.0)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 回ずつ（動作確認用）")
    parser.add_argument("--only", choices=("demo", "large", "import"), action="append",
                        help="この計測だけ（繰り返し指定できます）")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    only = set(args.only or ("demo", "large", "import"))
    with tempfile.TemporaryDirectory(prefix="soloit-bench-export-") as tmp:
        results = [
            *([bench_demo(Path(tmp), runs)] if "demo" in only else []),
            *([bench_large(Path(tmp), runs)] if "large" in only else []),
            *(bench_import(Path(tmp), runs) if "import" in only else []),
        ]
    print("\nまとめ（中央値）")
    for name, median in results:
        print(f"  {name}: {median:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
