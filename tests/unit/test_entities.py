"""An entity is declared once: editing, undo, redo, deletion, `verify` and narration work for every declared
entity because they are generic over the declarations. The life-cycle test iterates ENTITIES, so an entity
declared later gets this coverage by being declared."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from soloit.domain.clock import JST, FixedClock
from soloit.services import entities
from soloit.services.bundle import Services, open_services
from soloit.services.changes import Edit
from soloit.services.entities import ENTITIES, ORGANISATION, SYSTEM, Entity
from soloit.services.errors import ValidationError
from soloit.services.fields import BOOL, CHOICE, CREATE, DATE, DECIMAL, INT, REF, TEXT, YEN, FieldSpec
from soloit.services.integrity import verify
from soloit.services.narrator import name_book, narrate
from soloit.store import journal

ACTOR = "テスト 花子"
MOMENT = datetime(2026, 11, 23, 8, 30, tzinfo=JST)

# Values a row rule (Entity.check) ties to each other, so no value derived from the field's kind alone can pass:
# 団体コード must carry its check digit and belong to the chosen 都道府県.
RULE_BOUND_SAMPLES: dict[tuple[str, str], Any] = {
    ("municipality", "prefecture_code"): "13",
    ("municipality", "lg_code"): "131016",
    ("task", "recurrence"): "last_business_day 5",  # a rule of recurrence, checked by its own parser
    ("task", "cell_key"): "koseki/5",  # a step of one of the 20 businesses
    ("note", "subject"): "cell:koseki/5",  # what a note is about: a kind and its key
    ("contact", "phone"): "０１２３－４５－６７８９ 内線 12",
    ("contact", "mail"): "joho@example.lg.jp",
}

# How a value naming another row reads (known, not re-derived).
KNOWN_NAMED = {"cell:koseki/5": "戸籍 ステップ②-2"}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def assert_japanese(message: str) -> None:
    assert JAPANESE.search(message), message
    assert "Traceback" not in message and "Error" not in message, message


# --- helpers -------------------------------------------------------------------------------------------------------


@pytest.fixture
def services(store) -> Services:
    return open_services(store, lambda: ACTOR, FixedClock(MOMENT))


def dump(store) -> dict[str, list[tuple]]:
    """Every table but the journal and meta, row by row, exactly as SQLite holds it."""
    conn = store.raw()
    tables = [
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if name not in ("journal", "meta", "alembic_version") and not name.startswith("sqlite_")
    ]
    return {name: conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall() for name in tables}


def journal_count(store) -> int:
    return store.query("SELECT count(*) FROM journal")[0][0]


def stored_values(store, kind: Entity, key: str) -> dict[str, Any] | None:
    """The row's declared fields as stored (read with sqlite3, decoded the way verify decodes them)."""
    for row_key, raw in kind.raw_rows(store.raw()):
        if row_key == key:
            return {spec.name: spec.from_row(raw[spec.name]) for spec in kind.fields}
    return None


def assert_verified(store) -> None:
    report = verify(store)
    assert report.ok, report.summary_ja()


def make_row(services: Services, entity_name: str, name: str) -> str:
    """A row of `entity_name` for the test: a new one when the entity can be created, else an existing one."""
    kind = entities.entity(entity_name)
    if kind.creatable:
        changeset = services.changes.run(
            lambda session: [Edit(entity_name, kind.new_key(session), CREATE, name)], action="create"
        )
        [key] = changeset.created(entity_name)
        return key
    return existing_key(services, kind)


def existing_key(services: Services, kind: Entity) -> str:
    return next(key for key, _raw in kind.raw_rows(services.store.raw()))


def display_name(kind: Entity, key: str, store) -> str:
    return kind.display(key, name_book(store.raw()))


def sample_value(services: Services, kind: Entity, spec: FieldSpec, current: Any, marker: str) -> Any:
    """A valid value for `spec` that differs from `current`, derived from the field's kind."""
    if (kind.name, spec.name) in RULE_BOUND_SAMPLES:
        return RULE_BOUND_SAMPLES[(kind.name, spec.name)]
    if spec.kind == TEXT:
        text = f"{spec.label_ja}の{marker}"
        return text[: spec.max_len] if spec.max_len else text
    if spec.kind == DATE:
        day = date(2027, 1, 4) if current != date(2027, 1, 4) else date(2027, 1, 5)
        if spec.happened is not None:  # an actual date has happened: on or before the test's day (2026/11/23)
            day = date(2026, 10, 1) if current != date(2026, 10, 1) else date(2026, 10, 2)
        return min(day, spec.latest()) if spec.latest else day
    if spec.kind == BOOL:
        return not current
    if spec.kind == CHOICE:
        return next(option.code for option in spec.options() if option.code != current)
    if spec.kind == REF:
        target = entities.entity(spec.ref or "")
        return int(make_row(services, target.name, f"{target.label_ja}（{spec.label_ja}用）"))
    if spec.kind in (YEN, INT):
        low = spec.minimum or 0
        return low if current != low else low + 1
    if spec.kind == DECIMAL:
        return Decimal("12.5") if current != Decimal("12.5") else Decimal("7")
    raise AssertionError(spec.kind)


