"""Every kind of record soloit keeps, declared once (see base.py). Adding a kind: its model in store/models.py,
its declaration module here and one entry in ENTITIES (or `register` at run time), an Alembic revision, and its
screen. Every list of kinds elsewhere is derived from the declarations (`derived`): the 変更履歴 areas, what 検索
searches, what a note may be about, which view opens a row, what is dated in やること and the 年間スケジュール."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from soloit.services.entities.base import Dated, Entity, NameBook
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
    "Dated",
    "Derived",
    "Entity",
    "LinkEntity",
    "NameBook",
    "derived",
    "entity",
    "register",
    "spec",
    "unregister",
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


# --- kinds declared at run time, and what is derived from the declarations -------------------------------------

_generation = 0  # bumped by register / unregister: derived lists are computed again
K = TypeVar("K")
V = TypeVar("V")


def register(kind: Entity) -> None:
    """Declare a kind of record at run time (a plug-in, a test's throw-away kind): from now on it is edited,
    undone, verified, narrated, searched and filtered like the kinds declared here."""
    global _generation
    if kind.name in ENTITIES:
        raise ValueError(f"entity {kind.name!r} is already declared")
    ENTITIES[kind.name] = kind
    _generation += 1


def unregister(name: str) -> None:
    global _generation
    ENTITIES.pop(name, None)
    _generation += 1


class Derived(Mapping[K, V]):
    """A read-only mapping computed from the declarations, again whenever a kind is registered or removed."""

    def __init__(self, make: Callable[[Iterable[Entity]], Mapping[K, V]]) -> None:
        self._make = make
        self._made: Mapping[K, V] = {}
        self._of = -1

    def _value(self) -> Mapping[K, V]:
        if self._of != _generation:
            self._made, self._of = dict(self._make(ENTITIES.values())), _generation
        return self._made

    def __getitem__(self, key: K) -> V:
        return self._value()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())

    def __repr__(self) -> str:
        return repr(dict(self._value()))


def derived(make: Callable[[Iterable[Entity]], Mapping[K, V]]) -> Derived[K, V]:
    return Derived(make)


def ranked(attribute: str) -> Callable[[Iterable[Entity]], dict[str, Entity]]:
    """The kinds with `attribute` (a rank) set, by rank then declaration order: {name: declaration}."""

    def make(kinds: Iterable[Entity]) -> dict[str, Entity]:
        chosen = [(getattr(k, attribute), i, k) for i, k in enumerate(kinds) if getattr(k, attribute) is not None]
        return {k.name: k for _rank, _i, k in sorted(chosen, key=lambda c: (c[0], c[1]))}

    return make


# The kinds whose views bring a row forward: {view key: kinds, in declaration order}.
OPENED_BY: Derived[str, tuple[str, ...]] = Derived(
    lambda kinds: _group((view, k.name) for k in kinds for view in k.views)
)
# The kinds with dated fields for やること and the 年間スケジュール: {kind: its Dated}.
DATED: Derived[str, tuple[Dated, ...]] = Derived(lambda kinds: {k.name: k.dated for k in kinds if k.dated})


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in grouped.items()}
