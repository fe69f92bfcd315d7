"""Every kind of record soloit keeps, declared once (see base.py). Adding a kind: its model in store/models.py,
its declaration module here and one entry in ENTITIES, an Alembic revision, and its screen."""

from __future__ import annotations

from soloit.services.entities.base import Entity, NameBook
from soloit.services.entities.cell import CellEntity
from soloit.services.entities.municipality import MUNICIPALITY_KEY, MunicipalityEntity
from soloit.services.entities.organisation import OrganisationEntity
from soloit.services.entities.system import SystemEntity
from soloit.services.fields import FieldSpec

ENTITIES: dict[str, Entity] = {
    entity.name: entity for entity in (MunicipalityEntity(), OrganisationEntity(), SystemEntity(), CellEntity())
}

MUNICIPALITY = MunicipalityEntity.name
ORGANISATION = OrganisationEntity.name
SYSTEM = SystemEntity.name
CELL = CellEntity.name

__all__ = [
    "CELL",
    "ENTITIES",
    "MUNICIPALITY",
    "MUNICIPALITY_KEY",
    "ORGANISATION",
    "SYSTEM",
    "Entity",
    "NameBook",
    "entity",
    "spec",
]


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise ValueError(f"unknown entity {name!r}") from None


def spec(entity_name: str, field: str) -> FieldSpec:
    return entity(entity_name).spec(field)
