"""The ministry's step-level sheet 「業務別ステップ別進捗一覧」 (総務省): header 都道府県名, 市区町村名, 業務名, then the 40
steps (「①-1 推進体制案の作成」 … as published); one row per municipality and business, with the status words.

Written exactly in that layout (the pack carries it), and read from a workbook holding one municipality or all
1,741 of them: the headers are checked loosely (whitespace, full-width forms and an optional leading step number
ignored), business labels and their aliases and the status words and their variants (未, blank = 未着手) are
accepted, and anything else is a FileImportError naming the sheet, row and column."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soloit import reference
from soloit.exchange import xlsx_guard, xlsx_layout
from soloit.exchange.xlsx_safe import put
from soloit.services.errors import FileImportError

SHEET_NAME = "業務別ステップ別進捗一覧"
FIXED_HEADERS = ("都道府県名", "市区町村名", "業務名")
FIRST_STEP_COLUMN = len(FIXED_HEADERS) + 1  # D: columns 4–43 are the 40 steps
HEADER_SEARCH_ROWS = 10  # a national workbook may have title lines above the header


def step_header(step: reference.Step) -> str:
    """「①-1 推進体制案の作成」: the number and the name as published (stray spaces included)."""
    return f"{step.number} {step.name_ja_as_published}"


def headers() -> list[str]:
    return [*FIXED_HEADERS, *(step_header(s) for s in reference.load().steps)]


def sheet_order() -> tuple[reference.Business, ...]:
    """The businesses in the ministry sheet's order (住民記録, 選挙人名簿管理, 固定資産税 …)."""
    return tuple(sorted(reference.load().businesses, key=lambda b: b.order_soumu_sheet))


# --- writing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetEntry:
    prefecture: str
    municipality: str
    statuses: dict[str, tuple[str, ...]]  # business code → the 40 status codes


def write_sheet(ws: Any, entries: Iterable[SheetEntry]) -> None:
    """Fill the openpyxl worksheet `ws` in the ministry's layout (styles registered by xlsx_layout.add_styles)."""
    ref = reference.load()
    for column, text in enumerate(headers(), start=1):
        put(ws, 1, column, text, xlsx_layout.HEADER)
    row = 1
    for entry in entries:
        for business in sheet_order():
            row += 1
            put(ws, row, 1, entry.prefecture, xlsx_layout.TEXT)
            put(ws, row, 2, entry.municipality, xlsx_layout.TEXT)
            put(ws, row, 3, business.label_soumu_sheet, xlsx_layout.TEXT)
            for offset, code in enumerate(entry.statuses[business.code]):
                put(ws, row, FIRST_STEP_COLUMN + offset, ref.status_by_code[code].label_ja, xlsx_layout.status_style(code))
    xlsx_layout.set_widths(ws, {"A": 10, "B": 12, "C": 16})
    for column in range(FIRST_STEP_COLUMN, FIRST_STEP_COLUMN + ref.step_count):
        ws.column_dimensions[_letter(column)].width = 9
    ws.row_dimensions[1].height = 96
    xlsx_layout.print_setup(ws, title_rows="1:1", freeze="D2")


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


# --- reading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetStatuses:
    """One municipality's 20 × 40 statuses as a sheet states them."""

    file: str
    sheet: str
    prefecture: str
    municipality: str
    statuses: dict[str, tuple[str, ...]]  # business code → the 40 status codes, in step order
    rows: dict[str, int]  # business code → its row in the sheet (1-based)


