"""The rule of 実績日, declared once (entities/cell.py) and holding on every write path: becoming 完了済み fills an
empty 実績日 with today (automatic); leaving 完了済み clears a 実績日 that was filled automatically, never one typed
by a person; undo and redo restore exactly what was there."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soloit import reference
from soloit.services.bulk import apply_batch
from soloit.services.bundle import Services, open_services
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import CELL
from soloit.services.fields import cell_key
from soloit.services.integrity import verify
from tests.helpers import DayClock

REF = reference.load()
DONE = REF.done_status.code
CYCLE = list(REF.status_key_order)  # 未着手 → 作業中 → 完了済み → 対象外 → 未着手 (Space)
TODAY = date(2026, 11, 20)
KAIGO_40 = ("kaigo_hoken", 40)


@dataclass(frozen=True)
class CellState:
    status: str
    actual_date: date | None
    actual_date_auto: bool
    planned_date: date | None = None
    note: str | None = None


def state(store, code: str, seq: int) -> CellState:
    """The cell exactly as stored, the rule's bookkeeping included."""
    [row] = store.query(
        "SELECT c.status, c.actual_date, c.actual_date_auto, c.planned_date, c.note FROM step_cell c "
        "JOIN system s ON s.id = c.system_id WHERE s.business_code = ? AND c.step_seq = ?",
        (code, seq),
    )
    status, actual, auto, planned, note = row
    return CellState(
        status,
        date.fromisoformat(actual) if actual else None,
        bool(auto),
        date.fromisoformat(planned) if planned else None,
        note,
    )


NOT_STARTED = CellState("not_started", None, False)


@pytest.fixture
def services(store, clock) -> Services:
    clock.day = TODAY
    return open_services(store, lambda: "テスト 花子", clock)


def assert_verified(store) -> None:
    report = verify(store)
    assert report.ok, report.summary_ja()


# --- the repro, on the ledger service --------------------------------------------------------------------------------


def test_space_four_times_on_kaigo_step_40_leaves_no_date(store, services):
    seen = []
    for status in CYCLE[1:] + CYCLE[:1]:  # 作業中, 完了済み, 対象外, 未着手
        services.ledger.set_statuses([KAIGO_40], status)
        seen.append(state(store, *KAIGO_40))
    assert seen == [
        CellState("in_progress", None, False),
        CellState("done", TODAY, True),
        CellState("not_applicable", None, False),
        CellState("not_started", None, False),
    ]
    assert_verified(store)


def test_keys_3_then_1_leave_no_date(store, services):
    services.ledger.set_statuses([KAIGO_40], "done")
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)
    services.ledger.set_statuses([KAIGO_40], "not_started")
    assert state(store, *KAIGO_40) == NOT_STARTED


def test_edit_cell_follows_the_same_rule(store, services):
    services.ledger.edit_cell(*KAIGO_40, "status", "done")
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)
    services.ledger.edit_cell(*KAIGO_40, "status", "in_progress")
    assert state(store, *KAIGO_40) == CellState("in_progress", None, False)


# --- a date typed by a person is never touched ------------------------------------------------------------------------


@pytest.mark.parametrize("write", ["set_statuses", "edit_cell", "batch"])
def test_a_typed_date_survives_completion_and_leaving_it(store, services, write):
    set_status = status_writer(services, write)
    typed = date(2026, 4, 1)
    services.ledger.edit_cell(*KAIGO_40, "actual_date", typed)
    set_status("done")
    assert state(store, *KAIGO_40) == CellState("done", typed, False)
    set_status("not_started")
    assert state(store, *KAIGO_40) == CellState("not_started", typed, False)


@pytest.mark.parametrize("write", ["set_statuses", "edit_cell", "batch"])
def test_a_date_typed_over_the_automatic_one_is_the_persons(store, services, write):
    set_status = status_writer(services, write)
    set_status("done")
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)
    services.ledger.edit_cell(*KAIGO_40, "actual_date", "令和8年10月1日")
    assert state(store, *KAIGO_40) == CellState("done", date(2026, 10, 1), False)
    set_status("in_progress")
    assert state(store, *KAIGO_40) == CellState("in_progress", date(2026, 10, 1), False)


