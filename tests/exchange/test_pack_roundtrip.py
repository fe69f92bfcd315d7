"""A pack reads back into exactly the report it was written from: over hypothesis-generated ledgers (every field,
formula-like and number-like text, Japanese, empty values), and over the fixture pack of every released schema."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soloit import reference
from soloit.domain.progress import business_rates, municipality_rate
from soloit.exchange.pack import PACK_SCHEMA_VERSION, read_pack, write_pack
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
