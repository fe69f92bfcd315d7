"""The status pack read back: sheets and their order, headers, values against the known ledger, the colours that
carry meaning, print settings, the chart, _meta; first and later packs; refusals, cancel and a full disk."""

from __future__ import annotations

import errno
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from soloit import reference
from soloit.exchange import pack as pack_module
from soloit.exchange.pack import FIRST_CHANGE, PACK_SCHEMA_VERSION, SHEETS, read_pack
from soloit.exchange.soumu_sheet import headers as ministry_headers
from soloit.services.bundle import open_services
from soloit.services.errors import OutputError, ValidationError
from soloit.store.db import open_database
from tests.exchange.conftest import AS_OF, export, known_ledger


@pytest.fixture
def exported(known, tmp_path):
    result = export(known, tmp_path / "pack.xlsx")
    return result, openpyxl.load_workbook(result.path)


def test_sheets_in_order_and_meta_hidden(exported):
    _result, wb = exported
    assert wb.sheetnames == [
        "表紙", "進捗サマリ", "業務別ステップ別進捗一覧", "スケジュール", "その他システム", "DX取組", "予算", "契約",
        "前回報告からの変更", "_meta",
    ]
    assert list(SHEETS) == wb.sheetnames
    assert [wb[n].sheet_state for n in wb.sheetnames] == ["visible"] * 9 + ["hidden"]


def test_cover_states_the_municipality_and_the_as_of_date_in_both_calendars(exported):
    _result, wb = exported
    ws = wb["表紙"]
    cover = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, 11)}
    assert cover["団体名"] == "札幌市"
    assert cover["団体コード"] == "011002"
    assert cover["都道府県"] == "北海道"
    assert cover["基準日"] == "令和8年11月22日"
    assert cover["基準日（西暦）"] == "2026-11-22"
    assert cover["作成者"] == "情報政策課 テスト 花子"
    assert cover["全体の完了率"] == pytest.approx(0.0675)  # (25% + 100% + 10%) / 20
    assert ws.cell(10, 2).number_format == "0.0%"
    # each sheet's title states the as-of date as the 事務引継書 writes dates: 和暦 with 西暦
    assert "（基準日 令和8年11月22日（2026/11/22））" in wb["進捗サマリ"].cell(1, 1).value
    assert "（基準日 令和8年11月22日（2026/11/22））" in wb["スケジュール"].cell(1, 1).value


def test_summary_rows_rates_vendors_and_totals(exported):
    _result, wb = exported
    ws = wb["進捗サマリ"]
    header = [ws.cell(3, c).value for c in range(1, 20)]
    assert header[:5] == ["No.", "業務名", "完了率", "作業中率", "未着手率"]
    assert "現行ベンダ" in header and "移行先（標準準拠）製品" in header and "特定移行支援の事由" in header
    names = [ws.cell(r, 2).value for r in range(4, 24)]
    assert names == [b.name_ja for b in reference.load().businesses]  # 政令 order
    col = {text: i + 1 for i, text in enumerate(header)}
    koseki = 4 + 10  # 戸籍 is 11th
    assert [ws.cell(koseki, c).value for c in (3, 4, 5)] == [0.25, 0.05, 0.7]
    assert ws.cell(koseki, 3).number_format == "0.0%"
    assert ws.cell(koseki, col["現行ベンダ"]).value == "株式会社北海情報"
    assert ws.cell(koseki, col["移行先（標準準拠）ベンダ"]).value == "標準システム株式会社"
    assert ws.cell(koseki, col["稼働環境"]).value == "ガバメントクラウド"
    assert ws.cell(koseki, col["特定移行支援システム"]).value == "該当"
    assert ws.cell(koseki, col["特定移行支援の事由"]).value == "現行で個別開発システムで運用されているもの"
    assert ws.cell(koseki, col["移行完了目標日"]).value.date() == date(2028, 3, 31)
    assert ws.cell(koseki, col["本番稼働予定日"]).value.date() == date(2027, 1, 4)
    jumin = 4 + 2
    assert ws.cell(jumin, 3).value == 1.0 and ws.cell(jumin, col["本番稼働日（実績）"]).value.date() == date(2026, 1, 4)
    assert ws.cell(24, 2).value == "全体（20業務の平均）"
    assert ws.cell(24, 3).value == pytest.approx(0.0675)
    assert ws.cell(24, col["特定移行支援システム"]).value == "1 業務"