def normalise(text: object) -> str:
    """For loose comparison: NFKC (全角 → 半角, ① → 1), every kind of whitespace removed."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _step_names() -> list[tuple[str, set[str]]]:
    """Per step: its normalised number and the normalised names a header may carry."""
    found = []
    for step in reference.load().steps:
        names = {normalise(step.name_ja), normalise(step.name_ja_as_published)}
        found.append((normalise(step.number), names))
    return found


def header_matches(text: object, seq: int) -> bool:
    """Whether `text` is the header of step `seq`: its name, optionally after its number (「①-1」, 「1-1」,
    「ステップ1」, 「1.」), ignoring whitespace and full-width forms."""
    number, names = _step_names()[seq - 1]
    value = normalise(text)
    if value in names:
        return True
    for prefix in (number, f"ステップ{seq}", f"{seq}.", f"{seq}:", f"{seq})", f"({seq})", f"{seq}、"):
        if value.startswith(prefix) and value[len(prefix):].lstrip("-.:、") in names:
            return True
    return False


def _status_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for status in reference.load().statuses:
        for label in (status.label_ja, *status.aliases):
            words[normalise(label)] = status.code
    words[""] = reference.load().default_status.code  # a blank cell is 未着手, as the ministry publishes it
    return words


def _business_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for business in reference.load().businesses:
        for label in business.all_labels():
            labels[normalise(label)] = business.code
    return labels


@dataclass(frozen=True, slots=True)
class _OpenSheet:
    name: str
    rows: Iterator[list[Any]]  # every row from row 1, each list from the sheet's first used column
    left: int  # columns left of the first used one (0 when column A holds something)
    formulas: frozenset[tuple[int, int]]  # (row, column) of formula cells without a cached value
    checked: xlsx_guard.CheckedWorkbook

    def check(self, row: list[Any], number: int) -> None:
        self.checked.check_cells(row, self.name, number, self.left + 1)

    def formula_error(self, value: Any, number: int, column: int) -> FileImportError | None:
        """The error for a status cell that is a formula Excel never calculated (calamine reads it as empty)."""
        if value != "" or (number, self.left + column) not in self.formulas:
            return None
        return FileImportError(xlsx_guard.formula_message(number, self.left + column), file=self.checked.file,
                               sheet=self.name, row=number, column=self.left + column)


def _open_rows(path: Path) -> _OpenSheet:
    """The rows of the sheet 業務別ステップ別進捗一覧, read with python-calamine once xlsx_guard has passed it."""
    book = xlsx_guard.open_workbook(path)
    name = path.name
    sheets = book.sheet_names
    wanted = next((s for s in sheets if normalise(s) == normalise(SHEET_NAME)), None)
    if wanted is None:
        shown = "、".join(f"「{xlsx_guard.quote(s)}」" for s in sheets[:8])
        raise FileImportError(f"シート「{SHEET_NAME}」がありません（あるシート: {shown}）。", file=name)
    sheet, scan = book.sheet(wanted)
    try:
        rows = sheet.iter_rows()
    except Exception as exc:
        raise FileImportError(f"シートを読み取れません（{type(exc).__name__}）。", file=name, sheet=wanted) from None
    left = sheet.start[1] if sheet.start else 0
    return _OpenSheet(wanted, rows, left, scan.formulas_without_value, book.checked)


def _check_header(row: list[Any], row_number: int, file: str, sheet: str) -> None:
    for column, expected in enumerate(FIXED_HEADERS, start=1):
        found = row[column - 1] if len(row) >= column else ""
        if normalise(found) != normalise(expected):
            raise FileImportError(
                f"見出しは「{expected}」のはずですが「{xlsx_guard.quote(found)}」です。", file=file, sheet=sheet, row=row_number, column=column
            )
    for seq, step in enumerate(reference.load().steps, start=1):
        column = FIRST_STEP_COLUMN + seq - 1
        found = row[column - 1] if len(row) >= column else ""
        if not header_matches(found, seq):
            shown = f"「{xlsx_guard.quote(found)}」です" if normalise(found) else "空です"
            raise FileImportError(
                f"ステップ {seq}（{step_header(step)}）の見出しのはずですが、{shown}。"
                "総務省の「業務別ステップ別進捗一覧」と同じ列の並び（4 列目から 40 ステップ）か確認してください。",
                file=file, sheet=sheet, row=row_number, column=column,
            )


def _is_header(row: list[Any]) -> bool:
    return len(row) >= 3 and [normalise(v) for v in row[:3]] == [normalise(h) for h in FIXED_HEADERS]


def read_statuses(path: Path, prefecture: str, municipality: str) -> SheetStatuses:
    """The statuses of `municipality` in `prefecture` from the sheet at `path` (one or all municipalities)."""
    ref = reference.load()
    file = path.name
    opened = _open_rows(path)
    sheet, rows = opened.name, opened.rows
    want_pref, want_muni = normalise(prefecture), normalise(municipality)
    words, labels = _status_words(), _business_labels()
    header_row = 0
    found: dict[str, tuple[str, ...]] = {}
    where: dict[str, int] = {}
    same_name: set[str] = set()
    same_pref = 0
    for number, row in enumerate(rows, start=1):
        opened.check(row, number)
        if not header_row:
            if _is_header(row):
                _check_header(row, number, file, sheet)
                header_row = number
            elif number >= HEADER_SEARCH_ROWS:
                raise FileImportError(
                    f"先頭の {HEADER_SEARCH_ROWS} 行に見出し（{'・'.join(FIXED_HEADERS)}）が見つかりません。",
                    file=file, sheet=sheet,
                )
            continue
        if len(row) < 2:
            continue
        muni = normalise(row[1])
        if muni != want_muni:
            continue
        pref = normalise(row[0])
        if pref != want_pref:
            if len(same_name) < 10:
                same_name.add(xlsx_guard.quote(str(row[0]).strip()))
            continue
        same_pref += 1
        code = labels.get(normalise(row[2]) if len(row) > 2 else "")
        if code is None:
            raise FileImportError(f"業務名「{xlsx_guard.quote(row[2] if len(row) > 2 else '')}」は標準化対象の20業務にありません。",
                                  file=file, sheet=sheet, row=number, column=3)
        if code in found:
            raise FileImportError(
                f"「{ref.business_by_code[code].name_ja}」の行が {where[code]} 行目にもあります。1 業務 1 行にしてください。",
                file=file, sheet=sheet, row=number, column=3,
            )
        statuses = []
        for offset in range(ref.step_count):
            column = FIRST_STEP_COLUMN + offset
            value = row[column - 1] if len(row) >= column else ""
            status = words.get(normalise(value))
            formula = opened.formula_error(value, number, column)
            if formula is not None:
                raise formula
            if status is None:
                allowed = "・".join(s.label_ja for s in ref.statuses)
                raise FileImportError(
                    f"ステータス「{xlsx_guard.quote(value)}」は使えません（{allowed}、「未」または空欄＝未着手）。",
                    file=file, sheet=sheet, row=number, column=column,
                )
            statuses.append(status)
        found[code] = tuple(statuses)
        where[code] = number
    if not header_row:
        raise FileImportError("シートが空です（見出しの行がありません）。", file=file, sheet=sheet)
    label = f"{prefecture.strip()} {municipality.strip()}"
    if not same_pref:
        hint = f"同じ名前の団体は {'、'.join(sorted(same_name))} にあります。" if same_name else ""
        raise FileImportError(f"「{label}」の行がありません。{hint}都道府県名と市区町村名を確認してください。", file=file, sheet=sheet)
    missing = [b for b in sheet_order() if b.code not in found]
    if missing:
        span = f"{min(where.values())}〜{max(where.values())} 行目"
        names = "、".join(f"「{b.label_soumu_sheet}」" for b in missing)
        raise FileImportError(f"「{label}」の行（{span}）に、業務 {names} の行がありません。", file=file, sheet=sheet)
    return SheetStatuses(file, sheet, prefecture.strip(), municipality.strip(), found, where)


def municipalities(path: Path) -> list[tuple[str, str]]:
    """(都道府県名, 市区町村名) of every municipality the sheet holds, in the sheet's order."""
    opened = _open_rows(path)
    seen: dict[tuple[str, str], None] = {}
    header = False
    for number, row in enumerate(opened.rows, start=1):
        opened.check(row, number)
        if not header:
            header = _is_header(row)
            if not header and number >= HEADER_SEARCH_ROWS:
                break
            continue
        if len(row) >= 2 and normalise(row[1]):
            seen.setdefault((str(row[0]).strip(), str(row[1]).strip()), None)
    return list(seen)
