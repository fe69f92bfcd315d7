"""The checks every workbook soloit reads goes through before python-calamine parses it, so that no file — a
password-protected book, a file that is not a ZIP, a 0.9 MB file whose one cell holds 900 MB, a sheet of a million
rows, two cells at A1 and XFD1048576 — can make soloit use more than about 400 MB or print a huge message.

From the ZIP's central directory alone (nothing decompressed): the number of entries, the total uncompressed size,
and the uncompressed size of the worksheets and the shared strings. Then, for each sheet a reader is about to read,
one streaming pass over its XML (never held whole) that finds the area calamine will allocate (calamine keeps a
sheet as a dense grid from its first to its last cell, and <dimension> may lie), the number of cells, the text they
hold (shared strings counted once per cell that uses them) and the formula cells that carry no cached value
(calamine reads those as empty). The sheet is refused when the memory that reading it would take exceeds
`Limits.memory_bytes`. Excel's own limits (1,048,576 rows, 16,384 columns, 32,767 characters a cell) are refused
with a message. Every message that quotes a cell shows at most 50 characters of it (`quote`)."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soloit.services.errors import FileImportError, column_letter

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
QUOTE_CHARS = 50
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTED_MESSAGE = "パスワードで保護されたブックです。保護を解除して保存し直してください。"
MB = 1_000_000

# What calamine costs, measured on python-calamine 0.9 (bench/hostile_xlsx.py and the notes in the report of issue
# 22): each cell of the sheet's area is a 32-byte value in a dense grid; each cell the XML holds costs about 80 bytes
# more while it is parsed (its position and value in a growing list, an allocation for a short text, the Python row
# made of it); longer text costs three times its UTF-8 bytes per cell holding it (calamine's parse buffer, its
# String, the Python str: a 200 MB cell peaked at 609 MB); the shared strings are all held from the workbook's
# opening, each with about 48 bytes of overhead. (A 35,000-row ministry sheet, 1.5 million cells:
# about 150 MB measured, 168 MB estimated.)
AREA_CELL_BYTES = 32
CELL_BYTES = 80
TEXT_FACTOR = 3
STRING_BYTES = 48


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds a workbook must keep. The defaults keep the peak memory of a reader under 400 MB with margin;
    a test passes tiny ones."""

    entries: int = 10_000  # files inside the ZIP
    total_bytes: int = 600 * MB  # everything, uncompressed
    sheet_bytes: int = 250 * MB  # the worksheets and the shared strings, uncompressed
    xml_part_bytes: int = 20 * MB  # each other part calamine reads (workbook.xml, its relationships, styles.xml)
    memory_bytes: int = 250 * MB  # what reading the shared strings and one sheet may take
    formula_cells: int = 100_000  # formula cells without a cached value remembered (more: refused)


LIMITS = Limits()


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A cell's value as a message may show it: at most `limit` characters, then 「…（全 N 文字）」."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（全 {len(text):,} 文字）"


def cell_name(row: int, column: int) -> str:
    """(12, 6) → 「F12」."""
    return f"{column_letter(column)}{row}"


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What one pass over a sheet's XML found (rows and columns 1-based, as Excel numbers them)."""

    rows: int  # the last row holding a cell
    columns: int  # the last column holding a cell
    cells: int
    text_bytes: int  # the text calamine will hold for this sheet's cells (shared strings once per use)
    memory_bytes: int  # the estimate the limit is checked against
    formulas_without_value: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (row, column)


