"""A pack reads back into exactly the report it was written from: over hypothesis-generated ledgers (every field,
formula-like and number-like text, Japanese, empty values), and over the fixture pack of every released schema."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soloit import reference
from soloit.domain.amounts import canonical
from soloit.domain.progress import business_rates, municipality_rate
from soloit.exchange.pack import PACK_SCHEMA_VERSION, read_pack, write_pack
from soloit.services.plan_report import BudgetLine, ContractLine, InitiativeLine, KpiLine, PlanReport
from soloit.services.report import ChangeLine, PreviousPack, StatusReport, StepRow, SystemLine, _rounded

REF = reference.load()
FIXTURES = Path(__file__).parents[1] / "fixtures" / "packs"

ALPHABET = st.sampled_from(list("abcXYZ0123456789=+-@（）・ー株式会社戸籍システム情報 ") + ["\n"])
text = st.text(ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)
maybe_text = st.none() | text
day = st.dates(date(2000, 1, 1), date(2099, 12, 31))
maybe_day = st.none() | day
statuses = st.lists(st.sampled_from([s.code for s in REF.statuses]), min_size=40, max_size=40).map(tuple)


@st.composite
def system_line(draw, business_code: str | None, name: str, rates) -> SystemLine:
    return SystemLine(
        name=name, business_code=business_code, rates=rates,
        planned_start=draw(maybe_day), planned_go_live=draw(maybe_day), actual_go_live=draw(maybe_day),
        hosting=draw(st.none() | st.sampled_from([c.code for c in REF.hosting_kinds])),
        current_vendor=draw(maybe_text), current_product=draw(maybe_text),
        target_vendor=draw(maybe_text), target_product=draw(maybe_text),
        tokutei=draw(st.booleans()),
        tokutei_reason=draw(st.none() | st.sampled_from([c.code for c in REF.tokutei_reasons])),
        tokutei_reason_text=draw(maybe_text), tokutei_target_date=draw(maybe_day),
        department=draw(maybe_text), notes=draw(maybe_text),
    )


yen = st.none() | st.integers(0, 10**12)
decimal = st.none() | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(canonical)
joined = st.just("") | text
kpi = st.builds(KpiLine, text, maybe_text, decimal, decimal, maybe_day)
initiative = st.builds(
    InitiativeLine, text, st.just("") | st.sampled_from([c.label_ja for c in REF.dx_categories]),
    st.sampled_from([c.label_ja for c in REF.initiative_statuses]), maybe_text, maybe_day, maybe_day, joined, joined,
    st.lists(kpi, max_size=3).map(tuple),
)
budget_line = st.builds(
    BudgetLine, text, maybe_text, st.just("") | st.sampled_from([c.label_ja for c in REF.budget_kinds]),
    yen, yen, yen, yen, maybe_text, yen, joined,
)
contract = st.builds(
    ContractLine, text, maybe_text, maybe_day, maybe_day, yen, st.none() | st.integers(0, 730), maybe_day, maybe_text, joined,
    st.just("") | st.sampled_from(["更新する（2026/12/01 処理）", "申出済み（2027/01/12 処理）"]),
)
plans = st.builds(
    PlanReport, st.integers(2000, 2099), st.lists(initiative, max_size=4).map(tuple),
    st.lists(budget_line, max_size=4).map(tuple), st.lists(contract, max_size=3).map(tuple),
)


@st.composite
def reports(draw) -> StatusReport:
    cells = {b.code: draw(statuses) for b in REF.businesses}
    rates = {code: business_rates(codes) for code, codes in cells.items()}
    businesses = tuple(draw(system_line(b.code, b.name_ja, rates[b.code])) for b in REF.businesses)
    other_names = draw(st.lists(text, max_size=4))
    others = tuple(draw(system_line(None, name, None)) for name in other_names)
    previous = draw(st.none() | st.builds(PreviousPack, day, st.just("2026/11/22 10:31"), text, st.integers(0, 10**6)))
    changes = tuple(draw(st.lists(st.builds(ChangeLine, st.just("2026/12/01 09:00"), text, text, st.just("") | text, text),
                                  max_size=5))) if previous else ()
    return StatusReport(
        prefecture=draw(st.sampled_from([p.name_ja for p in REF.prefectures])),
        municipality=draw(text.filter(lambda t: "\n" not in t)),
        lg_code="011002", as_of=draw(day), prepared_by=draw(st.just("") | text.filter(lambda t: "\n" not in t)),
        overall=_rounded(municipality_rate(rates)),
        businesses=businesses,
        steps=tuple(StepRow(b.code, cells[b.code]) for b in REF.businesses),
        others=others, previous=previous, changes=changes,
        identity="f" * 32, demo=draw(st.booleans()), journal_count=draw(st.integers(0, 10**6)), journal_head="a" * 64,
        plan=draw(plans),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(report=reports())
def test_generated_ledgers_round_trip(tmp_path, report):
    path = tmp_path / "pack.xlsx"
    write_pack(report, path, generated_at="2026-12-06T00:00:00.000+00:00", soloit_version="test")
    back = read_pack(path)
    assert back.report == replace(report)
    assert back.meta.generated_at == "2026-12-06T00:00:00.000+00:00" and back.meta.schema_version == PACK_SCHEMA_VERSION


def test_a_fixture_pack_of_every_released_schema_version_still_reads():
    versions = sorted(FIXTURES.glob("pack-v*.xlsx"))
    assert [p.name for p in versions] == [f"pack-v{n}.xlsx" for n in range(1, PACK_SCHEMA_VERSION + 1)]
    for path in versions:
        pack = read_pack(path)
        report = pack.report
        # the fixture is the demo (tests/fixtures/make_fixture_pack.py), as of 2026-11-22, after one earlier pack
        assert report.municipality == "みどり野町（デモ）" and report.prefecture == "群馬県" and report.lg_code == "109991"
        assert report.as_of == date(2026, 11, 22) and pack.meta.demo
        assert len(report.businesses) == 20 and len(report.steps) == 20 and all(len(s.statuses) == 40 for s in report.steps)
        assert report.overall.complete == business_mean(report)
        assert report.previous is not None and report.previous.as_of == date(2026, 10, 31)
        assert [c.subject for c in report.changes] == ["戸籍 ステップ⑭-3"] + ["戸籍 ステップ⑭-2"] * 3  # newest first
        assert report.changes[1].what == "実績日: （なし） → 2026/11/22（完了済みにしたため自動入力）"
        assert report.changes[2].what == "ステータス: 作業中 → 完了済み" and report.changes[2].reason == "ベンダから完了報告"
        assert {c.when for c in report.changes} == {"2026/11/22 10:00"} and {c.actor for c in report.changes} == {"デモ 太郎"}


def business_mean(report: StatusReport) -> float:
    return round(sum(business_rates(s.statuses).complete for s in report.steps) / 20, 10)


def test_the_v1_fixture_has_no_plan_and_the_v2_fixture_reads_the_demo_plan():
    assert read_pack(FIXTURES / "pack-v1.xlsx").report.plan is None
    plan = read_pack(FIXTURES / "pack-v2.xlsx").report.plan
    assert plan is not None and plan.fiscal_year == 2026
    first = plan.initiatives[0]
    assert (first.title, first.status, first.department, first.systems) == (
        "書かないワンストップ窓口の導入", "実施中", "住民課", "住民基本台帳、印鑑登録"
    )
    assert [(k.name, k.target, k.actual, k.achievement) for k in first.kpis] == [
        ("書かない窓口の利用率", Decimal(80), Decimal("46.5"), Decimal("58.1")),
        ("オンライン申請の件数", Decimal(1200), Decimal(540), Decimal("45.0")),
    ]
    assert [len(i.kpis) for i in plan.initiatives] == [2, 1, 0, 1, 0]
    assert [(b.name, b.budget, b.spent, b.execution_rate) for b in plan.budget_lines] == [
        ("標準準拠システム移行経費", 95_000_000, 41_200_000, Decimal("43.4")),
        ("ガバメントクラウド利用料", 12_000_000, 5_940_000, Decimal("49.5")),
        ("窓口DX推進事業", 4_500_000, 4_350_000, Decimal("96.7")),
        ("現行システム保守委託", 18_500_000, 12_320_000, Decimal("66.6")),
    ]  # the 令和7年度 繰越 line is not in a 令和8年度 pack
    assert [(c.title, c.notice_date) for c in plan.contracts] == [
        ("現行住民記録システム保守業務委託", date(2026, 12, 28)),  # 2027/03/31 − 90 days is 12/31 (closed) → 12/28
        ("標準準拠システム導入・移行業務委託", date(2027, 7, 30)),  # 2027/09/30 − 60 days is Sunday 08/01 → Friday 07/30
        ("介護保険システム保守業務委託", date(2027, 3, 1)),
    ]
    assert all(c.notice_handling == "" for c in plan.contracts)  # a pack from before 申出の処理 reads as unhandled


def test_a_handled_notice_is_written_in_the_contract_sheet(tmp_path):
    import openpyxl

    from soloit.exchange.plan_sheets import CONTRACT_COLUMNS, write_contracts
    from soloit.exchange.xlsx_layout import add_styles

    line = ContractLine("保守委託", "株式会社ミドリ電算", None, date(2027, 3, 31), 990_000, 90, date(2026, 12, 28), None, "",
                        "更新する（2026/12/01 処理）")
    wb = openpyxl.Workbook()
    add_styles(wb)
    write_contracts(wb.active, PlanReport(2026, contracts=(line,)), "テスト")
    headers = [c.value for c in next(r for r in wb.active.iter_rows() if r[0].value == CONTRACT_COLUMNS[0][0])]
    row = [c.value for c in next(r for r in wb.active.iter_rows() if r[0].value == "1")]
    assert row[headers.index("申出の処理")] == "更新する（2026/12/01 処理）"


def test_a_plan_sheet_without_its_headers_is_refused_naming_the_sheet(tmp_path):
    import openpyxl
    import pytest

    from soloit.services.errors import FileImportError

    path = tmp_path / "damaged.xlsx"
    wb = openpyxl.load_workbook(FIXTURES / "pack-v2.xlsx")
    wb["予算"]["E3"] = "金額"  # 要求額 renamed by hand
    wb.save(path)
    with pytest.raises(FileImportError) as caught:
        read_pack(path)
    assert "要求額" in caught.value.user_message() and "予算" in caught.value.user_message()
