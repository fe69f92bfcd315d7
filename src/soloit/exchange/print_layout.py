"""How a workbook's sheets print so no text on paper is smaller than MIN_PRINTED_POINTS: each sheet is fitted to one
page width on A4 when that keeps its smallest font large enough; otherwise it is cut into page-width column groups
that repeat its key columns (the frozen columns: 業務名 …) on every page, at one scale for all of them, on A4 when
two pages across suffice and on A3 otherwise (one A3 width when that is enough). Groups are cut only between
columns no merged header spans (a 移行日程 or a 年度 stays on one page). Wrapped text gets rows tall enough for it
(openpyxl writes no heights; Excel does not grow them), and the running header and the footer get their own band
above and below the body, so they never print over a sheet's title.

Column widths are in characters; LibreOffice lays a character out at about COLUMN_POINTS points (Excel with
Calibri at 5.25–5.6, which only makes the same scale's text larger), so the scale computed here is what
LibreOffice prints, the smaller of the two."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MIN_PRINTED_POINTS = 7.0
COLUMN_POINTS = 7.0  # points of paper per unit of column width at 100 % (LibreOffice's, measured)
DEFAULT_COLUMN_WIDTH = 8.43
DEFAULT_FONT_POINTS = 11.0  # openpyxl's Normal style (Calibri 11)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_HEADER, MARGIN_FOOTER = 0.4, 0.85, 0.85, 0.3, 0.3  # inches
MAX_PAGES_ACROSS_A4 = 2
A4, A3 = 9, 8  # openpyxl / OOXML paperSize codes
PAPER_MM = {A4: (210.0, 297.0), A3: (297.0, 420.0)}
PAPER_NAMES = {A4: "A4", A3: "A3"}


@dataclass(frozen=True, slots=True)
class PrintPlan:
    paper: int
    orientation: str  # "portrait" / "landscape"
    scale: float  # the printed size ÷ the sheet's size
    fit_to_width: bool  # one page wide (the scale is the spreadsheet's own fitting); else manual scale and groups
    groups: tuple[tuple[int, int], ...]  # (first, last) column of each page across, key columns not counted
    key_columns: int  # columns 1..key_columns repeat on every page across


def printable_points(paper: int, orientation: str) -> float:
    """The width a sheet prints into on `paper` (points), inside the side margins."""
    short, long = PAPER_MM[paper]
    width_mm = long if orientation == "landscape" else short
    return width_mm / 25.4 * 72 - 2 * MARGIN_SIDE * 72


def column_points(ws: Any, column: int) -> float:
    from openpyxl.utils import get_column_letter

    dimension = ws.column_dimensions.get(get_column_letter(column))
    width = dimension.width if dimension is not None and dimension.width else DEFAULT_COLUMN_WIDTH
    return float(width) * COLUMN_POINTS


class _CellStyles:
    """A workbook's cells' font sizes and wrapping, read through their style ids with one look-up per distinct font or
    alignment (a cell's .font or .alignment makes a proxy object each time: seconds on a sheet of 10,000 rows)."""

    def __init__(self, wb: Any) -> None:
        self.fonts = wb._fonts
        self.alignments = wb._alignments
        self._sizes: dict[int, float] = {}
        self._wraps: dict[int, bool] = {}
        self._wrapped: dict[int, int] = {}  # alignment id → the id of the same alignment wrapping text

    def size(self, cell: Any) -> float:
        """float(cell.font.sz), or DEFAULT_FONT_POINTS when the font has no size."""
        style = cell._style
        font_id = style.fontId if style is not None else 0
        size = self._sizes.get(font_id)
        if size is None:
            font = self.fonts[font_id]
            size = self._sizes[font_id] = float(font.sz) if font is not None and font.sz else DEFAULT_FONT_POINTS
        return size

    def wraps(self, cell: Any) -> bool:
        """cell.alignment.wrap_text."""
        style = cell._style
        alignment_id = style.alignmentId if style is not None else 0
        wraps = self._wraps.get(alignment_id)
        if wraps is None:
            alignment = self.alignments[alignment_id]
            wraps = self._wraps[alignment_id] = bool(alignment is not None and alignment.wrap_text)
        return wraps

    def wrap(self, cell: Any) -> None:
        """Give `cell` its alignment with wrap_text set (what copying cell.alignment, setting it and assigning does)."""
        if cell._style is None:
            from openpyxl.styles.cell_style import StyleArray

            cell._style = StyleArray()
        alignment_id = cell._style.alignmentId
        wrapped = self._wrapped.get(alignment_id)
        if wrapped is None:
            from copy import copy

            alignment = copy(cell.alignment)
            alignment.wrap_text = True
            cell.alignment = alignment
            self._wrapped[alignment_id] = cell._style.alignmentId
        else:
            cell._style.alignmentId = wrapped


def smallest_font(ws: Any, last_column: int) -> float:
    """The smallest font size of a cell holding a value within columns 1..last_column."""
    size = _CellStyles(ws.parent).size
    sizes = [
        size(cell) for row in ws.iter_rows(max_col=last_column) for cell in row if cell.value is not None and cell.value != ""
    ]
    return min(sizes, default=DEFAULT_FONT_POINTS)


def _break_points(ws: Any, first: int, last: int) -> list[int]:
    """Columns a page across may start at (> first): those no merged range crosses."""
    blocked = set()
    for merged in ws.merged_cells.ranges:
        blocked.update(range(merged.min_col + 1, merged.max_col + 1))
    return [c for c in range(first + 1, last + 1) if c not in blocked]


def _pack(widths: dict[int, float], starts: list[int], first: int, last: int, room: float) -> list[int] | None:
    """The first column of each page across when as many columns as fit go on each page (`room` points each, the
    key columns not counted), or None when a run of columns that may not be cut is wider than `room`."""
    bounds = [first, *starts, last + 1]
    runs = [(a, b, sum(widths[c] for c in range(a, b))) for a, b in itertools.pairwise(bounds)]
    pages: list[int] = []
    used = room + 1
    for a, _b, width in runs:
        if width > room:
            return None
        if used + width > room:
            pages.append(a)
            used = 0.0
        used += width
    return pages


def plan_sheet(ws: Any, last_column: int, key_columns: int) -> PrintPlan:
    """The paper, orientation, scale and column groups for `ws` (see the module's docstring)."""
    widths = {c: column_points(ws, c) for c in range(1, last_column + 1)}
    total = sum(widths.values())
    font = smallest_font(ws, last_column)
    least = MIN_PRINTED_POINTS / font
    portrait = ws.page_setup.orientation == "portrait"
    singles = [(A4, "portrait")] if portrait else []
    singles += [(A4, "landscape")]
    for paper, orientation in singles:
        scale = min(1.0, printable_points(paper, orientation) / total)
        if scale >= least:
            return PrintPlan(paper, orientation, scale, True, ((key_columns + 1, last_column),), key_columns)
    keys = sum(widths[c] for c in range(1, key_columns + 1))
    first = key_columns + 1
    starts = _break_points(ws, first, last_column)
    lowest = math.ceil(least * 100 - 1e-9)
    scales = [p / 100 for p in range(100, lowest - 1, -1)]  # whole percent, largest first

    def grouped(paper: int, most: int | None) -> PrintPlan | None:
        """The largest scale whose groups number at most `most` (None: the fewest possible) on `paper`."""
        width = printable_points(paper, "landscape")
        packed = {s: _pack(widths, starts, first, last_column, width / s - keys) for s in scales}
        counts = [len(c) for c in packed.values() if c is not None]
        if not counts:
            return None
        limit = min(counts) if most is None else most
        for scale in scales:
            cuts = packed[scale]
            if cuts is not None and len(cuts) <= limit:
                bounds = [*cuts, last_column + 1]
                groups = tuple((a, b - 1) for a, b in itertools.pairwise(bounds))
                return PrintPlan(paper, "landscape", scale, False, groups, key_columns)
        return None

    if key_columns:  # a table cut without its key columns repeated is not read: those go to one A3 width
        plan = grouped(A4, MAX_PAGES_ACROSS_A4)
        if plan is not None:
            return plan
    scale = min(1.0, printable_points(A3, "landscape") / total)
    if scale >= least:
        return PrintPlan(A3, "landscape", scale, True, ((first, last_column),), key_columns)
    plan = grouped(A3, None)
    if plan is not None:
        return plan
    raise ValueError(f"sheet {ws.title!r} cannot print at {MIN_PRINTED_POINTS} pt")  # a column wider than A3


def _key_columns(ws: Any) -> int:
    """The frozen columns (freeze panes at C4 → 2)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if not ws.freeze_panes:
        return 0
    letters, _row = coordinate_from_string(ws.freeze_panes)
    return column_index_from_string(letters) - 1


def _last_column(ws: Any) -> int:
    from openpyxl.utils.cell import range_boundaries

    if ws.print_area:
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        area = area.split("!")[-1].replace("$", "")
        return range_boundaries(area)[2]
    return ws.max_column


def fit_wrapped_rows(ws: Any, last_column: int) -> None:
    """Text that would be clipped by a filled neighbour is wrapped instead, and every row holding wrapped text gets
    a height tall enough for it (a height already set is raised, never lowered)."""
    from openpyxl.worksheet.dimensions import RowDimension

    from soloit.exchange.xlsx_layout import LINE_HEIGHT, text_lines

    styles = _CellStyles(ws.parent)
    dimensions = ws.row_dimensions
    widths = {c: column_points(ws, c) / COLUMN_POINTS for c in range(1, last_column + 1)}
    merged = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
              for c in range(m.min_col, m.max_col + 1)}
    for row in ws.iter_rows(max_col=last_column):
        number = row[0].row
        lines = 1
        for index, cell in enumerate(row):
            value = cell.value
            if not isinstance(value, str) or (merged and (number, cell.column) in merged):
                continue
            width = widths[cell.column] * 10 / styles.size(cell)  # text_lines counts characters of 10 pt
            wrapped = styles.wraps(cell)
            count = 0
            if not wrapped and cell.column < last_column:
                count = text_lines(value, width)
                if count > 1:
                    neighbour = row[index + 1].value
                    if neighbour is not None and neighbour != "":
                        styles.wrap(cell)
                        wrapped = True
            if wrapped:
                lines = max(lines, count or text_lines(value, width))
        if lines > 1:
            height = min(409.0, LINE_HEIGHT * lines * max(map(styles.size, row)) / 10 + 2)  # Excel's tallest row
            dimension = dimensions.get(number)
            if dimension is None:  # what ws.row_dimensions[number] would make, with its height at once
                dimensions[number] = RowDimension(ws, index=number, ht=height)
            elif dimension.height is None or dimension.height < height:
                dimension.height = height


def apply(ws: Any, plan: PrintPlan) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break, ColBreak

    setup = ws.page_setup
    setup.paperSize = plan.paper
    setup.orientation = plan.orientation
    if plan.fit_to_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0
        setup.scale = None
        ws.print_options.horizontalCentered = False  # LibreOffice shifts a fitted, centred portrait page off its left edge
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        setup.fitToWidth = setup.fitToHeight = None
        setup.scale = round(plan.scale * 100)
        setup.pageOrder = "overThenDown"  # the groups of the first rows, then the next rows
        if plan.key_columns:
            ws.print_title_cols = f"A:{get_column_letter(plan.key_columns)}"
        breaks = ColBreak()
        for first, _last in plan.groups[1:]:
            breaks.append(Break(id=first - 1))  # a break after column id
        ws.col_breaks = breaks
    margins = ws.page_margins
    margins.left = margins.right = MARGIN_SIDE
    margins.top, margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    margins.header, margins.footer = MARGIN_HEADER, MARGIN_FOOTER


def lay_out_sheet(ws: Any) -> PrintPlan:
    """Plan and apply the print layout of one visible sheet."""
    last = _last_column(ws)
    fit_wrapped_rows(ws, last)
    plan = plan_sheet(ws, last, _key_columns(ws))
    apply(ws, plan)
    return plan


def lay_out_workbook(wb: Any, skip: Iterable[str] = ()) -> dict[str, PrintPlan]:
    """lay_out_sheet for every visible sheet not in `skip`; the plans by sheet name."""
    skipped = set(skip)
    return {ws.title: lay_out_sheet(ws) for ws in wb.worksheets if ws.sheet_state == "visible" and ws.title not in skipped}


def describe(plan: PrintPlan) -> str:
    """「A3 横・2 ページ幅・74%」 (for benches and messages)."""
    orientation = "横" if plan.orientation == "landscape" else "縦"
    return f"{PAPER_NAMES[plan.paper]} {orientation}・{len(plan.groups)} ページ幅・{round(plan.scale * 100)}%"
