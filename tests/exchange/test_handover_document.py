"""The 事務引継書 files, from the demo ledger: the PDF's own text (pdftotext), its fonts (pdffonts) and pages; the
workbook read back with python-calamine; a file that is not a soloit 事務引継書 is never replaced."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from soloit.domain.anchor_code import anchor_code
from soloit.domain.dates import format_wareki
from soloit.exchange.handover_document import (
    is_handover_pdf,
    is_handover_xlsx,
    write_handover_pdf,
    write_handover_xlsx,
)
from soloit.services.bundle import open_services
from soloit.services.demo import create_demo
from soloit.services.errors import OutputError
from soloit.services.handover_report import SECTIONS
from soloit.store.journal import raw_head
from tests.helpers import DayClock

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="pdftotext/pdffonts (poppler-utils) are not installed")


def pdf_text(path: Path) -> list[str]:
    """The text of each page, NFKC (full-width brackets and digits as ASCII, so expectations read plainly)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [unicodedata.normalize("NFKC", page) for page in pages]


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3", clock=clock)
    clock.day = date(2026, 12, 1)
    services = open_services(store, lambda: "デモ 太郎", clock)
    report = services.handover_report.build(
        predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7),
        witness="総務課長 立会 四郎",
    )
    yield services, report
    store.close()


@pytest.fixture(scope="module")
def pdf(demo, qapp, tmp_path_factory) -> Path:
    return write_handover_pdf(demo[1], tmp_path_factory.mktemp("pdf") / "引継書.pdf")


@pytest.fixture(scope="module")
def xlsx(demo, tmp_path_factory) -> Path:
    return write_handover_xlsx(demo[1], tmp_path_factory.mktemp("xlsx") / "引継書.xlsx")


@needs_poppler
def test_pdf_text_holds_every_section_and_the_known_values(demo, pdf):
    services, _ = demo
    text = "\n".join(pdf_text(pdf))
    flat = squeezed(text)
    for heading in SECTIONS:
        assert squeezed(heading) in flat, heading
    count, head = raw_head(services.store.raw())
    for expected in (
        "みどり野町(デモ)", "109991", "群馬県", "事務引継書",
        "住基・印鑑の本番移行は令和9年1月の連休に実施",  # a 経過・現況 note
        "戸籍・介護保険は特定移行支援システム",  # a 方針・意見 note
        "027-000-1234",  # a contact's phone
        "情報政策係書庫契約書綴りR8-03",  # a contract's document location
        anchor_code(count, head), f"soloitverify--against-code{anchor_code(count, head)}",
        "前任者", "後任者", "立会人", "デモ太郎", "後任三郎", "総務課長立会四郎",
        "令和9年4月1日(2027/04/01)",  # 発令日, 和暦 with 西暦
        "130,000,000円",  # the budget total
    ):
        assert expected in flat, expected


@needs_poppler
def test_pdf_dates_read_in_both_calendars(pdf):
    """A municipal reader counts in 和暦: each date printed reads 令和9年4月1日（2027/04/01）, the narrated changes
    (予定日: （なし） → 2025/07/12) included."""
    flat = squeezed("\n".join(pdf_text(pdf)))
    assert "発令日令和9年4月1日(2027/04/01)" in flat
    assert "引継期限令和9年4月7日(2027/04/07)" in flat
    assert "予定日:(なし)→令和7年" in flat  # a narrated change's date
    # in the text's reading order (a table cell's wrapped lines may come after the next cell's), the 和暦 comes
    # just before its 西暦
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    reading = squeezed(unicodedata.normalize("NFKC", raw))
    dates = re.findall(r"(.{0,30})\((\d{4})/(\d{2})/(\d{2})\)", reading)
    assert len(dates) > 50
    for before, year, month, day in dates:
        assert format_wareki(date(int(year), int(month), int(day))) in before, (before, year, month, day)
    bare = re.findall(r"(?<![\d(])\d{4}/\d{2}/\d{2}(?!\d)", flat)  # a 西暦 date printed without its 和暦
    assert bare == []


