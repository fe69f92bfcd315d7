"""A faster writer of worksheet rows and cells for openpyxl when it serialises with the standard library (no lxml):
the same bytes as openpyxl's own `write_row` and `etree_write_cell`, each row tag and each cell written as one string
instead of an element run through et_xmlfile's pure-Python serialiser (about 15 µs a cell: most of the time of saving
the status pack's 10,000 changes). Formulas, rich text and text whose edges need xml:space="preserve" still go
through openpyxl's cell writer.

`install()` is idempotent and does nothing with lxml (openpyxl then writes fast itself) or another openpyxl series."""

from __future__ import annotations

import threading
from typing import Any
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # what et_xmlfile escapes with

from openpyxl.cell._writer import _set_attributes
from openpyxl.compat import safe_string
from openpyxl.worksheet.dimensions import RowDimension

_PLAIN_TYPES = {"s": "inlineStr", "n": "n", "b": "b", "e": "e", "str": "str"}  # data type → the t attribute
_stock: Any = None  # openpyxl's own writers, for what these leave to them
_stock_row: Any = None
_installing = threading.Lock()  # a pack and a 事務引継書 may be written on two job threads at once


def install() -> None:
    """Make openpyxl's worksheet writer use `write_cell` and `write_row` (once per process)."""
    global _stock, _stock_row
    import openpyxl
    from openpyxl.worksheet import _writer

    with _installing:
        if _stock is not None or openpyxl.LXML or not openpyxl.__version__.startswith("3.1."):
            return
        _stock, _stock_row = _writer.write_cell, _writer.WorksheetWriter.write_row
        _writer.write_cell = write_cell
        _writer.WorksheetWriter.write_row = write_row


def write_row(self: Any, xf: Any, row: Any, row_idx: int) -> None:
    """WorksheetWriter.write_row with the <row> element written as text (et_xmlfile's element() per row is slow)."""
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.worksheet import _writer

    write = getattr(xf, "_file", None)
    if write is None or not getattr(xf, "_element_stack", None):
        _stock_row(self, xf, row, row_idx)
        return
    head = f'<row r="{row_idx}"'
    dimension = self.ws.row_dimensions.get(row_idx)
    if dimension is not None:
        items = _plain_row_items(dimension)
        head += "".join([f' {k}="{_escape_attrib(v)}"' for k, v in (list(dimension) if items is None else items)])
    write(head + ">")
    cell_writer = _writer.write_cell
    for cell in row:
        if cell._comment is not None:
            self.ws._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not cell.has_style and not cell._comment:
            continue
        cell_writer(xf, self.ws, cell, cell.has_style)
    write("</row>")


def _plain_row_items(dimension: Any) -> list[tuple[str, str]] | None:
    """What iterating a RowDimension with no style, outline, hiding or thick borders yields (its height), read
    directly; None for any other row (iterated as openpyxl does)."""
    style = dimension._style
    if (
        type(dimension) is not RowDimension
        or (style is not None and any(style))
        or dimension.hidden
        or dimension.outlineLevel
        or dimension.collapsed
        or dimension.thickBot
        or dimension.thickTop
    ):
        return None
    height = dimension.ht
    items = [("ht", safe_string(height))] if height else []
    if height is not None:
        items.append(("customHeight", "1"))
    return items


def write_cell(xf: Any, worksheet: Any, cell: Any, styled: Any = None) -> None:
    """Write `cell` into the open <row> of `xf` exactly as openpyxl.cell._writer.etree_write_cell does."""
    value = cell._value
    data_type = cell.data_type
    write = getattr(xf, "_file", None)
    if (
        write is None
        or data_type == "f"
        or (data_type == "s" and (not isinstance(value, str) or (value.strip() and value != value.strip())))
    ):
        _stock(xf, worksheet, cell, styled)  # formulas, rich text, text with outer spaces (xml:space)
        return
    kind = _PLAIN_TYPES.get(data_type)
    if kind is not None and cell.hyperlink is None:
        # what _set_attributes gives these cells: a coordinate, a style number and a type need no escaping
        head = (
            f'<c r="{cell.coordinate}" s="{cell.style_id}" t="{kind}"'
            if styled
            else f'<c r="{cell.coordinate}" t="{kind}"'
        )
    else:  # dates (converted to serial numbers there), hyperlinks (collected there)
        value, attributes = _set_attributes(cell, styled)
        head = "<c" + "".join([f' {k}="{_escape_attrib(v)}"' for k, v in attributes.items()])
    if value is None or value == "":
        write(head + " />")
    elif data_type == "s":
        write(f"{head}><is><t>{_escape_cdata(value)}</t></is></c>")
    else:
        text = safe_string(value)
        write(f"{head}><v>{_escape_cdata(text)}</v></c>" if text else f"{head}><v /></c>")
