"""Applying edits to declared entities: validate, change rows, follow the entities' rules, journal — all in the
caller's single transaction. Generic over the declarations in services/entities/.

Every change goes through `apply_edits` (the grid, the detail panel, bulk batches, imports, undo and redo), so
the rules an entity declares hold on every write path. Undo and redo apply a ChangeSet's old or new values the
same way and are journaled like any other change (the journal is never rewritten)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.domain.text import free_text_problem
from soloit.services import entities
from soloit.services.entities.base import NOT_CREATABLE, NOT_DELETABLE
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE, REF, encode

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Edit:
    """Set `field` of the entity `key` to `value` (field CREATE: create with that name, or delete with None)."""

    entity: str
    key: str
    field: str
    value: Any


@dataclass(frozen=True, slots=True)
class FieldChange:
    entity: str
    key: str
    field: str
    old: Any
    new: Any
    derived: bool = False  # made by an entity's rule, not asked for


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one command changed, in order. Views refresh from it; undo applies it backwards."""

    batch: str
    action: str
    reason: str | None
    changes: tuple[FieldChange, ...]
    journal_ids: tuple[int, int] | None = field(default=None, compare=False)  # first and last entry written

    def __bool__(self) -> bool:
        return bool(self.changes)

    def touches(self, entity: str) -> bool:
        return any(change.entity == entity for change in self.changes)

    def keys(self, entity: str) -> set[str]:
        return {change.key for change in self.changes if change.entity == entity}

    def created(self, entity: str) -> list[str]:
        return [c.key for c in self.changes if c.entity == entity and c.field == CREATE and c.new is not None]

    def deleted(self, entity: str) -> list[str]:
        return [c.key for c in self.changes if c.entity == entity and c.field == CREATE and c.new is None]


MAX_REASON = 1000


def clean_reason(reason: str | None) -> str | None:
    """A reason as stored: the same text rules as every field (no control characters, no broken characters)."""
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise ValidationError("理由", "文字で入力してください。")
    reason = reason.strip()
    problem = free_text_problem(reason, max_len=MAX_REASON)
    if problem:
        raise ValidationError("理由", problem)
    return reason or None


