"""The 変更履歴 exported for a person (Excel) and for whoever checks the chain: CSV in UTF-8 with a BOM (so Excel
reads the Japanese) or xlsx, one row per journal entry, oldest first. Each row holds what a person reads (対象,
内容, 理由) and the entry exactly as stored and hashed (種別, キー, 項目, 変更前, 変更後, 記録日時, 一括番号, the previous
entry's hash and its own), so anyone can recompute the chain from the file. Written to a temporary file, then
put in place; an existing file is replaced only when it is an earlier history export."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from soloit.domain.clock import format_jst
from soloit.exchange.file_out import check_target, write_atomically
from soloit.exchange.xlsx_safe import csv_field, write_only_row
from soloit.services.narrator import ACTION_LABELS
from soloit.services.timeline import ExportRow

MARKER = "soloit-history"
SHEET = "変更履歴"
HEADERS = (
    "記録番号", "日時（日本時間）", "担当者", "領域", "操作", "対象", "内容", "理由",
    "種別", "キー", "項目", "変更前（記録値）", "変更後（記録値）", "記録日時（UTC）", "一括番号", "前の記録のハッシュ", "ハッシュ",
)
WIDTHS = (8, 17, 12, 14, 10, 26, 44, 30, 12, 14, 14, 24, 24, 28, 34, 66, 66)
Progress = Callable[[int], None]  # called with the number of rows written so far


def row_values(row: ExportRow) -> list[object]:
    entry, line = row.entry, row.line
    action = ACTION_LABELS.get(entry.action, "変更" if entry.action == "edit" else entry.action)
    subject = line.subject if line else ""
    what = line.what if line else "（規則による記録。前後の行に含まれます）"
    reasons = " / ".join(line.reasons) if line else (entry.reason or "")
    return [
        entry.id, format_jst(entry.recorded_at) or entry.recorded_at, entry.actor, row.area, action, subject, what,
        reasons, entry.entity, entry.entity_key, entry.field, entry.old_value, entry.new_value, entry.recorded_at,
        entry.batch, entry.prev_hash, entry.hash,
    ]


def is_history_export(path: Path) -> bool:
    try:
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                return next(csv.reader(fh), None) == list(HEADERS)
        from soloit.exchange import xlsx_guard

        book = xlsx_guard.open_workbook(path)  # a hostile file at the target is refused, not read whole
        if "_meta" not in book.sheet_names:
            return False
        rows = book.rows("_meta")
        return bool(rows) and rows[0][:2] == ["format", MARKER]
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, Exception):
        return False


def write_history(rows: Iterable[ExportRow], out: Path, *, facts: dict[str, str], progress: Progress | None = None) -> int:
    """Write `rows` to `out` (.csv or .xlsx by its suffix); the number of rows written. `facts` (団体, 条件, 出力日時 …)
    go into the xlsx's _meta sheet."""
    out = out.absolute()
    check_target(out, is_history_export, "soloit の変更履歴ではない")
    if out.suffix.lower() == ".csv":
        return write_atomically(out, lambda temp: _write_csv(rows, temp, progress), "変更履歴", private=True)
    return write_atomically(out, lambda temp: _write_xlsx(rows, temp, facts, progress), "変更履歴", private=True)


def _write_csv(rows: Iterable[ExportRow], path: Path, progress: Progress | None) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([csv_field(v) for v in row_values(row)])
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    return count


def _abandon(ws: Any) -> None:
    """Close a write-only sheet given up half-way (a cancelled export), so its row writer does not try to finish
    later, when the garbage collector closes it (openpyxl keeps it as an open generator over a temporary file)."""
    with contextlib.suppress(Exception):
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            rows.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            writer.close()


def _write_xlsx(rows: Iterable[ExportRow], path: Path, facts: dict[str, str], progress: Progress | None) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from soloit.exchange.xlsx_layout import FONT_NAME, HEADER_FILL

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        header.append(cell)
    ws.append(header)
    count = 0
    try:
        for row in rows:
            ws.append(write_only_row(ws, row_values(row)))
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    except BaseException:
        _abandon(ws)
        raise
    meta = wb.create_sheet("_meta")
    for key, value in {"format": MARKER, "rows": str(count), **facts}.items():
        meta.append(write_only_row(meta, [key, value]))
    wb.save(path)
    return count
