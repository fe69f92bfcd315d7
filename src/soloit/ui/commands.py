"""Every edit from the UI runs here: the service command, the undo stack, and the change notification.

The Commander knows no area: it runs any service command and undoes any change set through the shared
ChangeService, whichever service made it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from soloit.services.bundle import Services
from soloit.services.changes import ChangeSet
from soloit.ui.errors import MessageSink, message_box_sink, present


class _ServiceCommand(QUndoCommand):
    """An already applied change set; undo and redo ask the ChangeService to journal the reverse or the repeat."""

    def __init__(self, commander: Commander, changeset: ChangeSet, text: str) -> None:
        super().__init__(text)
        self._commander = commander
        self._changeset = changeset
        self._first = True

    def redo(self) -> None:
        if self._first:  # QUndoStack.push calls redo(); the change is already saved
            self._first = False
            return
        self._commander._run(lambda: self._commander.services.changes.redo(self._changeset))

    def undo(self) -> None:
        self._commander._run(lambda: self._commander.services.changes.undo(self._changeset))


class Commander(QObject):
    """Runs service commands for the widgets; emits `changed` with what changed so views refresh only that."""

    changed = Signal(object)  # ChangeSet
    annotated = Signal(object)  # ChangeSet that was given a reason afterwards
    history_wanted = Signal(str, str)  # (entity, key): a widget asks for that record's 変更履歴

    def __init__(self, services: Services, parent: QObject | None = None, sink: MessageSink = message_box_sink):
        super().__init__(parent)
        self.services = services
        self.undo_stack = QUndoStack(self)
        self.sink = sink
        self.dialog_parent: QWidget | None = None
        self.last_changeset: ChangeSet | None = None  # the newest change made from this window (for a late reason)

    def execute(self, text: str, command: Callable[[], ChangeSet]) -> ChangeSet | None:
        """Run `command`; on success push it for undo and notify. Errors are shown; None means nothing saved."""
        changeset = self._run(command)
        if changeset:
            self.undo_stack.push(_ServiceCommand(self, changeset, text))
        return changeset

    def adopt(self, text: str, changeset: ChangeSet) -> None:
        """A change set a job already saved (an import): push it for undo and notify, as if executed here."""
        if changeset:
            self.last_changeset = changeset
            self.undo_stack.push(_ServiceCommand(self, changeset, text))
            self.changed.emit(changeset)

    def _run(self, command: Callable[[], ChangeSet]) -> ChangeSet | None:
        try:
            changeset = command()
        except Exception as exc:
            present(self.sink, self.dialog_parent, exc)
            return None
        if changeset:
            self.last_changeset = changeset
            self.changed.emit(changeset)
        return changeset

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run a command that is not a change set (a reason added afterwards …); errors are shown. True on success."""
        try:
            action()
        except Exception as exc:
            present(self.sink, self.dialog_parent, exc)
            return False
        return True