@needs_poppler
def test_pdf_pages_are_numbered_and_carry_the_running_header(pdf):
    pages = pdf_text(pdf)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)} ページ" in page
        assert "みどり野町(デモ)" in page and "事務引継書" in page


@needs_poppler
def test_pdf_table_split_across_pages_repeats_its_header(pdf):
    pages = pdf_text(pdf)
    # the demo's 期日の一覧 runs over several pages; each of them starts with the header row
    dated = [p for p in pages if squeezed("日付区分件名備考") in squeezed(p)]
    assert len(dated) >= 2


@needs_poppler
def test_pdf_answers_what_the_app_answers(pdf):
    flat = squeezed("\n".join(pdf_text(pdf)))
    for expected in (
        "変更記録の末尾ハッシュ",  # as the README and the CLI call it
        # a business's 移行先, its current step and the last reason given (児童手当)
        "株式会社ミドリ電算", "標準準拠パッケージ2025", "⑩-1ベンダ評価の実施(作業中)", "「ベンダ定例会(10月)で確認」",
        # the budgets of 令和8年度 (made) and 令和9年度 (appointed)
        "予算の執行状況(令和8年度(FY2026)・作成日の年度)", "予算の執行状況(令和9年度(FY2027)・発令日の年度)",
        # late steps per business: 介護保険 28 件, oldest 2024/01/24, first ④-4
        "介護保険28令和6年1月24日", "④-4移行にあたっての課題と対策の整理(作業中・予定日令和6年1月24日",
        "全件の一覧はExcel版の事務引継書",
        "現行住民記録システム保守業務委託",  # a contact's linked contract
    ):
        assert squeezed(unicodedata.normalize("NFKC", expected)) in flat, expected
    assert "先頭ハッシュ" not in flat


@needs_poppler
def test_pdf_no_longer_lists_every_late_step(pdf):
    pages = pdf_text(pdf)
    # 232 late steps took pages 6–13 of a 14-page document; the per-business summary takes part of one page
    assert len(pages) <= 11, len(pages)
    assert sum(squeezed(p).count("ベンダ評価の実施") for p in pages) < 20


@needs_poppler
def test_no_heading_stands_alone_at_the_foot_of_a_page(pdf):
    import re

    for page in pdf_text(pdf)[:-1]:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if "ページ" not in line and "照合コード" not in line]
        assert not re.match(r"^(\(\d+\)|[1-7] )", body[-1]), body[-3:]


@needs_poppler
def test_pdf_embeds_a_japanese_font(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    # columns: name, type…, encoding, emb, sub, uni, object, ID — emb is the 5th from the end
    assert all(row[-5] == "yes" for row in rows), out
    assert any("CJK" in row[0] or "Gothic" in row[0] for row in rows), out


@needs_poppler
def test_pdf_text_copies_as_the_ideographs_drawn_not_radicals(pdf):
    # 見 and ⾒ (U+2F92), 長 and ⻑ (U+2ED1), ・ and ‧ (U+2027) share a glyph in CJK fonts: the PDF maps it to what was drawn
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "方針・意見" in raw and "総務課長" in raw
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF or ch == "\u2027" for ch in raw)


def _pdf_with_note(tmp_path: Path, title: str, body: str):
    """(report, PDF path) of the demo's 事務引継書 with one more note."""
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(tmp_path / "demo.sqlite3", clock=clock)
    try:
        services = open_services(store, lambda: "デモ 太郎", clock)
        services.handover.add_note(title, "policy", body=body)
        report = services.handover_report.build(
            predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7)
        )
        return report, write_handover_pdf(report, tmp_path / "note.pdf")
    finally:
        store.close()


@needs_poppler
def test_pdf_text_copies_letter_by_letter_without_ligatures(qapp, tmp_path):
    """The ff of a 末尾ハッシュ (or of a note) copied out of the PDF is two letters f, not the one character ﬀ."""
    report, out = _pdf_with_note(tmp_path, "office efficiency", "staff offline fiscal ffi flows 9ff0e1")
    raw = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "office efficiency" in raw and "staff offline fiscal ffi flows 9ff0e1" in raw
    assert report.header.anchor.head in raw.replace("\n", "")
    assert not any(0xFB00 <= ord(ch) <= 0xFB06 for ch in raw)


