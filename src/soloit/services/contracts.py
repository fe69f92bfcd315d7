"""契約: contracts with their notice date (the day a renewal or termination must be asked for: the end date less
the notice period, moved to the business day before when it falls on a closed day). A contract whose notice date
is within 90 days, and whose term has not ended, is in やること until its notice is handled (a decision —
更新する / 解約する / 申出済み — made for its present term: see entities/contract.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from soloit.domain.fiscal import BusinessCalendar, fiscal_year_end, fiscal_year_start
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import CONTRACT
from soloit.services.entities.contract import notice_decisions, notice_handled
from soloit.services.errors import ValidationError
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
    notice_decision: str | None = None  # the code of the decision last made (perhaps for an earlier term)
    notice_decided_on: date | None = None
    notice_for: date | None = None  # the 契約終了日 that decision was made for

    @property
    def notice_handled(self) -> bool:
        return notice_handled(self)

    @property
    def notice_decision_label(self) -> str:
        """「更新する」…, '' when the present term's notice is not handled."""
        if not self.notice_handled:
            return ""
        return next((o.label_ja for o in notice_decisions() if o.code == self.notice_decision), str(self.notice_decision))

    @property
    def notice_handling(self) -> str:
        """「更新する（2026/12/01 処理）」, '' when the present term's notice is not handled."""
        if not self.notice_handled:
            return ""
        when = f"{self.notice_decided_on:%Y/%m/%d} 処理" if self.notice_decided_on else "処理済み"
        return f"{self.notice_decision_label}（{when}）"


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
            "SELECT c.id, c.title, o.name, c.start_date, c.end_date, c.amount, c.notice_days, c.document, "
            "c.notice_decision, c.notice_decided_on, c.notice_for "
            "FROM contract c LEFT JOIN organisation o ON o.id = c.vendor_id ORDER BY c.id"
        )
        first = fiscal_year_start(fiscal_year) if fiscal_year is not None else None
        last = fiscal_year_end(fiscal_year) if fiscal_year is not None else None
        result = []
        for row_id, title, vendor, start, end, amount, days, document, decision, decided, decided_for in rows:
            start_day = date.fromisoformat(start) if start else None
            end_day = date.fromisoformat(end) if end else None
            if first is not None and last is not None:
                if (start_day and start_day > last) or (end_day and end_day < first):
                    continue
            result.append(
                ContractRow(
                    row_id, title, vendor, start_day, end_day, amount, days, notice_date(end_day, days, calendar),
                    document, systems.get(row_id, ""), decision, date.fromisoformat(decided) if decided else None,
                    date.fromisoformat(decided_for) if decided_for else None,
                )
            )
        return result

    def notices(
        self, today: date | None = None, within: int = NOTICE_HORIZON_DAYS, *, include_handled: bool = False
    ) -> list[ContractRow]:
        """Contracts whose notice date is at most `within` days away (or passed while the term still runs) and
        not yet handled for the present term (handled ones too when asked)."""
        today = today or self.context.clock.today()
        horizon = today + timedelta(days=within)
        return sorted(
            (
                c for c in self.contracts()
                if c.notice_date is not None and c.end_date is not None and c.notice_date <= horizon and c.end_date >= today
                and (include_handled or not c.notice_handled)
            ),
            key=lambda c: (c.notice_date, c.id),
        )

    def handle_notice(
        self, contract_id: int, decision: str, decided_on: Any = None, *, reason: str | None = None
    ) -> ChangeSet:
        """Record how the notice of the contract's present term was handled (更新する / 解約する / 申出済み) and the
        day (today when not given): it leaves やること until the term changes. One change, undone by Ctrl+Z."""
        if not decision:
            raise ValidationError("申出期限の処理", "更新する・解約する・申出済みのどれかを選んでください。")
        contract = RecordService(self.context, self.changes).record(CONTRACT, contract_id)
        if contract is None:
            raise ValidationError("契約", "対象の契約が見つかりません。削除された可能性があります。")
        if contract.get("end_date") is None:
            raise ValidationError("申出期限の処理", "契約終了日がない契約には申出期限がありません。先に契約終了日を入力してください。")
        if decided_on is None or (isinstance(decided_on, str) and not decided_on.strip()):
            decided_on = self.context.clock.today()
        key = str(contract_id)
        edits = [
            Edit(CONTRACT, key, "notice_decision", decision),
            Edit(CONTRACT, key, "notice_decided_on", decided_on),
            Edit(CONTRACT, key, "notice_for", contract.get("end_date")),  # the term it is decided for
        ]
        return self.changes.apply(edits, reason=reason)

    def add(self, title: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(CONTRACT, title, values, reason=reason)
