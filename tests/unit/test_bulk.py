"""All-or-nothing batches: a malformed batch is refused as a whole and the database is left exactly as it was."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soloit import reference
from soloit.services.bulk import BatchRejectedError, apply_batch, validate_batch
from soloit.services.changes import Edit
from soloit.services.entities import CELL, MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.services.fields import CREATE, cell_key


def logical_dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


REF = reference.load()
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
codes = st.sampled_from([b.code for b in REF.businesses])
seqs = st.integers(min_value=1, max_value=40)
good_edits = st.one_of(
    st.builds(lambda c, s, v: Edit(CELL, cell_key(c, s), "status", v), codes, seqs, st.sampled_from(list(REF.status_by_code))),
    st.builds(lambda c, s, t: Edit(CELL, cell_key(c, s), "note", t), codes, seqs, st.text(PRINTABLE, max_size=50)),
    st.builds(lambda n, t: Edit(SYSTEM, str(n), "current_product", t), st.integers(1, 20), st.text(PRINTABLE, max_size=60)),
    st.builds(lambda n, d: Edit(SYSTEM, str(n), "planned_go_live", d), st.integers(1, 20), st.dates(date(2020, 1, 1), date(2035, 12, 31))),
)
bad_edits = st.one_of(
    st.builds(lambda c, s: Edit(CELL, cell_key(c, s), "status", "done-ish"), codes, seqs),  # unknown status
    st.builds(lambda n: Edit(SYSTEM, str(n), "current_product", "製" * 201), st.integers(1, 20)),  # too long
    st.builds(lambda n: Edit(SYSTEM, str(n), "tokutei_target_date", date(2031, 4, 1)), st.integers(1, 20)),  # too late
    st.builds(lambda n: Edit(SYSTEM, str(n), "hosting", "cloud9"), st.integers(1, 20)),  # not a choice
    st.builds(lambda n: Edit(SYSTEM, str(n), "no_such_field", "x"), st.integers(1, 20)),  # unknown field
    st.builds(lambda s: Edit(CELL, f"no_such_business/{s}", "status", "done"), seqs),  # a row that is not there
    st.builds(lambda n: Edit(SYSTEM, str(n), "current_vendor_id", 999), st.integers(1, 20)),  # no such organisation
    st.just(Edit(MUNICIPALITY, "1", "lg_code", "011001")),  # bad check digit (found against the row)
    st.just(Edit(CELL, "koseki/x", "status", "done")),  # malformed key
    st.just(Edit(SYSTEM, "abc", "notes", "x")),
    st.just(Edit(ORGANISATION, "5", CREATE, "")),  # an empty name
    st.just(Edit(CELL, cell_key("koseki", 1), "planned_date", "2026/02/30")),  # not a date
    st.just(Edit(CELL, cell_key("koseki", 1), "note", "ベル\x07")),  # a control character
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(good_edits, max_size=15),
    bad=bad_edits,
    after=st.lists(good_edits, max_size=15),
)
def test_a_batch_with_any_bad_edit_changes_nothing(store, before, bad, after):
    dump = logical_dump(store.path)
    with pytest.raises(BatchRejectedError) as caught:
        apply_batch(store, [*before, bad, *after], actor="取込")
    assert caught.value.problems
    assert logical_dump(store.path) == dump


def stored_values(store) -> dict[tuple[str, str, str], object]:
    """Every declared field of every row, read back from the database: {(entity, key, field): value}."""
    from soloit.services.entities import ENTITIES

    conn = store.raw()
    return {
        (kind.name, key, spec.name): spec.from_row(raw[spec.name])
        for kind in ENTITIES.values()
        for key, raw in kind.raw_rows(conn)
        for spec in kind.fields
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(good_edits, min_size=1, max_size=30))
def test_a_good_batch_is_applied_whole_in_one_journal_batch(store, edits):
    from soloit.services.entities import spec
    from soloit.services.fields import encode

    before = stored_values(store)
    changeset = apply_batch(store, edits, actor="取込")
    after = stored_values(store)

    # the data: each (entity, key, field) holds the value of the last edit for it in the batch
    wanted = {(e.entity, e.key, e.field): spec(e.entity, e.field).clean(e.value) for e in edits}
    assert {where: after[where] for where in wanted} == wanted
    # and nothing else changed but what the cells' rule derives (実績日 of a cell that became 完了済み)
    others = {where for where in after if where not in wanted and after[where] != before[where]}
    assert {(entity, field) for entity, _key, field in others} <= {(CELL, "actual_date"), (CELL, "actual_date_auto")}

    # the journal: one batch, whose entries end on exactly the stored values of what changed
    conn = sqlite3.connect(store.path)
    try:
        rows = conn.execute(
            "SELECT batch, entity, entity_key, field, old_value, new_value FROM journal WHERE id > ? ORDER BY id",
            (changeset.journal_ids[0] - 1 if changeset.journal_ids else 1 << 62,),
        ).fetchall()
    finally:
        conn.close()
    assert len(rows) == len(changeset.changes)
    assert {row[0] for row in rows} == ({changeset.batch} if changeset.changes else set())
    newest = {(entity, key, field): new for _batch, entity, key, field, _old, new in rows}
    first = {}
    for _batch, entity, key, field, old, _new in rows:
        first.setdefault((entity, key, field), old)
    changed = {where for where in after if after[where] != before[where]}
    assert changed <= set(newest)
    assert {where: encode(after[where]) for where in newest} == newest
    assert {where: encode(before[where]) for where in first} == first


def test_every_static_problem_is_listed_with_its_position():
    problems = validate_batch(
        [
            Edit(CELL, cell_key("koseki", 1), "status", "done"),
            Edit(SYSTEM, "3", "current_product", "x" * 201),
            Edit(CELL, cell_key("koseki", 2), "status", "bogus"),
        ]
    )
    assert [(p.index, p.field_label) for p in problems] == [(1, "現行製品"), (2, "ステータス")]
    assert "200文字以内" in problems[0].message_ja
    assert problems[0].describe().startswith("2件目【現行製品】")


def test_an_import_backs_up_first_but_only_when_the_batch_is_valid(store, tmp_path):
    from soloit.store.backup import list_backups

    folder = tmp_path / "bk"
    with pytest.raises(BatchRejectedError):
        apply_batch(store, [Edit(CELL, cell_key("koseki", 1), "status", "bogus")], actor="取込", backup_dir=folder)
    assert list_backups(folder) == []
    apply_batch(store, [Edit(CELL, cell_key("koseki", 1), "status", "done")], actor="取込", backup_dir=folder)
    [made] = list_backups(folder)
    assert made.kind == "pre-import"
    conn = sqlite3.connect(made.path)
    try:  # the backup holds the state before the import
        assert conn.execute("SELECT count(*) FROM journal WHERE action = 'import'").fetchone()[0] == 0
    finally:
        conn.close()
