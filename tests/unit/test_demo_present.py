"""The demo lives in the present (issue #23, point 10): a demo made for a day is a town halfway through on that day.

Made for 2026-12-08 and for 2028-05-20 (seed 2026), the demo has 7 businesses live, 13 go-lives to come and none
overdue; about 15 late steps out of some 120 unfinished ones (the range allowed below: 5 to 40, under a quarter of the
unfinished steps, against 232 of the fixed demo's on 2026-12-01); contract terms and notices, tasks, this 年度's budget
and a journal of the past year, all around that day."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest

from soloit import reference
from soloit.domain.clock import jst_day, parse_utc
from soloit.domain.fiscal import fiscal_year
from soloit.domain.schedule import DUE_SOON, LATE, step_lateness
from soloit.exchange.pack import ACTUAL_MARK, GO_LIVE_MARK
from soloit.services.bundle import open_services
from soloit.services.demo import FIXED_DEMO_DAY, create_demo
from soloit.services.integrity import verify
from tests.helpers import DayClock

DAYS = (date(2026, 12, 8), date(2028, 5, 20))


@pytest.fixture(scope="module", params=DAYS, ids=str)
def made(request, tmp_path_factory):
    """(the day, the demo made for it, its services on that day)."""
    day = request.param
    store = create_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3", today=day)
    yield day, store, open_services(store, lambda: "デモ 太郎", DayClock(day))
    store.close()


def _business_systems(services):
    return [s for s in services.ledger.systems() if s.business_code is not None]


def test_the_demo_verifies(made):
    _day, store, _services = made
    report = verify(store)
    assert report.ok, report.problems


def test_go_lives_are_mostly_to_come_and_none_is_overdue(made):
    day, _store, services = made
    systems = _business_systems(services)
    assert len(systems) == 20
    live = [s for s in systems if s.actual_go_live is not None]
    coming = [s for s in systems if s.actual_go_live is None]
    assert all(s.actual_go_live <= day and s.planned_go_live == s.actual_go_live for s in live)
    assert all(s.planned_go_live > day for s in coming), [(s.name, s.planned_go_live) for s in coming]
    assert 3 <= len(live) <= 10 and len(coming) > len(systems) / 2
    assert any(s.planned_go_live <= day + timedelta(days=62) for s in coming)  # one going live in the coming weeks
    tokutei = [s for s in systems if s.tokutei]
    assert len(tokutei) == 2
    assert all(
        day < s.tokutei_target_date <= date(2031, 3, 31) and s.planned_go_live < s.tokutei_target_date for s in tokutei
    )
    assert all(s.tokutei_target_date.month == 3 and s.tokutei_target_date.day == 31 for s in tokutei)  # a 年度末


def test_some_steps_are_late_but_not_almost_all(made):
    day, _store, services = made
    ref = reference.load()
    cells = [c for row in services.ledger.snapshot().rows for c in row.cells]
    unfinished = [c for c in cells if not ref.status_by_code[c.status].counts_as_complete]
    late = [c for c in cells if step_lateness(c.status, c.planned_date, day) is LATE]
    soon = [c for c in cells if step_lateness(c.status, c.planned_date, day) is DUE_SOON]
    assert 5 <= len(late) <= 40 and len(late) < len(unfinished) / 4, (len(late), len(unfinished))
    assert soon
    assert {c.status for c in cells} == {"done", "in_progress", "not_started", "not_applicable"}
    assert all(c.actual_date is None or c.actual_date < day for c in cells)  # nothing has happened after today
    report = services.handover_report.build(
        predecessor="デモ 太郎", successor="後任 三郎", appointment_date=day, deadline=day + timedelta(days=7)
    )
    assert len(report.pending.late_steps) == len(late)


def test_contracts_tasks_and_the_budget_are_of_this_year(made):
    day, _store, services = made
    contracts = services.contracts.contracts()
    assert len(contracts) == 3
    assert all(c.start_date <= day <= c.end_date for c in contracts)
    assert all(day - timedelta(days=31) <= c.notice_date <= day + timedelta(days=450) for c in contracts)
    handled = [c for c in contracts if c.notice_handled]
    assert len(handled) == 1
    buckets = {item.bucket for item in services.tasks.agenda(day) if item.kind == "task"}
    assert {"overdue", "soon"} <= buckets
    dues = [item.due for item in services.tasks.agenda(day) if item.due is not None]
    assert min(dues) < day < max(dues)
    year = fiscal_year(day)
    assert services.budget.fiscal_years() == [year, year - 1]
    lines = services.budget.lines(year)
    assert len(lines) == 4
    budget, spent = sum(line.budget for line in lines), sum(line.spent for line in lines)
    assert 0 < spent < budget  # part spent
    assert all(line.spent <= line.contracted for line in lines)


def test_the_journal_is_a_past_year_of_use(made):
    day, store, _services = made
    stamps = [parse_utc(text) for (text,) in store.query("SELECT recorded_at FROM journal ORDER BY id")]
    assert stamps == sorted(stamps)
    days = [jst_day(moment) for moment in stamps]
    assert max(days) < day
    assert (max(days) - min(days)).days >= 300
    reasons = store.query(
        "SELECT recorded_at FROM journal WHERE action = 'edit' AND reason IS NOT NULL AND reason != ''"
    )
    assert len({jst_day(parse_utc(text)) for (text,) in reasons}) >= 10  # the later changes on many days


def test_notes_and_kpis_speak_of_this_demo(made):
    day, store, services = made
    dated = store.query("SELECT note_date FROM handover_note") + store.query(
        "SELECT as_of FROM kpi WHERE as_of IS NOT NULL"
    )
    assert all(date.fromisoformat(text) < day for (text,) in dated)
    jumin = next(s for s in _business_systems(services) if s.business_code == "jumin_kihon_daicho")
    titles = [title for (title,) in store.query("SELECT title FROM handover_note")]
    from soloit.domain.dates import format_era_year

    assert f"本番移行は{format_era_year(jumin.planned_go_live)}{jumin.planned_go_live.month}月に実施" in titles[0]
    live = sum(1 for s in _business_systems(services) if s.actual_go_live is not None)
    assert store.query("SELECT actual FROM kpi WHERE name = '移行を完了した業務数'") == [(str(live),)]


def test_the_packs_schedule_shows_the_coming_go_lives(made, tmp_path):
    from soloit.exchange.operations import export_pack

    day, _store, services = made
    result = export_pack(services, tmp_path / "pack.xlsx", as_of=day, prepared_by="デモ 太郎", record=False)
    ws = openpyxl.load_workbook(result.path)["スケジュール"]
    marks = {ws.cell(r, 1).value: {c.value for c in row[4:]} for r, row in enumerate(ws.iter_rows(min_row=5), start=5)}
    going = [name for name, values in marks.items() if GO_LIVE_MARK in values]
    gone = [name for name, values in marks.items() if ACTUAL_MARK in values]
    coming = [s.name for s in _business_systems(services) if s.actual_go_live is None]
    assert sorted(going) == sorted(coming)
    assert len(going) + len(gone) >= 13


def test_the_day_defaults_to_the_clocks_and_the_fixed_day_keeps_the_fixed_demo(tmp_path):
    day = date(2027, 6, 15)
    store = create_demo(tmp_path / "by-clock.sqlite3", clock=DayClock(day))
    try:
        jumin = store.query("SELECT planned_go_live FROM system WHERE business_code = 'jumin_kihon_daicho'")
        assert jumin == [("2027-08-04",)]  # going live soon: the 4th of the month after next, late in a month
    finally:
        store.close()
    fixed = create_demo(tmp_path / "fixed.sqlite3", today=FIXED_DEMO_DAY)
    try:
        go_lives = fixed.query("SELECT DISTINCT planned_go_live FROM system WHERE business_code IS NOT NULL")
        assert sorted(go_lives) == [("2026-01-04",), ("2028-01-04",), ("2029-01-04",)]
    finally:
        fixed.close()
