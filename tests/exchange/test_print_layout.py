"""On paper no text is smaller than 7 pt: the print settings of every printed sheet of the status pack and of the
事務引継書 workbook, read back from the files (openpyxl), give each sheet's smallest font × its scale ≥ 7 pt, each
page across holds its columns, and text a neighbour would clip is wrapped; LibreOffice, when installed, prints the
files with no text under 7 pt."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from soloit.exchange.handover_document import write_handover_xlsx
from soloit.exchange.operations import export_pack
from soloit.services.bundle import open_services
from soloit.services.demo import create_demo
from tests.helpers import DayClock

POINTS_PER_WIDTH = 7.0  # what LibreOffice lays out per unit of column width at 100 % (Excel with Calibri: less)
PAPER_MM = {9: (210, 297), 8: (297, 420)}  # A4, A3
SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(folder / "demo.sqlite3", clock=clock)
    clock.day = date(2026, 12, 1)
    services = open_services(store, lambda: "デモ 太郎", clock)
    try:
        pack = export_pack(services, folder / "pack.xlsx", as_of=clock.day, prepared_by="デモ 太郎", record=False,
                           clock=clock).path
        report = services.handover_report.build(
            predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7)
        )
        handover = write_handover_xlsx(report, folder / "handover.xlsx")
    finally:
        store.close()
    return {"pack": pack, "handover": handover}


def width_points(ws, column: int) -> float:
    dimension = ws.column_dimensions.get(get_column_letter(column))
    return (dimension.width if dimension is not None and dimension.width else 8.43) * POINTS_PER_WIDTH


def last_column(ws) -> int:
    area = ws.print_area
    if area:
        text = (area if isinstance(area, str) else area[0]).split("!")[-1].replace("$", "")
        return column_index_from_string(re.sub(r"\d", "", text.split(":")[-1]))
    return ws.max_column


def printable_width(ws) -> float:
    short, long = PAPER_MM[int(ws.page_setup.paperSize)]
    paper = long if ws.page_setup.orientation == "landscape" else short
    return paper / 25.4 * 72 - (ws.page_margins.left + ws.page_margins.right) * 72


def pages_across(ws, last: int) -> list[list[int]]:
    """The columns printed on each page across: the title columns, then those up to the next column break."""
    keys = []
    if ws.print_title_cols:
        first, end = (column_index_from_string(p.replace("$", "")) for p in ws.print_title_cols.split(":"))
        keys = list(range(first, end + 1))
    starts = [len(keys) + 1, *(b.id + 1 for b in ws.col_breaks.brk), last + 1]
    return [keys + list(range(a, b)) for a, b in itertools.pairwise(starts)]


def printed_sheets(path: Path):
    return [ws for ws in load_workbook(path).worksheets if ws.sheet_state == "visible"]


@pytest.mark.parametrize("name", ["pack", "handover"])
def test_no_text_prints_smaller_than_7_points(files, name):
    for ws in printed_sheets(files[name]):
        last = last_column(ws)
        total = sum(width_points(ws, c) for c in range(1, last + 1))
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
            scale = min(1.0, printable_width(ws) / total)
        else:
            scale = ws.page_setup.scale / 100
            for columns in pages_across(ws, last):
                assert sum(width_points(ws, c) for c in columns) * scale <= printable_width(ws) + 0.5, ws.title
        fonts = [c.font.sz for row in ws.iter_rows(max_col=last) for c in row if c.value not in (None, "")]
        assert fonts and min(fonts) * scale >= 7.0, (ws.title, min(fonts), scale)


def test_the_pack_s_wide_sheets_print_in_column_groups_that_repeat_their_key_columns(files):
    wb = load_workbook(files["pack"])
    summary, steps, schedule = wb["進捗サマリ"], wb["業務別ステップ別進捗一覧"], wb["スケジュール"]
    # 進捗サマリ: A4 landscape, two pages across, No. and 業務名 on both; a group header (移行日程 …) is never cut
    assert (int(summary.page_setup.paperSize), summary.page_setup.orientation) == (9, "landscape")
    assert summary.print_title_cols == "$A:$B" and len(pages_across(summary, 19)) == 2
    merged = [(m.min_col, m.max_col) for m in summary.merged_cells.ranges if m.min_row == 2]
    for brk in summary.col_breaks.brk:
        assert not any(a <= brk.id < b for a, b in merged)
    # the ministry's sheet stays one table: A3 landscape, 都道府県名・市区町村名・業務名 on every page, 20 steps a page
    assert (int(steps.page_setup.paperSize), steps.page_setup.orientation) == (8, "landscape")
    assert steps.print_title_cols == "$A:$C" and [len(p) - 3 for p in pages_across(steps, 43)] == [20, 20]
    assert steps.print_title_rows == "$1:$1"
    # the schedule is cut at a 年度 (April columns)
    assert schedule.print_title_cols == "$A:$D"
    for brk in schedule.col_breaks.brk:
        assert schedule.cell(4, brk.id + 1).value == "4"


def test_the_pack_reads_back_unchanged_by_its_print_layout(files):
    from soloit.exchange.pack import read_pack

    pack = read_pack(files["pack"])
    assert pack.meta.schema_version == 2 and len(pack.report.businesses) == 20 and len(pack.report.steps) == 20


@pytest.mark.parametrize("name", ["pack", "handover"])
def test_text_a_neighbour_would_clip_is_wrapped(files, name):
    from soloit.exchange.xlsx_layout import text_lines

    for ws in printed_sheets(files[name]):
        merged = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                  for c in range(m.min_col, m.max_col + 1)}
        last = last_column(ws)
        for row in ws.iter_rows(min_row=3, max_col=last - 1):
            for cell in row:
                if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                    continue
                neighbour = ws.cell(cell.row, cell.column + 1).value
                width = width_points(ws, cell.column) / POINTS_PER_WIDTH * 10 / cell.font.sz
                if neighbour not in (None, "") and text_lines(cell.value, width) > 1:
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate, cell.value)
                    assert ws.row_dimensions[cell.row].height, (ws.title, cell.coordinate)


def pdf_text_sizes(path: Path) -> list[float]:
    """Every text size a PDF sets (the operand of Tf in its content streams)."""
    data = path.read_bytes()
    sizes = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        sizes += [float(x) for x in re.findall(rb"([\d.]+) Tf", content)]
    return sizes


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
@pytest.mark.parametrize("name", ["pack", "handover"])
def test_libreoffice_prints_no_text_under_7_points(files, name, tmp_path):
    source = files[name]
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    sizes = pdf_text_sizes(tmp_path / f"{source.stem}.pdf")
    assert sizes and min(sizes) >= 6.95, sorted(sizes)[:5]  # LibreOffice rounds 7.0 to 6.99…


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 10, 1),
        ("abcd", 5, 1),  # 4 half-width characters in a room of 4
        ("abcde", 5, 2),
        ("あいう", 7, 1),  # 全角 counts two: 6 in a room of 6
        ("あいう", 6, 2),
        ("あいうえおかきくけこ", 30, 1),
        ("AあBい", 4, 2),  # 6 in a room of 3
        ("一行目\n二行目\n", 30, 3),  # a trailing line break is a line too
        ("ｱｲｳｴｵ", 6, 1),  # half-width kana count one
    ],
)
def test_text_lines_counts_full_width_characters_twice(text, width, lines):
    from soloit.exchange.xlsx_layout import text_lines

    assert text_lines(text, width) == lines
