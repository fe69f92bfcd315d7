"""Hostile workbooks: peak memory and message size of the xlsx readers on files made to hurt them.

    .venv/bin/python bench/hostile_xlsx.py [--runs 3] [--cell-mb 900] [--extra-rows 1000000] [--only NAME]

Made in a temporary folder (nothing is kept):
  huge-inline.xlsx   the ministry's layout, its first status cell an inline string of --cell-mb MB (~0.9 MB file)
  huge-shared.xlsx   the same, the huge text held as the one shared string
  huge-meta.xlsx     a _meta sheet (what the status pack reader opens first) whose format cell is that huge string
  many-rows.xlsx     the ministry's layout with the demo municipality's 20 rows and --extra-rows more rows
  encrypted.xlsx     a CFB (OLE) container, as Excel saves a password-protected workbook
  cell-200mb.xlsx    a 200 MB inline status cell, under the size bounds (so the sheet scan refuses it)
  shared-200mb.xlsx  the same text as the one shared string
  rows-100k.xlsx     100,000 extra rows, under the size bounds (refused by the scan's memory estimate)
  far-cells.xlsx     two cells, A1 and XFD1048576 (calamine would allocate the 17-billion-cell grid between them)
  national.xlsx      a legitimate sheet of the size of the ministry's national one (35,000 rows): read in full
Each file is given to `soloit import soumu-sheet FILE --dry-run` and `soloit verify --against FILE`, each run a
fresh process on a fresh demo database (settings in a temporary folder). Printed per file and command: the exit
code, the bytes written to stdout and stderr, the start of the message, and the peak RSS (the child's ru_maxrss,
measured by a wrapper process per run), the median over --runs runs. Target: peak RSS ≤ 400 MB, messages short."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MB = 1_000_000
CHUNK = b"x" * MB

# Runs the command as its child and reports that child's peak RSS and what it wrote.
WRAPPER = r"""
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - started
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
message = (done.stderr or done.stdout).decode("utf-8", "replace")[:160].replace("\n", " ")
print(f"{done.returncode} {wall:.3f} {kib} {len(done.stdout)} {len(done.stderr)} {message}")
"""

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' \
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook(sheet: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(ref: str, text: str) -> bytes:
    """An inline-string cell; without `ref` it takes the next column (the format allows cells without r)."""
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t>{_esc(text)}</t></is></c>'.encode()


def _write_book(path: Path, sheet: str, body: Callable[[Callable[[bytes], object]], None],
                shared: Callable[[Callable[[bytes], object]], None] | None = None) -> None:
    """A minimal xlsx: the sheet XML streamed by `body(write)`, the shared strings by `shared(write)`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", _workbook(sheet))
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD)
            body(fh.write)
            fh.write(SHEET_TAIL)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if shared is not None:
                shared(fh.write)
            fh.write(b"</sst>")


def _ministry_rows(write: Callable[[bytes], object], first_status: Callable[[Callable[[bytes], object]], None] | None,
                   extra_rows: int = 0) -> None:
    """The header, the demo municipality's 20 rows (all 完了, the first cell by `first_status`), then `extra_rows`
    rows of another municipality."""
    from soloit import reference
    from soloit.exchange import soumu_sheet
    from soloit.services.demo import demo_facts
    from soloit.services.errors import column_letter

    ref = reference.load()
    muni = demo_facts()["municipality"]
    prefecture = next(p.name_ja for p in ref.prefectures if p.code == muni["prefecture_code"])
    done = ref.status_by_code["done"].label_ja
    write(b'<row r="1">' + b"".join(_inline(f"{column_letter(c)}1", t) for c, t in enumerate(soumu_sheet.headers(), 1))
          + b"</row>")
    row = 1
    for business in soumu_sheet.sheet_order():
        row += 1
        cells = [_inline(f"A{row}", prefecture), _inline(f"B{row}", muni["name"]),
                 _inline(f"C{row}", business.label_soumu_sheet)]
        write(f'<row r="{row}">'.encode() + b"".join(cells))
        for offset in range(ref.step_count):
            ref_ = f"{column_letter(soumu_sheet.FIRST_STEP_COLUMN + offset)}{row}"
            if row == 2 and offset == 0 and first_status is not None:
                write(f'<c r="{ref_}" '.encode())
                first_status(write)
            else:
                write(_inline(ref_, done))
        write(b"</row>")
    # the other rows: another municipality's, every cell with its r as Excel writes it
    first = soumu_sheet.sheet_order()[0].label_soumu_sheet
    texts = [prefecture, "ほか町", first, *([done] * ref.step_count)]
    template = b"".join(_inline(f"{column_letter(c)}%d", t).replace(b"%d", b"%(n)d") for c, t in enumerate(texts, 1))
    for n in range(row + 1, row + 1 + extra_rows):
        write(b'<row r="%d">' % n + template % {b"n": n} + b"</row>")