def apply_edits(
    session: Session,
    edits: Sequence[Edit],
    *,
    actor: str,
    action: str = "edit",
    reason: str | None = None,
    batch: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    today: date | None = None,
    derive: bool = True,
) -> ChangeSet:
    """Validate and apply `edits` in order, apply the rules that follow, journal each real change, and return
    what changed. Raises ValidationError before anything is journaled; the caller's transaction then rolls back.

    `derive=False` applies exactly the edits given and nothing that would follow from them: undo and redo, whose
    edits already hold what the rules derived when the change was first made (a rule applied again could see a
    different day, or a state the original change never saw)."""
    from soloit.services.references import referrers_message
    from soloit.store import journal

    reason = clean_reason(reason)
    if not batch:
        import uuid  # here: at start-up it would import platform too, for nothing

        batch = uuid.uuid4().hex
    today = today or clock.today()
    changes: list[FieldChange] = []
    touched: dict[tuple[str, str], Any] = {}
    before: dict[tuple[str, str], dict[str, Any]] = {}
    changed: dict[tuple[str, str], set[str]] = {}
    for edit in edits:
        kind = entities.entity(edit.entity)
        where = (edit.entity, edit.key)
        if edit.field == CREATE:
            if edit.value is not None and not kind.creatable:
                raise ValidationError(kind.label_ja, NOT_CREATABLE)
            if edit.value is None and not kind.deletable:
                raise ValidationError(kind.label_ja, NOT_DELETABLE)
            value = None if edit.value is None else kind.spec(CREATE).clean(edit.value)
            row = kind.load(session, edit.key)
            if value is not None and row is None:
                if not kind.valid_key(edit.key):
                    raise ValidationError(kind.label_ja, f"番号「{edit.key}」が正しくありません。")
                row = kind.create(session, edit.key, value)
                changes.append(FieldChange(edit.entity, edit.key, CREATE, None, value))
                touched[where] = row
                before[where] = {s.name: getattr(row, s.name) for s in kind.fields}
            elif value is None and row is not None:
                refusal = kind.refuse_delete(row)
                if refusal:
                    raise ValidationError(kind.label_ja, refusal)
                users = referrers_message(session, kind, row)
                if users:
                    raise ValidationError(kind.label_ja, users)
                changes.append(FieldChange(edit.entity, edit.key, CREATE, kind.name_of_row(row), None))
                touched.pop(where, None)
                session.delete(row)
                session.flush()
            elif value is not None:
                raise ValidationError(kind.spec(CREATE).label_ja, "同じ番号のデータが既に存在します。")
            continue
        spec = kind.spec(edit.field)
        row = touched.get(where) or kind.load(session, edit.key)
        if row is None:
            raise ValidationError(kind.label_ja, "対象のデータが見つかりません。")
        value = spec.clean(edit.value)
        if spec.kind == REF and value is not None:
            target = entities.entity(spec.ref or "")
            if target.load(session, str(value)) is None:
                raise ValidationError(spec.label_ja, f"指定された{target.label_ja}が見つかりません。")
        if where not in before:
            before[where] = {s.name: getattr(row, s.name) for s in kind.fields}
        old = getattr(row, edit.field)
        if old == value:
            continue
        if derive:  # undo and redo put back what was once accepted
            spec.refuse_future(value, today)
        setattr(row, edit.field, value)
        changes.append(FieldChange(edit.entity, edit.key, edit.field, old, value))
        touched[where] = row
        changed.setdefault(where, set()).add(edit.field)
    for where, row in touched.items():
        kind = entities.entity(where[0])
        derived = kind.derive(row, before[where], frozenset(changed.get(where, ())), today) if derive else {}
        for name, value in derived.items():
            old = getattr(row, name)
            if old != value:
                setattr(row, name, value)
                changes.append(FieldChange(where[0], where[1], name, old, value, derived=True))
        kind.check(row)
    ids = None
    if changes:
        session.flush()
        written = journal.append(
            session,
            [journal.NewEntry(c.entity, c.key, c.field, encode(c.old), encode(c.new)) for c in changes],
            actor=actor,
            batch=batch,
            action=action,
            reason=reason,
            clock=clock,
        )
        ids = (written[0].id, written[-1].id)
    if derive:  # what an entity's rule makes follow (the next occurrence of a completed duty), in the same batch
        for where, row in list(touched.items()):
            kind = entities.entity(where[0])
            follow = kind.follow_ups(session, row, before[where], frozenset(changed.get(where, ())), today)
            if not follow:
                continue
            more = apply_edits(
                session, follow, actor=actor, action=action, reason=reason, batch=batch, clock=clock, today=today
            )
            changes.extend(more.changes)
            if more.journal_ids:
                ids = (ids[0] if ids else more.journal_ids[0], more.journal_ids[1])
    return ChangeSet(batch=batch, action=action, reason=reason, changes=tuple(changes), journal_ids=ids)


def reverse_edits(changeset: ChangeSet) -> list[Edit]:
    """The edits that put back what `changeset` changed (newest first)."""
    return [Edit(c.entity, c.key, c.field, c.old) for c in reversed(changeset.changes)]


def forward_edits(changeset: ChangeSet) -> list[Edit]:
    """The edits that do `changeset` again."""
    return [Edit(c.entity, c.key, c.field, c.new) for c in changeset.changes]


def deletion_edits(session: Session, entity_name: str, key: str) -> list[Edit]:
    """Delete a row so that undo can bring it back whole: every field back to its default first (journaled, so the
    reverse restores them), then the deletion itself. A deletion that is refused says why first (not that a field
    could not be emptied on the way)."""
    from soloit.services.references import referrers_message

    kind = entities.entity(entity_name)
    row = kind.load(session, key)
    if row is None:
        raise ValidationError(kind.label_ja, "対象のデータが見つかりません。")
    refusal = kind.refuse_delete(row) or referrers_message(session, kind, row)
    if refusal:
        raise ValidationError(kind.label_ja, refusal)
    edits = [
        Edit(entity_name, key, spec.name, spec.default)
        for spec in kind.fields
        if spec.name != kind.name_field and getattr(row, spec.name) != spec.default
    ]
    return [*edits, Edit(entity_name, key, CREATE, None)]
