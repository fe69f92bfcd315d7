"""What every service shares: the open store, who is acting, the one clock, and one generic way to change data
(apply, undo, redo, delete) over any declared entity. The UI's Commander undoes any ChangeSet through
`ChangeService` without knowing which service made it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.services.changes import ChangeSet, Edit
from soloit.services.errors import ValidationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from soloit.store.db import Store

NO_NAME = "（名前未設定）"
UNDO_REASON = "元に戻す"
REDO_REASON = "やり直し"


@dataclass
class ServiceContext:
    store: Store
    actor_source: Callable[[], str]
    clock: Clock = SYSTEM_CLOCK

    @property
    def actor(self) -> str:
        """Who is acting, as the journal records it: the display name, held to the display name's rules whatever
        the settings hold (ValidationError otherwise, so nothing is saved under a name with broken characters)."""
        from soloit.settings import display_name_problem

        name = (self.actor_source() or "").strip()
        if not name:
            return NO_NAME
        problem = display_name_problem(name)
        if problem:
            raise ValidationError("あなたの名前", f"{problem}設定で名前を直してください。")
        return name


class ChangeService:
    """Every change, whichever area it belongs to, is one call here: one transaction, validated, journaled."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    @property
    def store(self) -> Store:
        return self.context.store

    def apply(self, edits: Sequence[Edit], *, reason: str | None = None, action: str = "edit") -> ChangeSet:
        """Apply edits in one transaction (all or nothing)."""
        return self.run(lambda _session: list(edits), reason=reason, action=action)

    def run(
        self,
        build: Callable[[Session], list[Edit]],
        *,
        reason: str | None = None,
        action: str = "edit",
        derive: bool = True,
    ) -> ChangeSet:
        """Build the edits inside the write transaction (when they depend on what is stored), then apply them."""
        from soloit.services.changes import apply_edits

        with self.store.write() as session:
            return apply_edits(
                session,
                build(session),
                actor=self.context.actor,
                action=action,
                reason=reason,
                clock=self.context.clock,
                derive=derive,
            )

    def delete(self, entity_name: str, key: str, *, reason: str | None = None) -> ChangeSet:
        """Delete a row so that undo restores it whole (refused while anything refers to it)."""
        from soloit.services.changes import deletion_edits

        return self.run(lambda session: deletion_edits(session, entity_name, key), reason=reason, action="delete")

    def undo(self, changeset: ChangeSet) -> ChangeSet:
        """Put back exactly what `changeset` changed (what its rules derived included, and nothing derived anew),
        as a new journaled change."""
        from soloit.services.changes import reverse_edits

        edits = reverse_edits(changeset)
        return self.run(lambda _s: edits, reason=_with_reason(UNDO_REASON, changeset), action="undo", derive=False)

    def redo(self, changeset: ChangeSet) -> ChangeSet:
        """Do `changeset` again exactly as it was first done (an automatic date keeps the day it was filled)."""
        from soloit.services.changes import forward_edits

        edits = forward_edits(changeset)
        return self.run(lambda _s: edits, reason=_with_reason(REDO_REASON, changeset), action="redo", derive=False)


def _with_reason(prefix: str, changeset: ChangeSet) -> str:
    """「元に戻す：」 and the original reason, cut to the length a reason may have (so a change with the longest
    reason can still be undone)."""
    from soloit.services.changes import MAX_REASON

    if not changeset.reason:
        return prefix
    text = f"{prefix}：{changeset.reason}"
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


class AreaService:
    """Base of the services per area: reads through the store's raw connection, changes through ChangeService."""

    def __init__(self, context: ServiceContext, changes: ChangeService) -> None:
        self.context = context
        self.changes = changes

    @property
    def store(self) -> Store:
        return self.context.store