def test_summary_colours_carry_meaning(exported):
    _result, wb = exported
    ws = wb["進捗サマリ"]
    rules = {str(rng.sqref): [r for r in rng.rules] for rng in ws.conditional_formatting}
    rate_rules = rules["C4:C23"]
    by_operator = {r.operator: r for r in rate_rules}
    assert by_operator["greaterThanOrEqual"].formula == ["1"]
    assert by_operator["greaterThanOrEqual"].dxf.fill.bgColor.rgb.endswith("C8E6C9")  # green: done
    assert by_operator["lessThan"].formula == ["0.5"] and by_operator["lessThan"].dxf.fill.bgColor.rgb.endswith("FFCDD2")
    late = rules["G4:G23"][0]
    assert "DATE(2026,11,22)" in late.formula[0] and late.dxf.font.color.rgb.endswith("C62828")


def test_summary_has_a_bar_chart_of_the_completion_rates(exported):
    _result, wb = exported
    charts = wb["進捗サマリ"]._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart" and chart.type == "bar"
    series = chart.series[0]
    assert series.val.numRef.f == "'進捗サマリ'!$C$4:$C$23"
    assert series.cat.numRef.f == "'進捗サマリ'!$B$4:$B$23"
    assert chart.y_axis.scaling.max == 1


def test_ministry_sheet_is_exactly_the_ministry_layout(exported):
    _result, wb = exported
    ws = wb["業務別ステップ別進捗一覧"]
    assert [c.value for c in ws[1]] == ministry_headers()
    assert ws.cell(1, 4).value == "①-1 推進体制案の作成"
    assert ws.cell(1, 9).value == "②-3 移行に係る現行システムベンダとの打合せ・役割の 認識合わせ"  # as published
    assert ws.max_row == 21 and ws.max_column == 43
    labels = [ws.cell(r, 3).value for r in range(2, 22)]
    assert labels[:3] == ["住民記録", "選挙人名簿管理", "固定資産税"] and labels[-2:] == ["戸籍附票", "印鑑登録"]
    assert {ws.cell(r, 1).value for r in range(2, 22)} == {"北海道"} and {ws.cell(r, 2).value for r in range(2, 22)} == {"札幌市"}
    koseki = 2 + labels.index("戸籍")
    words = [ws.cell(koseki, c).value for c in range(4, 44)]
    assert words == ["完了済み"] * 10 + ["作業中"] * 2 + ["未着手"] * 28
    inkan = 2 + labels.index("印鑑登録")
    assert ws.cell(inkan, 4).value == "対象外"
    ref = reference.load()
    for row, code in ((koseki, "done"), (koseki, "in_progress"), (inkan, "not_applicable")):
        column = {"done": 4, "in_progress": 14, "not_applicable": 4}[code]
        assert ws.cell(row, column).fill.fgColor.rgb.endswith(ref.status_by_code[code].color.lstrip("#").upper())
    assert ws.freeze_panes == "D2"


def test_schedule_marks_windows_go_lives_fiscal_years_and_deadlines(exported):
    _result, wb = exported
    ws = wb["スケジュール"]
    months = [ws.cell(4, c).value for c in range(5, ws.max_column + 1)]
    assert len(months) == 12 * 5 and months[:3] == ["4", "5", "6"]  # 令和8年度 (FY2026) … 2030年度
    assert ws.cell(3, 5).value == "令和8年度（FY2026）" and ws.cell(3, 5 + 48).value == "令和12年度（FY2030）"
    names = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1)]
    koseki = 5 + names.index("戸籍")
    fills = [ws.cell(koseki, c).fill.fgColor.rgb[-6:] for c in range(5, 5 + 12)]
    # April 2026 – December 2026 planned, January 2027 the go-live (★), February–March nothing
    assert fills[:9] == ["BBDEFB"] * 9 and fills[9] == "1565C0" and ws.cell(koseki, 5 + 9).value == "★"
    assert ws.cell(koseki, 5 + 10).fill.fgColor.rgb[-6:] != "BBDEFB"
    jumin = 5 + names.index("住民基本台帳")
    assert all(ws.cell(jumin, c).value is None for c in range(5, ws.max_column + 1))  # went live before FY2026
    assert ws.cell(4, 5 + 7).fill.fgColor.rgb.endswith("FFCC80")  # November 2026: the as-of month
    first, last = ws.cell(5, 5).border, ws.cell(5, ws.max_column).border
    assert first.left.style == "thick" and first.left.color.rgb.endswith("D32F2F")  # 2026-03-31
    assert last.right.style == "thick" and last.right.color.rgb.endswith("D32F2F")  # 2031-03-31
    assert ws.cell(5, 5 + 12).border.left.style == "medium"  # April 2027: a 年度 boundary
    assert "財務会計" in names


