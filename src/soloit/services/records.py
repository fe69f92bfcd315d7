"""Records of any declared entity, generically: listing them as plain values, creating one with its first values
in one change, editing a field, pointing a field at an organisation by name, deleting, the choices a reference
field offers, and the named links between two records. The area services (initiatives, budget, contracts, tasks)
add what is particular to them; the UI's generic table and detail form use this one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from soloit.services import entities
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import LINKS, ORGANISATION, LinkEntity
from soloit.services.errors import ValidationError
from soloit.services.fields import BOOL, CREATE, DATE, DECIMAL, REF, FieldSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_LINK_LABEL = 420


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a declared entity as plain values (never an ORM object)."""

    entity: str
    id: int
    values: Mapping[str, Any]

    def __getitem__(self, field: str) -> Any:
        return self.values[field]

    def get(self, field: str, default: Any = None) -> Any:
        return self.values.get(field, default)

    @property
    def name(self) -> str:
        kind = entities.entity(self.entity)
        return str(self.values.get(kind.name_field or "", "") or "")


def value_of(spec: FieldSpec, raw: object) -> Any:
    """A raw SQLite value as the field's kind (values are checked by verify; this is the fast read path)."""
    if raw is None:
        return None
    if spec.kind == DATE:
        return date.fromisoformat(str(raw))
    if spec.kind == DECIMAL:
        return Decimal(str(raw))
    if spec.kind == BOOL:
        return bool(raw)
    return raw


def link_entity(name: str) -> LinkEntity:
    for link in LINKS:
        if link.name == name:
            return link
    raise ValueError(f"unknown link {name!r}")


def find_or_create_organisation(session: Session, name: str, kind: str) -> tuple[list[Edit], int]:
    """The organisation called `name` (one of `kind` first), or the edits that create it and its new number."""
    from sqlalchemy import select

    from soloit.store.models import Organisation

    existing = session.scalars(
        select(Organisation).where(Organisation.name == name, Organisation.kind == kind)
    ).first() or session.scalars(select(Organisation).where(Organisation.name == name)).first()
    if existing is not None:
        return [], existing.id
    key = entities.entity(ORGANISATION).new_key(session)
    return [Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)], int(key)


def clean_organisation_name(name: str | None, label_ja: str) -> str:
    """A typed organisation name checked as a name (a broken character cannot be looked up), '' for none."""
    wanted = (name or "").strip()
    if not wanted:
        return ""
    try:
        return entities.spec(ORGANISATION, "name").clean(wanted)
    except ValidationError as exc:
        raise ValidationError(label_ja, exc.message_ja) from None


def linked_system_names(service: AreaService, link_name: str) -> dict[int, str]:
    """{record id: the names of the systems it is linked to, in the systems' order, joined with 、}."""
    link = link_entity(link_name)
    names: dict[int, list[str]] = {}
    for left_id, name in service.store.query(
        f"SELECT l.{link.left}, s.name FROM {link.table} l JOIN system s ON s.id = l.{link.right} ORDER BY s.sort_order, s.id"
    ):
        names.setdefault(left_id, []).append(name)
    return {left_id: "、".join(found) for left_id, found in names.items()}