_ATTRS = rb"""([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)"""  # a tag's attributes, quoted values may hold '>'
_ROW_OR_CELL = re.compile(rb"<()(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])" + _ATTRS + rb">")  # where no formula is
_WITH_FORMULAS = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f|v)(?=[\s/>])" + _ATTRS + rb">")
# text runs calamine keeps (shorter ones are in CELL_BYTES), and the start of a piece that begins inside a text
_LONG_TEXT = re.compile(rb">[^<]{16,}")
_LEADING_TEXT = re.compile(rb"[^<]{16,}")
# the fast path, for the usual sheet whose every row and cell carries its r (Excel, LibreOffice, openpyxl)
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
_SHARED_REF = re.compile(rb't="s"[^>]*>\s*<v>\s*([0-9]{1,10})')
_R_ATTR = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,4})([0-9]{0,10})["\']')
_T_ATTR = re.compile(rb'\st\s*=\s*["\']([A-Za-z]+)["\']')
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*["\']([^"\']*)["\']')
_SHEET = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CHUNK = 1 << 22


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _attrs(text: str) -> dict[str, str]:
    return {m[1].split(":")[-1]: html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(text)}


def _chunks(zf: zipfile.ZipFile, name: str) -> Any:
    """The part's bytes in pieces that each end just before a '<' (the rest is carried to the next piece)."""
    carry = b""
    with zf.open(name) as fh:
        while True:
            data = fh.read(_CHUNK)
            if not data:
                break
            data = carry + data
            cut = data.rfind(b"<")
            if cut <= 0:
                # no tag start in a whole piece: one text run; pass it on whole rather than keep it
                carry = b""
                yield data
                continue
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


class CheckedWorkbook:
    """A workbook whose ZIP directory has passed the checks; `sheet(name)` scans a sheet before it is read."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.file = path, limits, path.name
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._parts: dict[str, str] | None = None
        self._shared: array[int] | None = None
        self._shared_bytes = 0
        self._scans: dict[str, SheetScan] = {}

    def _error(self, message: str, **where: Any) -> FileImportError:
        return FileImportError(message, file=self.file, **where)

    # --- the central directory ----------------------------------------------------------------------------------

    def check_directory(self) -> None:
        limits = self.limits
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            from soloit.services.errors import describe_os_error

            raise self._error(f"読み取れません（{describe_os_error(exc)}）。") from None
        if head == CFB_MAGIC:
            if self._is_encrypted_package():
                raise self._error(ENCRYPTED_MESSAGE)
            raise self._error(
                "古い形式（.xls）の Excel ブックか、Excel 以外のファイルです。Excel で開き、"
                "「Excel ブック (*.xlsx)」の形式で保存し直してください。"
            )
        try:
            with zipfile.ZipFile(self.path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise self._error(
                "Excel ファイル（.xlsx）として読み取れません（ZIP 形式ではありません）。Excel で開ける .xlsx ファイルか確認してください。"
            ) from None
        except OSError as exc:
            from soloit.services.errors import describe_os_error

            raise self._error(f"読み取れません（{describe_os_error(exc)}）。") from None
        if len(infos) > limits.entries:
            raise self._error(
                f"ファイルの中に {len(infos):,} 個の部品があり、読み取れる上限（{limits.entries:,} 個）を超えています。"
                "Excel で開いて保存し直してください。"
            )
        total = sum(i.file_size for i in infos)
        if total > limits.total_bytes:
            raise self._error(
                f"展開すると {_mb(total)} になり、読み取れる上限（{_mb(limits.total_bytes)}）を超えています。"
                "不要なシート・画像を削除して保存し直してください。"
            )
        self._infos = {i.filename: i for i in infos}
        sheets = sum(i.file_size for i in infos if _is_sheet_data(i.filename))
        if sheets > limits.sheet_bytes:
            raise self._error(
                f"シートの内容が展開すると {_mb(sheets)} あり、読み取れる上限（{_mb(limits.sheet_bytes)}）を超えています。"
                "不要な行・列・シートを削除して保存し直すか、必要な行だけを新しいブックに写してください。"
            )
        for name, info in self._infos.items():
            if _is_calamine_xml(name) and info.file_size > limits.xml_part_bytes:
                raise self._error(
                    f"ブックの部品「{quote(name)}」が展開すると {_mb(info.file_size)} あり、読み取れる上限"
                    f"（{_mb(limits.xml_part_bytes)}）を超えています。Excel で開いて保存し直してください。"
                )

    def _is_encrypted_package(self) -> bool:
        """Whether the CFB container holds the stream EncryptedPackage (an encrypted .xlsx), not an old .xls."""
        name = "EncryptedPackage".encode("utf-16-le")
        tail = b""
        with open(self.path, "rb") as fh:
            while True:
                data = fh.read(1 << 20)
                if not data:
                    return False
                if name in tail + data:
                    return True
                tail = data[-len(name):]

    # --- the parts ----------------------------------------------------------------------------------------------

    def _read_small(self, zf: zipfile.ZipFile, name: str) -> str:
        with zf.open(name) as fh:
            return fh.read(self.limits.xml_part_bytes + 1).decode("utf-8", "replace")

    def _sheet_parts(self, zf: zipfile.ZipFile) -> dict[str, str]:
        """Sheet name → its part (xl/worksheets/sheet1.xml), from the workbook and its relationships."""
        if self._parts is not None:
            return self._parts
        book = "xl/workbook.xml"
        if "_rels/.rels" in self._infos:
            for rel in _RELATIONSHIP.finditer(self._read_small(zf, "_rels/.rels")):
                attrs = _attrs(rel[1])
                if attrs.get("Type", "").endswith("/officeDocument"):
                    book = _resolve("", attrs.get("Target", ""))
        rels_name = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
        targets: dict[str, str] = {}
        if rels_name in self._infos:
            for rel in _RELATIONSHIP.finditer(self._read_small(zf, rels_name)):
                attrs = _attrs(rel[1])
                targets[attrs.get("Id", "")] = _resolve(posixpath.dirname(book), attrs.get("Target", ""))
        parts: dict[str, str] = {}
        if book in self._infos:
            for sheet in _SHEET.finditer(self._read_small(zf, book)):
                attrs = _attrs(sheet[1])
                target = targets.get(attrs.get("id", ""))
                if target in self._infos and "name" in attrs:
                    parts[attrs["name"]] = target
        self._parts = parts
        return parts

    def _shared_lengths(self, zf: zipfile.ZipFile) -> array[int]:
        """The UTF-8 bytes of each shared string as the XML spells it (never less than the text calamine keeps)."""
        if self._shared is not None:
            return self._shared
        lengths: array[int] = array("i")  # a part ≤ sheet_bytes: every length fits
        name = next((n for n in self._infos if n.lower().endswith("sharedstrings.xml")), None)
        total = 0
        if name is not None:
            start = -1
            offset = 0
            for piece in _chunks(zf, name):
                for m in _SI.finditer(piece):
                    if start >= 0:
                        lengths.append(offset + m.start() - start)
                    start = offset + m.start()
                offset += len(piece)
            if start >= 0:
                lengths.append(offset - start)
            total = offset
        self._shared, self._shared_bytes = lengths, total
        return lengths

    # --- one sheet ----------------------------------------------------------------------------------------------

    def sheet(self, name: str) -> SheetScan:
        """Scan the sheet `name` before calamine reads it; FileImportError when it breaks a limit."""
        if name in self._scans:
            return self._scans[name]
        with zipfile.ZipFile(self.path) as zf:
            parts = self._sheet_parts(zf)
            shared = self._shared_lengths(zf)
            if name in parts:
                scan = self._scan(zf, parts[name], name, shared)
            else:  # a name the directory does not resolve: every worksheet must pass, the largest counts
                scans = [self._scan(zf, part, name, shared) for part in self._infos if _is_worksheet(part)]
                scan = max(scans, key=lambda s: s.memory_bytes, default=SheetScan(0, 0, 0, 0, 0))
        self._scans[name] = scan
        return scan

    def _scan(self, zf: zipfile.ZipFile, part: str, sheet: str, shared: array[int]) -> SheetScan:
        limits = self.limits
        row = 0
        column = 0
        max_row = max_column = cells = text = shared_text = shared_cells = 0
        formulas: set[tuple[int, int]] = set()
        in_cell = has_formula = has_value = False
        cell_type = b""
        cell_row = cell_column = 0
        dimension_checked = False
        for piece in _chunks(zf, part):
            if not dimension_checked:
                dimension_checked = True
                found = _DIMENSION.search(piece)
                if found:
                    self._check_dimension(found[1], sheet)
            leading = _LEADING_TEXT.match(piece)
            text += sum(m.end() - m.start() for m in _LONG_TEXT.finditer(piece)) + (leading.end() if leading else 0)
            formulas_here = b"<f" in piece or b":f" in piece or (in_cell and has_formula)
            fast = None if formulas_here else _fast_piece(piece, shared)
            if fast is not None:
                n, last_row, last_column, top_row, top_column, used = fast
                if n:
                    cells += n
                    row, column = last_row, last_column
                    max_row, max_column = max(max_row, top_row), max(max_column, top_column)
                    shared_text += used
                    in_cell = False
                piece = b""
            for m in (_WITH_FORMULAS if formulas_here else _ROW_OR_CELL).finditer(piece):
                closing, tag, attrs = m[1], m[2], m[3]
                if tag == b"c":
                    if closing:
                        if in_cell and has_formula and not has_value and cell_type != b"str":
                            formulas.add((cell_row, cell_column))
                        in_cell = False
                        continue
                    ref = _R_ATTR.search(attrs)
                    if ref and ref[1]:
                        column = _column_number(ref[1])
                        if ref[2]:
                            row = int(ref[2])
                    else:
                        column += 1
                    cells += 1
                    if column > max_column:
                        max_column = column
                    if row > max_row:
                        max_row = row
                    kind = _T_ATTR.search(attrs)
                    cell_type = kind[1] if kind else b""
                    if cell_type == b"s":
                        shared_cells += 1
                    in_cell = not attrs.endswith(b"/")
                    cell_row, cell_column = row, column
                    has_formula = has_value = False
                    if cell_type == b"s" and in_cell:
                        index = re.match(rb"\s*<(?:[\w.-]+:)?v>\s*([0-9]{1,10})", piece[m.end():m.end() + 64])
                        if index:
                            position = int(index[1])
                            shared_text += shared[position] if position < len(shared) else 0
                elif tag == b"row":
                    if closing:
                        continue
                    ref = _R_ATTR.search(attrs)
                    row = int(ref[2]) if ref and ref[2] and not ref[1] else row + 1
                    column = 0
                    if row > max_row:
                        max_row = row
                elif in_cell and not closing:
                    if tag == b"f":
                        has_formula = True
                    elif not attrs.endswith(b"/") and m.end() < len(piece) and piece[m.end()] != 60:  # '<'
                        has_value = True
                if len(formulas) > limits.formula_cells:
                    raise self._error(
                        f"計算結果が保存されていない数式のセルが {limits.formula_cells:,} 個を超えています。"
                        "Excel で開いて保存し直してください（保存するときに計算結果も保存されます）。",
                        sheet=sheet,
                    )
            if max_row > EXCEL_MAX_ROWS:
                raise self._error(f"{max_row:,} 行目にセルがあり、Excel の上限（{EXCEL_MAX_ROWS:,} 行）を超えています。", sheet=sheet)
            if max_column > EXCEL_MAX_COLUMNS:
                raise self._error(
                    f"{max_column:,} 列目にセルがあり、Excel の上限（{EXCEL_MAX_COLUMNS:,} 列、XFD 列）を超えています。", sheet=sheet
                )
            estimate = self._estimate(max_row, max_column, cells, text + shared_text)
            if estimate > limits.memory_bytes:
                raise self._too_big(sheet, max_row, max_column, cells, estimate)
        estimate = self._estimate(max_row, max_column, cells, text + shared_text)
        return SheetScan(max_row, max_column, cells, text + shared_text, estimate, frozenset(formulas))

    def _estimate(self, rows: int, columns: int, cells: int, text: int) -> int:
        shared = self._shared
        # all the shared strings, each with its overhead, and the parse buffer of the longest while they are read
        held = self._shared_bytes + max(shared, default=0) + STRING_BYTES * len(shared) if shared is not None else 0
        return AREA_CELL_BYTES * rows * columns + CELL_BYTES * cells + TEXT_FACTOR * text + held

    def _too_big(self, sheet: str, rows: int, columns: int, cells: int, estimate: int) -> FileImportError:
        return self._error(
            f"シートが大きすぎて読み取れません（{rows:,} 行 × {columns:,} 列に {cells:,} 個以上のセル。"
            f"読み取りに {_mb(estimate)} 以上のメモリが要り、上限は {_mb(self.limits.memory_bytes)} です）。"
            "不要な行・列を削除して保存し直すか、必要な行だけを新しいブックに写してください。",
            sheet=sheet,
        )

    def _check_dimension(self, ref: bytes, sheet: str) -> None:
        """A declared <dimension> beyond Excel's grid (the real extent is checked from the cells)."""
        for m in re.finditer(rb"([A-Za-z]{1,4})?([0-9]{1,12})", ref):
            if m[2] and int(m[2]) > EXCEL_MAX_ROWS:
                raise self._error(
                    f"シートの範囲（{quote(ref.decode('ascii', 'replace'))}）が Excel の上限（{EXCEL_MAX_ROWS:,} 行）を超えています。",
                    sheet=sheet,
                )
            if m[1] and _column_number(m[1]) > EXCEL_MAX_COLUMNS:
                raise self._error(
                    f"シートの範囲（{quote(ref.decode('ascii', 'replace'))}）が Excel の上限（{EXCEL_MAX_COLUMNS:,} 列）を超えています。",
                    sheet=sheet,
                )

    # --- reading --------------------------------------------------------------------------------------------------

    def open(self) -> GuardedBook:
        """The workbook opened by python-calamine (which reads the shared strings now)."""
        from python_calamine import CalamineWorkbook

        with zipfile.ZipFile(self.path) as zf:
            self._shared_lengths(zf)
        held = self._estimate(0, 0, 0, 0)
        if held > self.limits.memory_bytes:
            raise self._error(
                f"共有文字列（sharedStrings.xml）が大きすぎて読み取れません（読み取りに {_mb(held)} 以上のメモリが要り、"
                f"上限は {_mb(self.limits.memory_bytes)} です）。Excel で開いて保存し直してください。"
            )
        try:
            return GuardedBook(self, CalamineWorkbook.from_path(str(self.path)))
        except Exception as exc:  # calamine raises its own error kinds for every unreadable file
            raise self._error(
                f"Excel ファイル（.xlsx）として読み取れません（{type(exc).__name__}）。ファイルを確認してください。"
            ) from None

    def check_cells(self, row: list[Any], sheet: str, row_number: int, first_column: int = 1) -> None:
        """Refuse a cell longer than Excel allows (32,767 characters), quoting its start."""
        for offset, value in enumerate(row):
            if type(value) is str and len(value) > EXCEL_MAX_CELL_CHARS:
                raise self._error(
                    f"セルの文字数が {len(value):,} 文字あり、Excel の上限（{EXCEL_MAX_CELL_CHARS:,} 文字）を超えています"
                    f"（「{quote(value)}」）。",
                    sheet=sheet, row=row_number, column=first_column + offset,
                )


class GuardedBook:
    """A calamine workbook whose sheets are scanned before they are read."""

    def __init__(self, checked: CheckedWorkbook, book: Any) -> None:
        self.checked, self._book = checked, book

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def sheet(self, name: str) -> tuple[Any, SheetScan]:
        """The calamine sheet `name` and what its scan found (FileImportError when it breaks a limit)."""
        scan = self.checked.sheet(name)
        try:
            return self._book.get_sheet_by_name(name), scan
        except Exception as exc:
            raise self.checked._error(f"シートを読み取れません（{type(exc).__name__}）。", sheet=name) from None

    def rows(self, name: str) -> list[list[Any]]:
        """Every row of the sheet `name` as calamine reads them (from its first cell), each within Excel's length."""
        sheet, _scan = self.sheet(name)
        try:
            rows = sheet.to_python()
        except Exception as exc:
            raise self.checked._error(f"シートを読み取れません（{type(exc).__name__}）。", sheet=name) from None
        top, left = sheet.start or (0, 0)
        for number, row in enumerate(rows, start=top + 1):
            self.checked.check_cells(row, name, number, left + 1)
        return rows

    def close(self) -> None:
        self._book.close()


def open_workbook(path: Path, limits: Limits | None = None) -> GuardedBook:
    """`path` checked from its ZIP directory, then opened by calamine; FileImportError (in Japanese) when refused."""
    return check_workbook(path, limits).open()


def check_workbook(path: Path, limits: Limits | None = None) -> CheckedWorkbook:
    """`path` checked from its ZIP directory (FileImportError, in Japanese, for anything refused)."""
    if not path.is_file():
        raise FileImportError("ファイルが見つかりません。", file=path.name)
    checked = CheckedWorkbook(path, limits or LIMITS)
    checked.check_directory()
    return checked


def _fast_piece(piece: bytes, shared: array[int]) -> tuple[int, int, int, int, int, int] | None:
    """(cells, last row, last column, largest row, largest column, shared text used) of a piece whose every row and
    cell has its r, found at C speed; None when some have not (the piece then goes through the full loop)."""
    from operator import itemgetter

    if b":c" in piece or b":row" in piece:  # a namespace prefix on the elements (<x:c>): the full loop
        return None
    refs = _CELL_REF.findall(piece)
    if len(refs) != piece.count(b"<c"):  # (<cols> and <cfRule> also count: such a piece takes the full loop)
        return None
    rows = _ROW_REF.findall(piece)
    if len(rows) != piece.count(b"<row"):
        return None
    if not refs:
        return (0, 0, 0, max(map(int, rows)), 0, 0) if rows else None
    top_row = max(max(map(int, map(itemgetter(1), refs))), max(map(int, rows), default=0))
    top_column = max(map(_column_number, set(map(itemgetter(0), refs))))
    used = 0
    if shared and b't="s"' in piece:
        indexes = list(map(int, _SHARED_REF.findall(piece)))
        try:
            used = sum(map(shared.__getitem__, indexes))
        except IndexError:
            used = sum(shared[i] for i in indexes if i < len(shared))
    last_letters, last_digits = refs[-1]
    return len(refs), int(last_digits), _column_number(last_letters), top_row, top_column, used


def is_cfb(path: Path) -> bool:
    """Whether `path` starts as a Compound File Binary container (a password-protected workbook, an old .xls)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(8) == CFB_MAGIC
    except OSError:
        return False


def formula_message(row: int, column: int) -> str:
    return f"セル {cell_name(row, column)} は数式で、計算結果が保存されていません。Excel で開いて保存し直してください。"


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:,.1f} MB"


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def _is_worksheet(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".xml") and ("/worksheets/" in lower or "/dialogsheets/" in lower or "/macrosheets/" in lower)


def _is_sheet_data(name: str) -> bool:
    return _is_worksheet(name) or name.lower().endswith("sharedstrings.xml")


def _is_calamine_xml(name: str) -> bool:
    lower = name.lower()
    return not _is_sheet_data(name) and (lower.endswith(".rels") or lower.endswith("workbook.xml") or lower.endswith("styles.xml"))