def shown(services: Services, spec: FieldSpec, value: Any) -> str:
    """How a person must read `value` of `spec` in a sentence."""
    if value is None:
        return "（なし）"
    if spec.kind == CHOICE:
        [label] = [option.label_ja for option in spec.options() if option.code == value]
        return label
    if spec.kind == BOOL:
        return "はい" if value else "いいえ"
    if spec.kind == DATE:
        return f"{value:%Y/%m/%d}"
    if spec.kind == REF:
        target = entities.entity(spec.ref or "")
        return display_name(target, str(value), services.store)
    if spec.describe is not None:
        return spec.describe(str(value))
    if spec.named is not None:
        return KNOWN_NAMED[str(value)]
    if spec.kind == YEN:
        return f"{value:,}円"
    if spec.kind in (INT, DECIMAL):
        return f"{value:,}{spec.unit}"
    return str(value)


def all_field_names() -> set[str]:
    return {spec.name for kind in ENTITIES.values() for spec in kind.fields} | {
        kind.name for kind in ENTITIES.values()
    }


def choice_codes() -> set[str]:
    """Codes of every choice field that a sentence could leak (the numeric 都道府県 codes would match dates)."""
    return {
        option.code
        for kind in ENTITIES.values()
        for spec in kind.fields
        if spec.kind == CHOICE
        for option in spec.options()
        if not option.code.isdigit()
    }


def assert_no_raw_names(sentence: str, allowed: str = "") -> None:
    """No field name, entity name or choice code appears as a word in `sentence` (text the test typed is
    `allowed`)."""
    raw = all_field_names() | choice_codes()
    words = set(IDENTIFIER.findall(sentence)) - set(IDENTIFIER.findall(allowed))
    assert not words & raw, (sentence, words & raw)


