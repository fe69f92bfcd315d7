"""All the services over one open store, made together so they share one context and one ChangeService."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.services.base import ChangeService, ServiceContext
from soloit.services.budget import BudgetService
from soloit.services.contracts import ContractService
from soloit.services.first_day import FirstDayService
from soloit.services.handover import HandoverService
from soloit.services.handover_report import HandoverReportService
from soloit.services.history import JournalService
from soloit.services.initiatives import InitiativeService
from soloit.services.migration import LedgerService
from soloit.services.municipality import MunicipalityService
from soloit.services.organisations import OrganisationService
from soloit.services.records import RecordService
from soloit.services.report import ReportService
from soloit.services.rotation import RotationService
from soloit.services.search import SearchService
from soloit.services.step_import import StepImportService
from soloit.services.tasks import TaskService
from soloit.services.timeline import TimelineService

if TYPE_CHECKING:
    from soloit.store.db import Store


@dataclass
class Services:
    context: ServiceContext
    changes: ChangeService
    ledger: LedgerService
    organisations: OrganisationService
    municipality: MunicipalityService
    journal: JournalService
    report: ReportService
    step_import: StepImportService
    records: RecordService
    initiatives: InitiativeService
    budget: BudgetService
    contracts: ContractService
    tasks: TaskService
    handover: HandoverService
    handover_report: HandoverReportService
    timeline: TimelineService
    search: SearchService
    rotation: RotationService
    first_day: FirstDayService

    @property
    def store(self) -> Store:
        return self.context.store


def open_services(store: Store, actor: Callable[[], str], clock: Clock = SYSTEM_CLOCK) -> Services:
    context = ServiceContext(store, actor, clock)
    changes = ChangeService(context)
    return Services(
        context=context,
        changes=changes,
        ledger=LedgerService(context, changes),
        organisations=OrganisationService(context, changes),
        municipality=MunicipalityService(context, changes),
        journal=JournalService(context, changes),
        report=ReportService(context, changes),
        step_import=StepImportService(context, changes),
        records=RecordService(context, changes),
        initiatives=InitiativeService(context, changes),
        budget=BudgetService(context, changes),
        contracts=ContractService(context, changes),
        tasks=TaskService(context, changes),
        handover=HandoverService(context, changes),
        handover_report=HandoverReportService(context, changes),
        timeline=TimelineService(context, changes),
        search=SearchService(context, changes),
        rotation=RotationService(context, changes),
        first_day=FirstDayService(context, changes),
    )
