"""DX取組: the initiatives of the municipality's DX plan with their KPIs (achievement = actual ÷ target), and
the systems and budget lines each concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from soloit import reference
from soloit.domain.amounts import rate
from soloit.services import entities
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet
from soloit.services.entities import INITIATIVE, KPI
from soloit.services.records import RecordService, linked_system_names, value_of

DEFAULT_STATUS = "idea"


@dataclass(frozen=True, slots=True)
class KpiView:
    id: int
    initiative_id: int | None
    name: str
    unit: str | None
    target: Decimal | None
    actual: Decimal | None
    as_of: date | None
    achievement: Decimal | None  # actual ÷ target in %, to 0.1


@dataclass(frozen=True, slots=True)
class InitiativeRow:
    id: int
    title: str
    category: str | None
    category_label: str
    status: str
    status_label: str
    department: str | None
    start_date: date | None
    end_date: date | None
    kpi_count: int
    achievement: Decimal | None  # the mean of its KPIs' achievements
    systems: str  # the names of the linked systems, joined


class InitiativeService(AreaService):
    def initiatives(self) -> list[InitiativeRow]:
        ref = reference.load()
        categories = {c.code: c.label_ja for c in ref.dx_categories}
        statuses = {c.code: c.label_ja for c in ref.initiative_statuses}
        kpis: dict[int, list[Decimal]] = {}
        counts: dict[int, int] = {}
        for kpi in self.all_kpis():
            if kpi.initiative_id is None:
                continue
            counts[kpi.initiative_id] = counts.get(kpi.initiative_id, 0) + 1
            if kpi.achievement is not None:
                kpis.setdefault(kpi.initiative_id, []).append(kpi.achievement)
        systems = linked_system_names(self, "initiative_system")
        rows = self.store.query(
            "SELECT i.id, i.title, i.category, i.status, o.name, i.start_date, i.end_date "
            "FROM initiative i LEFT JOIN organisation o ON o.id = i.department_id ORDER BY i.id"
        )
        result = []
        for row_id, title, category, status, department, start, end in rows:
            found = kpis.get(row_id)
            mean = (sum(found) / len(found)).quantize(Decimal("0.1")) if found else None
            result.append(
                InitiativeRow(
                    row_id, title, category, categories.get(category or "", ""), status, statuses.get(status, status),
                    department, _date(start), _date(end), counts.get(row_id, 0), mean, systems.get(row_id, ""),
                )
            )
        return result

    def all_kpis(self) -> list[KpiView]:
        return self._kpis("")

    def kpis(self, initiative_id: int) -> list[KpiView]:
        return self._kpis(" WHERE initiative_id = ?", (initiative_id,))

    def _kpis(self, where: str, params: tuple = ()) -> list[KpiView]:
        specs = {s.name: s for s in entities.entity(KPI).fields}
        rows = self.store.query(f"SELECT id, initiative_id, name, unit, target, actual, as_of FROM kpi{where} ORDER BY id", params)
        result = []
        for row_id, initiative_id, name, unit, target, actual, as_of in rows:
            target_value = value_of(specs["target"], target)
            actual_value = value_of(specs["actual"], actual)
            result.append(
                KpiView(row_id, initiative_id, name, unit, target_value, actual_value, _date(as_of), rate(actual_value, target_value))
            )
        return result

    def add(self, title: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        """A new initiative (構想 unless told otherwise)."""
        values.setdefault("status", DEFAULT_STATUS)
        return RecordService(self.context, self.changes).create(INITIATIVE, title, values, reason=reason)

    def add_kpi(self, initiative_id: int, name: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(
            KPI, name, {"initiative_id": initiative_id, **values}, reason=reason
        )


def _date(raw: object) -> date | None:
    return date.fromisoformat(str(raw)) if raw else None
