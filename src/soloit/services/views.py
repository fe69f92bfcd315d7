"""Plain, immutable data the UI receives. Never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CellView:
    status: str
    planned_date: date | None
    actual_date: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class BusinessRow:
    """One of the 20 businesses in the ledger, with its 40 cells in step order."""

    system_id: int
    business_code: str
    name: str
    tokutei: bool
    cells: tuple[CellView, ...]


@dataclass(frozen=True, slots=True)
class LedgerSnapshot:
    rows: tuple[BusinessRow, ...]  # 政令 order


@dataclass(frozen=True, slots=True)
class SystemView:
    id: int
    business_code: str | None
    name: str
    current_vendor_id: int | None
    current_vendor: str | None
    current_product: str | None
    target_vendor_id: int | None
    target_vendor: str | None
    target_product: str | None
    hosting: str | None
    planned_start: date | None
    planned_go_live: date | None
    actual_go_live: date | None
    tokutei: bool
    tokutei_reason: str | None
    tokutei_reason_text: str | None
    tokutei_target_date: date | None
    department_id: int | None
    department: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: int
    name: str
    kind: str
    notes: str | None = None
    kind_label: str = ""


@dataclass(frozen=True, slots=True)
class MunicipalityView:
    prefecture_code: str
    prefecture_name: str
    name: str
    lg_code: str
