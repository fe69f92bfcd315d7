"""How soloit's workbooks look and print: the named styles (header, dates, percentages, one fill per step status
from the reference colours), and the print setup every sheet gets — A4 landscape, fit to width, repeated header
rows, page numbers in the footer."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from soloit import reference

TITLE, HEADER, GROUP, TEXT, WRAP, DATE, PERCENT, TOTAL_TEXT, TOTAL_PERCENT = (
    "soloit-title", "soloit-header", "soloit-group", "soloit-text", "soloit-wrap", "soloit-date", "soloit-percent",
    "soloit-total", "soloit-total-percent",
)
YEN, NUMBER, TOTAL_YEN = "soloit-yen", "soloit-number", "soloit-total-yen"  # whole yen grouped; any number
YEN_FORMAT = "#,##0"
DATE_FORMAT = "yyyy/mm/dd"
PERCENT_FORMAT = "0.0%"
FONT_NAME = "游ゴシック"  # Excel's Japanese default; LibreOffice substitutes a CJK font
HEADER_FILL = "DDE7F0"
TOTAL_FILL = "EEEEEE"
FOOTER = "&P / &N ページ"


def status_style(code: str) -> str:
    return f"soloit-status-{code}"


def hex_rgb(color: str) -> str:
    """'#2e7d32' → '2E7D32' (openpyxl's colour form)."""
    return color.lstrip("#").upper()


def add_styles(wb: Any) -> None:
    """Register the named styles on a new openpyxl workbook."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="A0A0A0")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT_NAME, size=10)

    def style(name: str, **kw: Any) -> None:
        named = NamedStyle(name=name, font=kw.pop("font", font), **kw)
        wb.add_named_style(named)

    style(TITLE, font=Font(name=FONT_NAME, size=14, bold=True))
    style(HEADER, font=Font(name=FONT_NAME, size=10, bold=True), border=box,
          fill=PatternFill("solid", fgColor=HEADER_FILL),
          alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    style(GROUP, font=Font(name=FONT_NAME, size=10, bold=True), border=box,
          fill=PatternFill("solid", fgColor="C5D5E4"), alignment=Alignment(horizontal="center", vertical="center"))
    style(TEXT, border=box, alignment=Alignment(vertical="top"))
    style(WRAP, border=box, alignment=Alignment(vertical="top", wrap_text=True))
    style(DATE, border=box, number_format=DATE_FORMAT, alignment=Alignment(horizontal="center", vertical="top"))
    style(PERCENT, border=box, number_format=PERCENT_FORMAT, alignment=Alignment(vertical="top"))
    bold = Font(name=FONT_NAME, size=10, bold=True)
    total = PatternFill("solid", fgColor=TOTAL_FILL)
    style(TOTAL_TEXT, font=bold, border=box, fill=total)
    style(TOTAL_PERCENT, font=bold, border=box, fill=total, number_format=PERCENT_FORMAT)
    style(YEN, border=box, number_format=YEN_FORMAT, alignment=Alignment(vertical="top"))
    style(NUMBER, border=box, number_format="General", alignment=Alignment(vertical="top"))
    style(TOTAL_YEN, font=bold, border=box, fill=total, number_format=YEN_FORMAT)
    for status in reference.load().statuses:
        style(
            status_style(status.code),
            font=Font(name=FONT_NAME, size=10, color=hex_rgb(status.text_color)),
            border=box,
            fill=PatternFill("solid", fgColor=hex_rgb(status.color)),
            alignment=Alignment(horizontal="center", vertical="center"),
        )


def print_setup(ws: Any, *, title_rows: str | None, freeze: str | None = None) -> None:
    """A4 landscape, fit to one page wide (as many pages tall as needed), header rows repeated on every page,
    「n / m ページ」 in the footer, and frozen panes at `freeze` (the first data cell) on tables."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.evenFooter.center.text = FOOTER
    if freeze:
        ws.freeze_panes = freeze


def set_widths(ws: Any, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


LINE_HEIGHT = 13.5  # points per line of 10-point text


class _WideCharacters(dict):
    """Character → 1 when it is 全角 (East Asian Wide or Fullwidth), else 0; looked up once per character."""

    def __missing__(self, ch: str) -> int:
        value = self[ch] = 1 if unicodedata.east_asian_width(ch) in ("W", "F") else 0
        return value


_WIDE = _WideCharacters()


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped column `width` characters wide (a 全角 character counts two)."""
    room = max(width - 1, 1)
    if 2 * len(text) <= room and "\n" not in text:
        return 1  # one line even were every character 全角
    lines = 0
    wide = _WIDE.__getitem__
    for part in text.split("\n"):
        used = len(part) if part.isascii() else len(part) + sum(map(wide, part))
        lines += max(1, math.ceil(used / room))
    return lines


def fit_row_height(ws: Any, row: int, cells: list[tuple[Any, float]]) -> None:
    """Make `row` tall enough for its wrapped text (Excel and LibreOffice do not grow rows written by openpyxl)."""
    lines = max((text_lines(value, width) for value, width in cells if isinstance(value, str)), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
