"""Every edit from the UI runs here: the service command, the undo stack, and the change notification.

The Commander knows no area: it runs any service command and undoes any change set through the shared
ChangeService, whichever service made it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from soloit.services.bundle import Services
from soloit.services.changes import ChangeSet
from soloit.ui.errors import MessageSink, message_box_sink, present, refusal_reason


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the last command saved nothing: the error and its Japanese reason, short enough to show beside a field."""

    error: BaseException
    reason: str
    beside_field: bool  # a refused value (ValidationError): the field says why, no message box was shown


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
        self.last_refusal: Refusal | None = None  # why the last execute saved nothing; None after a success or no change

    def execute(self, text: str, command: Callable[[], ChangeSet], *, beside_field: bool = False) -> ChangeSet | None:
        """Run `command`; on success push it for undo and notify. None means nothing saved: `last_refusal` tells a
        refusal (with its reason) from a value that was already stored. Errors are shown through the sink, except a
        refused value when `beside_field` (the caller's field shows the reason; ui/widgets/refusal.py)."""
        self.last_refusal = None
        changeset = self._run(command, beside_field=beside_field)
        if changeset:
            self.undo_stack.push(_ServiceCommand(self, changeset, text))
        return changeset

    def adopt(self, text: str, changeset: ChangeSet) -> None:
        """A change set a job already saved (an import): push it for undo and notify, as if executed here."""
        if changeset:
            self.last_changeset = changeset
            self.undo_stack.push(_ServiceCommand(self, changeset, text))
            self.changed.emit(changeset)

    def _run(self, command: Callable[[], ChangeSet], *, beside_field: bool = False) -> ChangeSet | None:
        try:
            changeset = command()
        except Exception as exc:
            reason, is_value = refusal_reason(exc)
            self.last_refusal = Refusal(exc, reason, beside_field and is_value)
            if not self.last_refusal.beside_field:
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
