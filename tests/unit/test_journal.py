"""Every change to the ledger leaves a journal entry (who, when, what, old → new, why); undo/redo are new entries;
invalid input saves nothing."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from sqlalchemy import text

from soloit import reference
from soloit.services import fields
from soloit.services.changes import Edit
from soloit.services.entities import CELL, MUNICIPALITY, ORGANISATION, SYSTEM, entity
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE
from soloit.services.integrity import verify
from soloit.store import journal

ACTOR = "テスト 花子"
TABLES = ("municipality", "organisation", "system", "step_cell", "journal", "meta")


class Row(journal.Entry):
    """A journal entry as stored, with the part most tests compare."""

    __slots__ = ()

    @property
    def what(self) -> tuple:
        return (self.entity, self.entity_key, self.field, self.old_value, self.new_value)


def journal_rows(store, after: int = 0) -> list[Row]:
    return [Row(*astuple(e)) for e in journal.iter_entries(store.raw(), "id > ?", (after,))]


def journal_count(store) -> int:
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM journal")).scalar()


def dump(store) -> dict[str, list[tuple]]:
    """Every row of every table, to show that nothing at all changed."""
    with store.read() as session:
        return {t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))] for t in TABLES}


def assert_entries(rows: list[Row], expected: list[tuple], *, reason: str | None, action: str = "edit") -> None:
    assert [r.what for r in rows] == expected
    assert len({r.batch for r in rows}) == 1, "one command, one batch"
    for row in rows:
        assert row.actor == ACTOR
        assert row.action == action
        assert row.reason == reason
        recorded = datetime.fromisoformat(row.recorded_at)
        assert recorded.tzinfo is not None and recorded.utcoffset() == UTC.utcoffset(None)
        assert abs((datetime.now(UTC) - recorded).total_seconds()) < 3600


@pytest.fixture
def start(store) -> int:
    return journal_count(store)


# --- cells -------------------------------------------------------------------------------------------------


def test_status_to_done_fills_actual_date_from_clock(service, store, start, clock):
    changes = service.edit_cell("jumin_kihon_daicho", 3, "status", "done", reason="定例会で確認")
    rows = journal_rows(store, start)
    key = "jumin_kihon_daicho/3"
    assert_entries(
        rows,
        [
            (CELL, key, "status", "not_started", "done"),
            (CELL, key, "actual_date", None, clock.day.isoformat()),
            (CELL, key, "actual_date_auto", "false", "true"),  # filled in by the rule, so leaving 完了済み clears it
        ],
        reason="定例会で確認",
    )
    assert rows[0].batch == changes.batch
    cell = service.cell("jumin_kihon_daicho", 3)
    assert (cell.status, cell.actual_date) == ("done", date(2026, 11, 20))


def test_done_keeps_an_existing_actual_date(service, store, clock):
    service.edit_cell("koseki", 1, "actual_date", date(2026, 4, 1))
    start = journal_count(store)
    clock.day = date(2027, 1, 5)
    service.edit_cell("koseki", 1, "status", "done")
    rows = journal_rows(store, start)
    assert_entries(rows, [(CELL, "koseki/1", "status", "not_started", "done")], reason=None)
    assert service.cell("koseki", 1).actual_date == date(2026, 4, 1)


def test_status_in_progress_leaves_actual_date_empty(service, store, start):
    service.edit_cell("koseki", 2, "status", "in_progress")
    assert_entries(
        journal_rows(store, start), [(CELL, "koseki/2", "status", "not_started", "in_progress")], reason=None
    )
    assert service.cell("koseki", 2).actual_date is None


@pytest.mark.parametrize(
    ("field", "value", "text_value"),
    [
        ("planned_date", date(2026, 12, 1), "2026-12-01"),
        ("planned_date", "2026/12/1", "2026-12-01"),
        ("planned_date", "２０２６／１２／０１", "2026-12-01"),
        ("actual_date", date(2026, 10, 30), "2026-10-30"),
        ("note", "  ベンダに確認中  ", "ベンダに確認中"),
    ],
)
def test_cell_fields(service, store, start, field, value, text_value):
    service.edit_cell("kaigo_hoken", 7, field, value, reason="理由あり")
    assert_entries(journal_rows(store, start), [(CELL, "kaigo_hoken/7", field, None, text_value)], reason="理由あり")
    assert fields.encode(getattr(service.cell("kaigo_hoken", 7), field)) == text_value


def test_unchanged_value_writes_nothing(service, store, start):
    changes = service.edit_cell("koseki", 1, "note", None)
    assert not changes
    assert journal_count(store) == start


def test_reason_is_optional_and_trimmed(service, store, start):
    service.edit_cell("koseki", 1, "note", "a", reason="   ")
    service.edit_cell("koseki", 1, "note", "b", reason="  課長決裁  ")
    rows = journal_rows(store, start)
    assert [r.reason for r in rows] == [None, "課長決裁"]
    assert rows[0].batch != rows[1].batch


# --- systems -----------------------------------------------------------------------------------------------

ORG_FIELDS = {"current_vendor_id": "vendor", "target_vendor_id": "vendor", "department_id": "department"}
SYSTEM_SAMPLES = {
    "name": ("住民記録システム", "住民基本台帳", "住民記録システム"),
    "current_product": ("総合行政システム V7", None, "総合行政システム V7"),
    "target_product": ("標準準拠パッケージ", None, "標準準拠パッケージ"),
    "hosting": ("gov_cloud", None, "gov_cloud"),
    "planned_start": (date(2024, 4, 1), None, "2024-04-01"),
    "planned_go_live": (date(2026, 1, 4), None, "2026-01-04"),
    "actual_go_live": (date(2026, 1, 5), None, "2026-01-05"),
    "tokutei": (True, "false", "true"),
    "tokutei_reason": ("other", None, "other"),
    "tokutei_reason_text": ("ベンダの撤退", None, "ベンダの撤退"),
    "tokutei_target_date": (date(2031, 3, 31), None, "2031-03-31"),
    "notes": ("備考です", None, "備考です"),
}


def test_samples_cover_every_system_field():
    assert set(SYSTEM_SAMPLES) | set(ORG_FIELDS) == {spec.name for spec in entity(SYSTEM).fields}


@pytest.mark.parametrize("field", sorted(SYSTEM_SAMPLES))
def test_system_field(service, store, start, field):
    value, old_text, new_text = SYSTEM_SAMPLES[field]
    service.edit_system(3, field, value, reason=f"{field}を更新")
    assert_entries(journal_rows(store, start), [(SYSTEM, "3", field, old_text, new_text)], reason=f"{field}を更新")
    assert getattr(service.system(3), field) == value
    assert verify(store).ok


@pytest.mark.parametrize("field", sorted(ORG_FIELDS))
def test_system_organisation_field_creates_organisation(service, store, start, field):
    kind = ORG_FIELDS[field]
    service.set_system_organisation(3, field, " 株式会社テスト電算 ", kind, reason="契約締結")
    rows = journal_rows(store, start)
    assert_entries(
        rows,
        [
            (ORGANISATION, "1", CREATE, None, "株式会社テスト電算"),
            (ORGANISATION, "1", "kind", "other", kind),
            (SYSTEM, "3", field, None, "1"),
        ],
        reason="契約締結",
    )
    orgs = service.organisations()
    assert [(o.id, o.name, o.kind) for o in orgs] == [(1, "株式会社テスト電算", kind)]
    assert getattr(service.system(3), field) == 1

    # The same name again reuses the organisation: one entry, no new organisation.
    middle = journal_count(store)
    service.set_system_organisation(4, field, "株式会社テスト電算", kind)
    assert_entries(journal_rows(store, middle), [(SYSTEM, "4", field, None, "1")], reason=None)
    assert len(service.organisations()) == 1

    # Clearing it.
    middle = journal_count(store)
    service.set_system_organisation(3, field, "", kind)
    assert_entries(journal_rows(store, middle), [(SYSTEM, "3", field, "1", None)], reason=None)
    assert verify(store).ok


def test_add_and_remove_system(service, store, start):
    added = service.add_system("財務会計システム", reason="対象外も管理", hosting="on_premises", notes="令和9年度更新")
    assert_entries(
        journal_rows(store, start),
        [
            (SYSTEM, "21", CREATE, None, "財務会計システム"),
            (SYSTEM, "21", "hosting", None, "on_premises"),
            (SYSTEM, "21", "notes", None, "令和9年度更新"),
        ],
        reason="対象外も管理",
        action="create",
    )
    assert added.keys(SYSTEM) == {"21"}
    view = service.system(21)
    assert (view.business_code, view.name, view.hosting) == (None, "財務会計システム", "on_premises")
    assert verify(store).ok

    middle = journal_count(store)
    service.remove_system(21, reason="廃止")
    assert_entries(
        journal_rows(store, middle),
        [
            (SYSTEM, "21", "hosting", "on_premises", None),
            (SYSTEM, "21", "notes", "令和9年度更新", None),
            (SYSTEM, "21", CREATE, "財務会計システム", None),
        ],
        reason="廃止",
        action="delete",
    )
    assert [s.id for s in service.systems()] == list(range(1, 21))
    assert verify(store).ok


def test_add_organisation(service, store, start):
    service.add_organisation("北海道 総合政策部", "prefecture", reason="県の窓口")
    assert_entries(
        journal_rows(store, start),
        [(ORGANISATION, "1", CREATE, None, "北海道 総合政策部"), (ORGANISATION, "1", "kind", "other", "prefecture")],
        reason="県の窓口",
        action="create",
    )
    assert [(o.name, o.kind) for o in service.organisations("prefecture")] == [("北海道 総合政策部", "prefecture")]


def test_save_municipality(service, store, start):
    service.save_municipality("13", "千代田区", "１３１０１６", reason="団体情報の訂正")
    assert_entries(
        journal_rows(store, start),
        [
            (MUNICIPALITY, "1", "prefecture_code", "01", "13"),
            (MUNICIPALITY, "1", "name", "札幌市", "千代田区"),
            (MUNICIPALITY, "1", "lg_code", "011002", "131016"),
        ],
        reason="団体情報の訂正",
    )
    profile = service.municipality()
    assert (profile.prefecture_code, profile.prefecture_name, profile.name, profile.lg_code) == (
        "13",
        "東京都",
        "千代田区",
        "131016",
    )
    assert verify(store).ok


def test_new_ledger_journal(store):
    rows = journal_rows(store)
    assert rows[0].what == ("database", "-", CREATE, None, "created")
    assert rows[0].batch == "seed"
    assert [r.what for r in rows[1:]] == [
        (MUNICIPALITY, "1", CREATE, None, "札幌市"),
        (MUNICIPALITY, "1", "prefecture_code", "", "01"),
        (MUNICIPALITY, "1", "lg_code", "", "011002"),
    ]
    assert all(r.actor == ACTOR for r in rows)
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))


# --- batches, undo, redo -----------------------------------------------------------------------------------


def test_one_command_is_one_batch_and_batches_differ(service, store, start):
    first = service.edit_cell("koseki", 1, "status", "done")
    second = service.edit_cell("koseki", 2, "status", "done")
    rows = journal_rows(store, start)
    assert [r.batch for r in rows] == [first.batch] * 3 + [second.batch] * 3  # status, 実績日, its automatic mark
    assert first.batch != second.batch


def test_undo_writes_new_reversing_entries(service, store, start):
    done = service.edit_cell("jumin_kihon_daicho", 5, "status", "done", reason="完了報告")
    before = journal_rows(store)
    undone = service.undo(done)
    after = journal_rows(store)
    assert after[: len(before)] == before, "old entries are never rewritten"
    new = after[len(before) :]
    assert_entries(
        new,
        [
            (CELL, "jumin_kihon_daicho/5", "actual_date_auto", "true", "false"),
            (CELL, "jumin_kihon_daicho/5", "actual_date", "2026-11-20", None),
            (CELL, "jumin_kihon_daicho/5", "status", "done", "not_started"),
        ],
        reason="元に戻す：完了報告",
        action="undo",
    )
    assert new[0].batch == undone.batch != done.batch
    cell = service.cell("jumin_kihon_daicho", 5)
    assert (cell.status, cell.actual_date) == ("not_started", None)

    service.redo(done)
    again = journal_rows(store)
    assert again[: len(after)] == after
    assert_entries(
        again[len(after) :],
        [
            (CELL, "jumin_kihon_daicho/5", "status", "not_started", "done"),
            (CELL, "jumin_kihon_daicho/5", "actual_date", None, "2026-11-20"),
            (CELL, "jumin_kihon_daicho/5", "actual_date_auto", "false", "true"),
        ],
        reason="やり直し：完了報告",
        action="redo",
    )
    cell = service.cell("jumin_kihon_daicho", 5)
    assert (cell.status, cell.actual_date) == ("done", date(2026, 11, 20))
    assert verify(store).ok


def test_undo_without_reason(service, store):
    changes = service.edit_system(5, "notes", "メモ")
    middle = journal_count(store)
    service.undo(changes)
    assert [r.reason for r in journal_rows(store, middle)] == ["元に戻す"]
    assert service.system(5).notes is None


def test_range_set_is_one_batch_and_one_undo_restores_all(service, store, start):
    service.edit_cell("kokumin_nenkin", 3, "actual_date", date(2026, 5, 1))
    service.edit_cell("kokumin_nenkin", 4, "status", "in_progress")
    before = dump(store)
    middle = journal_count(store)
    cells = [("kokumin_nenkin", seq) for seq in range(1, 6)] + [("kaigo_hoken", 1), ("kokumin_nenkin", 1)]
    changes = service.set_statuses(cells, "done", reason="一括で完了")
    rows = journal_rows(store, middle)
    assert len({r.batch for r in rows}) == 1
    assert len(rows) == 6 + 5 + 5  # 6 statuses; the 5 cells without a 実績日 get today and its automatic mark
    assert {r.entity_key for r in rows if r.field == "status"} == {f"kokumin_nenkin/{s}" for s in range(1, 6)} | {
        "kaigo_hoken/1"
    }
    assert changes.keys(CELL) == {r.entity_key for r in rows}
    snapshot = {(b, s): service.cell(b, s) for b, s in cells}
    assert all(c.status == "done" for c in snapshot.values())
    assert snapshot[("kokumin_nenkin", 3)].actual_date == date(2026, 5, 1)

    service.undo(changes)
    undo_rows = journal_rows(store, middle + len(rows))
    assert len(undo_rows) == len(rows)
    assert len({r.batch for r in undo_rows}) == 1
    after = dump(store)
    assert {t: after[t] for t in TABLES if t not in ("journal", "meta")} == {
        t: before[t] for t in TABLES if t not in ("journal", "meta")
    }
    assert service.cell("kokumin_nenkin", 4).status == "in_progress"
    assert verify(store).ok


def test_undo_add_system_removes_it_and_redo_brings_it_back(service, store):
    added = service.add_system("人事給与システム", hosting="other")
    service.undo(added)
    assert [s.id for s in service.systems()] == list(range(1, 21))
    service.redo(added)
    assert service.system(21).name == "人事給与システム"
    assert service.system(21).hosting == "other"
    assert verify(store).ok


def test_undo_remove_system_restores_its_fields(service, store):
    service.add_system("共通機能", hosting="gov_cloud", notes="宛名管理")
    removed = service.remove_system(21)
    service.undo(removed)
    view = service.system(21)
    assert (view.name, view.hosting, view.notes) == ("共通機能", "gov_cloud", "宛名管理")
    assert verify(store).ok


def test_undo_organisation_assignment_removes_the_new_organisation(service, store):
    changes = service.set_system_organisation(2, "target_vendor_id", "新ベンダ株式会社", "vendor")
    service.undo(changes)
    assert service.organisations() == []
    assert service.system(2).target_vendor_id is None
    assert verify(store).ok


# --- invalid input saves nothing ---------------------------------------------------------------------------


def assert_refused(store, before, call, label: str, *words: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    assert error.field_label == label
    for word in words:
        assert word in error.message_ja
    assert error.user_message().startswith(f"【{label}】")
    assert dump(store) == before, "nothing saved: data and journal unchanged"
    return error


@pytest.fixture
def before(store, service):
    service.edit_cell("koseki", 1, "status", "in_progress")
    return dump(store)


def test_bad_check_digit(service, store, before):
    assert_refused(store, before, lambda: service.save_municipality("01", "札幌市", "011003"), "団体コード", "検査数字")


def test_lg_code_of_another_prefecture(service, store, before):
    assert_refused(store, before, lambda: service.save_municipality("13", "札幌市", "011002"), "団体コード", "都道府県")


def test_lg_code_not_six_digits(service, store, before):
    assert_refused(store, before, lambda: service.save_municipality("01", "札幌市", "01100"), "団体コード", "6桁")


def test_unknown_prefecture(service, store, before):
    assert_refused(store, before, lambda: service.save_municipality("48", "札幌市", "011002"), "都道府県")


def test_tokutei_target_date_after_deadline(service, store, before):
    assert reference.load().tokutei_deadline == date(2031, 3, 31)
    error = assert_refused(
        store, before, lambda: service.edit_system(1, "tokutei_target_date", date(2031, 4, 1)), "移行完了目標日"
    )
    assert "2031/03/31" in error.message_ja


def test_system_name_too_long(service, store, before):
    assert_refused(store, before, lambda: service.edit_system(1, "name", "あ" * 201), "システム名", "200文字")
    assert_refused(store, before, lambda: service.add_system("あ" * 201), "システム名", "200文字")


def test_system_name_empty(service, store, before):
    assert_refused(store, before, lambda: service.edit_system(1, "name", "   "), "システム名", "入力")


def test_unknown_status(service, store, before):
    assert_refused(store, before, lambda: service.edit_cell("koseki", 1, "status", "finished"), "ステータス")
    assert_refused(store, before, lambda: service.set_statuses([("koseki", 2)], "完了済み"), "ステータス")
    assert_refused(store, before, lambda: service.apply([Edit(CELL, "koseki/3", "status", "finished")]), "ステータス")


def test_unknown_hosting(service, store, before):
    assert_refused(store, before, lambda: service.edit_system(1, "hosting", "aws"), "稼働環境", "一覧")


def test_bad_date_text(service, store, before):
    assert_refused(
        store, before, lambda: service.edit_cell("koseki", 1, "planned_date", "来年の春"), "予定日", "来年の春"
    )
    assert_refused(store, before, lambda: service.edit_cell("koseki", 1, "planned_date", "1999-12-31"), "予定日")


def test_unknown_organisation_id(service, store, before):
    assert_refused(store, before, lambda: service.edit_system(1, "current_vendor_id", 999), "現行ベンダ", "組織")


def test_unknown_cell(service, store, before):
    assert_refused(store, before, lambda: service.set_statuses([("koseki", 41)], "done"), "ステップ")


def test_business_system_cannot_be_removed(service, store, before):
    assert_refused(store, before, lambda: service.remove_system(1), "システム", "削除できません")


def test_one_bad_edit_refuses_the_whole_command(service, store, before):
    edits = [
        Edit(CELL, "koseki/5", "note", "正しい編集"),
        Edit(SYSTEM, "2", "notes", "これも正しい"),
        Edit(SYSTEM, "2", "hosting", "aws"),
    ]
    assert_refused(store, before, lambda: service.apply(edits, reason="まとめて"), "稼働環境")


def test_reason_too_long(service, store, before):
    assert_refused(store, before, lambda: service.edit_cell("koseki", 1, "note", "x", reason="理" * 1001), "理由")


def test_every_entry_is_chained(service, store):
    service.edit_cell("koseki", 1, "status", "done")
    service.add_organisation("株式会社A", "vendor")
    rows = journal_rows(store)
    assert rows[0].prev_hash == "0" * 64
    for earlier, later in pairwise(rows):
        assert later.prev_hash == earlier.hash
    assert len({astuple(r)[-1] for r in rows}) == len(rows)
    report = verify(store)
    assert report.ok and report.entries == len(rows) and report.head_hash == rows[-1].hash


def test_blank_display_name_is_recorded_as_unset(store, clock):
    from tests.helpers import AllServices as LedgerService

    anonymous = LedgerService(store, lambda: "  ", today=clock)
    start = journal_count(store)
    anonymous.edit_cell("koseki", 1, "note", "名前なしで編集")
    assert [r.actor for r in journal_rows(store, start)] == ["（名前未設定）"]
