"""Applying field edits: validate, change rows, journal — all in the caller's single transaction.

Every change to the ledger goes through `apply_edits`; undo and redo apply a ChangeSet's old or new values the
same way, so they are journaled like any other change (the journal is never rewritten)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from soloit import reference
from soloit.domain import lgcode
from soloit.services import fields
from soloit.services.errors import ValidationError
from soloit.services.fields import CELL, CREATE, MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.store import journal
from soloit.store.models import Municipality, Organisation, StepCell, System


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


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one command changed, in order. Views refresh from it; undo applies it backwards."""

    batch: str
    action: str
    reason: str | None
    changes: tuple[FieldChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def touches(self, entity: str) -> bool:
        return any(change.entity == entity for change in self.changes)

    def keys(self, entity: str) -> set[str]:
        return {change.key for change in self.changes if change.entity == entity}


MAX_REASON = 1000


def clean_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationError("理由", f"{MAX_REASON}文字以内で入力してください。")
    return reason or None


def _load(session: Session, entity: str, key: str) -> Any:
    if entity == CELL:
        code, seq = fields.split_cell_key(key)
        return session.scalars(
            select(StepCell).join(System, StepCell.system_id == System.id).where(
                System.business_code == code, StepCell.step_seq == seq
            )
        ).one_or_none()
    model = {SYSTEM: System, MUNICIPALITY: Municipality, ORGANISATION: Organisation}[entity]
    return session.get(model, int(key))


def _create(session: Session, entity: str, key: str, name: str) -> Any:
    """A new row named `name`, every other field at its registry default (the baseline verify expects)."""
    extra: dict[str, Any] = {}
    if entity == SYSTEM:
        last = session.scalar(select(System.sort_order).order_by(System.sort_order.desc()).limit(1)) or 0
        extra["sort_order"] = last + 1
    model = {SYSTEM: System, ORGANISATION: Organisation, MUNICIPALITY: Municipality}.get(entity)
    if model is None:
        raise ValueError(f"{entity} rows cannot be created")
    defaults = {n: s.default for n, s in fields.FIELDS[entity].items() if n not in (CREATE, "name")}
    row = model(id=int(key), name=name, **defaults, **extra)
    session.add(row)
    session.flush()
    return row


def _validate_row(entity: str, row: Any) -> None:
    if entity == MUNICIPALITY:
        ref = reference.load()
        if row.prefecture_code not in ref.prefecture_by_code:
            raise ValidationError("都道府県", "一覧から選んでください。")
        problem = lgcode.problem(row.lg_code or "", row.prefecture_code)
        if problem:
            raise ValidationError("団体コード", problem)
    if entity == SYSTEM and row.business_code is not None and not row.name:
        raise ValidationError("システム名", "入力してください。")


def _validate_org_reference(session: Session, entity: str, field: str, value: Any) -> None:
    if value is None or fields.spec(entity, field).kind != "org":
        return
    org = session.get(Organisation, value)
    if org is None:
        raise ValidationError(fields.spec(entity, field).label_ja, "指定された組織が見つかりません。")


def _organisation_in_use(session: Session, org_id: int) -> bool:
    return (
        session.scalar(
            select(System.id)
            .where(or_(System.current_vendor_id == org_id, System.target_vendor_id == org_id, System.department_id == org_id))
            .limit(1)
        )
        is not None
    )


def new_id(session: Session, entity: str) -> str:
    """The key for a new entity row (max id + 1)."""
    model = {SYSTEM: System, ORGANISATION: Organisation}[entity]
    last = session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0
    return str(last + 1)


def apply_edits(
    session: Session,
    edits: Sequence[Edit],
    *,
    actor: str,
    action: str = "edit",
    reason: str | None = None,
    batch: str | None = None,
) -> ChangeSet:
    """Validate and apply `edits` in order, journal each real change, and return what changed.

    Raises ValidationError before anything is journaled; the caller's transaction then rolls back whole."""
    reason = clean_reason(reason)
    batch = batch or uuid.uuid4().hex
    changes: list[FieldChange] = []
    touched: dict[tuple[str, str], Any] = {}
    for edit in edits:
        spec = fields.spec(edit.entity, edit.field)
        value = None if edit.field == CREATE and edit.value is None else spec.clean(edit.value)
        row = _load(session, edit.entity, edit.key)
        if edit.field == CREATE:
            if value is not None and row is None:
                row = _create(session, edit.entity, edit.key, value)
                changes.append(FieldChange(edit.entity, edit.key, CREATE, None, value))
                touched[(edit.entity, edit.key)] = row
            elif value is None and row is not None:
                if edit.entity == SYSTEM and row.business_code is not None:
                    raise ValidationError("システム", "標準化対象の20業務のシステムは削除できません。")
                changes.append(FieldChange(edit.entity, edit.key, CREATE, row.name, None))
                touched.pop((edit.entity, edit.key), None)
                if edit.entity == ORGANISATION and _organisation_in_use(session, row.id):
                    raise ValidationError(
                        fields.ENTITY_LABELS[edit.entity], f"「{row.name}」はほかのデータから参照されているため削除できません。"
                    )
                session.delete(row)
                session.flush()
            elif value is not None:
                raise ValidationError(spec.label_ja, "同じ番号のデータが既に存在します。")
            continue
        if row is None:
            raise ValidationError(fields.ENTITY_LABELS[edit.entity], "対象のデータが見つかりません。")
        _validate_org_reference(session, edit.entity, edit.field, value)
        old = getattr(row, edit.field)
        if old == value:
            continue
        setattr(row, edit.field, value)
        changes.append(FieldChange(edit.entity, edit.key, edit.field, old, value))
        touched[(edit.entity, edit.key)] = row
    for (entity, _key), row in touched.items():
        _validate_row(entity, row)
    if changes:
        session.flush()
        journal.append(
            session,
            [
                journal.NewEntry(c.entity, c.key, c.field, fields.encode(c.old), fields.encode(c.new))
                for c in changes
            ],
            actor=actor,
            batch=batch,
            action=action,
            reason=reason,
        )
    return ChangeSet(batch=batch, action=action, reason=reason, changes=tuple(changes))


def reverse_edits(changeset: ChangeSet) -> list[Edit]:
    """The edits that put back what `changeset` changed (newest first)."""
    return [Edit(c.entity, c.key, c.field, c.old) for c in reversed(changeset.changes)]


def forward_edits(changeset: ChangeSet) -> list[Edit]:
    """The edits that do `changeset` again."""
    return [Edit(c.entity, c.key, c.field, c.new) for c in changeset.changes]
