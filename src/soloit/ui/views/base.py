"""What every registered view offers the main window: a status message and a summary (a permanent status-bar
text), the splitters and column layout it remembers, the detail panel and column-width options of the 表示 menu,
and a hook to fill it before it is first shown. A view that has no detail panel or columns ignores those."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from soloit.ui.commands import Commander


class View(QWidget):
    status_message = Signal(str)
    summary = Signal(str)
    open_requested = Signal(str, str)  # (entity, key): bring that record forward in the view that shows it
    command_requested = Signal(str)  # the name of a window command (MainWindow.COMMANDS): "rotation" …

    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        self._loaded = False
        self.last_summary = ""  # what the view last said in the status bar: shown again when it is switched back to
        self.summary.connect(self._remember_summary)
        self.jobs: Any = None  # the window's JobRunner (set when the window creates the view): long work off the GUI thread

    def _remember_summary(self, text: str) -> None:
        self.last_summary = text

    def splitters(self) -> dict[str, QSplitter]:
        """Splitters whose sizes are remembered between starts, by a stable name."""
        return {}

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.load()

    def load(self) -> None:
        """Fill the view from the services (called before it is first shown)."""

    def set_detail_visible(self, visible: bool) -> None:
        """Show or collapse the view's detail panel, if it has one."""

    def show_entity(self, entity: str, key: str) -> bool:
        """Bring one record forward (selected, its detail shown); False when this view cannot show it (it was
        deleted since, or belongs to another view). Views list the kinds they show in their ViewSpec's `opens`."""
        return False

    def set_column_mode(self, mode: str) -> None:
        """'auto', 'compact' or 'normal' column widths, for views with a wide table."""

    def save_columns(self) -> QByteArray | None:
        return None

    def restore_columns(self, state: QByteArray) -> None:
        """Put back column widths saved by save_columns()."""


def link_owner(services: object, entity: str, key: str) -> tuple[str, int] | None:
    """The record a link row belongs to (its left end), as (entity, id), while the link exists."""
    from soloit.services.records import link_entity

    link = link_entity(entity)
    record = services.records.record(entity, int(key)) if key.isdigit() else None  # type: ignore[attr-defined]
    if record is None or record.get(link.left) is None:
        return None
    return link.spec(link.left).ref or "", int(record.get(link.left))


def record_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() else None


class RecordView(View):
    """A view whose body is one MasterDetail (a table and the selected record's detail): its splitter is remembered
    and its detail panel follows 表示 → 詳細パネルを表示."""

    body: QSplitter  # a soloit.ui.widgets.master_detail.MasterDetail, set by the subclass

    def splitters(self) -> dict[str, QSplitter]:
        return {"main": self.body}

    def set_detail_visible(self, visible: bool) -> None:
        self.body.set_detail_visible(visible)  # type: ignore[attr-defined]
