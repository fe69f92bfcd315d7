"""The services of the DX plan, the budget, contracts and やること: real values in, rows and figures out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from soloit.services.bundle import open_services
from soloit.services.errors import ValidationError
from soloit.services.tasks import COMPLETED, LATER, NOTICE_ITEM, OVERDUE, QUARTER, SOON, UNDATED, starter_duties
from tests.helpers import DayClock

TODAY = date(2026, 12, 7)


@pytest.fixture
def services(store):
    return open_services(store, lambda: "テスト 花子", DayClock(TODAY))


def created(changeset, entity: str) -> int:
    return int(changeset.created(entity)[0])


def system_id(services, name: str) -> int:
    return next(i for i, n in services.records.choices("system") if n == name)


# --- DX取組 and KPIs -------------------------------------------------------------------------------------------


def test_initiative_with_kpis_reports_achievement(services):
    initiative = created(services.initiatives.add("書かない窓口の導入", category="juten_1", status="active"), "initiative")
    services.initiatives.add_kpi(initiative, "窓口の平均待ち時間の短縮", unit="分", target="30", actual="12")
    services.initiatives.add_kpi(initiative, "オンライン申請の件数", unit="件", target="１，２００", actual="900")
    services.initiatives.add_kpi(initiative, "満足度", unit="%", target="80")  # no actual yet: no achievement
    kpis = services.initiatives.kpis(initiative)
    assert [(k.name, k.target, k.actual, k.achievement) for k in kpis] == [
        ("窓口の平均待ち時間の短縮", Decimal(30), Decimal(12), Decimal("40.0")),
        ("オンライン申請の件数", Decimal(1200), Decimal(900), Decimal("75.0")),
        ("満足度", Decimal(80), None, None),
    ]
    (row,) = services.initiatives.initiatives()
    assert (row.title, row.status_label, row.kpi_count, row.achievement) == ("書かない窓口の導入", "実施中", 3, Decimal("57.5"))
    assert row.category_label.startswith("重点取組事項")


def test_initiative_end_before_start_is_refused(services):
    initiative = created(services.initiatives.add("テレワーク環境", start_date="2026/04/01"), "initiative")
    with pytest.raises(ValidationError) as refused:
        services.records.edit("initiative", initiative, "end_date", "2026/03/31")
    assert "開始日（2026/04/01）より前" in refused.value.message_ja
    assert services.records.record("initiative", initiative)["end_date"] is None


def test_links_name_both_ends_and_block_deletion(services):
    initiative = created(services.initiatives.add("庁内ネットワーク更改"), "initiative")
    line = created(services.budget.add_line(2026, "ネットワーク機器更新"), "budget_line")
    koseki = system_id(services, "戸籍")
    services.records.set_links("initiative_system", initiative, [koseki])
    services.records.set_links("initiative_budget", initiative, [line])
    assert services.records.linked("initiative_system", initiative).keys() == {koseki}
    assert [r.name for r in services.records.records("initiative_budget")] == ["庁内ネットワーク更改 ⇔ ネットワーク機器更新"]
    with pytest.raises(ValidationError) as refused:
        services.records.delete("budget_line", line)
    assert "庁内ネットワーク更改 ⇔ ネットワーク機器更新" in refused.value.message_ja
    assert services.records.record("budget_line", line) is not None
    changeset = services.records.set_links("initiative_budget", initiative, [])  # unlinked: now it may go
    assert services.records.linked("initiative_budget", initiative) == {}
    services.records.delete("budget_line", line)
    assert services.records.record("budget_line", line) is None
    with pytest.raises(ValidationError):  # the unlinking cannot be undone while the line it linked is gone
        services.changes.undo(changeset)
    assert services.records.records("initiative_budget") == []


def test_unlinking_is_undone_with_the_link_restored(services):
    initiative = created(services.initiatives.add("AI議事録"), "initiative")
    koseki, juki = system_id(services, "戸籍"), system_id(services, "住民基本台帳")
    services.records.set_links("initiative_system", initiative, [koseki, juki])
    change = services.records.set_links("initiative_system", initiative, [juki])
    assert set(services.records.linked("initiative_system", initiative)) == {juki}
    services.changes.undo(change)
    assert set(services.records.linked("initiative_system", initiative)) == {koseki, juki}


def test_organisation_used_by_a_contract_cannot_be_deleted(services):
    contract = created(services.contracts.add("住記システム保守"), "contract")
    services.records.set_organisation("contract", contract, "vendor_id", "株式会社テスト情報", "vendor")
    vendor = services.records.record("contract", contract)["vendor_id"]
    assert services.organisations.organisation(vendor).kind == "vendor"
    with pytest.raises(ValidationError) as refused:
        services.organisations.delete(vendor)
    assert "住記システム保守" in refused.value.message_ja


# --- 予算 -----------------------------------------------------------------------------------------------------


def test_amounts_typed_with_zenkaku_digits_and_commas(services):
    line = created(services.budget.add_line(2026, "住民記録システム使用料"), "budget_line")
    services.records.edit("budget_line", line, "budget", "１，２００，０００")
    services.records.edit("budget_line", line, "spent", "300,000円")
    (row,) = services.budget.lines(2026)
    assert (row.budget, row.spent, row.execution_rate) == (1_200_000, 300_000, Decimal("25.0"))


@pytest.mark.parametrize(
    ("typed", "says"),
    [("-5", "マイナス"), ("▲1,000", "マイナス"), ("12.5", "円単位"), ("abc", "数字"), ("1,00", "カンマ")],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(services, typed, says):
    line = created(services.budget.add_line(2026, "端末リース"), "budget_line")
    services.records.edit("budget_line", line, "budget", 500_000)
    with pytest.raises(ValidationError) as refused:
        services.records.edit("budget_line", line, "budget", typed)
    assert refused.value.field_label == "予算額"
    assert says in refused.value.message_ja
    assert services.records.record("budget_line", line)["budget"] == 500_000


def test_subsidy_above_the_budget_is_refused(services):
    line = created(services.budget.add_line(2026, "標準化移行経費", budget=1_000_000), "budget_line")
    with pytest.raises(ValidationError) as refused:
        services.records.edit("budget_line", line, "subsidy", 1_000_001)
    assert "予算額（1,000,000円）を超える" in refused.value.message_ja


def test_year_summary_totals_per_funding_source_and_per_system(services):
    sources = dict((n, i) for i, n in services.records.choices("funding_source"))
    koseki, juki = system_id(services, "戸籍"), system_id(services, "住民基本台帳")
    general = sources["一般財源"]
    subsidy_source = next(i for n, i in sources.items() if "デジタル基盤改革支援補助金" in n)
    a = created(services.budget.add_line(2026, "戸籍システム移行", budget=3_000_000, spent=1_000_000,
                                         funding_source_id=subsidy_source, subsidy=3_000_000), "budget_line")
    b = created(services.budget.add_line(2026, "共通基盤保守", budget=2_000_000, spent=2_000_000,
                                         funding_source_id=general), "budget_line")
    created(services.budget.add_line(2026, "研修", budget=500_000, funding_source_id=general), "budget_line")
    created(services.budget.add_line(2025, "前年度の行", budget=9_999_999, funding_source_id=general), "budget_line")
    services.records.set_links("budget_system", a, [koseki])
    services.records.set_links("budget_system", b, [koseki, juki])
    summary = services.budget.summary(2026)
    assert [(t.label, t.lines, t.budget, t.spent, t.subsidy) for t in summary.by_source] == [
        ("一般財源", 2, 2_500_000, 2_000_000, 0),
        (services.records.names("funding_source")[subsidy_source], 1, 3_000_000, 1_000_000, 3_000_000),
    ]
    by_system = {t.label: (t.lines, t.budget, t.spent) for t in summary.by_system}
    assert by_system == {
        "住民基本台帳": (1, 2_000_000, 2_000_000),
        "戸籍": (2, 5_000_000, 3_000_000),
        "（システム未設定）": (1, 500_000, 0),
    }
    assert (summary.total.lines, summary.total.budget, summary.total.spent) == (3, 5_500_000, 3_000_000)
    assert summary.total.execution_rate == Decimal("54.5")
    assert summary.shared_lines == 1
    assert services.budget.fiscal_years() == [2026, 2025]


# --- 契約 -----------------------------------------------------------------------------------------------------


def test_contract_notice_date_and_its_place_in_the_agenda(services):
    near = created(services.contracts.add("戸籍システム保守", end_date="2027/03/31", notice_days=90), "contract")
    created(services.contracts.add("端末リース", end_date="2027/09/30", notice_days=90), "contract")
    rows = {c.title: c for c in services.contracts.contracts()}
    # 2027/03/31 − 90 days = 2026/12/31, closed for the new year: the last business day before is Mon 12/28
    assert rows["戸籍システム保守"].notice_date == date(2026, 12, 28)
    assert rows["端末リース"].notice_date == date(2027, 7, 2)
    notices = [i for i in services.tasks.agenda() if i.kind == NOTICE_ITEM]
    assert [(i.id, i.due, i.bucket) for i in notices] == [(near, date(2026, 12, 28), QUARTER)]


def test_a_handled_notice_leaves_the_agenda_and_undo_brings_it_back(services, store):
    from soloit.services.integrity import verify

    contract = created(services.contracts.add("戸籍システム保守", end_date="2027/03/31", notice_days=90), "contract")
    assert services.tasks.attention_count(date(2026, 12, 20)) == 1
    entries = verify(store).entries
    change = services.contracts.handle_notice(contract, "renew", reason="課長決裁済み")
    after = verify(store)
    assert after.ok, after.problems
    assert after.entries == entries + 3  # the decision, its day and the term it is for: one change
    assert len({line.batch for line in services.journal.changeset_lines(change)}) == 1
    row = services.records.record("contract", contract)
    assert (row["notice_decision"], row["notice_decided_on"], row["notice_for"]) == ("renew", TODAY, date(2027, 3, 31))
    assert [i for i in services.tasks.agenda() if i.kind == NOTICE_ITEM] == []
    assert services.tasks.attention_count(date(2026, 12, 20)) == 0
    (shown,) = [i for i in services.tasks.agenda(include_done=True) if i.kind == NOTICE_ITEM]
    assert (shown.id, shown.bucket, shown.status, shown.status_label) == (contract, COMPLETED, "renew", "更新する")
    services.changes.undo(change)
    row = services.records.record("contract", contract)
    assert (row["notice_decision"], row["notice_decided_on"], row["notice_for"]) == (None, None, None)
    assert [(i.id, i.bucket) for i in services.tasks.agenda() if i.kind == NOTICE_ITEM] == [(contract, QUARTER)]


def test_an_unhandled_notice_past_its_date_stays_overdue(services):
    contract = created(services.contracts.add("端末保守", end_date="2027/01/29", notice_days=30), "contract")
    # 2027/01/29 − 30 days = 2026/12/30, in the year-end closure: Mon 2026/12/28
    (item,) = [i for i in services.tasks.agenda(date(2027, 1, 10)) if i.kind == NOTICE_ITEM]
    assert (item.id, item.due, item.bucket, item.status_label) == (contract, date(2026, 12, 28), OVERDUE, "未処理")
    assert services.tasks.attention_count(date(2027, 1, 10)) == 1
    services.contracts.handle_notice(contract, "notified", "2027/01/12")
    (item,) = [i for i in services.tasks.agenda(date(2027, 1, 12), include_done=True) if i.kind == NOTICE_ITEM]
    assert (item.bucket, item.status_label) == (COMPLETED, "申出済み")
    (row,) = services.contracts.contracts()
    assert row.notice_handling == "申出済み（2027/01/12 処理）"


def test_a_new_term_makes_the_notice_due_again(services):
    contract = created(services.contracts.add("保守委託", end_date="2027/03/31", notice_days=90), "contract")
    services.contracts.handle_notice(contract, "renew")
    assert services.contracts.notices(date(2027, 12, 1)) == []
    # renewed for a year: the decision was for the term ending 2027/03/31, the new term's notice is due
    services.records.edit("contract", contract, "end_date", "2028/03/31")
    (notice,) = services.contracts.notices(date(2027, 12, 1))
    assert (notice.id, notice.notice_date, notice.notice_handled, notice.notice_decision) == (
        contract, date(2027, 12, 28), False, "renew"
    )
    # the same decision again is recorded for the new term
    services.contracts.handle_notice(contract, "renew", "2027/12/10")
    assert services.contracts.notices(date(2027, 12, 1)) == []
    assert services.records.record("contract", contract)["notice_for"] == date(2028, 3, 31)


def test_the_decision_set_in_the_form_takes_today_and_the_present_term(services):
    contract = created(services.contracts.add("回線契約", end_date="2027/02/28", notice_days=60), "contract")
    services.records.edit("contract", contract, "notice_decision", "terminate")
    row = services.records.record("contract", contract)
    assert (row["notice_decided_on"], row["notice_for"]) == (TODAY, date(2027, 2, 28))
    services.records.edit("contract", contract, "notice_decision", None)  # cleared: the notice is due again
    row = services.records.record("contract", contract)
    assert (row["notice_decided_on"], row["notice_for"]) == (None, None)
    assert [c.id for c in services.contracts.notices()] == [contract]


def test_handling_a_notice_needs_a_decision_and_an_end_date(services):
    undated = created(services.contracts.add("期間の定めのない契約"), "contract")
    with pytest.raises(ValidationError) as refused:
        services.contracts.handle_notice(undated, "renew")
    assert "契約終了日" in refused.value.message_ja
    dated = created(services.contracts.add("保守", end_date="2027/03/31"), "contract")
    with pytest.raises(ValidationError):
        services.contracts.handle_notice(dated, "")
    with pytest.raises(ValidationError):
        services.contracts.handle_notice(dated, "maybe")
    assert services.records.record("contract", dated)["notice_decision"] is None


def test_contracts_of_a_fiscal_year(services):
    services.contracts.add("R7年度だけ", start_date="2025/04/01", end_date="2026/03/31")
    services.contracts.add("R8年度から", start_date="2026/04/01", end_date="2029/03/31")
    services.contracts.add("日付なし")
    assert [c.title for c in services.contracts.contracts(2026)] == ["R8年度から", "日付なし"]
    assert [c.title for c in services.contracts.contracts(2025)] == ["R7年度だけ", "日付なし"]


def test_contract_end_before_start_is_refused(services):
    with pytest.raises(ValidationError):
        services.contracts.add("逆順", start_date="2026/04/01", end_date="2026/03/01")
    assert services.contracts.contracts() == []


# --- やること -------------------------------------------------------------------------------------------------


def test_agenda_buckets_and_attention_count(services):
    for title, due in [
        ("期限切れ", "2026/12/01"),
        ("今日", "2026/12/07"),
        ("二週間", "2026/12/21"),
        ("十五日後", "2026/12/22"),
        ("三か月", "2027/03/07"),
        ("それ以降", "2027/03/08"),
        ("期限なし", None),
    ]:
        services.tasks.add(title, due_date=due)
    done = created(services.tasks.add("済んだこと", due_date="2026/11/01"), "task")
    services.tasks.complete(done)
    agenda = services.tasks.agenda()
    assert [(i.title, i.bucket) for i in agenda] == [
        ("期限切れ", OVERDUE), ("今日", SOON), ("二週間", SOON), ("十五日後", QUARTER), ("三か月", QUARTER),
        ("それ以降", LATER), ("期限なし", UNDATED),
    ]
    assert services.tasks.attention_count() == 3
    assert [i.title for i in services.tasks.agenda(include_done=True) if i.bucket == COMPLETED] == ["済んだこと"]


def test_agenda_names_the_linked_record(services):
    initiative = created(services.initiatives.add("窓口DX"), "initiative")
    services.tasks.add("KPIの実績を集める", due_date="2026/12/20", initiative_id=initiative)
    services.tasks.add("戸籍の要件確認", due_date="2026/12/21", cell_key="koseki/5")
    agenda = services.tasks.agenda()
    assert [(i.area, i.about) for i in agenda] == [("initiative", "窓口DX"), ("cell", "戸籍 ステップ②-2")]


def test_completing_a_recurring_task_creates_the_next_and_undo_takes_both_back(services):
    task = created(services.tasks.add("予算要求資料の作成", due_date="2026/10/15", recurrence="yearly 10-15"), "task")
    change = services.tasks.complete(task)
    tasks = {r.id: r for r in services.records.records("task")}
    assert len(tasks) == 2
    (following,) = [r for r in tasks.values() if r.id != task]
    assert (following["due_date"], following["status"], following["recurrence"]) == (date(2027, 10, 15), "open", "yearly 10-15")
    assert tasks[task]["followed_by_id"] == following.id
    services.changes.undo(change)
    (left,) = services.records.records("task")
    assert (left.id, left["status"], left["followed_by_id"]) == (task, "open", None)
    services.changes.redo(change)
    assert len(services.records.records("task")) == 2


def test_next_occurrence_skips_weekend_holiday_and_own_closed_days(services):
    # 毎月10日 from 2026/12/10: 2027/01/10 is a Sunday → Friday 01/08; with 01/08 closed → Thursday 01/07
    task = created(services.tasks.add("パッチ適用確認", due_date="2026/12/10", recurrence="monthly 10"), "task")
    services.tasks.add_closed_day("庁舎電気設備点検", "2027/01/08")
    services.tasks.complete(task)
    dues = sorted(r["due_date"] for r in services.records.records("task"))
    assert dues == [date(2026, 12, 10), date(2027, 1, 7)]


def test_starter_duties_are_added_once_with_their_next_dates(services):
    duties = list(starter_duties())
    assert len(duties) >= 10
    assert any("情報化の推進状況調査" in d.title for d in duties)
    services.tasks.add_duties(duties)
    tasks = services.records.records("task")
    assert len(tasks) == len(duties)
    by_title = {t.name: t for t in tasks}
    assert by_title["情報システム関係の予算要求資料の作成"]["due_date"] == date(2027, 10, 15)
    assert by_title["情報セキュリティポリシーの自己点検"]["due_date"] == date(2026, 12, 15)
    assert all(t["due_date"] >= TODAY and t["recurrence"] for t in tasks)
    with pytest.raises(ValidationError):
        services.tasks.add_duties(duties[:1])
    assert len(services.records.records("task")) == len(duties)
