"""やること: open tasks and contract notices sorted into what is overdue, due within 14 days, within 90 days,
later or undated (a notice once handled — 更新する / 解約する / 申出済み for the present term — is 完了, shown only
with the completed tasks); the count of what needs attention (overdue or within 14 days) for the navigation; completing a
task (a recurring one makes its next occurrence, see entities/task.py); the starter list of a municipal IT
office's yearly duties (resources/starter_duties.json); and the office's own closed days."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.domain.fiscal import BusinessCalendar
from soloit.domain.recurrence import describe, parse_rule
from soloit.paths import resources_dir
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.contracts import ContractService, closed_days
from soloit.services.entities import CLOSED_DAY, DATED, TASK, Dated, Entity, current_names, derived, entity
from soloit.services.entities.task import DONE, describe_cell
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE
from soloit.services.records import RecordService

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OVERDUE, SOON, QUARTER, LATER, UNDATED, COMPLETED = "overdue", "soon", "quarter", "later", "undated", "done"
BUCKET_LABELS = {
    OVERDUE: "期限切れ",
    SOON: "14日以内",
    QUARTER: "90日以内",
    LATER: "それ以降",
    UNDATED: "期限なし",
    COMPLETED: "完了",
}
SOON_DAYS, QUARTER_DAYS = 14, 90
ABOUT_FIELDS = ("system_id", "initiative_id", "budget_line_id", "contract_id")  # a task's links, first set wins
TASK_ITEM, NOTICE_ITEM = "task", "contract"


def _area_labels(kinds: Iterable[Entity]) -> dict[str | None, str]:
    """What an item of やること is about, by kind, with its label: a task's links, then the kinds with dated fields
    (their rows are items of their own), then none."""
    task = entity(TASK)
    about = [task.spec(field).ref for field in ABOUT_FIELDS]
    labels: dict[str | None, str] = {ref: entity(ref).label_ja for ref in about if ref}
    labels = {"system": labels.pop("system"), "cell": entity("cell").label_ja, **labels}
    for kind in kinds:
        if any(d.agenda for d in kind.dated):
            labels.setdefault(kind.name, kind.label_ja)
    return {**labels, None: "関連なし"}


AREA_LABELS: Mapping[str | None, str] = derived(_area_labels)


def dated_items(conn: Any, *, agenda: bool = True) -> Iterator[tuple[Entity, Dated, str, str, date]]:
    """(kind, its dated field, key, the row's name, the date) of every open row with a declared date set
    (Entity.dated): what the kinds without rules of their own put into やること (`agenda`) or the 年間スケジュール."""
    for name, dated in DATED.items():
        kind = entity(name)
        wanted = [d for d in dated if (d.agenda if agenda else d.schedule)]
        if not wanted:
            continue
        names = current_names(conn, [name])
        for key, raw in kind.raw_rows(conn):
            for spec in wanted:
                value = raw.get(spec.field)
                if value and (spec.open_when is None or spec.open_when(raw)):
                    day = value if isinstance(value, date) else date.fromisoformat(str(value))
                    yield kind, spec, key, kind.display(key, names), day


@dataclass(frozen=True, slots=True)
class AgendaItem:
    kind: str  # TASK_ITEM (a task), NOTICE_ITEM (a contract's notice date) or a kind with a dated field
    id: int  # the task's, the contract's or that row's number
    title: str
    due: date | None
    bucket: str
    status: str | None
    status_label: str
    recurrence: str  # the rule in Japanese, '' when it does not recur
    area: str | None  # the kind of record it is about (AREA_LABELS)
    about: str  # that record's name
    about_key: str = ""  # that record's key ("12", or a step's "koseki/5"): what 関連する記録を開く opens

    @property
    def bucket_label(self) -> str:
        return BUCKET_LABELS[self.bucket]


@dataclass(frozen=True, slots=True)
class Duty:
    title: str
    recurrence: str
    notes: str

    @property
    def rule_label(self) -> str:
        return describe(self.recurrence)


def bucket_of(due: date | None, today: date) -> str:
    if due is None:
        return UNDATED
    days = (due - today).days
    if days < 0:
        return OVERDUE
    if days <= SOON_DAYS:
        return SOON
    if days <= QUARTER_DAYS:
        return QUARTER
    return LATER


@cache
def starter_duties() -> tuple[Duty, ...]:
    """The typical yearly duties of a municipal IT office, shipped as data the user adds and then edits."""
    with open(resources_dir() / "starter_duties.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(Duty(d["title"], d["recurrence"], d.get("notes", "")) for d in data["duties"])


def _described(memo: dict[str, str], rule: str | None) -> str:
    if not rule:
        return ""
    if rule not in memo:
        memo[rule] = describe(rule)
    return memo[rule]


class TaskService(AreaService):
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(closed_days(self))

    def agenda(self, today: date | None = None, *, include_done: bool = False) -> list[AgendaItem]:
        """Open tasks (and completed ones when asked) and contract notices, soonest first, undated last."""
        today = today or self.context.clock.today()
        statuses = {c.code: c.label_ja for c in reference.load().task_statuses}
        linked_kinds = [entity(TASK).spec(field).ref or "" for field in ABOUT_FIELDS]
        names = {
            area: dict(self.store.query(f"SELECT id, {entity(area).name_field} FROM {entity(area).table}"))
            for area in linked_kinds
        }
        sql = f"SELECT id, title, due_date, status, recurrence, cell_key, {', '.join(ABOUT_FIELDS)} FROM task"
        if not include_done:
            sql += " WHERE status != 'done'"
        items = []
        described: dict[str, str] = {}  # a rule's words, once per rule (a thousand recurring tasks share a few rules)
        for row_id, title, due, status, rule, cell, *linked in self.store.query(sql):
            due_day = date.fromisoformat(due) if due else None
            area, about, about_key = None, "", ""
            for field_area, value in zip(linked_kinds, linked, strict=True):
                if value is not None:
                    area, about, about_key = field_area, str(names[field_area].get(value, "")), str(value)
                    break
            if area is None and cell:
                area, about, about_key = "cell", describe_cell(cell), str(cell)
            items.append(
                AgendaItem(
                    TASK_ITEM, row_id, title, due_day, COMPLETED if status == DONE else bucket_of(due_day, today),
                    status, statuses.get(status, status), _described(described, rule), area, about, about_key,
                )
            )
        for contract in ContractService(self.context, self.changes).notices(today, include_handled=include_done):
            handled = contract.notice_handled
            items.append(
                AgendaItem(
                    NOTICE_ITEM, contract.id, f"契約の更新・解約の申出期限：{contract.title}", contract.notice_date,
                    COMPLETED if handled else bucket_of(contract.notice_date, today),
                    contract.notice_decision if handled else None, contract.notice_decision_label if handled else "未処理",
                    "", "contract", contract.title, str(contract.id),
                )
            )
        for kind, dated, key, name, due in dated_items(self.store.raw()):
            items.append(
                AgendaItem(
                    kind.name, int(key), f"{dated.label}：{name}", due, bucket_of(due, today), None, "未処理", "",
                    kind.name, name, key,
                )
            )
        return sorted(items, key=lambda i: (i.bucket == COMPLETED, i.due is None, i.due or today, i.kind, i.id))

    def attention_count(self, today: date | None = None) -> int:
        """What is overdue or due within 14 days (open tasks and contract notices not yet handled)."""
        today = today or self.context.clock.today()
        limit = (today + timedelta(days=SOON_DAYS)).isoformat()
        (count,) = self.store.query(
            "SELECT count(*) FROM task WHERE status != 'done' AND due_date IS NOT NULL AND due_date <= ?", (limit,)
        )[0]
        notices = ContractService(self.context, self.changes).notices(today, within=SOON_DAYS)
        soon = today + timedelta(days=SOON_DAYS)
        dated = sum(1 for *_rest, due in dated_items(self.store.raw()) if due <= soon)
        return int(count) + len(notices) + dated

    # --- changing ---------------------------------------------------------------------------------------------

    def add(self, title: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(TASK, title, values, reason=reason)

    def complete(self, task_id: int, *, reason: str | None = None) -> ChangeSet:
        """Mark the task 完了 (a recurring one gets its next occurrence in the same change)."""
        return self.set_status(task_id, DONE, reason=reason)

    def set_status(self, task_id: int, status: str, *, reason: str | None = None) -> ChangeSet:
        return self.changes.apply([Edit(TASK, str(task_id), "status", status)], reason=reason)

    def registered_duties(self) -> set[tuple[str, str]]:
        """(title, rule) of the open recurring tasks: a duty that is one of these is already registered."""
        rows = self.store.query("SELECT title, recurrence FROM task WHERE status != 'done' AND recurrence IS NOT NULL")
        return {(str(title), str(rule)) for title, rule in rows}

    def add_duties(self, duties: list[Duty], today: date | None = None, *, reason: str | None = None) -> ChangeSet:
        """Add duties as recurring tasks, each due on its next date from today on (one change; a duty already open
        with the same title and rule is not added twice)."""
        today = today or self.context.clock.today()
        calendar = self.calendar()
        existing = self.registered_duties()

        def build(session: Session) -> list[Edit]:
            edits: list[Edit] = []
            key = int(entity(TASK).new_key(session))
            for duty in duties:
                if (duty.title, duty.recurrence) in existing:
                    continue
                due = parse_rule(duty.recurrence).next_after(today - timedelta(days=1), calendar)
                edits += [
                    Edit(TASK, str(key), CREATE, duty.title),
                    Edit(TASK, str(key), "due_date", due),
                    Edit(TASK, str(key), "recurrence", duty.recurrence),
                ]
                if duty.notes:
                    edits.append(Edit(TASK, str(key), "notes", duty.notes))
                key += 1
            if not edits:
                raise ValidationError("定例業務", "選んだ業務はすべて登録済みです。")
            return edits

        return self.changes.run(build, reason=reason, action="create")

    # --- closed days ------------------------------------------------------------------------------------------

    def closed_days(self) -> list[tuple[int, str, date | None]]:
        rows = self.store.query("SELECT id, name, day FROM closed_day ORDER BY day, id")
        return [(i, name, date.fromisoformat(day) if day else None) for i, name, day in rows]

    def add_closed_day(self, name: str, day: Any, *, reason: str | None = None) -> ChangeSet:
        if day is None or (isinstance(day, str) and not day.strip()):
            raise ValidationError("日付", "閉庁日の日付を入力してください。")
        return RecordService(self.context, self.changes).create(CLOSED_DAY, name, {"day": day}, reason=reason)
