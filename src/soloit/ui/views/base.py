"""What every registered view offers the main window: a status message and a summary (a permanent status-bar
text), the splitters and column layout it remembers, the detail panel and column-width options of the 表示 menu,
and a hook to fill it before it is first shown. A view that has no detail panel or columns ignores those."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from soloit.ui.commands import Commander


class View(QWidget):
    status_message = Signal(str)
    summary = Signal(str)

    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        self._loaded = False

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

    def set_column_mode(self, mode: str) -> None:
        """'auto', 'compact' or 'normal' column widths, for views with a wide table."""

    def save_columns(self) -> QByteArray | None:
        return None

    def restore_columns(self, state: QByteArray) -> None:
        """Put back column widths saved by save_columns()."""


class RecordView(View):
    """A view whose body is one MasterDetail (a table and the selected record's detail): its splitter is remembered
    and its detail panel follows 表示 → 詳細パネルを表示."""

    body: QSplitter  # a soloit.ui.widgets.master_detail.MasterDetail, set by the subclass

    def splitters(self) -> dict[str, QSplitter]:
        return {"main": self.body}

    def set_detail_visible(self, visible: bool) -> None:
        self.body.set_detail_visible(visible)  # type: ignore[attr-defined]