# --- the life cycle over every declared entity ---------------------------------------------------------------------


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_every_entity_is_edited_undone_redone_deleted_verified_and_narrated(store, services, entity_name):
    kind = ENTITIES[entity_name]
    first_entry = journal_count(store) + 1
    can_delete = kind.creatable and kind.deletable

    # 1. a row: created when this kind of record can be, otherwise one that exists
    if can_delete:
        key = make_row(services, entity_name, f"{kind.label_ja}（試験）")
        assert stored_values(store, kind, key) is not None
        assert stored_values(store, kind, key)[kind.name_field] == f"{kind.label_ja}（試験）"
    else:
        key = existing_key(services, kind)
    assert_verified(store)
    if not kind.creatable:
        assert_refused_without_change(store, lambda: services.changes.apply([Edit(entity_name, key, CREATE, "新規")]))
        assert_refused_without_change(
            store, lambda: services.changes.apply([Edit(entity_name, "999999", CREATE, "新規")])
        )

    # 2. edit every field in one change set: the row then holds exactly those values
    before = stored_values(store, kind, key)
    samples = {spec.name: sample_value(services, kind, spec, before[spec.name], "新しい値") for spec in kind.fields}
    baseline = dump(store)
    edited = services.changes.apply([Edit(entity_name, key, name, value) for name, value in samples.items()])
    assert stored_values(store, kind, key) == samples
    assert {(c.field, c.old, c.new) for c in edited.changes} == {
        (name, before[name], value) for name, value in samples.items()
    }
    after_edit = dump(store)
    assert_only_row_differs(baseline, after_edit, kind)
    assert_verified(store)

    # 3. undo puts back exactly what was there, redo exactly what was edited
    services.changes.undo(edited)
    assert stored_values(store, kind, key) == before
    assert dump(store) == baseline
    assert_verified(store)
    services.changes.redo(edited)
    assert dump(store) == after_edit
    assert_verified(store)

    # 4. delete, and undo the deletion: the row comes back whole
    if can_delete:
        deleted = services.changes.delete(entity_name, key, reason="試験のため削除")
        assert deleted.deleted(entity_name) == [key]
        assert stored_values(store, kind, key) is None
        assert_verified(store)
        services.changes.undo(deleted)
        assert dump(store) == after_edit
        assert_verified(store)
        services.changes.redo(deleted)
        assert stored_values(store, kind, key) is None
        assert_verified(store)
    else:
        assert_refused_without_change(store, lambda: services.changes.delete(entity_name, key))
        assert_refused_without_change(store, lambda: services.changes.apply([Edit(entity_name, key, CREATE, None)]))
        assert stored_values(store, kind, key) == samples

    # 5. every journal entry of the run narrated: Japanese, the subject, the field's label, values as people read them
    conn = store.raw()
    entries = list(journal.iter_entries(conn, "id >= ? AND entity = ?", (first_entry, entity_name)))
    assert entries
    book = name_book(conn)
    lines = {line.entry_id: line for line in narrate(entries, book)}
    subject = kind.subject(key, book)
    narrated_fields = set()
    for entry in entries:
        spec = kind.spec(entry.field) if kind.has_field(entry.field) else None
        if spec is not None and spec.hidden:
            assert entry.id not in lines  # bookkeeping of a rule, folded into the line it belongs to
            continue
        line = lines[entry.id]
        sentence = line.sentence()
        assert_japanese(sentence)
        assert line.actor == ACTOR
        assert line.when == "2026/11/23 08:30" and line.day == date(2026, 11, 23)
        if entry.field == CREATE:
            named = entry.new_value if entry.new_value is not None else entry.old_value
            one = entities.NameBook({(entity_name, key): named})
            assert sentence == kind.subject(key, one) + ("を登録" if entry.new_value is not None else "を削除")
        else:
            assert line.subject == subject
            assert spec.label_ja in sentence
            narrated_fields.add(entry.field)
        assert_no_raw_names(sentence, allowed="".join(str(v) for v in samples.values() if isinstance(v, str)))
    assert narrated_fields == {spec.name for spec in kind.fields if not spec.hidden}

    # the edit itself, field by field: old → new as people read them
    edit_lines = [line for line in narrate(entries, book) if line.batch == edited.batch]
    for line in edit_lines:
        spec = kind.spec(line.field)
        assert line.what.startswith(
            f"{spec.label_ja}: {shown(services, spec, before[spec.name])} → {shown(services, spec, samples[spec.name])}"
        ), line.what


def assert_refused_without_change(store, action) -> ValidationError:
    baseline, count = dump(store), journal_count(store)
    with pytest.raises(ValidationError) as caught:
        action()
    assert_japanese(caught.value.user_message())
    assert dump(store) == baseline
    assert journal_count(store) == count
    return caught.value


def assert_only_row_differs(old: dict[str, list[tuple]], new: dict[str, list[tuple]], kind: Entity) -> None:
    """Only one row of the entity's table changed; every other table is as it was."""
    assert {t: rows for t, rows in old.items() if t != kind.table} == {t: rows for t, rows in new.items() if t != kind.table}
    changed = set(old[kind.table]) ^ set(new[kind.table])
    assert len(changed) == 2 and len(old[kind.table]) == len(new[kind.table]), changed


def test_the_life_cycle_covers_every_kind_of_field():
    """The samples derived from field kinds cover every kind a declaration uses (a new kind needs a sample)."""
    used = {spec.kind for kind in ENTITIES.values() for spec in kind.fields}
    assert used <= {TEXT, DATE, BOOL, CHOICE, REF, YEN, INT, DECIMAL}
    assert set(RULE_BOUND_SAMPLES) <= {(k.name, s.name) for k in ENTITIES.values() for s in k.fields}


# --- references: derived from the foreign keys ---------------------------------------------------------------------


def reference_fields() -> list[tuple[str, str, str]]:
    """(referring entity, field, target entity) of every declared reference."""
    return [(kind.name, spec.name, spec.ref or "") for kind in ENTITIES.values() for spec in kind.fields if spec.kind == REF]


def test_every_declared_reference_is_a_foreign_key_and_every_foreign_key_is_declared():
    from soloit.store.models import Base

    tables = {kind.table: kind for kind in ENTITIES.values()}
    foreign = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if (fk.ondelete or "").upper() == "CASCADE":
                    continue  # ownership (the cells of a system), not a reference
                if table.name in tables and fk.column.table.name in tables:
                    foreign.add((tables[table.name].name, column.key, tables[fk.column.table.name].name))
    assert set(reference_fields()) == foreign
    assert foreign  # the check can fail: there are references