def _huge(write: Callable[[bytes], object], size: int) -> None:
    for _ in range(size // MB):
        write(CHUNK)
    write(b"x" * (size % MB))


def make_huge_inline(path: Path, size: int) -> None:
    from soloit.exchange.soumu_sheet import SHEET_NAME

    def status(write: Callable[[bytes], object]) -> None:
        write(b't="inlineStr"><is><t>')
        _huge(write, size)
        write(b"</t></is></c>")

    _write_book(path, SHEET_NAME, lambda write: _ministry_rows(write, status))


def make_huge_shared(path: Path, size: int) -> None:
    from soloit.exchange.soumu_sheet import SHEET_NAME

    def shared(write: Callable[[bytes], object]) -> None:
        write(b"<si><t>")
        _huge(write, size)
        write(b"</t></si>")

    _write_book(path, SHEET_NAME, lambda write: _ministry_rows(write, lambda w: w(b't="s"><v>0</v></c>')), shared)


def make_huge_meta(path: Path, size: int) -> None:
    def body(write: Callable[[bytes], object]) -> None:
        write(b'<row r="1">' + _inline("A1", "format") + b'<c r="B1" t="inlineStr"><is><t>')
        _huge(write, size)
        write(b"</t></is></c></row>")

    _write_book(path, "_meta", body)


def make_many_rows(path: Path, extra_rows: int) -> None:
    from soloit.exchange.soumu_sheet import SHEET_NAME

    _write_book(path, SHEET_NAME, lambda write: _ministry_rows(write, None, extra_rows))


def make_far_cells(path: Path) -> None:
    from soloit.exchange.soumu_sheet import SHEET_NAME

    _write_book(path, SHEET_NAME, lambda write: write(b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                              b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def make_encrypted(path: Path) -> None:
    """A Compound File Binary container as Excel writes a password-protected book: the CFB header, and a directory
    sector naming the stream EncryptedPackage (the content is not a real encrypted package)."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    entry = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(header + bytes(512 - len(header)) + entry + bytes(4096 - len(entry)))


def soloit_command() -> list[str]:
    exe = Path(sys.executable).with_name("soloit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soloit"]


def run_once(args: list[str], env: dict[str, str]) -> tuple[int, float, float, int, int, str]:
    line = subprocess.run(
        [sys.executable, "-c", WRAPPER, *soloit_command(), *args],
        env=env, check=True, capture_output=True, text=True, timeout=1800,
    ).stdout.rstrip("\n")
    code, wall, kib, out, err, *message = line.split(" ", 5)
    return int(code), float(wall), int(kib) / 1024, int(out), int(err), (message or [""])[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cell-mb", type=int, default=900, help="size of the huge cell, in MB (default 900)")
    parser.add_argument("--extra-rows", type=int, default=1_000_000)
    parser.add_argument("--only", action="append", help="only this file (huge-inline, many-rows …); repeatable")
    args = parser.parse_args()
    size = args.cell_mb * MB
    makers: dict[str, Callable[[Path], None]] = {
        "huge-inline": lambda p: make_huge_inline(p, size),
        "huge-shared": lambda p: make_huge_shared(p, size),
        "huge-meta": lambda p: make_huge_meta(p, size),
        "many-rows": lambda p: make_many_rows(p, args.extra_rows),
        "encrypted": make_encrypted,
        "cell-200mb": lambda p: make_huge_inline(p, 200 * MB),
        "shared-200mb": lambda p: make_huge_shared(p, 200 * MB),
        "rows-100k": lambda p: make_many_rows(p, 100_000),
        "far-cells": make_far_cells,
        "national": lambda p: make_many_rows(p, 35_000 - 21),
    }
    with tempfile.TemporaryDirectory(prefix="soloit-bench-hostile-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        env.update(XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"))
        env.pop("SOLOIT_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"hostile workbooks, {args.runs} runs each (median; peak RSS max in brackets); target ≤ 400 MB")
        for name, make in makers.items():
            if args.only and name not in args.only:
                continue
            path = folder / f"{name}.xlsx"
            started = time.perf_counter()
            make(path)
            sizes = ""
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as zf:
                    sizes = f", {sum(i.file_size for i in zf.infolist()) / MB:,.0f} MB uncompressed"
            print(f"{name}.xlsx: {path.stat().st_size / MB:,.2f} MB{sizes} (made in {time.perf_counter() - started:.1f} s)")
            for label, command in (
                ("import soumu-sheet --dry-run", ["import", "soumu-sheet", str(path), "--dry-run"]),
                ("verify --against", ["verify", "--against", str(path)]),
            ):
                peaks, walls, results = [], [], []
                for run in range(args.runs):
                    db = folder / f"demo-{name}-{label.split()[0]}-{run}.sqlite3"
                    subprocess.run([*soloit_command(), "demo", "--db", str(db)], env=env, check=True,
                                   capture_output=True, timeout=300)
                    code, wall, peak, out, err, message = run_once([*command, "--db", str(db)], env)
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    peaks.append(peak)
                    walls.append(wall)
                    results.append((code, out, err, message))
                code, out, err, message = results[-1]
                print(f"  {label:30} exit {code}  stdout {out:,} B  stderr {err:,} B  "
                      f"peak RSS {statistics.median(peaks):,.0f} MB [{max(peaks):,.0f}]  "
                      f"wall {statistics.median(walls):.2f} s")
                print(f"    {message[:120]}")
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
