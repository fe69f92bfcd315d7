"""The ministry's step sheet: the shared sample, generated sheets with every variant, every error naming sheet, row
and column, and the import (preview, all-or-nothing, a backup first, one journal entry per changed cell)."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from soloit import reference
from soloit.exchange.operations import apply_soumu_import, parse_municipality, preview_soumu_import
from soloit.exchange.soumu_sheet import header_matches, headers, municipalities, read_statuses, sheet_order
from soloit.services.bundle import open_services
from soloit.services.errors import FileImportError, ValidationError
from soloit.store.backup import list_backups
from tests.helpers import DayClock

SAMPLE = Path(__file__).parents[2].parent / "shared" / "samples" / "soumu_step_sheet_sample.xlsx"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "soumu_step_sheet_sample.xlsx"


@pytest.fixture(scope="module")
def sample() -> Path:
    """The shared sample (kept as a test fixture too, so the tests run where ../shared is not)."""
    return SAMPLE if SAMPLE.exists() else FIXTURE


def test_the_fixture_is_the_shared_sample():
    if SAMPLE.exists():
        assert FIXTURE.read_bytes() == SAMPLE.read_bytes()


def test_the_sample_reads_with_known_values(sample):
    sheet = read_statuses(sample, "茨城県", "さくら町")
    assert sheet.sheet == "業務別ステップ別進捗一覧" and set(sheet.statuses) == {b.code for b in reference.load().businesses}
    assert sheet.rows["jumin_kihon_daicho"] == 2 and sheet.rows["inkan_toroku"] == 21  # 住民記録 first, 印鑑登録 last
    assert sheet.statuses["jumin_kihon_daicho"][:2] == ("done", "done")
    assert sheet.statuses["kei_jidoshazei"][0] == "not_applicable"
    assert sheet.statuses["kenko_kanri"][1] == "not_applicable"
    everything = Counter(code for statuses in sheet.statuses.values() for code in statuses)
    assert sum(everything.values()) == 800
    assert set(everything) <= {"done", "in_progress", "not_started", "not_applicable"}
    other = read_statuses(sample, "埼玉県", "あおば市")
    assert other.statuses["jumin_kihon_daicho"][0] == "not_applicable" and other.rows["jumin_kihon_daicho"] == 42


def test_the_sample_lists_its_municipalities(sample):
    assert municipalities(sample) == [("茨城県", "さくら町"), ("茨城県", "みどり村"), ("埼玉県", "あおば市")]


def test_blank_and_未_are_not_started_in_the_sample(sample):
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(sample)).get_sheet_by_name("業務別ステップ別進捗一覧").to_python()
    sheet = read_statuses(sample, "茨城県", "みどり村")
    words = {(r, c): rows[r][c] for r in range(21, 41) for c in range(3, 43)}
    for (r, c), word in words.items():
        code = sheet.statuses[next(k for k, v in sheet.rows.items() if v == r + 1)][c - 3]
        expected = {"完了済み": "done", "作業中": "in_progress", "対象外": "not_applicable", "未": "not_started", "": "not_started"}
        assert code == expected[word], (r + 1, c + 1, word)


# --- generated sheets -----------------------------------------------------------------------------------------


def make_sheet(path: Path, rows: list[list], *, header: list | None = None, above: list[list] | None = None,
               sheet: str = "業務別ステップ別進捗一覧") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in above or []:
        ws.append(line)
    ws.append(header or headers())
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def municipality_rows(prefecture: str, name: str, word: str = "完了済み", *, labels: dict[str, str] | None = None) -> list[list]:
    labels = labels or {}
    return [[prefecture, name, labels.get(b.code, b.label_soumu_sheet), *([word] * 40)] for b in sheet_order()]


def test_every_variant_is_accepted(tmp_path):
    ref = reference.load()
    header = ["都道府県名 ", "市区町村名", "業務名"]
    for step in ref.steps:  # whitespace, full-width forms, no number, 「ステップN」, the normalised name
        variants = [
            f"{step.number}{step.name_ja_as_published}",
            f"  {step.number}　{step.name_ja} ",
            step.name_ja_as_published,
            f"ステップ{step.seq} {step.name_ja}",
            f"{step.seq}. {step.name_ja}",
            f"（{step.seq}）{step.name_ja}".replace("（", "(").replace("）", ")"),
        ]
        header.append(variants[step.seq % len(variants)])
    rows = municipality_rows("東京都", "府中市", labels={"jumin_kihon_daicho": "住民基本台帳", "koseki_fuhyo": "戸籍の附票",
                                                   "kokumin_kenko_hoken": "国保"})
    words = ["完了", "済", "着手", "実施中", "未", "", "該当なし", "　完了済み　", "作業中", "対象外", "未着手", None]
    expected = ["done", "done", "in_progress", "in_progress", "not_started", "not_started", "not_applicable", "done",
                "in_progress", "not_applicable", "not_started", "not_started"]
    for i, row in enumerate(rows):
        for step in range(40):
            row[3 + step] = words[(i + step) % len(words)]
    other = municipality_rows("広島県", "府中市", "対象外")
    path = make_sheet(tmp_path / "variants.xlsx", other + rows, header=header, above=[["令和8年1月時点"], []])
    sheet = read_statuses(path, "東京都", "府中市")
    for i, business in enumerate(sheet_order()):
        assert sheet.statuses[business.code] == tuple(expected[(i + step) % len(words)] for step in range(40)), business.code
    assert read_statuses(path, "広島県", "府中市").statuses["koseki"] == ("not_applicable",) * 40  # the same name elsewhere
    assert read_statuses(path, " 東京都", "府中市 ").municipality == "府中市"


def test_header_matching_is_loose_but_not_blind():
    assert header_matches("①-1 推進体制案の作成", 1)
    assert header_matches("①－１　推進体制案の作成", 1)  # full-width dash, digit and space
    assert header_matches("推進体制案の作成", 1)
    assert not header_matches("②-1 推進体制案の作成", 1)  # another step's number
    assert not header_matches("①-2 関連部局との調整・担当者名簿の作成", 1)
    assert not header_matches("", 1)
    assert header_matches("②-3 移行に係る現行システムベンダとの打合せ・役割の認識合わせ", 6)  # no stray space


def _error(path: Path, *where: str) -> FileImportError:
    with pytest.raises(FileImportError) as caught:
        read_statuses(path, *where)
    return caught.value


def test_an_unknown_status_word_names_sheet_row_and_column(tmp_path):
    rows = municipality_rows("北海道", "札幌市")
    rows[4][3 + 9] = "済み？"
    error = _error(make_sheet(tmp_path / "bad.xlsx", rows), "北海道", "札幌市")
    assert (error.sheet, error.row, error.column) == ("業務別ステップ別進捗一覧", 6, 13)
    assert error.message_ja.startswith("「bad.xlsx」のシート「業務別ステップ別進捗一覧」の 6 行目・M 列（13 列目）: ")
    assert "ステータス「済み？」は使えません" in error.message_ja


def test_a_wrong_header_names_its_column(tmp_path):
    header = headers()
    header[3 + 24] = "⑩-1 ベンダ評価の実施"  # step 25's column holds step 26
    error = _error(make_sheet(tmp_path / "hdr.xlsx", municipality_rows("北海道", "札幌市"), header=header), "北海道", "札幌市")
    assert (error.row, error.column) == (1, 28) and "ステップ 25（⑨-3 ベンダからのRFP回答受領）" in error.message_ja
    short = headers()[:30]
    error = _error(make_sheet(tmp_path / "short.xlsx", [r[:30] for r in municipality_rows("北海道", "札幌市")], header=short),
                   "北海道", "札幌市")
    assert error.column == 31 and "空です" in error.message_ja
    fixed = headers()
    fixed[1] = "団体名"
    error = _error(make_sheet(tmp_path / "fixed.xlsx", [], header=fixed), "北海道", "札幌市")
    assert "見出し" in error.message_ja


def test_a_missing_business_or_municipality_or_an_unknown_label(tmp_path):
    rows = municipality_rows("北海道", "札幌市")
    error = _error(make_sheet(tmp_path / "missing.xlsx", rows[:-1]), "北海道", "札幌市")
    assert "「北海道 札幌市」の行（2〜20 行目）に、業務 「印鑑登録」 の行がありません" in error.message_ja
    assert "2〜20 行目" in error.message_ja
    error = _error(make_sheet(tmp_path / "muni.xlsx", municipality_rows("広島県", "府中市")), "東京都", "府中市")
    assert "「東京都 府中市」の行がありません" in error.message_ja and "広島県" in error.message_ja
    rows = municipality_rows("北海道", "札幌市")
    rows[3][2] = "住民税"
    error = _error(make_sheet(tmp_path / "label.xlsx", rows), "北海道", "札幌市")
    assert (error.row, error.column) == (5, 3) and "業務名「住民税」" in error.message_ja
    rows = municipality_rows("北海道", "札幌市")
    rows[5][2] = rows[4][2]
    error = _error(make_sheet(tmp_path / "dup.xlsx", rows), "北海道", "札幌市")
    assert error.row == 7 and "6 行目にもあります" in error.message_ja


def test_a_file_that_is_not_the_sheet(tmp_path):
    (tmp_path / "text.xlsx").write_text("これは Excel ではありません")
    assert "Excel ファイル（.xlsx）として読み取れません" in _error(tmp_path / "text.xlsx", "北海道", "札幌市").message_ja
    error = _error(make_sheet(tmp_path / "other.xlsx", [], sheet="集計"), "北海道", "札幌市")
    assert "シート「業務別ステップ別進捗一覧」がありません（あるシート: 「集計」）" in error.message_ja
    assert "見つかりません" in _error(tmp_path / "none.xlsx", "北海道", "札幌市").message_ja
    error = _error(make_sheet(tmp_path / "title.xlsx", [], header=["集計表"], above=[[]] * 12), "北海道", "札幌市")
    assert "見出し" in error.message_ja


def test_parse_municipality():
    assert parse_municipality("東京都/府中市") == ("東京都", "府中市")
    assert parse_municipality(" 広島県／府中市 ") == ("広島県", "府中市")
    with pytest.raises(ValidationError):
        parse_municipality("府中市")


# --- the import ----------------------------------------------------------------------------------------------------


@pytest.fixture
def services(store):
    return open_services(store, lambda: "テスト 花子", DayClock(date(2026, 11, 20)))


def sapporo_sheet(tmp_path: Path) -> Path:
    rows = municipality_rows("北海道", "札幌市", "未")
    koseki = next(i for i, b in enumerate(sheet_order()) if b.code == "koseki")
    rows[koseki][3:6] = ["完了済み", "作業中", "対象外"]
    other = municipality_rows("北海道", "函館市", "完了済み")
    return make_sheet(tmp_path / "全国_令和8年1月.xlsx", other + rows)


def test_preview_then_import_writes_one_entry_per_cell_with_the_file_as_reason(services, store, tmp_path):
    path = sapporo_sheet(tmp_path)
    plan = preview_soumu_import(services, path)  # the profile's 北海道 札幌市, not 函館市 in the same file
    assert [(u.business_code, u.seq, u.old, u.new) for u in plan.updates] == [
        ("koseki", 1, "not_started", "done"), ("koseki", 2, "not_started", "in_progress"),
        ("koseki", 3, "not_started", "not_applicable"),
    ]
    assert plan.unchanged == 797 and "1 業務の 3 セルが変わります" in plan.summary_ja()
    before = store.facts().journal_count
    backups = tmp_path / "backups"
    changeset = apply_soumu_import(services, plan, backup_dir=backups, clock=DayClock(date(2026, 11, 20)))
    ledger = services.ledger
    assert ledger.cell("koseki", 1).status == "done" and ledger.cell("koseki", 1).actual_date == date(2026, 11, 20)
    assert ledger.cell("koseki", 2).status == "in_progress" and ledger.cell("koseki", 2).actual_date is None
    entries = services.journal.entries(limit=50)
    new = [e for e in entries if e.id > before]
    status_entries = [e for e in new if e.field == "status"]
    assert len(status_entries) == 3 and {e.entity_key for e in status_entries} == {"koseki/1", "koseki/2", "koseki/3"}
    assert {e.reason for e in new} == {"総務省の進捗シート「全国_令和8年1月.xlsx」から取り込み"} and {e.action for e in new} == {"import"}
    assert changeset.batch == new[0].batch
    made = list_backups(backups)
    assert [b.kind for b in made] == ["pre-import"] and made[0].journal_count == before


def test_an_import_is_refused_whole_when_the_ledger_changed_since_the_preview(services, store, tmp_path):
    plan = preview_soumu_import(services, sapporo_sheet(tmp_path))
    services.ledger.set_statuses([("koseki", 3)], "done")
    count = store.facts().journal_count
    with pytest.raises(ValidationError, match="確認した後に台帳が変わりました"):
        apply_soumu_import(services, plan, backup_dir=None)
    assert store.facts().journal_count == count and services.ledger.cell("koseki", 1).status == "not_started"


def test_an_unchanged_sheet_changes_nothing(services, store, tmp_path):
    path = make_sheet(tmp_path / "same.xlsx", municipality_rows("北海道", "札幌市", ""))
    plan = preview_soumu_import(services, path)
    assert plan.updates == () and "変更はありません" in plan.summary_ja()
    count = store.facts().journal_count
    assert not apply_soumu_import(services, plan, backup_dir=tmp_path / "b")
    assert store.facts().journal_count == count and not (tmp_path / "b").exists()


def test_a_pack_is_a_ministry_sheet_too(known, tmp_path, template_ledger, db_path):
    """The pack's 業務別ステップ別進捗一覧 carries the ministry's layout: another copy of the ledger takes it in."""
    from soloit.store.db import open_database
    from tests.exchange.conftest import export

    result = export(known, tmp_path / "pack.xlsx")
    fresh_path = tmp_path / "fresh.sqlite3"
    shutil.copy(template_ledger, fresh_path)
    fresh = open_database(fresh_path)
    try:
        plan = preview_soumu_import(open_services(fresh, lambda: "x"), result.path)
        assert len(plan.updates) == 10 + 2 + 40 + 4
    finally:
        fresh.close()