@pytest.mark.parametrize(("referrer", "field", "target"), reference_fields())
def test_a_referenced_row_cannot_be_deleted_and_the_message_names_what_uses_it(store, services, referrer, field, target):
    referring_kind, target_kind = ENTITIES[referrer], ENTITIES[target]
    target_key = make_row(services, target, "株式会社参照テスト")
    user_key = make_row(services, referrer, f"{referring_kind.label_ja}（参照元）")
    services.changes.apply([Edit(referrer, user_key, field, int(target_key))])

    error = assert_refused_without_change(store, lambda: services.changes.delete(target, target_key))
    label = referring_kind.spec(field).label_ja
    user_name = display_name(referring_kind, user_key, store)
    assert error.message_ja == (
        f"この{target_kind.label_ja}は次の{referring_kind.label_ja}で使われているため削除できません："
        f"{user_name}（{label}）。先にそちらの設定を変更してください。"
    )
    # once nothing points at it any more, it can be deleted
    services.changes.apply([Edit(referrer, user_key, field, None)])
    services.changes.delete(target, target_key)
    assert stored_values(store, target_kind, target_key) is None
    assert_verified(store)


def test_an_organisation_used_by_several_systems_names_them_all(store, services):
    org = int(make_row(services, ORGANISATION, "株式会社共同"))
    services.changes.apply(
        [
            Edit(SYSTEM, "1", "current_vendor_id", org),
            Edit(SYSTEM, "3", "target_vendor_id", org),
            Edit(SYSTEM, "3", "department_id", org),
            Edit(SYSTEM, "11", "department_id", org),
        ]
    )
    error = assert_refused_without_change(store, lambda: services.organisations.delete(org))
    assert error.message_ja.startswith("この組織は次のシステムで使われているため削除できません：")
    named = error.message_ja.split("：", 1)[1].split("。")[0].split("、")
    assert sorted(named) == sorted(
        ["児童手当（現行ベンダ）", "住民基本台帳（移行先（標準準拠）ベンダ）", "住民基本台帳（所管部署（原課））", "戸籍（所管部署（原課））"]
    )
    assert services.organisations.users(org) == error.message_ja


def test_more_than_ten_users_are_counted(store, services):
    org = int(make_row(services, ORGANISATION, "株式会社大手"))
    services.changes.apply([Edit(SYSTEM, str(n), "current_vendor_id", org) for n in range(1, 13)])
    error = assert_refused_without_change(store, lambda: services.organisations.delete(org))
    assert error.message_ja.count("（現行ベンダ）") == 10
    assert "ほか 2 件" in error.message_ja


def test_the_journal_stores_utc(store, services):
    services.changes.apply([Edit(SYSTEM, "2", "notes", "時刻の確認")])
    [entry] = services.journal.entries(limit=1)
    assert entry.recorded_at == "2026-11-22T23:30:00.000+00:00"  # 08:30 JST on the 23rd


# --- keys exactly as soloit writes them ----------------------------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def spellings_of(key: str) -> list[str]:
    """Other ways to write `key` that Python's int() reads as the same number."""
    head, digits = re.fullmatch(r"(.*?)(\d+)", key).groups()
    return [f"{head}0{digits}", head + digits.translate(FULL_WIDTH), f"{head} {digits}", f"{head}{digits} "]


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_a_key_written_otherwise_is_refused_so_journal_and_row_never_disagree(store, services, entity_name):
    """An import reading 「05」 or 「５」 from a sheet must not change row 5 while the journal records key "05"
    (verify would then report tampering of an honest database)."""
    from soloit.services.bulk import BatchRejectedError, apply_batch

    kind = ENTITIES[entity_name]
    key = existing_key(services, kind) if not kind.creatable or entity_name == "municipality" else make_row(
        services, entity_name, "株式会社鍵"
    )
    text_field = next(spec for spec in kind.fields if spec.kind == TEXT)
    for other in spellings_of(key):
        assert not kind.valid_key(other)
        edits = [Edit(entity_name, other, text_field.name, "別の書き方")]
        if kind.creatable:
            edits.append(Edit(entity_name, other, CREATE, "別の書き方"))
        for edit in edits:
            assert_refused_without_change(store, lambda e=edit: services.changes.apply([e]))
            with pytest.raises(BatchRejectedError):
                apply_batch(store, [edit], actor=ACTOR)
    assert_verified(store)


def test_a_cell_key_names_one_of_the_20_businesses(store, services):
    for key in ("unknown/5", "\ud800/5", "koseki/0", "koseki/1000", "koseki", "koseki/5/1"):
        assert not ENTITIES["cell"].valid_key(key)
        assert_refused_without_change(store, lambda k=key: services.changes.apply([Edit("cell", k, "note", "x")]))
