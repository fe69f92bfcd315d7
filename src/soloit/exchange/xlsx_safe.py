"""The one way soloit writes a value into a spreadsheet cell (xlsx) or a CSV field, so that text from the ledger is
always text: a note such as `=HYPERLINK("http://x","y")` or `@SUM(1)` must never become a formula in the
prefecture's Excel (CSV/formula injection). Every xlsx and CSV writer goes through `put` or `csv_field`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# What makes Excel or LibreOffice read typed or imported text as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def put(ws: Any, row: int, column: int, value: Any, style: Any = None) -> Any:
    """Write `value` into the openpyxl worksheet `ws` at (row, column), 1-based, and return the cell.

    Text is stored as a string cell in every case (openpyxl would store text starting with "=" as a formula);
    text that looks like a formula also gets Excel's quote prefix, so editing the cell keeps it text. Numbers,
    dates and booleans keep their types; None leaves the cell empty. `style` is a NamedStyle name, or None."""
    cell = ws.cell(row=row, column=column)
    if style is not None:  # first: a named style replaces the cell's whole style, quote prefix included
        cell.style = style
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif value is None or isinstance(value, (bool, int, float, date, datetime)):
        cell.value = value
    else:
        raise TypeError(f"unsupported cell value {type(value).__name__}")
    return cell


def csv_field(value: Any) -> str:
    """A value as a CSV field: text that looks like a formula is prefixed with an apostrophe (the convention Excel
    shows as text), dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def append_row(ws: Any, values: list[Any]) -> None:
    """Append `values` as the next row of the openpyxl worksheet `ws`, the fast way for long tables, with the same
    guarantee as `put`: text stays text (openpyxl would read "=…" as a formula and "#N/A" as an error value)."""
    for value in values:
        if value is not None and not isinstance(value, (str, bool, int, float, date, datetime)):
            raise TypeError(f"unsupported cell value {type(value).__name__}")
    ws.append(values)
    row = ws._current_row  # the row append wrote (max_row would scan every cell: quadratic on long tables)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and (looks_like_formula(value) or value.startswith("#")):
            cell = ws.cell(row=row, column=column)
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True


def write_only_row(ws: Any, values: list[Any]) -> list[Any]:
    """The cells of one row for an openpyxl write-only worksheet `ws` (for tables of 100,000 rows), with the same
    guarantee as `put`: text stays text, and text that looks like a formula keeps Excel's quote prefix."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in values:
        if value is not None and not isinstance(value, (str, bool, int, float, date, datetime)):
            raise TypeError(f"unsupported cell value {type(value).__name__}")
        if isinstance(value, str) and (looks_like_formula(value) or value.startswith("#")):
            cell = WriteOnlyCell(ws, value=value)  # text openpyxl would take for a formula or an error value
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)  # a plain value is written as what it is (and far faster than a cell object)
    return cells
