"""The status report (県への報告パック) as plain data: what the ledger says about the migration on an as-of date,
and what changed since the last pack exported from this database. Writers and readers of files (exchange/pack.py)
turn it into a workbook and back; nothing here knows about Excel.

Each export is recorded in the journal (entity "report"), with its as-of date and the journal's head at export,
so the next pack can say what changed since."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from soloit import reference
from soloit.domain import progress
from soloit.domain.clock import format_jst
from soloit.domain.fiscal import fiscal_year
from soloit.domain.progress import Rates
from soloit.services.base import AreaService
from soloit.services.narrator import ACTION_LABELS, REPORT_ENTITY, Narration
from soloit.services.plan_report import PlanReport, plan_report
from soloit.services.views import SystemView

EXPORT_FIELD = "export"


@dataclass(frozen=True, slots=True)
class SystemLine:
    """One system as the pack shows it (a business's system has rates; another system has none)."""

    name: str
    business_code: str | None
    rates: Rates | None
    planned_start: date | None
    planned_go_live: date | None
    actual_go_live: date | None
    hosting: str | None  # code
    current_vendor: str | None
    current_product: str | None
    target_vendor: str | None
    target_product: str | None
    tokutei: bool
    tokutei_reason: str | None  # code
    tokutei_reason_text: str | None
    tokutei_target_date: date | None
    department: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class StepRow:
    """The 40 status codes of one business, in step order."""

    business_code: str
    statuses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One change as a person reads it: when (Japan time), what it concerns, old → new, why, who."""

    when: str
    subject: str
    what: str
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class PreviousPack:
    """The last pack exported from this database before this one."""

    as_of: date
    exported_at: str  # Japan time, as shown
    actor: str
    journal_count: int  # the journal's entry count when it was exported


@dataclass(frozen=True, slots=True)
class StatusReport:
    prefecture: str
    municipality: str
    lg_code: str
    as_of: date
    prepared_by: str
    overall: Rates
    businesses: tuple[SystemLine, ...]  # the 20 businesses in 政令 order
    steps: tuple[StepRow, ...]  # the 20 businesses in 政令 order
    others: tuple[SystemLine, ...]  # the other systems, in the ledger's order
    previous: PreviousPack | None
    changes: tuple[ChangeLine, ...]  # since `previous` (all when there is none), newest first
    identity: str
    demo: bool
    journal_count: int
    journal_head: str
    plan: PlanReport | None = None  # DX取組, 予算 and 契約 (None in packs of schema version 1, which had no such sheets)


class ReportService(AreaService):
    def status_report(self, as_of: date, prepared_by: str) -> StatusReport:
        """The report as of `as_of`: the ledger's current state, and the changes since the last exported pack."""
        from soloit.services.history import JournalService
        from soloit.services.migration import LedgerService
        from soloit.services.municipality import MunicipalityService

        ref = reference.load()
        ledger = LedgerService(self.context, self.changes)
        profile = MunicipalityService(self.context, self.changes).profile()
        snapshot = ledger.snapshot()
        rates = {row.business_code: progress.business_rates(c.status for c in row.cells) for row in snapshot.rows}
        systems = ledger.systems()
        by_code = {s.business_code: s for s in systems if s.business_code}
        businesses = tuple(_line(by_code[b.code], rates[b.code]) for b in ref.businesses)
        others = tuple(_line(s, None) for s in systems if s.business_code is None)
        steps = tuple(StepRow(row.business_code, tuple(c.status for c in row.cells)) for row in snapshot.rows)
        previous, since_id = self.last_export()
        # the first pack states no changes (「初回の報告です」); later ones every change since the one before
        narrated = JournalService(self.context, self.changes).since(since_id, exclude=(REPORT_ENTITY,)) if previous else []
        facts = self.store.facts()
        return StatusReport(
            prefecture=profile.prefecture_name if profile else "",
            municipality=profile.name if profile else "",
            lg_code=profile.lg_code if profile else "",
            as_of=as_of,
            prepared_by=prepared_by,
            overall=_rounded(progress.municipality_rate(rates)),
            businesses=businesses,
            steps=steps,
            others=others,
            previous=previous,
            changes=tuple(change_line(n) for n in narrated),
            identity=facts.identity,
            demo=facts.demo,
            journal_count=facts.journal_count,
            journal_head=facts.journal_head,
            plan=plan_report(self, fiscal_year(as_of)),
        )

    def last_export(self) -> tuple[PreviousPack | None, int]:
        """The last pack exported from this database and the id of the entry that recorded it (0: none)."""
        rows = self.store.query(
            "SELECT id, recorded_at, actor, new_value FROM journal WHERE entity = ? AND field = ? ORDER BY id DESC LIMIT 1",
            (REPORT_ENTITY, EXPORT_FIELD),
        )
        if not rows:
            return None, 0
        entry_id, recorded_at, actor, value = rows[0]
        facts = export_facts(value)
        return (
            PreviousPack(
                as_of=date.fromisoformat(str(facts.get("as_of", "2000-01-01"))),
                exported_at=format_jst(recorded_at),
                actor=actor,
                journal_count=int(facts.get("journal_count", 0)),
            ),
            int(entry_id),
        )

    def record_export(self, report: StatusReport, file_name: str) -> None:
        """Record in the journal that `report` was exported (as-of date, the head it states, the file's name)."""
        from soloit.store import journal

        value = json.dumps(
            {
                "as_of": report.as_of.isoformat(),
                "journal_count": report.journal_count,
                "journal_head": report.journal_head,
                "file": file_name,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        with self.store.write() as session:
            journal.append(
                session,
                [journal.NewEntry(REPORT_ENTITY, report.as_of.isoformat(), EXPORT_FIELD, None, value)],
                actor=self.context.actor,
                batch=uuid.uuid4().hex,
                action="export",
                reason=None,
                clock=self.context.clock,
            )


def _rounded(rates: Rates) -> Rates:
    """Shares as a workbook keeps them (the mean of 20 multiples of 1/40 is a multiple of 1/800: 10 places hold it)."""
    return Rates(round(rates.complete, 10), round(rates.in_progress, 10), round(rates.not_started, 10))


def export_facts(value: str | None) -> dict:
    """The facts an export entry recorded (an empty dict when they cannot be read)."""
    try:
        facts = json.loads(value or "{}")
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def _line(system: SystemView, rates: Rates | None) -> SystemLine:
    return SystemLine(
        name=system.name,
        business_code=system.business_code,
        rates=rates,
        planned_start=system.planned_start,
        planned_go_live=system.planned_go_live,
        actual_go_live=system.actual_go_live,
        hosting=system.hosting,
        current_vendor=system.current_vendor,
        current_product=system.current_product,
        target_vendor=system.target_vendor,
        target_product=system.target_product,
        tokutei=system.tokutei,
        tokutei_reason=system.tokutei_reason,
        tokutei_reason_text=system.tokutei_reason_text,
        tokutei_target_date=system.tokutei_target_date,
        department=system.department,
        notes=system.notes,
    )


def change_line(narration: Narration) -> ChangeLine:
    what = narration.what[1:] if narration.what.startswith(("を", "の")) else narration.what
    if narration.action in ACTION_LABELS and narration.action not in ("create", "delete"):
        what = f"［{ACTION_LABELS[narration.action]}］{what}"
    return ChangeLine(
        when=narration.when,
        subject=narration.subject,
        what=what,
        reason=" / ".join(narration.reasons),
        actor=narration.actor,
    )
