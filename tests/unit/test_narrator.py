"""One narrator: every reader gets the same Japanese sentence for a journal entry — the subject as its entity
names it, the field's label, old → new with choice values shown by the field's own labels, the reason (also one
given afterwards), the person, and the time in Japan time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from soloit.domain.clock import JST, FixedClock
from soloit.services.bundle import Services, open_services
from soloit.services.changes import Edit
from soloit.services.narrator import name_book, narrate
from soloit.store import journal

REFERENCE = Path(__file__).parents[2] / "resources" / "reference"
ACTOR = "情報政策係 山田"
MORNING = datetime(2026, 11, 23, 8, 30, tzinfo=JST)  # 2026-11-22 23:30 UTC: the previous day in UTC


def reference_json(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def services(store, clock) -> Services:
    return open_services(store, lambda: ACTOR, clock)


def lines_of(services: Services, changeset):
    return services.journal.changeset_lines(changeset)


# --- choice values by the field's own labels -------------------------------------------------------------------------


def test_the_tokutei_reason_other_is_shown_by_its_own_label_not_hostings(services):
    app = reference_json("app_lists.json")
    tokutei_other = app["tokutei_reason_other"]["label_ja"]
    hosting_other = next(h["label_ja"] for h in app["hosting_kinds"] if h["code"] == "other")
    assert tokutei_other != hosting_other  # the repro needs two different labels for the code "other"

    changeset = services.ledger.edit_system(17, "tokutei_reason", "other")
    [line] = lines_of(services, changeset)
    assert line.sentence() == f"システム『介護保険』 特定移行支援の事由: （なし） → {tokutei_other}"

    changeset = services.ledger.edit_system(17, "hosting", "other")
    [line] = lines_of(services, changeset)
    assert line.sentence() == f"システム『介護保険』 稼働環境: （なし） → {hosting_other}"


def test_every_official_tokutei_reason_reads_as_in_the_reference_data(services):
    for reason in reference_json("standardization.json")["tokutei_iko_shien_reasons"]:
        changeset = services.ledger.edit_system(5, "tokutei_reason", reason["code"])
        [line] = lines_of(services, changeset)
        assert line.what.endswith(f"→ {reason['label_ja']}"), line.what
        assert reason["code"] not in line.text()


# --- subjects -----------------------------------------------------------------------------------------------------


def test_a_cell_is_named_by_business_and_step_number(services):
    steps = reference_json("standardization.json")["steps"]
    seq = next(step["seq"] for step in steps if step["number"] == "⑭-2")
    changeset = services.ledger.set_statuses([("jido_teate", seq)], "done", reason="ベンダ定例会で確認")
    lines = lines_of(services, changeset)
    assert [line.sentence() for line in lines] == [
        "児童手当 ステップ⑭-2 ステータス: 未着手 → 完了済み",
        "児童手当 ステップ⑭-2 実績日: （なし） → 2026/11/23（完了済みにしたため自動入力）",
    ]  # the bookkeeping of the rule (実績日の自動入力) is folded into the 実績日 line
    assert lines[0].text() == (
        "2026/11/23 08:30 情報政策係 山田：児童手当 ステップ⑭-2 ステータス: 未着手 → 完了済み（理由: ベンダ定例会で確認）"
    )


def test_a_system_is_named_by_its_name(services):
    created = services.ledger.add_system("財務会計")
    [line] = lines_of(services, created)
    assert line.text() == "2026/11/23 08:30 情報政策係 山田：［作成］システム『財務会計』を登録"
    system_id = int(created.created("system")[0])
    changeset = services.ledger.edit_system(system_id, "planned_go_live", date(2027, 4, 1), reason="予算の議決後")
    [line] = lines_of(services, changeset)
    assert line.sentence() == "システム『財務会計』 本番稼働予定日: （なし） → 2027/04/01"
    assert (line.actor, line.reason) == (ACTOR, "予算の議決後")


def test_old_and_new_values_as_people_read_them(services):
    services.ledger.edit_system(3, "tokutei", True)
    changeset = services.ledger.edit_system(3, "tokutei", False)
    [line] = lines_of(services, changeset)
    assert line.what == "特定移行支援システム: はい → いいえ"
    services.ledger.edit_cell("koseki", 1, "planned_date", "令和9年1月4日")
    changeset = services.ledger.edit_cell("koseki", 1, "planned_date", "2027/1/5")
    [line] = lines_of(services, changeset)
    assert line.sentence() == "戸籍 ステップ①-1 予定日: 2027/01/04 → 2027/01/05"


def test_a_handled_contract_notice_reads_as_its_decision_and_day(services):
    contract = int(services.contracts.add("保守委託", end_date="2027/03/31", notice_days=90).created("contract")[0])
    changeset = services.contracts.handle_notice(contract, "renew", reason="課長決裁済み")
    lines = lines_of(services, changeset)  # the term it is for is bookkeeping, folded away
    assert [(line.sentence(), line.reason) for line in lines] == [
        ("契約『保守委託』 申出期限の処理: （なし） → 更新する", "課長決裁済み"),
        ("契約『保守委託』 申出期限の処理日: （なし） → 2026/11/23", "課長決裁済み"),
    ]
    undone = services.changes.undo(changeset)
    assert [line.sentence() for line in lines_of(services, undone)] == [  # undone in the reverse order
        "契約『保守委託』 申出期限の処理日: 2026/11/23 → （なし）",
        "契約『保守委託』 申出期限の処理: 更新する → （なし）",
    ]


def test_a_subject_does_not_depend_on_the_order_entries_are_narrated_in(services):
    """A row renamed after it was created is named by its last name on every line, whichever order the reader
    narrates in (the history newest first, a handover document oldest first); the creation line names it as
    created."""
    created = services.organisations.add("株式会社旧名", "vendor")
    org = int(created.created("organisation")[0])
    services.organisations.edit(org, "notes", "保守窓口あり")
    services.organisations.rename(org, "株式会社新名")
    conn = services.store.raw()
    entries = list(journal.iter_entries(conn, "entity = 'organisation'"))
    oldest_first = {line.entry_id: line.sentence() for line in narrate(entries, name_book(conn))}
    newest_first = {line.entry_id: line.sentence() for line in narrate(entries[::-1], name_book(conn))}
    assert oldest_first == newest_first
    assert list(oldest_first.values()) == [
        "組織『株式会社旧名』を登録",
        "組織『株式会社新名』 種別: その他 → 事業者（ベンダ）",
        "組織『株式会社新名』 備考: （なし） → 保守窓口あり",
        "組織『株式会社新名』 組織名: 株式会社旧名 → 株式会社新名",
    ]


def test_a_deleted_organisation_in_an_old_entry_is_named_by_its_last_name(services):
    services.ledger.set_system_organisation(4, "current_vendor_id", "株式会社旧社名", "vendor")
    [org] = services.organisations.organisations()
    services.organisations.rename(org.id, "株式会社新社名")
    services.ledger.edit_system(4, "current_vendor_id", None)
    services.organisations.delete(org.id)
    history = [line.sentence() for line in services.journal.system_history(4)]
    assert history == [
        "システム『戸籍の附票』 現行ベンダ: 株式会社新社名 → （なし）",
        "システム『戸籍の附票』 現行ベンダ: （なし） → 株式会社新社名",
    ]
    everything = [line.sentence() for line in services.journal.history()]
    assert everything[0] == "組織『株式会社新社名』を削除"


# --- reasons --------------------------------------------------------------------------------------------------------


def test_a_reason_given_afterwards_is_shown_with_that_change(services, clock):
    changeset = services.ledger.set_statuses([("koseki", 5)], "in_progress")
    clock.moment = datetime(2026, 11, 24, 9, 0, tzinfo=JST)
    services.journal.annotate(changeset, "県の照会に回答するため")
    [line] = [line for line in services.journal.system_history(11) if line.batch == changeset.batch]
    assert line.reason is None
    assert line.reasons == ("県の照会に回答するため［2026/11/24 09:00 情報政策係 山田 が追記］",)
    assert line.text() == (
        "2026/11/23 08:30 情報政策係 山田：戸籍 ステップ②-2 ステータス: 未着手 → 作業中"
        "（理由: 県の照会に回答するため［2026/11/24 09:00 情報政策係 山田 が追記］）"
    )
    [same] = [line for line in services.journal.history() if line.batch == changeset.batch]
    assert same.text() == line.text()


def test_a_late_reason_joins_the_reason_given_at_the_time(services):
    changeset = services.ledger.set_statuses([("koseki", 6)], "done", reason="完了報告あり")
    services.journal.annotate(changeset, "報告書は共有フォルダ")
    lines = [line for line in services.journal.system_history(11) if line.batch == changeset.batch]
    assert lines and all(
        line.text().endswith("（理由: 完了報告あり / 報告書は共有フォルダ［2026/11/23 08:30 情報政策係 山田 が追記］）")
        for line in lines
    )


def test_undo_says_it_undid_and_why(services):
    changeset = services.ledger.edit_system(2, "notes", "仮の備考", reason="打合せメモ")
    undone = services.changes.undo(changeset)
    [line] = lines_of(services, undone)
    assert line.text() == (
        "2026/11/23 08:30 情報政策係 山田：［元に戻す］システム『子ども・子育て支援』 備考: 仮の備考 → （なし）"
        "（理由: 元に戻す：打合せメモ）"
    )


# --- time: shown and grouped in Japan time --------------------------------------------------------------------------


def test_times_are_shown_and_grouped_by_the_japanese_day(services, clock):
    changeset = services.ledger.edit_system(1, "notes", "朝の変更")
    [line] = lines_of(services, changeset)
    assert line.recorded_at == "2026-11-22T23:30:00.000+00:00"  # stored in UTC: still the 22nd there
    assert line.moment == MORNING
    assert line.when == "2026/11/23 08:30"
    assert line.day == date(2026, 11, 23)

    clock.moment = datetime(2026, 11, 22, 14, 59, tzinfo=UTC)  # 23:59 JST on the 22nd
    late = services.ledger.edit_system(1, "notes", "夜の変更")
    clock.moment = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # midnight JST: the 23rd begins
    midnight = services.ledger.edit_system(1, "notes", "深夜の変更")
    [late_line], [midnight_line] = lines_of(services, late), lines_of(services, midnight)
    assert (late_line.when, late_line.day) == ("2026/11/22 23:59", date(2026, 11, 22))
    assert (midnight_line.when, midnight_line.day) == ("2026/11/23 00:00", date(2026, 11, 23))
    days = {}
    for narrated in services.journal.system_history(1):
        days.setdefault(narrated.day, []).append(narrated.what)
    assert days == {
        date(2026, 11, 23): ["備考: 夜の変更 → 深夜の変更", "備考: （なし） → 朝の変更"],
        date(2026, 11, 22): ["備考: 朝の変更 → 夜の変更"],
    }


def test_the_narrator_reads_entries_the_way_every_reader_does(services):
    """The history, a system's history and a change set's lines are one narration of the same entries."""
    changeset = services.changes.apply(
        [Edit("system", "6", "hosting", "gov_cloud"), Edit("cell", "kotei_shisanzei/1", "status", "in_progress")],
        reason="一括",
    )
    fresh = {line.entry_id: line.text() for line in lines_of(services, changeset)}
    system = {line.entry_id: line.text() for line in services.journal.system_history(7)}
    system |= {line.entry_id: line.text() for line in services.journal.system_history(6)}
    everything = {line.entry_id: line.text() for line in services.journal.history()}
    assert fresh and all(system[i] == text == everything[i] for i, text in fresh.items())


def test_the_history_names_the_change_a_late_reason_was_given_to(store):
    from soloit.services.bundle import open_services

    services = open_services(store, lambda: "山田")
    changed = services.ledger.set_statuses([("kaigo_hoken", 40)], "done")
    services.journal.annotate(changed, "県と確認")
    newest = services.journal.history(1)[0]
    assert newest.action == "annotate"
    assert newest.what.startswith("「介護保険 ステップ⑱-1 ステータス: 未着手 → 完了済み ほか 1 件」に理由を追記：県と確認")
