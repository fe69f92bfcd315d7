"""Safe cells: text from the ledger is never a formula, checked on the file's own XML."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import openpyxl
import pytest

from soloit.exchange.xlsx_safe import csv_field, looks_like_formula, put
from soloit.services.bundle import open_services
from tests.exchange.conftest import export

HYPERLINK = '=HYPERLINK("http://x","y")'


def _xml(path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def _sheet_files(path) -> dict[str, str]:
    """Sheet name → its part in the package."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    return {name: "xl/" + targets[rid] for name, rid in re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', book)}


def _string_cells(path, sheet: str, text: str) -> list[str]:
    """The <c> elements of `sheet` that hold `text` as a shared or inline string."""
    with zipfile.ZipFile(path) as z:
        has_shared = "xl/sharedStrings.xml" in z.namelist()
    shared = re.findall(r"<si>(.*?)</si>", _xml(path, "xl/sharedStrings.xml"), re.S) if has_shared else []
    escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    index = [i for i, si in enumerate(shared) if re.sub(r"<[^>]+>", "", si) in (text, escaped)]
    xml = _xml(path, _sheet_files(path)[sheet])
    cells = re.findall(r"<c [^>]*>.*?</c>", xml, re.S)
    found = [c for c in cells if 't="s"' in c and any(f"<v>{i}</v>" in c for i in index)]
    found += [c for c in cells if 't="inlineStr"' in c and (text in c or escaped in c)]
    return found


@pytest.fixture
def pack_path(known, store, tmp_path):
    later = open_services(store, lambda: "テスト 花子")
    export(later, tmp_path / "first.xlsx")
    later.ledger.set_statuses([("koseki", 13)], "done", reason="=1+1")
    return export(later, tmp_path / "pack.xlsx", as_of=date(2026, 12, 1)).path


def test_formula_like_notes_are_strings_in_the_xml(pack_path):
    for sheet, text in (("その他システム", HYPERLINK), ("進捗サマリ", "@SUM(1)"), ("前回報告からの変更", "=1+1")):
        cells = _string_cells(pack_path, sheet, text)
        assert cells, (sheet, text)
        assert all("<f>" not in c and "<f " not in c for c in cells), cells


def test_no_sheet_holds_a_formula_and_the_package_has_no_macros_or_links(pack_path):
    for part in _sheet_files(pack_path).values():
        assert "<f>" not in _xml(pack_path, part) and "<f " not in _xml(pack_path, part), part
    with zipfile.ZipFile(pack_path) as z:
        names = z.namelist()
    assert not [n for n in names if "vbaProject" in n or "externalLink" in n]


def test_formula_like_text_reads_back_as_text_with_the_quote_prefix(pack_path):
    ws = openpyxl.load_workbook(pack_path)["その他システム"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == HYPERLINK)
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", ["=1+1", "+81-3", "-5", "@SUM(1)", "\tTAB", "\rCR", HYPERLINK])
def test_put_stores_every_formula_start_as_a_string(tmp_path, text):
    wb = openpyxl.Workbook()
    ws = wb.active
    put(ws, 1, 1, text)
    put(ws, 1, 2, 12)
    put(ws, 1, 3, date(2026, 4, 1))
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    # XML reads a lone CR as a line feed; what matters is that the cell is text
    assert back.cell(1, 1).value == text.replace("\r", "\n") and back.cell(1, 1).data_type == "s"
    assert back.cell(1, 2).value == 12 and back.cell(1, 3).value.date() == date(2026, 4, 1)
    assert "<f>" not in _xml(tmp_path / "t.xlsx", "xl/worksheets/sheet1.xml")


def test_put_refuses_values_it_does_not_know():
    ws = openpyxl.Workbook().active
    with pytest.raises(TypeError):
        put(ws, 1, 1, object())


def test_csv_fields_neutralise_formulas():
    assert [csv_field(v) for v in ("=1+1", "+1", "-1", "@A", "\tx", "\ry", "普通の文字")] == [
        "'=1+1", "'+1", "'-1", "'@A", "'\tx", "'\ry", "普通の文字",
    ]
    assert csv_field(None) == "" and csv_field(date(2026, 4, 1)) == "2026-04-01" and csv_field(True) == "はい"
    assert csv_field(-5) == "'-5"  # a number written as text keeps its sign visible but inert
    assert looks_like_formula("=") and not looks_like_formula("a=b")


def test_append_row_keeps_text_text(tmp_path):
    from soloit.exchange.xlsx_safe import append_row

    wb = openpyxl.Workbook()
    ws = wb.active
    append_row(ws, ["=1+1", "#N/A", "@SUM(1)", "普通", None, 3])
    wb.save(tmp_path / "r.xlsx")
    back = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert [c.value for c in back[1]] == ["=1+1", "#N/A", "@SUM(1)", "普通", None, 3]
    assert [c.data_type for c in back[1]][:4] == ["s"] * 4 and back.cell(1, 1).quotePrefix
    assert "<f>" not in _xml(tmp_path / "r.xlsx", "xl/worksheets/sheet1.xml")
    with pytest.raises(TypeError):
        append_row(ws, [object()])
