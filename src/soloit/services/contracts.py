"""契約: contracts with their notice date (the day a renewal or termination must be asked for: the end date less
the notice period, moved to the business day before when it falls on a closed day). A contract whose notice date
is within 90 days, and whose term has not ended, is in やること."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from soloit.domain.fiscal import BusinessCalendar, fiscal_year_end, fiscal_year_start
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet
from soloit.services.entities import CONTRACT
from soloit.services.records import RecordService, linked_system_names

NOTICE_HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: int
    title: str
    vendor: str | None
    start_date: date | None
    end_date: date | None
    amount: int | None
    notice_days: int | None
    notice_date: date | None
    document: str | None
    systems: str


def notice_date(end: date | None, notice_days: int | None, calendar: BusinessCalendar) -> date | None:
    """The last business day to ask for renewal or termination (None without an end date)."""
    if end is None:
        return None
    return calendar.on_or_before(end - timedelta(days=notice_days or 0))


def closed_days(service: AreaService) -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for (day,) in service.store.query("SELECT day FROM closed_day") if day)


class ContractService(AreaService):
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(closed_days(self))

    def contracts(self, fiscal_year: int | None = None) -> list[ContractRow]:
        """Every contract, or those whose term overlaps the 年度 (a contract without dates is always shown)."""
        calendar = self.calendar()
        systems = linked_system_names(self, "contract_system")
        rows = self.store.query(
            "SELECT c.id, c.title, o.name, c.start_date, c.end_date, c.amount, c.notice_days, c.document "
            "FROM contract c LEFT JOIN organisation o ON o.id = c.vendor_id ORDER BY c.id"
        )
        first = fiscal_year_start(fiscal_year) if fiscal_year is not None else None
        last = fiscal_year_end(fiscal_year) if fiscal_year is not None else None
        result = []
        for row_id, title, vendor, start, end, amount, days, document in rows:
            start_day = date.fromisoformat(start) if start else None
            end_day = date.fromisoformat(end) if end else None
            if first is not None and last is not None:
                if (start_day and start_day > last) or (end_day and end_day < first):
                    continue
            result.append(
                ContractRow(
                    row_id, title, vendor, start_day, end_day, amount, days, notice_date(end_day, days, calendar),
                    document, systems.get(row_id, ""),
                )
            )
        return result

    def notices(self, today: date | None = None, within: int = NOTICE_HORIZON_DAYS) -> list[ContractRow]:
        """Contracts whose notice date is at most `within` days away (or passed while the term still runs)."""
        today = today or self.context.clock.today()
        horizon = today + timedelta(days=within)
        return sorted(
            (
                c for c in self.contracts()
                if c.notice_date is not None and c.end_date is not None and c.notice_date <= horizon and c.end_date >= today
            ),
            key=lambda c: (c.notice_date, c.id),
        )

    def add(self, title: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(CONTRACT, title, values, reason=reason)