def test_schedule_draws_the_2026_deadline_inside_when_the_year_starts_before_it(known, tmp_path):
    result = export(known, tmp_path / "early.xlsx", as_of=date(2025, 11, 1))
    ws = openpyxl.load_workbook(result.path)["スケジュール"]
    assert ws.cell(3, 5).value == "令和7年度（FY2025）"
    march_2026 = 5 + 11
    assert ws.cell(5, march_2026).border.right.style == "thick" and ws.cell(5, 5).border.left.style != "thick"


def test_other_systems_have_the_same_columns_with_blank_rates(exported):
    _result, wb = exported
    ws, summary = wb["その他システム"], wb["進捗サマリ"]
    assert [ws.cell(3, c).value for c in range(3, 20)] == [summary.cell(3, c).value for c in range(3, 20)]
    assert ws.cell(3, 2).value == "システム名"
    assert ws.cell(4, 2).value == "財務会計" and [ws.cell(4, c).value for c in (3, 4, 5)] == [None, None, None]
    assert ws.cell(4, 9).value == "オンプレミス"


def test_print_setup_on_every_sheet(exported):
    _result, wb = exported
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        # A4, or A3 for the ministry's sheet and the schedule (one table each); sizes on paper: test_print_layout.py
        assert int(ws.page_setup.paperSize) == (8 if ws.title in ("業務別ステップ別進捗一覧", "スケジュール") else 9), ws.title
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        else:
            assert ws.print_title_cols and 70 <= ws.page_setup.scale <= 100, ws.title
        assert ws.oddFooter.center.text == "&P / &N ページ"
    titles = {ws.title: ws.print_title_rows for ws in wb.worksheets}
    assert titles["進捗サマリ"] == "$2:$3" and titles["業務別ステップ別進捗一覧"] == "$1:$1" and titles["前回報告からの変更"] == "$3:$3"
    assert titles["スケジュール"] == "$3:$4" and titles["その他システム"] == "$2:$3"
    assert wb["進捗サマリ"].freeze_panes == "C4" and wb["前回報告からの変更"].freeze_panes == "A4"


def test_meta_states_version_identity_and_the_head(exported, store):
    result, wb = exported
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    facts = store.facts()
    assert meta["format"] == "soloit-status-pack" and meta["pack_schema_version"] == PACK_SCHEMA_VERSION == 2
    assert meta["database_identity"] == facts.identity and meta["lg_code"] == "011002" and meta["as_of"] == "2026-11-22"
    assert meta["demo"] == "false"
    # the export itself is journaled after the pack states the head it was made from
    assert meta["journal_count"] == facts.journal_count - 1 == result.report.journal_count
    assert meta["journal_head"] == store.query("SELECT hash FROM journal WHERE id = ?", (facts.journal_count - 1,))[0][0]
    assert meta["generated_at"].endswith("+00:00") and meta["soloit_version"]