def test_pdf_metadata_names_it(pdf):
    assert is_handover_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")


@needs_poppler
def test_long_note_body_is_wrapped_and_split_across_pages(qapp, tmp_path):
    body = "".join(f"第{n}項 移行判定会議の議事要旨と確認事項を記録する。" for n in range(1, 300)) + "本文の終わり。"
    _report, out = _pdf_with_note(tmp_path, "長い引継ぎメモ", body[:10_000])
    pages = pdf_text(out)
    carrying = [n for n, p in enumerate(pages) if "第1項" in squeezed(p) or "本文の終わり" in squeezed(p)]
    assert "本文の終わり" in squeezed("".join(pages))
    assert carrying[-1] > carrying[0]  # the body starts on one page and ends on a later one
    assert all(len(line) < 200 for page in pages for line in page.splitlines())  # wrapped, not one endless line


@pytest.mark.parametrize(
    "text",
    [
        "移行判定会議の議事要旨と確認事項（令和9年4月1日・2027/04/01）を記録する。",
        "office efficiency: fiscal ffi flows",  # ligatures: narrower than their letters added up
        "共有フォルダ ¥¥fileserver¥情報政策¥契約",
        "مرحبا بالعالم 引継ぎ",  # a shaped script: measured whole, never added up
        "𠮷野家の契約 e\u0301 葛\U000e0100城",  # beyond the BMP, a combining mark, a variation selector
    ],
)
def test_a_line_as_wide_as_the_room_stays_whole_and_a_little_less_room_wraps_it(qapp, tmp_path, text):
    from PySide6.QtGui import QPdfWriter

    from soloit.exchange.handover_document import _Layout, japanese_font_family

    writer = QPdfWriter(str(tmp_path / "measure.pdf"))
    writer.setResolution(300)
    layout = _Layout(writer, japanese_font_family(), 2000, 3000, 300)
    for font in (layout.BODY, layout.TABLE_BOLD, layout.SMALL):
        width = layout.metrics[font].horizontalAdvance(text)
        for room in (width, width + 0.5, width + 3, width * 1.5):
            assert layout.wrap(text, font, room) == [text]
        for room in (width - 0.5, width - 3, width * 0.7):
            lines = layout.wrap(text, font, room)
            assert len(lines) >= 2 and "".join(lines) == text
    layout.device = None


def test_xlsx_reads_back_with_the_known_values(demo, xlsx):
    from python_calamine import CalamineWorkbook

    services, _ = demo
    book = CalamineWorkbook.from_path(str(xlsx))

    def rows(name: str) -> list[list]:
        return book.get_sheet_by_name(name).to_python()

    meta = {row[0]: row[1] for row in rows("_meta")}
    count, head = raw_head(services.store.raw())
    assert meta["format"] == "soloit-handover-document"
    assert (int(meta["journal_count"]), meta["journal_head"], meta["anchor_code"]) == (count, head, anchor_code(count, head))
    assert (meta["municipality"], meta["lg_code"], meta["prefecture"]) == ("みどり野町（デモ）", "109991", "群馬県")
    cover = {row[0]: row[1] for row in rows("表紙") if row and row[0]}
    assert cover["照合コード"] == anchor_code(count, head)
    assert cover["発令日"] == "令和9年4月1日（2027/04/01）"
    assert ["立会人", "総務課長 立会 四郎"] == next(r[:2] for r in rows("表紙") if r[0] == "立会人" and r[1])
    tokutei = [r[0] for r in rows("2 特定移行支援")[3:]]
    assert sorted(tokutei) == ["介護保険", "戸籍"]
    budget = rows("2 予算の執行")
    assert budget[-1][:4] == ["合計", 130_000_000, 128_210_000, 63_810_000]
    contacts = {r[0]: r for r in rows("7 連絡先")[3:]}
    assert contacts["サポートデスク"][3] == "027-000-1234"
    documents = {r[0]: r[3] for r in rows("6 契約書の保管場所")[3:]}
    assert documents["現行住民記録システム保守業務委託"] == "情報政策係 書庫 契約書綴り R8-03"
    notes = [r[0] for r in rows("2 経過・現況のメモ")[3:]]
    assert notes[0] == "【ピン留め】住基・印鑑の本番移行は令和9年1月の連休に実施"
    assert len(rows("5 遅れているステップ")[3:]) == 232  # the full list is in the workbook
    per_business = {r[0]: r for r in rows("5 遅れているステップ（業務別）")[3:]}
    assert per_business["介護保険"][1] == 28 and per_business["介護保険"][3] == "④-4"
    assert contacts["サポートデスク"][6] == "現行住民記録システム保守業務委託"
    state = {r[0]: r for r in rows("2 現在のステップと理由")[3:]}
    assert state["児童手当"][1:4] == ["⑩-1", "ベンダ評価の実施", "作業中"] and state["児童手当"][5] == "ベンダ定例会（10月）で確認"
    business = {r[1]: r for r in rows("2 業務ごとの状況")[3:]}
    assert business["児童手当"][10:12] == ["株式会社ミドリ電算", "標準準拠パッケージ 2025"]
    assert "2 予算の執行（発令日の年度）" in book.sheet_names
    tasks = rows("5 未完了のタスク")[3:]
    assert tasks[0][1] == "期限切れ" and tasks[0][3] == "移行リハーサル結果の報告書を確認"
    duty = next(r for r in rows("4 定例業務")[3:] if r[0] == "人事異動後の利用者アカウントの棚卸し")
    assert duty[1:] == ["毎年 4月10日", "2027年: 4/9"]


