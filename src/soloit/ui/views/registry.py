"""Every view of the main window, registered in one place. Adding a view is one entry: its navigation label, icon,
shortcut and widget (named by module and class, imported only when the view is first shown), and optionally the
service method whose number the navigation shows after the label (やること（3）)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is read before the window is shown: nothing of the data layer is imported yet
    from soloit.ui.commands import Commander
    from soloit.ui.views.base import View


@dataclass(frozen=True)
class ViewSpec:
    key: str  # stable name (remembered as the last view shown)
    label: str  # navigation label
    icon: str  # soloit.ui.icons name
    shortcut: str
    widget: str  # "module:Class", a View subclass taking a Commander
    count: str = ""  # "area.method" of the services: a number shown after the label (what needs attention)
    counted_on: tuple[str, ...] = ()  # the entities whose changes can change that number
    counts_dated: bool = False  # and the kinds with a declared date (Entity.dated: what is due in やること)

    @property
    def count_on(self) -> tuple[str, ...]:
        if not self.counts_dated:
            return self.counted_on
        from soloit.services.entities import DATED

        return (*self.counted_on, *DATED)

    @property
    def opens(self) -> tuple[str, ...]:
        """The kinds of record it can bring forward (View.show_entity), from history and search: the declarations
        naming this view (Entity.views), read only when a record is opened."""
        from soloit.services.entities import OPENED_BY

        return OPENED_BY.get(self.key, ())

    def create(self, commander: Commander) -> View:
        module_name, class_name = self.widget.split(":")
        return getattr(importlib.import_module(module_name), class_name)(commander)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("ledger", "標準化（20業務）", "ledger", "Ctrl+1", "soloit.ui.views.ledger_view:LedgerView"),
    ViewSpec("tasks", "やること", "tasks", "Ctrl+2", "soloit.ui.views.tasks_view:TasksView", count="tasks.attention_count",
             counted_on=("task", "contract", "closed_day"), counts_dated=True),
    ViewSpec("initiatives", "DX取組", "initiatives", "Ctrl+3", "soloit.ui.views.initiatives_view:InitiativesView"),
    ViewSpec("budget", "予算・契約", "budget", "Ctrl+4", "soloit.ui.views.budget_view:BudgetView"),
    ViewSpec("handover", "引継ぎ", "handover", "Ctrl+5", "soloit.ui.views.handover_view:HandoverView"),
    ViewSpec("history", "変更履歴", "history", "Ctrl+6", "soloit.ui.views.history_view:HistoryView"),
    ViewSpec("municipality", "団体情報", "municipality", "Ctrl+7", "soloit.ui.views.municipality_view:MunicipalityView"),
)
