"""The plan part of the status pack as plain data: the DX initiatives with their KPIs, the budget lines of the
pack's 年度 with the totals per funding source, and the contracts whose term overlaps that 年度. Built from the
area services; read back from a pack into the same values (exchange/plan_sheets.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from soloit.domain.amounts import rate
from soloit.services.base import AreaService


@dataclass(frozen=True, slots=True)
class KpiLine:
    name: str
    unit: str | None
    target: Decimal | None
    actual: Decimal | None
    as_of: date | None

    @property
    def achievement(self) -> Decimal | None:
        return rate(self.actual, self.target)


@dataclass(frozen=True, slots=True)
class InitiativeLine:
    title: str
    category: str  # the category's label ('' when none)
    status: str  # the status's label
    department: str | None
    start_date: date | None
    end_date: date | None
    systems: str  # linked systems' names, joined with 、
    budget_lines: str  # linked budget lines' names (R8 事業名), joined with 、
    kpis: tuple[KpiLine, ...]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    name: str
    account: str | None
    kind: str  # the 区分's label ('' when none)
    requested: int | None
    budget: int | None
    contracted: int | None
    spent: int | None
    funding_source: str | None
    subsidy: int | None
    systems: str

    @property
    def execution_rate(self) -> Decimal | None:
        return rate(self.spent, self.budget)


@dataclass(frozen=True, slots=True)
class ContractLine:
    title: str
    vendor: str | None
    start_date: date | None
    end_date: date | None
    amount: int | None
    notice_days: int | None
    notice_date: date | None
    document: str | None
    systems: str
    notice_handling: str = ""  # 「更新する（2026/12/01 処理）」 when the present term's notice is handled


@dataclass(frozen=True, slots=True)
class PlanReport:
    fiscal_year: int  # the 年度 of the pack's as-of date: its budget lines and the contracts running in it
    initiatives: tuple[InitiativeLine, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    contracts: tuple[ContractLine, ...] = ()


def _joined(service: AreaService, link: str, names: dict[int, str]) -> dict[int, str]:
    from soloit.services.records import link_entity

    kind = link_entity(link)
    found: dict[int, list[str]] = {}
    for left, right in service.store.query(f"SELECT {kind.left}, {kind.right} FROM {kind.table} ORDER BY id"):
        if right in names:
            found.setdefault(left, []).append(names[right])
    return {left: "、".join(values) for left, values in found.items()}


def plan_report(service: AreaService, fiscal_year: int) -> PlanReport:
    from soloit.services.budget import BudgetService
    from soloit.services.contracts import ContractService
    from soloit.services.initiatives import InitiativeService
    from soloit.services.records import RecordService

    initiatives = InitiativeService(service.context, service.changes)
    kpis: dict[int, list[KpiLine]] = {}
    for kpi in initiatives.all_kpis():
        if kpi.initiative_id is not None:
            kpis.setdefault(kpi.initiative_id, []).append(KpiLine(kpi.name, kpi.unit, kpi.target, kpi.actual, kpi.as_of))
    budget_names = dict(RecordService(service.context, service.changes).choices("budget_line"))
    budgets = _joined(service, "initiative_budget", budget_names)
    return PlanReport(
        fiscal_year,
        tuple(
            InitiativeLine(
                r.title, r.category_label, r.status_label, r.department, r.start_date, r.end_date, r.systems,
                budgets.get(r.id, ""), tuple(kpis.get(r.id, ())),
            )
            for r in initiatives.initiatives()
        ),
        tuple(
            BudgetLine(
                r.name, r.account, r.kind_label, r.requested, r.budget, r.contracted, r.spent, r.funding_source,
                r.subsidy, r.systems,
            )
            for r in BudgetService(service.context, service.changes).lines(fiscal_year)
        ),
        tuple(
            ContractLine(
                c.title, c.vendor, c.start_date, c.end_date, c.amount, c.notice_days, c.notice_date, c.document, c.systems,
                c.notice_handling,
            )
            for c in ContractService(service.context, service.changes).contracts(fiscal_year)
        ),
    )