def test_xlsx_prints_on_a4_with_repeated_headers(xlsx):
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        if ws.title == "_meta":
            assert ws.sheet_state == "hidden"
            continue
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_area
        if ws.title != "表紙":
            assert ws.print_title_rows == "$3:$3"
        # the running header has a band of its own above the title (top margin − header margin ≥ 0.5 inch)
        assert ws.page_margins.top - ws.page_margins.header >= 0.5 and ws.page_margins.bottom - ws.page_margins.footer >= 0.5


def test_xlsx_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    store = create_demo(tmp_path / "demo.sqlite3", clock=DayClock(date(2026, 11, 20)))
    try:
        s = open_services(store, lambda: "デモ 太郎", DayClock(date(2026, 11, 20)))
        s.handover.add_note('=HYPERLINK("http://x","y")', "policy", body="@SUM(1)")
        report = s.handover_report.build(
            predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7)
        )
        out = write_handover_xlsx(report, tmp_path / "f.xlsx")
    finally:
        store.close()
    ws = load_workbook(out)["3 方針・意見"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in ('=HYPERLINK("http://x","y")', "@SUM(1)")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_someone_else_s_file_is_refused_and_left_untouched(demo, qapp, tmp_path, suffix):
    _, report = demo
    target = tmp_path / f"大事な書類{suffix}"
    target.write_bytes(b"%PDF-1.4 not ours" if suffix == ".pdf" else b"PK\x03\x04 not ours")
    write = write_handover_pdf if suffix == ".pdf" else write_handover_xlsx
    with pytest.raises(OutputError, match="上書きしません"):
        write(report, target)
    assert target.read_bytes() in (b"%PDF-1.4 not ours", b"PK\x03\x04 not ours")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left behind


def test_an_earlier_handover_document_is_replaced(demo, qapp, tmp_path):
    _, report = demo
    for write, check, name in ((write_handover_pdf, is_handover_pdf, "a.pdf"), (write_handover_xlsx, is_handover_xlsx, "a.xlsx")):
        first = write(report, tmp_path / name)
        first.write_bytes(first.read_bytes())  # the same bytes, a fresh mtime
        again = write(report, tmp_path / name)
        assert again == first and check(again)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "a.xlsx"]


def test_no_japanese_font_is_a_clear_error(demo, qapp, tmp_path, monkeypatch):
    from PySide6.QtGui import QFontDatabase

    _, report = demo
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *_args: []))
    with pytest.raises(OutputError, match="日本語のフォントが見つからない"):
        write_handover_pdf(report, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []
