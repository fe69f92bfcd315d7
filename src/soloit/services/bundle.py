"""All the services over one open store, sharing one context and one ChangeService; each area is made on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.services.base import ChangeService, ServiceContext

if TYPE_CHECKING:
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
    from soloit.store.db import Store


class _Area:
    """One area service of a Services, made (and its module imported) the first time it is used: opening the window
    imports and builds only the areas the first screen reads, the 事務引継書 or the 異動 wizard come when asked for."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self.attr = ""

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    def __get__(self, services: Services | None, owner: type | None = None) -> Any:
        if services is None:
            return self
        made = getattr(importlib.import_module(self.module), self.name)(services.context, services.changes)
        services.__dict__[self.attr] = made  # an instance attribute from now on: the descriptor is not asked again
        return made


class Services:
    """The area services over one store (each made on first use, see _Area), sharing one context and ChangeService."""

    ledger: LedgerService = _Area("soloit.services.migration", "LedgerService")
    organisations: OrganisationService = _Area("soloit.services.organisations", "OrganisationService")
    municipality: MunicipalityService = _Area("soloit.services.municipality", "MunicipalityService")
    journal: JournalService = _Area("soloit.services.history", "JournalService")
    report: ReportService = _Area("soloit.services.report", "ReportService")
    step_import: StepImportService = _Area("soloit.services.step_import", "StepImportService")
    records: RecordService = _Area("soloit.services.records", "RecordService")
    initiatives: InitiativeService = _Area("soloit.services.initiatives", "InitiativeService")
    budget: BudgetService = _Area("soloit.services.budget", "BudgetService")
    contracts: ContractService = _Area("soloit.services.contracts", "ContractService")
    tasks: TaskService = _Area("soloit.services.tasks", "TaskService")
    handover: HandoverService = _Area("soloit.services.handover", "HandoverService")
    handover_report: HandoverReportService = _Area("soloit.services.handover_report", "HandoverReportService")
    timeline: TimelineService = _Area("soloit.services.timeline", "TimelineService")
    search: SearchService = _Area("soloit.services.search", "SearchService")
    rotation: RotationService = _Area("soloit.services.rotation", "RotationService")
    first_day: FirstDayService = _Area("soloit.services.first_day", "FirstDayService")

    def __init__(self, context: ServiceContext, changes: ChangeService) -> None:
        self.context = context
        self.changes = changes

    @property
    def store(self) -> Store:
        return self.context.store

    def warm_up(self) -> None:
        """On the store's thread, once the window is idle: the engine and its first connection (and the imports,
        when warm_up_imports has not run), so the first change does not wait for them."""
        self.store.warm_up()


def warm_up_imports() -> None:
    """On any thread, ahead of Services.warm_up: import SQLAlchemy and the models and configure the mappers."""
    from soloit.store.db import warm_up_orm

    warm_up_orm()


def open_services(store: Store, actor: Callable[[], str], clock: Clock = SYSTEM_CLOCK) -> Services:
    context = ServiceContext(store, actor, clock)
    return Services(context, ChangeService(context))
