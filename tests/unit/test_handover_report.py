"""The 事務引継書 as data, built from the demo ledger (resources/demo/demo.json) on known days: the demo made on
2026-11-20 (its duties get their next dates from then), the report made on 2026-12-01, the appointment on
2027-04-01."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from soloit.domain.anchor_code import anchor_code
from soloit.services.bundle import open_services
from soloit.services.demo import create_demo
from soloit.services.errors import ValidationError
from soloit.services.handover_report import KIND_DUTY, KIND_NOTICE, HandoverReport, add_months
from soloit.store.journal import raw_head
from tests.helpers import DayClock

MADE_ON = date(2026, 12, 1)
APPOINTED = date(2027, 4, 1)


def build(services, **kw) -> HandoverReport:
    args = {"predecessor": "デモ 太郎", "successor": "後任 三郎", "appointment_date": APPOINTED,
            "deadline": date(2027, 4, 7)} | kw
    return services.handover_report.build(**args)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3", clock=clock)
    clock.day = MADE_ON
    services = open_services(store, lambda: "デモ 太郎", clock)
    yield services, build(services, witness="総務課長 立会 四郎")
    store.close()


def test_header_names_the_municipality_and_the_people(demo):
    _, report = demo
    h = report.header
    assert (h.prefecture, h.municipality, h.lg_code) == ("群馬県", "みどり野町（デモ）", "109991")
    assert (h.title, h.predecessor, h.successor, h.witness) == ("事務引継書", "デモ 太郎", "後任 三郎", "総務課長 立会 四郎")
    assert (h.appointment_date, h.deadline, h.made_on) == (APPOINTED, date(2027, 4, 7), MADE_ON)
    assert [(s.role, s.name) for s in report.signatures] == [
        ("前任者", "デモ 太郎"), ("後任者", "後任 三郎"), ("立会人", "総務課長 立会 四郎")
    ]


def test_anchor_is_the_journal_head_and_its_code(demo):
    services, report = demo
    count, head = raw_head(services.store.raw())
    anchor = report.header.anchor
    assert (anchor.count, anchor.head, anchor.code) == (count, head, anchor_code(count, head))
    assert count > 0
    assert f"soloit verify --against-code {anchor.code}" in anchor.sentence


def test_progress_has_the_twenty_businesses_and_the_tokutei_ones(demo):
    _, report = demo
    p = report.progress
    assert len(p.businesses) == 20
    assert p.businesses[0].name == "児童手当" and p.businesses[0].total_steps == 40
    assert {b.name: (b.tokutei_reason, b.tokutei_target_date) for b in p.tokutei} == {
        "戸籍": ("現行で個別開発システムで運用されているもの", date(2029, 3, 31)),
        "介護保険": ("事業者のリソースひっ迫による影響を受けるもの", date(2028, 3, 31)),
    }
    kaigo = next(b for b in p.businesses if b.name == "介護保険")
    assert kaigo.planned_go_live == date(2028, 1, 4)  # the demo's 特定移行支援 go-live: 1/4 of the target year
    assert all(b.complete_steps == round(b.rates.complete * 40) for b in p.businesses)


def test_progress_has_initiatives_and_the_budgets_of_the_current_year_and_the_appointment_s(demo):
    _, report = demo
    p = report.progress
    # made in 令和8年度, appointed on 2027-04-01 (令和9年度): a rotation on April 1 is about the new year's money too
    assert [(b.fiscal_year, b.fiscal_year_label, b.why) for b in p.budgets] == [
        (2026, "令和8年度（FY2026）", "作成日の年度"), (2027, "令和9年度（FY2027）", "発令日の年度")
    ]
    assert p.budgets[1].lines == () and p.budgets[1].total.budget == 0  # the demo has no 令和9年度 budget yet
    assert p.initiatives[0].title == "書かないワンストップ窓口の導入"
    kpi = p.initiatives[0].kpis[0]
    assert (kpi.name, kpi.actual, kpi.target, kpi.achievement) == ("書かない窓口の利用率", Decimal("46.5"), Decimal("80"),
                                                                   Decimal("58.1"))
    assert [b.name for b in p.budget.lines] == [
        "標準準拠システム移行経費", "ガバメントクラウド利用料", "窓口DX推進事業", "現行システム保守委託"
    ]
    total = p.budget.total
    assert (total.budget, total.contracted, total.spent, total.execution_rate) == (
        130_000_000, 128_210_000, 63_810_000, Decimal("49.1")
    )


def test_notes_are_under_their_categories(demo):
    _, report = demo
    first = report.progress.notes[0]
    assert first.title == "住基・印鑑の本番移行は令和9年1月の連休に実施"
    assert first.pinned and first.note_date == date(2026, 11, 20) and first.author == "デモ 太郎"
    assert "住民基本台帳" in first.subject and "12/6・12/20" in first.body
    assert [n.title for n in report.policy.notes] == ["戸籍・介護保険は特定移行支援システム（移行完了は令和11年度末目標）"]
    assert [n.title for n in report.schedule.notes] == ["毎年4月: 県のデジタル戦略課へ移行状況を報告"]
    assert [n.title for n in report.pending.notes] == ["個人住民税の帳票レイアウト確認が未了"]
    assert [n.title for n in report.documents.notes] == ["契約書・仕様書の保管場所"]
    assert report.overview.notes == ()


def test_schedule_has_each_duty_s_dates_within_the_twelve_months(demo):
    _, report = demo
    s = report.schedule
    assert (s.start, s.end) == (date(2027, 4, 1), date(2028, 3, 31))
    duties = {d.title: d for d in s.duties}
    monthly = duties["標準化の進捗状況（PMOツール）の更新"]
    assert monthly.rule == "毎月の最終開庁日"
    assert monthly.dates == (
        date(2027, 4, 30), date(2027, 5, 31), date(2027, 6, 30), date(2027, 7, 30), date(2027, 8, 31),
        date(2027, 9, 30), date(2027, 10, 29), date(2027, 11, 30), date(2027, 12, 28), date(2028, 1, 31),
        date(2028, 2, 29), date(2028, 3, 31),
    )
    # 2027-04-10 is a Saturday: the business day before
    assert duties["人事異動後の利用者アカウントの棚卸し"].dates == (date(2027, 4, 9),)
    # 10 business days before 2028-04-01 (a Saturday; 2028-03-20 is 春分の日)
    assert duties["事務引継書の準備（異動の内示に備えて）"].dates == (date(2028, 3, 17),)
    days = [i.day for i in s.items]
    assert days == sorted(days) and s.start <= days[0] and days[-1] <= s.end
    assert (date(2027, 4, 9), KIND_DUTY, "人事異動後の利用者アカウントの棚卸し") in [(i.day, i.kind, i.title) for i in s.items]
    # 2027-09-30 less 60 days is Sunday 2027-08-01: the Friday before
    notices = [(i.day, i.title) for i in s.items if i.kind == KIND_NOTICE]
    assert notices == [(date(2027, 7, 30), "標準準拠システム導入・移行業務委託")]


def test_pending_lists_overdue_tasks_first_and_late_steps(demo):
    _, report = demo
    tasks = report.pending.tasks
    assert [(t.title, t.due, t.overdue) for t in tasks[:2]] == [
        ("移行リハーサル結果の報告書を確認", date(2026, 11, 27), True),
        ("標準化の進捗状況（PMOツール）の更新", date(2026, 11, 30), True),
    ]
    assert not any(t.overdue for t in tasks[2:])
    assert tasks[0].about == "住民基本台帳" and tasks[0].status == "作業中"
    late = report.pending.late_steps
    assert late and all(step.planned_date < MADE_ON for step in late)
    assert {step.status for step in late} <= {"未着手", "作業中"}


def test_documents_and_contacts(demo):
    _, report = demo
    documents = {c.title: c.document for c in report.documents.contracts}
    assert documents["現行住民記録システム保守業務委託"] == "情報政策係 書庫 契約書綴り R8-03"
    contacts = {c.name: c for c in report.contacts}
    desk = contacts["サポートデスク"]
    assert (desk.organisation, desk.phone, desk.mail, desk.systems) == (
        "北関東情報システム株式会社", "027-000-1234", "support@kitakanto-is.example.jp", "住民基本台帳、印鑑登録"
    )
    assert len(report.contacts) == 4


def test_overview_counts(demo):
    _, report = demo
    summary = "".join(report.overview.summary)
    assert "標準化対象事務 20 業務" in summary and "特定移行支援システム 2 業務" in summary
    assert "予算 4 事業（予算額 130,000,000 円" in summary and "契約 3 件" in summary


def test_other_notes_go_to_the_overview(tmp_path):
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(tmp_path / "demo.sqlite3", clock=clock)
    try:
        services = open_services(store, lambda: "デモ 太郎", clock)
        services.handover.add_note("庁内LANの更改は令和10年度", "other", body="総務課と協議中。")
        report = build(services)
        assert [n.title for n in report.overview.notes] == ["庁内LANの更改は令和10年度"]
        assert report.header.witness is None and report.signatures[2].name == ""
        assert report.header.anchor.count == raw_head(store.raw())[0]
    finally:
        store.close()


def test_refuses_missing_names_and_a_deadline_before_the_appointment(demo):
    services, _ = demo
    with pytest.raises(ValidationError):
        build(services, predecessor="  ")
    with pytest.raises(ValidationError):
        build(services, successor="")
    with pytest.raises(ValidationError):
        build(services, deadline=date(2027, 3, 31))


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2027, 4, 1), 12) == date(2028, 4, 1)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_a_handled_notice_shows_as_handled_in_the_schedule(store):
    services = open_services(store, lambda: "デモ 太郎", DayClock(MADE_ON))
    handled = int(services.contracts.add("保守A", end_date="2027/09/30", notice_days=60).created("contract")[0])
    services.contracts.add("保守B", end_date="2027/10/31", notice_days=30)
    services.contracts.handle_notice(handled, "renew", "2026/12/01", reason="課長決裁済み")
    report = build(services)
    details = {i.title: (i.day, i.detail) for i in report.schedule.items if i.kind == KIND_NOTICE}
    assert details == {
        "保守A": (date(2027, 7, 30), "契約終了日 令和9年9月30日（2027/09/30）・処理済み：更新する（2026/12/01 処理）"),
        "保守B": (date(2027, 10, 1), "契約終了日 令和9年10月31日（2027/10/31）"),
    }


def test_an_appointment_in_the_same_year_has_one_budget(demo):
    services, _ = demo
    report = build(services, appointment_date=date(2027, 3, 1), deadline=date(2027, 3, 5))
    assert [b.fiscal_year for b in report.progress.budgets] == [2026]


def test_each_business_has_its_target_vendor_go_live_current_step_and_last_reason(demo):
    _, report = demo
    by_name = {b.name: b for b in report.progress.businesses}
    jido = by_name["児童手当"]
    assert (jido.target_vendor, jido.target_product) == ("株式会社ミドリ電算", "標準準拠パッケージ 2025")
    assert (jido.planned_go_live, jido.actual_go_live) == (date(2026, 1, 4), None)
    step = jido.current_step
    assert (step.number, step.name, step.status, step.planned_date) == ("⑩-1", "ベンダ評価の実施", "作業中", date(2024, 10, 24))
    last = jido.last_reason
    assert (last.reason, last.actor) == ("ベンダ定例会（10月）で確認", "デモ 太郎")
    assert last.change == "児童手当 ステップ⑩-1 メモ: （なし） → ベンダ定例会（10月）で確認。"
    kodomo = by_name["子ども・子育て支援"]  # live since 2026-01-04: every step complete, no current step
    assert kodomo.actual_go_live == date(2026, 1, 4) and kodomo.current_step is None
    assert kodomo.last_reason.reason == "RFP回答の受領を確認"


def test_a_reason_given_afterwards_is_the_last_reason(tmp_path):
    clock = DayClock(date(2026, 11, 20))
    store = create_demo(tmp_path / "demo.sqlite3", clock=clock)
    try:
        services = open_services(store, lambda: "後任 三郎", clock)
        change = services.ledger.edit_cell("jido_teate", 1, "note", "確認済み")
        services.journal.annotate(change, "課長に報告")
        last = {b.name: b.last_reason for b in build(services).progress.businesses}["児童手当"]
        assert last.actor == "後任 三郎" and last.change == "児童手当 ステップ①-1 メモ: （なし） → 確認済み"
        assert last.reason.startswith("課長に報告［") and "後任 三郎 が追記" in last.reason
    finally:
        store.close()


def test_late_steps_are_summarised_per_business(demo):
    _, report = demo
    pending = report.pending
    assert len(pending.late_steps) == 232 and sum(x.count for x in pending.late_businesses) == 232
    assert len(pending.late_businesses) == 15
    kaigo = next(x for x in pending.late_businesses if x.business == "介護保険")
    assert (kaigo.count, kaigo.oldest) == (28, date(2024, 1, 24))
    assert (kaigo.first.step_number, kaigo.first.step_name, kaigo.first.status) == ("④-4", "移行にあたっての課題と対策の整理", "作業中")
    kenko = next(x for x in pending.late_businesses if x.business == "健康管理")
    assert (kenko.count, kenko.oldest, kenko.first.step_number) == (4, date(2025, 4, 8), "⑯-1")
    # the businesses in 政令 order, as the progress table
    order = [b.name for b in report.progress.businesses]
    assert [x.business for x in pending.late_businesses] == sorted((x.business for x in pending.late_businesses), key=order.index)


def test_contacts_carry_their_linked_contracts_and_systems(demo):
    _, report = demo
    contacts = {c.name: c for c in report.contacts}
    assert (contacts["サポートデスク"].systems, contacts["サポートデスク"].contracts) == (
        "住民基本台帳、印鑑登録", "現行住民記録システム保守業務委託"
    )
    assert contacts["移行プロジェクト 担当SE 山田"].contracts == "標準準拠システム導入・移行業務委託"
    assert contacts["市町村支援担当"].contracts == ""
