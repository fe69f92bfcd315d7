"""Hostile workbooks (issue 22): every reader refuses them with a short message before calamine parses them — a
password-protected book, a file that is not a ZIP, sizes the ZIP directory declares, cells far apart, Excel's own
limits — and a formula status cell without a cached value is an error naming the cell. All files are small and made
here; the bounds are shrunk where a test needs a limit crossed."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from soloit.exchange import xlsx_guard
from soloit.exchange.history_export import is_history_export
from soloit.exchange.operations import read_anchor
from soloit.exchange.pack import read_meta, read_pack
from soloit.exchange.soumu_sheet import SHEET_NAME, headers, read_statuses, sheet_order
from soloit.services.errors import FileImportError, column_letter

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _error(call, *args) -> FileImportError:
    with pytest.raises(FileImportError) as caught:
        call(*args)
    return caught.value


def _sheet(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(headers())
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rows(word: str = "完了済み") -> list[list]:
    return [["北海道", "札幌市", b.label_soumu_sheet, *([word] * 40)] for b in sheet_order()]


def _raw_book(path: Path, sheet_xml: str, *, sheet: str = SHEET_NAME, shared: str | None = None) -> Path:
    """A minimal xlsx whose sheet XML (inside <sheetData>, or whole when it starts with <worksheet) is given."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    body = sheet_xml if sheet_xml.startswith("<worksheet") else f"<worksheet {ns}><sheetData>{sheet_xml}</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"))
        zf.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        zf.writestr("xl/worksheets/sheet1.xml", body)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", f"<sst {ns}>{shared}</sst>")
    return path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _ministry_xml(status: dict[str, str] | None = None) -> str:
    """The ministry's layout as raw XML: the header and 札幌市's 20 rows, all 完了済み; `status` replaces cells
    (reference → the whole <c> element)."""
    status = status or {}
    rows = [f'<row r="1">{"".join(_inline(f"{column_letter(c)}1", t) for c, t in enumerate(headers(), 1))}</row>']
    for number, business in enumerate(sheet_order(), start=2):
        cells = [_inline(f"A{number}", "北海道"), _inline(f"B{number}", "札幌市"), _inline(f"C{number}", business.label_soumu_sheet)]
        for column in range(4, 44):
            ref = f"{column_letter(column)}{number}"
            cells.append(status.get(ref, _inline(ref, "完了済み")))
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(rows)


@pytest.fixture
def tiny(monkeypatch):
    """Set some of the guard's limits for one test."""
    def set_limits(**limits: int) -> None:
        monkeypatch.setattr(xlsx_guard, "LIMITS", xlsx_guard.Limits(**limits))

    return set_limits


# --- what is not a workbook ----------------------------------------------------------------------------------------


def _cfb(path: Path, *, encrypted: bool) -> Path:
    header = xlsx_guard.CFB_MAGIC + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    name = ("EncryptedPackage" if encrypted else "Workbook").encode("utf-16-le")
    path.write_bytes(header + bytes(512 - len(header)) + name + bytes(1536))
    return path


def test_a_password_protected_book_says_so_in_every_reader(tmp_path):
    locked = _cfb(tmp_path / "locked.xlsx", encrypted=True)
    expected = "パスワードで保護されたブックです。保護を解除して保存し直してください"
    assert expected in _error(read_statuses, locked, "北海道", "札幌市").message_ja
    assert expected in _error(read_meta, locked).message_ja
    assert expected in _error(read_pack, locked).message_ja
    assert expected in _error(read_anchor, locked).message_ja  # soloit verify --against
    assert not is_history_export(locked)
    assert locked.read_bytes()[:8] == xlsx_guard.CFB_MAGIC  # never touched


def test_an_old_xls_and_a_file_that_is_no_zip(tmp_path):
    error = _error(read_statuses, _cfb(tmp_path / "old.xls", encrypted=False), "北海道", "札幌市")
    assert ".xls" in error.message_ja and "パスワード" not in error.message_ja
    (tmp_path / "text.xlsx").write_text("これは Excel ではありません")
    for call, args in ((read_statuses, ("北海道", "札幌市")), (read_meta, ()), (read_pack, ())):
        assert "ZIP 形式ではありません" in _error(call, tmp_path / "text.xlsx", *args).message_ja


