"""Every kind of record soloit keeps, declared once (see base.py). Adding a kind: its model in store/models.py,
its declaration module here and one entry in ENTITIES, an Alembic revision, and its screen."""

from __future__ import annotations

from collections.abc import Iterable

from soloit.services.entities.base import Entity, NameBook
from soloit.services.entities.budget import BudgetLineEntity
from soloit.services.entities.cell import CellEntity
from soloit.services.entities.closed_day import ClosedDayEntity
from soloit.services.entities.contact import ContactEntity
from soloit.services.entities.contract import ContractEntity
from soloit.services.entities.funding import FundingSourceEntity
from soloit.services.entities.initiative import InitiativeEntity, KpiEntity
from soloit.services.entities.links import LINKS, LinkEntity
from soloit.services.entities.municipality import MUNICIPALITY_KEY, MunicipalityEntity
from soloit.services.entities.note import NoteEntity
from soloit.services.entities.organisation import OrganisationEntity
from soloit.services.entities.staff import RotationEntity, StaffEntity
from soloit.services.entities.system import SystemEntity
from soloit.services.entities.task import TaskEntity
from soloit.services.fields import FieldSpec

ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        MunicipalityEntity(),
        OrganisationEntity(),
        SystemEntity(),
        CellEntity(),
        FundingSourceEntity(),
        InitiativeEntity(),
        KpiEntity(),
        BudgetLineEntity(),
        ContractEntity(),
        TaskEntity(),
        ClosedDayEntity(),
        NoteEntity(),
        ContactEntity(),
        StaffEntity(),
        RotationEntity(),
        *LINKS,
    )
}

MUNICIPALITY = MunicipalityEntity.name
ORGANISATION = OrganisationEntity.name
SYSTEM = SystemEntity.name
CELL = CellEntity.name
FUNDING_SOURCE = FundingSourceEntity.name
INITIATIVE = InitiativeEntity.name
KPI = KpiEntity.name
BUDGET_LINE = BudgetLineEntity.name
CONTRACT = ContractEntity.name
TASK = TaskEntity.name
CLOSED_DAY = ClosedDayEntity.name
NOTE = NoteEntity.name
CONTACT = ContactEntity.name
STAFF = StaffEntity.name
ROTATION = RotationEntity.name

__all__ = [
    "BUDGET_LINE",
    "CELL",
    "CLOSED_DAY",
    "CONTACT",
    "CONTRACT",
    "ENTITIES",
    "FUNDING_SOURCE",
    "INITIATIVE",
    "KPI",
    "LINKS",
    "MUNICIPALITY",
    "MUNICIPALITY_KEY",
    "NOTE",
    "ORGANISATION",
    "ROTATION",
    "STAFF",
    "SYSTEM",
    "TASK",
    "Entity",
    "LinkEntity",
    "NameBook",
    "entity",
    "spec",
]


def current_names(conn, kinds: Iterable[str] | None = None) -> NameBook:
    """The names rows have now (of every named kind, or of `kinds`), read with sqlite3; no journal is read."""
    book = NameBook()
    for kind in (ENTITIES[k] for k in kinds) if kinds is not None else ENTITIES.values():
        if kind.name_field:
            for row_id, value in conn.execute(f"SELECT id, {kind.name_field} FROM {kind.table}"):
                book.remember(kind.name, str(row_id), value if isinstance(value, str) else None)
    return book


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise ValueError(f"unknown entity {name!r}") from None


def spec(entity_name: str, field: str) -> FieldSpec:
    return entity(entity_name).spec(field)
