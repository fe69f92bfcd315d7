"""担当者 and 異動・引継ぎ: the staff who have been responsible for the work (with their periods) and each handover
from a predecessor to a successor. Recording a handover is one change: the two people (added when new), the
predecessor's period ended the day before the 発令日, the successor's started on it, and the handover itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import ROTATION, STAFF, entity, spec
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_HANDOVER_DAYS = 7


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: int
    name: str
    title: str
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True, slots=True)
class RotationRow:
    id: int
    label: str
    predecessor: str
    successor: str
    appointment_date: date | None
    deadline: date | None
    witness: str


def handover_deadline(appointment: date, days: int = DEFAULT_HANDOVER_DAYS) -> date:
    """引継期限: the 発令日 plus `days` calendar days."""
    return appointment + timedelta(days=days)


def _person_name(text: str, label_ja: str) -> str:
    """A staff name as typed, checked as the 氏名 field is; refusals name the role (前任者, 後任者)."""
    if not (text or "").strip():
        raise ValidationError(label_ja, "入力してください。")
    try:
        return str(spec(STAFF, "name").clean(text))
    except ValidationError as exc:
        raise ValidationError(label_ja, exc.message_ja) from None


def _day(raw: object) -> date | None:
    return date.fromisoformat(str(raw)) if raw else None


class RotationService(AreaService):
    def staff(self) -> list[StaffRow]:
        """Everyone, the current ones (no end date) first, then by start date, newest first."""
        rows = self.store.query(
            "SELECT id, name, title, start_date, end_date FROM staff "
            "ORDER BY end_date IS NOT NULL, start_date IS NULL, start_date DESC, id DESC"
        )
        return [StaffRow(i, n, t or "", _day(s), _day(e)) for i, n, t, s, e in rows]

    def rotations(self) -> list[RotationRow]:
        rows = self.store.query(
            "SELECT r.id, r.label, p.name, s.name, r.appointment_date, r.deadline, r.witness FROM rotation r "
            "LEFT JOIN staff p ON p.id = r.predecessor_id LEFT JOIN staff s ON s.id = r.successor_id "
            "ORDER BY r.appointment_date DESC, r.id DESC"
        )
        return [RotationRow(i, lbl, p or "", s or "", _day(a), _day(d), w or "") for i, lbl, p, s, a, d, w in rows]

    def record(
        self,
        *,
        predecessor: str,
        successor: str,
        appointment_date: date,
        deadline: date,
        witness: str | None = None,
        reason: str | None = None,
    ) -> ChangeSet:
        """One handover, as one change (undone as one)."""
        before = _person_name(predecessor, "前任者")
        after = _person_name(successor, "後任者")
        if before == after:
            raise ValidationError("後任者", "前任者と同じ人は選べません。")
        label = f"{before} → {after}（{appointment_date:%Y/%m/%d} 発令）"

        def build(session: Session) -> list[Edit]:
            from sqlalchemy import select

            from soloit.store.models import Staff

            edits: list[Edit] = []
            next_key = int(entity(STAFF).new_key(session))

            def person(name: str) -> tuple[str, Any]:
                nonlocal next_key
                found = session.scalars(select(Staff).where(Staff.name == name).order_by(Staff.id.desc())).first()
                if found is not None:
                    return str(found.id), found
                key = str(next_key)
                next_key += 1
                edits.append(Edit(STAFF, key, CREATE, name))
                return key, None

            old_key, old_row = person(before)
            new_key, new_row = person(after)
            last_day = appointment_date - timedelta(days=1)
            if old_row is None or old_row.end_date is None or old_row.end_date > last_day:
                edits.append(Edit(STAFF, old_key, "end_date", last_day))
            if new_row is None or new_row.start_date is None:
                edits.append(Edit(STAFF, new_key, "start_date", appointment_date))
            if new_row is not None and new_row.end_date is not None and new_row.end_date < appointment_date:
                edits.append(Edit(STAFF, new_key, "end_date", None))  # back in charge
            rotation = entity(ROTATION).new_key(session)
            edits += [
                Edit(ROTATION, rotation, CREATE, label),
                Edit(ROTATION, rotation, "predecessor_id", int(old_key)),
                Edit(ROTATION, rotation, "successor_id", int(new_key)),
                Edit(ROTATION, rotation, "appointment_date", appointment_date),
                Edit(ROTATION, rotation, "deadline", deadline),
            ]
            if witness and witness.strip():
                edits.append(Edit(ROTATION, rotation, "witness", witness))
            return edits

        return self.changes.run(build, reason=reason, action="create")