# --- sizes from the ZIP directory ----------------------------------------------------------------------------------


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the central directory declares for `member` (the data stays as it is)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + bytes(0))
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(member)
    path.write_bytes(bytes(data))


def test_a_sheet_the_directory_declares_huge_is_refused_before_it_is_read(tmp_path):
    path = _sheet(tmp_path / "declared.xlsx", _rows())
    _declare_size(path, "xl/worksheets/sheet1.xml", 900_000_000)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size == 900_000_000
    error = _error(read_statuses, path, "北海道", "札幌市")
    assert "展開すると 900 MB" in error.message_ja and "上限" in error.message_ja
    assert len(error.message_ja) < 200
    assert "展開すると 900 MB" in _error(read_meta, path).message_ja


def test_the_sheet_bytes_total_and_entry_limits(tmp_path, tiny):
    path = _sheet(tmp_path / "sheet.xlsx", _rows())
    assert len(read_statuses(path, "北海道", "札幌市").statuses) == 20  # within the default limits
    tiny(sheet_bytes=10_000)
    assert "シートの内容が展開すると" in _error(read_statuses, path, "北海道", "札幌市").message_ja
    tiny(total_bytes=10_000)
    assert "展開すると" in _error(read_statuses, path, "北海道", "札幌市").message_ja
    tiny(entries=3)
    assert "上限（3 個）" in _error(read_statuses, path, "北海道", "札幌市").message_ja


# --- one sheet ------------------------------------------------------------------------------------------------------