def test_clearing_the_automatic_date_by_hand_is_respected(store, services):
    services.ledger.set_statuses([KAIGO_40], "done")
    services.ledger.edit_cell(*KAIGO_40, "actual_date", None)
    assert state(store, *KAIGO_40) == CellState("done", None, False)
    services.ledger.set_statuses([KAIGO_40], "not_started")
    assert state(store, *KAIGO_40) == NOT_STARTED


def test_completing_a_cell_that_has_a_date_keeps_it(store, services):
    services.ledger.edit_cell(*KAIGO_40, "actual_date", date(2025, 4, 1))
    services.ledger.set_statuses([KAIGO_40, ("kaigo_hoken", 39)], "done")
    assert state(store, *KAIGO_40) == CellState("done", date(2025, 4, 1), False)
    assert state(store, "kaigo_hoken", 39) == CellState("done", TODAY, True)  # the other cell of the same command


def status_writer(services: Services, write: str) -> Callable[[str], ChangeSet]:
    def by_batch(status: str) -> ChangeSet:
        return apply_batch(
            services.store, [Edit(CELL, cell_key(*KAIGO_40), "status", status)], actor="取込", clock=services.context.clock
        )

    return {
        "set_statuses": lambda status: services.ledger.set_statuses([KAIGO_40], status),
        "edit_cell": lambda status: services.ledger.edit_cell(*KAIGO_40, "status", status),
        "batch": by_batch,
    }[write]


# --- bulk batches ---------------------------------------------------------------------------------------------------


def test_a_batch_fills_and_clears_like_any_other_path(store, services):
    cells = [("kaigo_hoken", seq) for seq in range(31, 41)]
    batch = [Edit(CELL, cell_key(*cell), "status", DONE) for cell in cells]
    apply_batch(store, batch, actor="取込", clock=services.context.clock)
    assert {state(store, *cell) for cell in cells} == {CellState("done", TODAY, True)}
    apply_batch(store, [replace(edit, value="not_applicable") for edit in batch], actor="取込", clock=services.context.clock)
    assert {state(store, *cell) for cell in cells} == {CellState("not_applicable", None, False)}
    assert_verified(store)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([("status", DONE), ("status", "not_started")], NOT_STARTED),  # in and out within one batch: nothing left
        ([("status", DONE), ("actual_date", date(2026, 4, 1))], CellState("done", date(2026, 4, 1), False)),
        ([("actual_date", date(2026, 4, 1)), ("status", DONE)], CellState("done", date(2026, 4, 1), False)),
        # an empty 実績日 asked for alongside 完了済み is still empty: becoming 完了済み fills it
        ([("status", DONE), ("actual_date", None)], CellState("done", TODAY, True)),
    ],
)
def test_several_edits_of_one_cell_in_one_batch(store, services, edits, expected):
    batch = [Edit(CELL, cell_key(*KAIGO_40), field, value) for field, value in edits]
    apply_batch(store, batch, actor="取込", clock=services.context.clock)
    assert state(store, *KAIGO_40) == expected
    assert_verified(store)


def test_a_batch_that_leaves_and_enters_completion_keeps_the_automatic_date(store, services, clock):
    services.ledger.set_statuses([KAIGO_40], DONE)
    clock.day = date(2026, 12, 1)
    batch = [Edit(CELL, cell_key(*KAIGO_40), "status", s) for s in ("not_started", DONE)]
    apply_batch(store, batch, actor="取込", clock=clock)
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)  # net: it stayed 完了済み


def test_a_batch_that_leaves_completion_and_types_a_date_keeps_the_typed_date(store, services):
    services.ledger.set_statuses([KAIGO_40], DONE)
    batch = [
        Edit(CELL, cell_key(*KAIGO_40), "status", "in_progress"),
        Edit(CELL, cell_key(*KAIGO_40), "actual_date", date(2026, 9, 30)),
    ]
    apply_batch(store, batch, actor="取込", clock=services.context.clock)
    assert state(store, *KAIGO_40) == CellState("in_progress", date(2026, 9, 30), False)
    services.ledger.set_statuses([KAIGO_40], DONE)
    services.ledger.set_statuses([KAIGO_40], "not_started")
    assert state(store, *KAIGO_40) == CellState("not_started", date(2026, 9, 30), False)


# --- undo and redo restore exactly ----------------------------------------------------------------------------------


