"""やること: something to do by a date, perhaps about one record (a system, a step, an initiative, a budget line,
a contract), perhaps recurring. Completing a recurring task creates its next occurrence in the same change (so
undo takes both back); the next date follows the rule over business days (weekends, national holidays, 12/29–1/3
and the office's own closed days)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.domain.recurrence import describe, parse_rule, rule_problem
from soloit.services.entities.base import Entity
from soloit.services.fields import CHOICE, DATE, REF, TEXT, FieldSpec, Option, split_cell_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DONE = "done"
LINK_FIELDS = ("system_id", "cell_key", "initiative_id", "budget_line_id", "contract_id")
COPIED_FIELDS = ("recurrence", *LINK_FIELDS, "notes")


def _statuses() -> tuple[Option, ...]:
    return reference.load().task_statuses


def cell_problem(text: str) -> str | None:
    from soloit.services.entities.cell import CellEntity

    return None if CellEntity().valid_key(text) else "ステップの指定が正しくありません（例: koseki/5）。"


def describe_cell(text: str) -> str:
    from soloit.services.entities.base import NameBook
    from soloit.services.entities.cell import CellEntity

    try:
        split_cell_key(text)
    except ValueError:
        return text
    return CellEntity().display(text, NameBook())


def closed_days(session: Session) -> frozenset[date]:
    from sqlalchemy import select

    from soloit.store.models import ClosedDay

    return frozenset(day for day in session.scalars(select(ClosedDay.day)) if day is not None)


class TaskEntity(Entity):
    name = "task"
    label_ja = "やること"
    table = "task"
    model_name = "Task"
    area = "やること"
    search_rank = 5
    subject_rank = 6
    views = ("tasks",)
    name_field = "title"
    fields = (
        FieldSpec("title", "件名", TEXT, max_len=200, required=True),
        FieldSpec("due_date", "期限", DATE),
        FieldSpec("status", "状況", CHOICE, required=True, options=_statuses, default="open"),
        FieldSpec("recurrence", "繰り返し", TEXT, max_len=60, problem=rule_problem, describe=describe),
        FieldSpec("system_id", "関連するシステム", REF, ref="system"),
        FieldSpec("cell_key", "関連するステップ", TEXT, max_len=64, problem=cell_problem, describe=describe_cell),
        FieldSpec("initiative_id", "関連するDX取組", REF, ref="initiative"),
        FieldSpec("budget_line_id", "関連する予算", REF, ref="budget_line"),
        FieldSpec("contract_id", "関連する契約", REF, ref="contract"),
        FieldSpec("notes", "メモ", TEXT, max_len=4000),
        FieldSpec("followed_by_id", "次の回", REF, ref="task"),
    )

    def follow_ups(
        self, session: Session, row: Any, before: Mapping[str, Any], changed: frozenset[str], today: date
    ) -> list[Any]:
        """Completing a recurring task that has no next occurrence yet creates it, due on the rule's next date after
        this one's due date (or after today when it had none)."""
        from soloit.domain.fiscal import BusinessCalendar
        from soloit.services.changes import Edit
        from soloit.services.fields import CREATE

        if "status" not in changed or row.status != DONE or before.get("status") == DONE:
            return []
        if not row.recurrence or row.followed_by_id is not None:
            return []
        rule = parse_rule(row.recurrence)
        due = rule.next_after(row.due_date or today, BusinessCalendar(closed_days(session)))
        key = self.new_key(session)
        edits = [Edit(self.name, key, CREATE, row.title), Edit(self.name, key, "due_date", due)]
        edits += [Edit(self.name, key, field, getattr(row, field)) for field in COPIED_FIELDS if getattr(row, field)]
        edits.append(Edit(self.name, self.key_of(row), "followed_by_id", int(key)))
        return edits