class RecordService(AreaService):
    # --- reading ----------------------------------------------------------------------------------------------

    def records(self, entity_name: str, where: str = "", params: tuple = ()) -> list[Record]:
        """Every row of the entity (optionally `WHERE …` over its columns), in number order."""
        kind = entities.entity(entity_name)
        columns = [spec.name for spec in kind.fields]
        sql = f"SELECT id, {', '.join(columns)} FROM {kind.table}"
        if where:
            sql += f" WHERE {where}"
        rows = self.store.query(sql + " ORDER BY id", params)
        specs = kind.fields
        return [
            Record(entity_name, row[0], MappingProxyType({s.name: value_of(s, v) for s, v in zip(specs, row[1:], strict=True)}))
            for row in rows
        ]

    def record(self, entity_name: str, record_id: int) -> Record | None:
        found = self.records(entity_name, "id = ?", (record_id,))
        return found[0] if found else None

    def names(self, entity_name: str) -> dict[int, str]:
        """{id: name} of every row (what a reference to it shows)."""
        kind = entities.entity(entity_name)
        if kind.name_field is None:
            return {}
        return {row_id: str(name) for row_id, name in self.store.query(f"SELECT id, {kind.name_field} FROM {kind.table}")}

    def choices(self, entity_name: str) -> list[tuple[int, str]]:
        """(id, name) a reference to the entity may choose, in the order a person expects."""
        if entity_name == "budget_line":
            from soloit.domain.fiscal import fiscal_year_short

            rows = self.store.query("SELECT id, name, fiscal_year FROM budget_line ORDER BY fiscal_year DESC, id")
            years = {fy: fiscal_year_short(fy) for fy in {fy for _i, _name, fy in rows if fy}}  # once per 年度
            return [(i, f"{years[fy]} {name}" if fy else str(name)) for i, name, fy in rows]
        kind = entities.entity(entity_name)
        if kind.kept_in_order:
            sql = f"SELECT id, {kind.name_field} FROM {kind.table} ORDER BY sort_order, id"
            return [(i, str(n)) for i, n in self.store.query(sql)]
        return sorted(self.names(entity_name).items(), key=lambda item: (item[1], item[0]))

    def choice_label(self, entity_name: str, record_id: int) -> str | None:
        """The name `choices(entity_name)` gives the record `record_id` (None when there is no such record), read
        alone: a form shows the chosen budget line without listing the 2,000 there are."""
        if entity_name == "budget_line":
            from soloit.domain.fiscal import fiscal_year_short

            rows = self.store.query("SELECT name, fiscal_year FROM budget_line WHERE id = ?", (record_id,))
            if not rows:
                return None
            name, fy = rows[0]
            return f"{fiscal_year_short(fy)} {name}" if fy else str(name)
        return dict(self.choices(entity_name)).get(record_id)

    # --- changing ---------------------------------------------------------------------------------------------

    def create(
        self,
        entity_name: str,
        name: str,
        values: Mapping[str, Any] | None = None,
        *,
        reason: str | None = None,
    ) -> ChangeSet:
        """A new record with its first values, in one change (all validated; nothing saved when one is refused)."""
        kind = entities.entity(entity_name)

        def build(session: Session) -> list[Edit]:
            key = kind.new_key(session)
            return [Edit(entity_name, key, CREATE, name)] + [
                Edit(entity_name, key, field, value) for field, value in (values or {}).items()
            ]

        return self.changes.run(build, reason=reason, action="create")

    def edit(self, entity_name: str, record_id: int, field: str, value: Any, *, reason: str | None = None) -> ChangeSet:
        if field == CREATE:
            raise ValueError("use create / delete")
        return self.changes.apply([Edit(entity_name, str(record_id), field, value)], reason=reason)

    def edit_many(self, entity_name: str, record_id: int, values: Mapping[str, Any], *, reason: str | None = None) -> ChangeSet:
        return self.changes.apply([Edit(entity_name, str(record_id), f, v) for f, v in values.items()], reason=reason)

    def set_organisation(
        self, entity_name: str, record_id: int, field: str, name: str | None, kind: str, *, reason: str | None = None
    ) -> ChangeSet:
        """Point a reference to an organisation at the one called `name`, creating it (as `kind`) when new."""
        spec = entities.spec(entity_name, field)
        if spec.kind != REF or spec.ref != ORGANISATION:
            raise ValueError(field)
        wanted = clean_organisation_name(name, spec.label_ja)

        def build(session: Session) -> list[Edit]:
            edits: list[Edit] = []
            org_id: int | None = None
            if wanted:
                edits, org_id = find_or_create_organisation(session, wanted, kind)
            return [*edits, Edit(entity_name, str(record_id), field, org_id)]

        return self.changes.run(build, reason=reason)

    def delete(self, entity_name: str, record_id: int, *, reason: str | None = None) -> ChangeSet:
        """Refused, naming what points at it, while anything does."""
        return self.changes.delete(entity_name, str(record_id), reason=reason)

    # --- links ------------------------------------------------------------------------------------------------

    def linked(self, link_name: str, left_id: int) -> dict[int, int]:
        """{id linked to: link id} of the record `left_id` through the link kind."""
        link = link_entity(link_name)
        rows = self.store.query(f"SELECT {link.right}, id FROM {link.table} WHERE {link.left} = ?", (left_id,))
        return {right: link_id for right, link_id in rows if right is not None}

    def linked_from(self, link_name: str, right_id: int) -> dict[int, int]:
        """{id linking: link id}: the same links seen from the other end."""
        link = link_entity(link_name)
        rows = self.store.query(f"SELECT {link.left}, id FROM {link.table} WHERE {link.right} = ?", (right_id,))
        return {left: link_id for left, link_id in rows if left is not None}

    def set_links(
        self, link_name: str, left_id: int, right_ids: Sequence[int], *, reason: str | None = None
    ) -> ChangeSet:
        """Make the record `left_id` linked to exactly `right_ids` (links added and removed in one change)."""
        link = link_entity(link_name)
        left_kind = entities.entity(link.spec(link.left).ref or "")
        right_kind = entities.entity(link.spec(link.right).ref or "")
        wanted = list(dict.fromkeys(right_ids))

        def build(session: Session) -> list[Edit]:
            from soloit.services.changes import deletion_edits

            left_row = left_kind.load(session, str(left_id))
            if left_row is None:
                raise ValidationError(left_kind.label_ja, "対象のデータが見つかりません。")
            current = self.linked(link_name, left_id)
            edits: list[Edit] = []
            for right_id, link_id in current.items():
                if right_id not in wanted:
                    edits += deletion_edits(session, link.name, str(link_id))
            next_key = int(link.new_key(session))
            for right_id in wanted:
                if right_id in current:
                    continue
                right_row = right_kind.load(session, str(right_id))
                if right_row is None:
                    raise ValidationError(right_kind.label_ja, f"指定された{right_kind.label_ja}が見つかりません。")
                label = f"{left_kind.name_of_row(left_row)} ⇔ {right_kind.name_of_row(right_row)}"
                if len(label) > MAX_LINK_LABEL:
                    label = label[: MAX_LINK_LABEL - 1] + "…"
                key = str(next_key)
                next_key += 1
                edits += [
                    Edit(link.name, key, CREATE, label),
                    Edit(link.name, key, link.left, left_id),
                    Edit(link.name, key, link.right, right_id),
                ]
            return edits

        return self.changes.run(build, reason=reason)