def test_undo_and_redo_of_completion_restore_exactly_even_on_another_day(store, services, clock):
    completed = services.ledger.set_statuses([KAIGO_40], DONE)
    clock.day = date(2026, 12, 24)
    services.changes.undo(completed)
    assert state(store, *KAIGO_40) == NOT_STARTED
    services.changes.redo(completed)
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)  # the day it was completed, still automatic
    services.ledger.set_statuses([KAIGO_40], "not_started")
    assert state(store, *KAIGO_40) == NOT_STARTED
    assert_verified(store)


def test_undo_of_leaving_completion_brings_the_automatic_date_back(store, services, clock):
    services.ledger.set_statuses([KAIGO_40], DONE)
    left = services.ledger.set_statuses([KAIGO_40], "in_progress")
    clock.day = date(2027, 1, 5)
    services.changes.undo(left)
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)
    services.changes.redo(left)
    assert state(store, *KAIGO_40) == CellState("in_progress", None, False)


def test_undo_of_typing_over_the_automatic_date(store, services):
    services.ledger.set_statuses([KAIGO_40], DONE)
    typed = services.ledger.edit_cell(*KAIGO_40, "actual_date", date(2026, 11, 1))
    services.changes.undo(typed)
    assert state(store, *KAIGO_40) == CellState("done", TODAY, True)
    services.changes.redo(typed)
    assert state(store, *KAIGO_40) == CellState("done", date(2026, 11, 1), False)


def test_undo_derives_nothing_anew(store, services, clock):
    """Found by the model below: completed (automatic date), date cleared by hand, then left 完了済み; undoing the
    last step must give back 完了済み with no date — not fill today's date as if it had just been completed."""
    services.ledger.set_statuses([KAIGO_40], DONE)
    services.ledger.edit_cell(*KAIGO_40, "actual_date", None)
    left = services.ledger.set_statuses([KAIGO_40], "not_started")
    clock.day = date(2026, 12, 2)
    undone = services.changes.undo(left)
    assert state(store, *KAIGO_40) == CellState("done", None, False)
    assert [(c.field, c.new) for c in undone.changes] == [("status", DONE)]
    services.changes.redo(left)
    assert state(store, *KAIGO_40) == NOT_STARTED
    assert_verified(store)


# --- every path at random, against a model of the rule ---------------------------------------------------------------

CELLS = (("kaigo_hoken", 40), ("kaigo_hoken", 39))
PATHS = ("set_statuses", "edit_cell", "batch")
DAYS = st.dates(date(2026, 4, 1), TODAY)  # an actual date is never after today (the clock only moves on)
operations = st.one_of(
    st.tuples(st.just("status"), st.sampled_from(PATHS), st.sets(st.sampled_from(CELLS), min_size=1), st.sampled_from(CYCLE)),
    st.tuples(st.just("date"), st.sampled_from(PATHS), st.sampled_from(CELLS), st.one_of(st.none(), DAYS)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("next day")),
)


def model_status(cell: CellState, status: str, today: date) -> CellState:
    """The rule, written again independently of entities/cell.py."""
    if status == cell.status:
        return cell
    if status == DONE and cell.actual_date is None:
        return replace(cell, status=status, actual_date=today, actual_date_auto=True)
    if cell.status == DONE and cell.actual_date_auto:
        return replace(cell, status=status, actual_date=None, actual_date_auto=False)
    return replace(cell, status=status)


def model_date(cell: CellState, typed: date | None) -> CellState:
    return cell if typed == cell.actual_date else replace(cell, actual_date=typed, actual_date_auto=False)


