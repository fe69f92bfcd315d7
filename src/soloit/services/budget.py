"""予算: the budget lines of a 年度 with their execution rate (執行率 = 執行額 ÷ 予算額), and the 年度 summary:
totals per funding source and per system. A line for several systems counts in full under each of them (the
summary says how many lines do), and the grand total counts every line once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from soloit import reference
from soloit.domain.amounts import rate
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet
from soloit.services.entities import BUDGET_LINE
from soloit.services.records import RecordService, linked_system_names

NO_SOURCE = "（財源未設定）"
NO_SYSTEM = "（システム未設定）"


@dataclass(frozen=True, slots=True)
class BudgetLineRow:
    id: int
    fiscal_year: int | None
    name: str
    account: str | None
    kind: str | None
    kind_label: str
    requested: int | None
    budget: int | None
    contracted: int | None
    spent: int | None
    execution_rate: Decimal | None  # 執行額 ÷ 予算額 in %, to 0.1
    funding_source: str | None
    subsidy: int | None
    systems: str


@dataclass(frozen=True, slots=True)
class Totals:
    label: str
    lines: int
    requested: int
    budget: int
    subsidy: int
    contracted: int
    spent: int

    @property
    def execution_rate(self) -> Decimal | None:
        return rate(self.spent, self.budget)


@dataclass(frozen=True, slots=True)
class BudgetSummary:
    fiscal_year: int
    by_source: tuple[Totals, ...]
    by_system: tuple[Totals, ...]
    total: Totals
    shared_lines: int  # lines linked to more than one system (counted under each)


def _add(totals: dict[str, list[int]], label: str, line: BudgetLineRow) -> None:
    acc = totals.setdefault(label, [0, 0, 0, 0, 0, 0])
    for i, value in enumerate((1, line.requested, line.budget, line.subsidy, line.contracted, line.spent)):
        acc[i] += value or 0


def _totals(label: str, acc: list[int]) -> Totals:
    return Totals(label, *acc)


class BudgetService(AreaService):
    def lines(self, fiscal_year: int | None = None) -> list[BudgetLineRow]:
        """The lines of a 年度 (every line when None), in number order."""
        kinds = {c.code: c.label_ja for c in reference.load().budget_kinds}
        systems = linked_system_names(self, "budget_system")
        sql = (
            "SELECT b.id, b.fiscal_year, b.name, b.account, b.kind, b.requested, b.budget, b.contracted, b.spent, "
            "f.name, b.subsidy FROM budget_line b LEFT JOIN funding_source f ON f.id = b.funding_source_id"
        )
        params: tuple = ()
        if fiscal_year is not None:
            sql += " WHERE b.fiscal_year = ?"
            params = (fiscal_year,)
        rows = self.store.query(sql + " ORDER BY b.id", params)
        return [
            BudgetLineRow(
                row_id, fy, name, account, kind, kinds.get(kind or "", ""), requested, budget, contracted, spent,
                rate(spent, budget), source, subsidy, systems.get(row_id, ""),
            )
            for row_id, fy, name, account, kind, requested, budget, contracted, spent, source, subsidy in rows
        ]

    def fiscal_years(self) -> list[int]:
        """The 年度 that have budget lines, newest first."""
        rows = self.store.query("SELECT DISTINCT fiscal_year FROM budget_line WHERE fiscal_year IS NOT NULL")
        return sorted((fy for (fy,) in rows), reverse=True)

    def summary(self, fiscal_year: int, lines: list[BudgetLineRow] | None = None) -> BudgetSummary:
        """The 年度's totals; `lines` are its lines when the caller has just read them (lines(fiscal_year))."""
        lines = self.lines(fiscal_year) if lines is None else lines
        by_source: dict[str, list[int]] = {}
        source_order = {name: order for order, name in self.store.query("SELECT sort_order, name FROM funding_source")}
        for line in lines:
            _add(by_source, line.funding_source or NO_SOURCE, line)
        line_systems: dict[int, list[tuple[int, str]]] = {}
        for line_id, order, name in self.store.query(
            "SELECT l.budget_line_id, s.sort_order, s.name FROM budget_system l JOIN system s ON s.id = l.system_id "
            "JOIN budget_line b ON b.id = l.budget_line_id WHERE b.fiscal_year = ? ORDER BY s.sort_order, s.id",
            (fiscal_year,),
        ):
            line_systems.setdefault(line_id, []).append((order, name))
        by_system: dict[str, list[int]] = {}
        system_order: dict[str, int] = {}
        for line in lines:
            linked = line_systems.get(line.id) or [(10**9, NO_SYSTEM)]
            for order, name in linked:
                system_order.setdefault(name, order)
                _add(by_system, name, line)
        total: dict[str, list[int]] = {}
        for line in lines:
            _add(total, "合計", line)
        return BudgetSummary(
            fiscal_year,
            tuple(_totals(k, v) for k, v in sorted(by_source.items(), key=lambda kv: source_order.get(kv[0], 10**9))),
            tuple(_totals(k, v) for k, v in sorted(by_system.items(), key=lambda kv: system_order[kv[0]])),
            _totals("合計", total.get("合計", [0, 0, 0, 0, 0, 0])),
            sum(1 for systems in line_systems.values() if len(systems) > 1),
        )

    def add_line(self, fiscal_year: int, name: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(
            BUDGET_LINE, name, {"fiscal_year": fiscal_year, **values}, reason=reason
        )