def test_two_cells_far_apart_are_refused_before_calamine_allocates_the_grid(tmp_path):
    # calamine would allocate 1,048,576 × 16,384 cells (≈ 550 GB) for these two: the process would abort
    path = _raw_book(tmp_path / "far.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>'
                     '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    error = _error(read_statuses, path, "北海道", "札幌市")
    assert "シートが大きすぎて読み取れません（1,048,576 行 × 16,384 列" in error.message_ja
    # the same with cells that carry no r: the guard places them as calamine does
    path = _raw_book(tmp_path / "far-no-r.xlsx", '<row r="1048576">' + "<c><v>1</v></c>" * 16_384 + "</row>")
    assert "1,048,576 行 × 16,384 列" in _error(read_statuses, path, "北海道", "札幌市").message_ja


def test_rows_and_columns_beyond_excel_and_a_dimension_that_says_so(tmp_path):
    path = _raw_book(tmp_path / "rows.xlsx", '<row r="1048577"><c r="A1048577"><v>1</v></c></row>')
    assert "Excel の上限（1,048,576 行）" in _error(read_statuses, path, "北海道", "札幌市").message_ja
    path = _raw_book(tmp_path / "columns.xlsx", '<row r="1"><c r="XFE1"><v>1</v></c></row>')
    assert "Excel の上限（16,384 列" in _error(read_statuses, path, "北海道", "札幌市").message_ja
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    path = _raw_book(tmp_path / "dimension.xlsx", f'<worksheet {ns}><dimension ref="A1:A2000000"/><sheetData>'
                     f'<row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    error = _error(read_statuses, path, "北海道", "札幌市")
    assert "シートの範囲（A1:A2000000）が Excel の上限（1,048,576 行）" in error.message_ja


def test_the_memory_estimate_refuses_a_sheet_too_big_for_the_bound(tmp_path, tiny):
    path = _sheet(tmp_path / "sheet.xlsx", _rows())
    scan = xlsx_guard.check_workbook(path).sheet(SHEET_NAME)
    assert (scan.rows, scan.columns, scan.cells) == (21, 43, 21 * 43)
    tiny(memory_bytes=50_000)
    error = _error(read_statuses, path, "北海道", "札幌市")
    assert "シートが大きすぎて読み取れません（21 行 × 43 列" in error.message_ja and error.sheet == SHEET_NAME


def test_a_shared_string_is_counted_once_per_cell_that_uses_it(tmp_path):
    long = "あ" * 10_000  # 30,000 UTF-8 bytes, used by 200 cells: 6 MB for calamine, from a few kB of XML
    cells = "".join(f'<c r="{column_letter(c)}{r}" t="s"><v>0</v></c>' for r in range(1, 11) for c in range(1, 21))
    path = _raw_book(tmp_path / "fan.xlsx", f'<row r="1">{cells}</row>', shared=f"<si><t>{long}</t></si>")
    scan = xlsx_guard.check_workbook(path).sheet(SHEET_NAME)
    assert scan.cells == 200 and scan.text_bytes >= 200 * 30_000


def test_a_long_text_split_between_the_pieces_read_is_counted_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_guard, "_CHUNK", 1024)  # the XML is read in pieces of 1 kB: the text spans 100 of them
    path = _raw_book(tmp_path / "split.xlsx", f'<row r="1">{_inline("A1", "x" * 100_000)}</row>')
    assert xlsx_guard.check_workbook(path).sheet(SHEET_NAME).text_bytes >= 100_000


# --- cells ----------------------------------------------------------------------------------------------------------


def test_a_cell_over_excels_length_is_refused_and_quoted_to_50_characters(tmp_path):
    long = "長" * 40_000
    path = _raw_book(tmp_path / "long.xlsx", _ministry_xml({"F3": _inline("F3", long)}))
    error = _error(read_statuses, path, "北海道", "札幌市")
    assert (error.row, error.column) == (3, 6)
    assert "40,000 文字あり、Excel の上限（32,767 文字）を超えています" in error.message_ja
    assert "長" * 50 in error.message_ja and "長" * 51 not in error.message_ja
    assert len(error.message_ja) < 250
    meta = _raw_book(tmp_path / "meta.xlsx", f'<row r="1">{_inline("A1", "format")}{_inline("B1", long)}</row>', sheet="_meta")
    error = _error(read_meta, meta)
    assert "長" * 50 in error.message_ja and "長" * 51 not in error.message_ja


def test_a_wrong_status_word_is_quoted_to_50_characters(tmp_path):
    rows = _rows()
    rows[0][5] = "未" + "x" * 1000
    error = _error(read_statuses, _sheet(tmp_path / "word.xlsx", rows), "北海道", "札幌市")
    assert (error.row, error.column) == (2, 6)
    assert "ステータス「未" + "x" * 49 + "…（全 1,001 文字）」は使えません" in error.message_ja


def test_quote():
    assert xlsx_guard.quote("a" * 50) == "a" * 50
    assert xlsx_guard.quote("a" * 100) == "a" * 50 + "…（全 100 文字）"
    assert xlsx_guard.quote(3.0) == "3" and xlsx_guard.quote(None) == ""


def test_a_formula_status_cell_without_a_cached_value_is_an_error_naming_the_cell(tmp_path):
    rows = _rows()
    rows[10][5] = "=IF(1=1,\"完了済み\",\"\")"  # openpyxl writes the formula and no value: F12
    error = _error(read_statuses, _sheet(tmp_path / "formula.xlsx", rows), "北海道", "札幌市")
    assert (error.row, error.column) == (12, 6)
    assert "セル F12 は数式で、計算結果が保存されていません。Excel で開いて保存し直してください" in error.message_ja
    # a shared formula, no <v> at all
    path = _raw_book(tmp_path / "shared.xlsx", _ministry_xml({"D2": '<c r="D2"><f t="shared" si="0" ref="D2:D3"/></c>'}))
    assert "セル D2 は数式" in _error(read_statuses, path, "北海道", "札幌市").message_ja


def test_a_formula_with_its_cached_value_reads_as_that_value(tmp_path):
    cached = '<c r="D2" t="str"><f>"作業中"</f><v>作業中</v></c>'
    empty = '<c r="E2" t="str"><f>""</f><v></v></c>'  # a formula whose result is an empty text: blank, 未着手
    path = _raw_book(tmp_path / "cached.xlsx", _ministry_xml({"D2": cached, "E2": empty}))
    sheet = read_statuses(path, "北海道", "札幌市")
    first = sheet_order()[0].code
    assert sheet.statuses[first][:3] == ("in_progress", "not_started", "done")


# --- what must keep reading ----------------------------------------------------------------------------------------


def test_the_ministry_sample_and_the_released_packs_still_read(tmp_path):
    sheet = read_statuses(FIXTURES / "soumu_step_sheet_sample.xlsx", "茨城県", "さくら町")
    assert len(sheet.statuses) == 20
    for pack in sorted((FIXTURES / "packs").glob("*.xlsx")):
        copy = shutil.copy(pack, tmp_path / pack.name)
        assert read_pack(Path(copy)).report.municipality