def test_the_first_pack_says_so_and_the_next_lists_every_change_since_newest_first(known, tmp_path, store):
    first = export(known, tmp_path / "first.xlsx")
    ws = openpyxl.load_workbook(first.path)["前回報告からの変更"]
    assert ws.cell(2, 1).value.startswith(FIRST_CHANGE) and ws.cell(4, 1).value is None
    assert first.recorded and first.report.previous is None

    later = open_services(store, lambda: "後任 次郎")
    later.ledger.set_statuses([("koseki", 11)], "done", reason="課長決裁")
    later.ledger.edit_cell("koseki", 12, "note", "ベンダ回答待ち")
    second = export(later, tmp_path / "second.xlsx", as_of=date(2026, 12, 20))
    ws = openpyxl.load_workbook(second.path)["前回報告からの変更"]
    assert "前回の報告: 基準日 令和8年11月22日" in ws.cell(2, 1).value and "変更 3 件" in ws.cell(2, 1).value
    assert [c.value for c in ws[3]] == ["日時", "対象", "内容（変更前 → 変更後）", "理由", "変更者"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[1] for r in rows] == ["戸籍 ステップ④-3", "戸籍 ステップ④-2", "戸籍 ステップ④-2"]
    assert rows[0][2] == "メモ: （なし） → ベンダ回答待ち" and rows[0][4] == "後任 次郎"
    assert rows[1][2].startswith("実績日: （なし） → 2026/") and rows[1][2].endswith("（完了済みにしたため自動入力）")
    assert rows[2][2] == "ステータス: 作業中 → 完了済み" and rows[2][3] == "課長決裁"
    assert second.report.previous.as_of == AS_OF and second.report.previous.journal_count == first.report.journal_count

    third = export(later, tmp_path / "third.xlsx", as_of=date(2026, 12, 21))
    ws = openpyxl.load_workbook(third.path)["前回報告からの変更"]
    assert ws.cell(4, 1).value == "前回の報告からの変更はありません。"


def test_exports_are_in_the_journal_and_narrated(known, tmp_path):
    export(known, tmp_path / "p.xlsx")
    line = known.journal.history(limit=1)[0]
    assert line.sentence() == "県への報告パックを出力（基準日 2026/11/22）" and line.actor == "テスト 花子"


def test_same_database_and_as_of_give_the_same_cells(known, store, tmp_path):
    """Two copies of one database file, exported on the same as-of date: every cell equal but _meta's time."""
    copy = tmp_path / "copy.sqlite3"
    store.close()
    shutil.copy(store.path, copy)
    twin = open_database(copy)
    try:
        a = export(open_services(open_database(store.path), lambda: "テスト 花子"), tmp_path / "a.xlsx")
        b = export(open_services(twin, lambda: "テスト 花子"), tmp_path / "b.xlsx")
    finally:
        twin.close()

    def cells(path: Path) -> dict:
        wb = openpyxl.load_workbook(path)
        return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if not (ws.title == "_meta" and c.row == 6)}  # generated_at

    assert a.path != b.path and cells(a.path) == cells(b.path)


def test_round_trip_of_the_known_ledger(exported):
    result, _wb = exported
    back = read_pack(result.path)
    assert back.report == result.report
    assert back.meta.as_of == AS_OF and back.meta.schema_version == PACK_SCHEMA_VERSION


def test_an_existing_file_is_replaced_only_when_it_is_a_pack_of_this_database(known, tmp_path):
    mine = tmp_path / "mine.xlsx"
    export(known, mine)
    export(known, mine, as_of=date(2026, 11, 30))
    assert read_pack(mine).report.as_of == date(2026, 11, 30)

    user_file = tmp_path / "予算.xlsx"
    user_file.write_bytes(b"the user's own workbook")
    with pytest.raises(OutputError, match="soloit の報告パックではないため上書きしません"):
        export(known, user_file)
    assert user_file.read_bytes() == b"the user's own workbook"

    from soloit.services.setup import create_ledger

    third = create_ledger(tmp_path / "third.sqlite3", "13", "府中市", "132063", actor="x")
    try:
        theirs = tmp_path / "theirs.xlsx"
        export(open_services(third, lambda: "x"), theirs)
        before = theirs.read_bytes()
        with pytest.raises(OutputError, match="別のデータベース（団体コード 132063）"):
            export(known, theirs)
        assert theirs.read_bytes() == before
    finally:
        third.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "soloit-tmp" in p.name) == []


def test_a_cancelled_export_writes_nothing_and_records_nothing(known, tmp_path, store):
    class Cancelled(Exception):
        pass

    class CancelAt:
        def __init__(self, at: int) -> None:
            self.at, self.seen = at, 0

        def report(self, done, total, text=""):
            self.seen = done

        def check(self):
            if self.seen >= self.at:
                raise Cancelled

    count = store.facts().journal_count
    for at in (1, 4, 7):
        with pytest.raises(Cancelled):
            export(known, tmp_path / "cancel.xlsx", progress=CancelAt(at))
        assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite3")] == []
    assert store.facts().journal_count == count


