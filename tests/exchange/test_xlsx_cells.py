"""The fast row and cell writer writes the very bytes openpyxl's own writer writes: one workbook with every kind of cell the
writers make (and a few they do not), saved with each, compared part by part."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet import _writer

from soloit.exchange import xlsx_cells, xlsx_layout
from soloit.exchange.xlsx_safe import append_row, put

pytestmark = pytest.mark.skipif(openpyxl.LXML, reason="with lxml openpyxl writes cells itself")


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    xlsx_layout.add_styles(wb)
    ws = wb.active
    values = [
        "text",
        "全角の本文と　全角スペース",
        "a & b < c > d \"quoted\" 'single'",
        '=HYPERLINK("http://x","y")',
        "+1",
        "-2",
        "@SUM(1)",
        "#N/A",
        " leading",
        "trailing ",
        "  ",
        "",
        "line\nbreak\r\ntab\tend",
        "\u3000全角で始まる",
        0,
        1,
        -7,
        2**53,
        3.5,
        1e-20,
        1e300,
        float("nan"),
        float("inf"),
        True,
        False,
        None,
        date(2027, 4, 1),
        datetime(2026, 12, 8, 9, 30, 15),
        datetime(2026, 12, 8, 9, 30, 15, 123456),
    ]
    styles = [None, xlsx_layout.TEXT, xlsx_layout.WRAP, xlsx_layout.DATE, xlsx_layout.PERCENT, xlsx_layout.HEADER]
    for row, value in enumerate(values, start=1):
        for column, style in enumerate(styles, start=1):
            put(ws, row, column, value, style)
    ws.cell(row=1, column=8, value="=1+2")  # a real formula
    ws.cell(row=2, column=8).value = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold")])
    ws.cell(row=3, column=8).hyperlink = "https://example.invalid/"
    ws.cell(row=3, column=8).value = "link"
    ws.cell(row=4, column=8).style = xlsx_layout.WRAP  # styled, empty
    ws.cell(row=5, column=8).value = "#DIV/0!"  # an error value
    long = wb.create_sheet("changes")
    for n in range(200):
        append_row(
            long, [f"2026-12-{1 + n % 28:02d} 09:{n % 60:02d}", f"対象{n}", f"=値{n}", None if n % 3 else "理由", n]
        )
    ws.row_dimensions[2].height = 40.5
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[60].height = 20  # a row with no cells
    ws.row_dimensions[7].height = 0.0
    ws.row_dimensions[8].outline_level = 1
    ws.row_dimensions[9].height = 33.333333333333336
    ws.row_dimensions[9].thickBot = True
    ws.row_dimensions[10].height = 18
    ws.row_dimensions[10].font = Font(bold=True)  # a styled row
    ws.row_dimensions[11]  # made, nothing set
    ws.cell(row=5, column=1).comment = Comment("メモ", "soloit")
    wb.properties.created = wb.properties.modified = datetime(2026, 12, 1)
    wb.save(path)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_fast_cells_are_the_bytes_openpyxl_writes(tmp_path, monkeypatch):
    xlsx_cells.install()
    assert _writer.write_cell is xlsx_cells.write_cell
    fast = _parts(_book(tmp_path / "fast.xlsx"))
    assert _writer.WorksheetWriter.write_row is xlsx_cells.write_row
    monkeypatch.setattr(_writer, "write_cell", xlsx_cells._stock)
    monkeypatch.setattr(_writer.WorksheetWriter, "write_row", xlsx_cells._stock_row)
    stock = _parts(_book(tmp_path / "stock.xlsx"))
    assert fast.keys() == stock.keys()
    for name in stock:
        assert fast[name] == stock[name], name
    assert b"<v>2027" not in fast["xl/worksheets/sheet1.xml"]  # dates as serial numbers, as openpyxl writes them