@pytest.fixture(scope="module")
def ledger_copy(tmp_path_factory, template_ledger) -> Callable[[], Path]:
    folder = tmp_path_factory.mktemp("rules")

    def fresh() -> Path:
        path = Path(tempfile.mkdtemp(dir=folder)) / "ledger.sqlite3"
        shutil.copy(template_ledger, path)
        return path

    return fresh


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, max_size=25))
def test_every_path_in_any_order_keeps_the_rule(ledger_copy, ops):
    from soloit.store.db import open_database

    store = open_database(ledger_copy())
    try:
        clock = DayClock(TODAY)
        services = open_services(store, lambda: "テスト 花子", clock)
        model = {cell: NOT_STARTED for cell in CELLS}
        done: list[tuple[ChangeSet, dict, dict]] = []  # (change set, model before, model after), as an undo stack
        undone: list[tuple[ChangeSet, dict, dict]] = []
        for op in ops:
            before = dict(model)
            changeset = None
            if op[0] == "status":
                _, path, cells, status = op
                cells = sorted(cells)
                changeset = write_status(services, path, cells, status)
                model.update({cell: model_status(model[cell], status, clock.day) for cell in cells})
            elif op[0] == "date":
                _, path, cell, typed = op
                changeset = write_date(services, path, cell, typed)
                model[cell] = model_date(model[cell], typed)
            elif op[0] == "undo" and done:
                changeset, model_before, model_after = done.pop()
                services.changes.undo(changeset)
                undone.append((changeset, model_before, model_after))
                model = dict(model_before)
                changeset = None
            elif op[0] == "redo" and undone:
                changeset, model_before, model_after = undone.pop()
                services.changes.redo(changeset)
                done.append((changeset, model_before, model_after))
                model = dict(model_after)
                changeset = None
            elif op[0] == "next day":
                clock.day = date.fromordinal(clock.day.toordinal() + 1)
            if changeset:
                done.append((changeset, before, dict(model)))
                undone.clear()
            for cell in CELLS:
                stored = state(store, *cell)
                assert stored == model[cell], (op, cell)
                assert not stored.actual_date_auto or (stored.status == DONE and stored.actual_date is not None)
        assert_verified(store)
    finally:
        store.close()


def write_status(services: Services, path: str, cells: list[tuple[str, int]], status: str) -> ChangeSet:
    if path == "set_statuses":
        return services.ledger.set_statuses(cells, status)
    if path == "edit_cell":
        return services.changes.apply([Edit(CELL, cell_key(*cell), "status", status) for cell in cells])
    edits = [Edit(CELL, cell_key(*cell), "status", status) for cell in cells]
    return apply_batch(services.store, edits, actor="テスト 花子", clock=services.context.clock)


def write_date(services: Services, path: str, cell: tuple[str, int], typed: date | None) -> ChangeSet:
    if path == "batch":
        return apply_batch(
            services.store, [Edit(CELL, cell_key(*cell), "actual_date", typed)], actor="テスト 花子", clock=services.context.clock
        )
    return services.ledger.edit_cell(*cell, "actual_date", typed)


def test_an_actual_date_after_today_is_refused_on_every_path(store, services, clock):
    """実績日 and 本番稼働日（実績） have happened: a day after today (the services' clock) is refused with the reason,
    through the panel's command, a bulk batch and text typed; today itself and the past are taken; nothing is journaled."""
    from soloit.services.bulk import BatchRejectedError
    from soloit.services.errors import ValidationError

    before = store.query("SELECT count(*) FROM journal")[0][0]
    with pytest.raises(ValidationError) as caught:
        services.ledger.edit_cell(*KAIGO_40, "actual_date", date(2026, 11, 21))
    assert caught.value.user_message() == (
        "【実績日】今日（2026/11/20）より後の日付（2026/11/21）は実績として入れられません。予定なら予定日に入れてください。"
    )
    with pytest.raises(ValidationError) as caught:
        services.ledger.edit_cell(*KAIGO_40, "actual_date", "R9.4.1")  # typed 和暦
    assert "（2027/04/01）" in caught.value.message_ja
    system_id = services.ledger.systems()[0].id
    with pytest.raises(ValidationError) as caught:
        services.ledger.edit_system(system_id, "actual_go_live", "2027/1/4")
    assert caught.value.user_message() == (
        "【本番稼働日（実績）】今日（2026/11/20）より後の日付（2027/01/04）は実績として入れられません。"
        "予定なら本番稼働予定日に入れてください。"
    )
    with pytest.raises(BatchRejectedError):
        apply_batch(
            store, [Edit(CELL, cell_key(*KAIGO_40), "actual_date", date(2026, 12, 1))], actor="テスト", clock=clock
        )
    assert store.query("SELECT count(*) FROM journal")[0][0] == before
    assert state(store, *KAIGO_40) == NOT_STARTED

    services.ledger.edit_cell(*KAIGO_40, "actual_date", date(2026, 11, 20))  # today is an actual day
    services.ledger.edit_system(system_id, "actual_go_live", date(2026, 1, 4))
    clock.day = date(2026, 12, 1)  # days later, that day can be an actual one
    services.ledger.edit_cell(*KAIGO_40, "actual_date", date(2026, 12, 1))
    assert state(store, *KAIGO_40).actual_date == date(2026, 12, 1)