def test_a_full_disk_is_a_message_and_leaves_no_file(known, tmp_path, store, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    def full(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"PK partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    monkeypatch.setattr(Workbook, "save", full)
    count = store.facts().journal_count
    with pytest.raises(OutputError, match="ディスクの空き容量が足りません") as caught:
        export(known, tmp_path / "full.xlsx")
    assert "何も出力していません" in caught.value.message_ja
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite3")] == []
    assert store.facts().journal_count == count


def test_a_read_only_database_exports_without_recording(known, tmp_path, store):
    result = export(known, tmp_path / "ro.xlsx", record=False)
    assert result.path.exists() and not result.recorded and "変更記録に残していません" in result.warning


def test_prepared_by_is_checked_like_a_name(known, tmp_path):
    with pytest.raises(ValidationError) as caught:
        export(known, tmp_path / "x.xlsx", prepared_by="名前\x07")
    assert caught.value.field_label == "作成者"
    assert not (tmp_path / "x.xlsx").exists()


def test_the_demo_round_trips(tmp_path):
    from soloit.services.demo import create_demo

    store = create_demo(tmp_path / "demo.sqlite3", today=date(2026, 12, 6))
    try:
        services = open_services(store, lambda: "デモ 太郎")
        result = export(services, tmp_path / "demo.xlsx", as_of=date(2026, 12, 6))
        back = read_pack(result.path)
        assert back.report == result.report and back.meta.demo
        assert len(back.report.others) == len([s for s in services.ledger.systems() if s.business_code is None]) > 0
        cover = openpyxl.load_workbook(result.path)["表紙"]
        assert any("デモ用データベース" in str(c.value) for row in cover.iter_rows() for c in row)
    finally:
        store.close()


def test_a_newer_pack_is_refused_with_a_message(exported, tmp_path, monkeypatch):
    result, _wb = exported
    monkeypatch.setattr(pack_module, "PACK_SCHEMA_VERSION", 0)
    from soloit.services.errors import FileImportError

    with pytest.raises(FileImportError, match="新しい版の soloit"):
        read_pack(result.path)


def test_a_workbook_that_is_not_a_pack_is_refused(tmp_path):
    from soloit.services.errors import FileImportError

    wb = openpyxl.Workbook()
    wb.active["A1"] = "予算"
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(FileImportError, match="soloit の報告パックではありません"):
        read_pack(tmp_path / "book.xlsx")
    (tmp_path / "text.xlsx").write_text("not a zip")
    with pytest.raises(FileImportError, match="Excel ファイル"):
        read_pack(tmp_path / "text.xlsx")


def test_the_package_has_no_macros_and_no_external_links(exported):
    result, _wb = exported
    with zipfile.ZipFile(result.path) as z:
        names = z.namelist()
    assert not any("vbaProject" in n for n in names) and not any("externalLink" in n for n in names)


def test_known_ledger_helper_is_stable(store):
    """The facts the assertions above rely on (so a change to the helper shows here first)."""
    services = known_ledger(store)
    report = services.report.status_report(AS_OF, "x")
    assert report.overall.complete == pytest.approx(0.0675)
    assert [s.name for s in report.others] == ["財務会計"]


def test_the_budget_sheet_totals_per_funding_source(tmp_path):
    """The demo's 令和8年度 lines: a 合計 row under the table and the totals per funding source below it."""
    from soloit.services.demo import FIXED_DEMO_DAY, create_demo

    store = create_demo(tmp_path / "demo.sqlite3", today=FIXED_DEMO_DAY)
    try:
        services = open_services(store, lambda: "デモ 太郎")
        result = export(services, tmp_path / "pack.xlsx", as_of=date(2026, 11, 22))
    finally:
        store.close()
    ws = openpyxl.load_workbook(result.path)["予算"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows[4][1:9] == ["合計（4件）", None, None, 133_300_000, 130_000_000, 128_210_000, 63_810_000, 0.491]
    sources = {r[1]: (r[2], r[5], r[10]) for r in rows[8:12]}
    assert sources == {
        "デジタル基盤改革支援補助金": (1, 95_000_000, 95_000_000),
        "一般財源": (2, 30_500_000, 0),
        "新しい地方経済・生活環境創生交付金": (1, 4_500_000, 2_250_000),
        "合計": (4, 130_000_000, 97_250_000),
    }
    assert ws["A1"].value.startswith("予算　令和8年度（FY2026）")
