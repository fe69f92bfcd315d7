"""The journal as people read it (through the one narrator), and reasons given after the change."""

from __future__ import annotations

from dataclasses import dataclass

from soloit.domain.clock import format_jst
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, clean_reason
from soloit.services.entities import CELL, SYSTEM
from soloit.services.errors import ValidationError
from soloit.services.narrator import (
    ACTION_LABELS,
    ANNOTATION_ENTITY,
    LateReason,
    Narration,
    late_reasons,
    name_book,
    narrate,
)
from soloit.store import journal


@dataclass(frozen=True, slots=True)
class LastChange:
    """The newest journal entry that set one field of one record: the reason given with it (and any added
    afterwards), who made it and when."""

    actor: str
    recorded_at: str  # ISO UTC as stored
    action: str  # edit / undo / import …
    reason: str | None
    late_reasons: tuple[LateReason, ...] = ()

    @property
    def when(self) -> str:
        """Japan time, 2026/11/22 10:31."""
        return format_jst(self.recorded_at) or self.recorded_at

    @property
    def reasons(self) -> tuple[str, ...]:
        given = (self.reason,) if self.reason else ()
        return given + tuple(late.text() for late in self.late_reasons)

    @property
    def how(self) -> str:
        """「元に戻す」, 「一括登録」 … for a change that was not a plain edit; '' for one."""
        return ACTION_LABELS.get(self.action, "") if self.action not in ("edit", "create") else ""


class JournalService(AreaService):
    def entries(self, limit: int = 200, entity: str | None = None, key: str | None = None) -> list[journal.Entry]:
        """The newest entries first, as stored."""
        conditions, params = self._filter(entity, key)
        found = []
        for entry in journal.iter_entries(self.store.raw(), conditions, params, order="id DESC"):
            found.append(entry)
            if len(found) >= limit:
                break
        return found

    @staticmethod
    def _filter(entity: str | None, key: str | None) -> tuple[str, tuple]:
        conditions, params = [], []
        if entity is not None:
            conditions.append("entity = ?")
            params.append(entity)
        if key is not None:
            conditions.append("entity_key = ?")
            params.append(key)
        return " AND ".join(conditions), tuple(params)

    def _narrate(self, where: str, params: tuple, limit: int) -> list[Narration]:
        conn = self.store.raw()
        entries = []
        for entry in journal.iter_entries(conn, where, params, order="id DESC"):
            entries.append(entry)
            if len(entries) >= limit:
                break
        late = late_reasons(conn, {e.batch for e in entries})
        names = name_book(conn)
        annotated = {e.entity_key for e in entries if e.entity == ANNOTATION_ENTITY}
        return narrate(entries, names, late, batch_summary=self._summaries(annotated, names))

    def _summaries(self, batches: set[str], names) -> dict[str, str]:
        """A short description of each change set a reason was given to afterwards (「児童手当 ステップ①-1 …」)."""
        conn = self.store.raw()
        found = {}
        for batch in batches:
            lines = narrate(list(journal.iter_entries(conn, "batch = ?", (batch,))), names)
            if lines:
                more = f" ほか {len(lines) - 1} 件" if len(lines) > 1 else ""
                found[batch] = f"「{lines[0].sentence()}{more}」"
        return found

    def system_history(self, system_id: int, limit: int = 100) -> list[Narration]:
        """The newest changes to a system and, for the 20 businesses, to its 40 step cells."""
        rows = self.store.query("SELECT business_code FROM system WHERE id = ?", (system_id,))
        if not rows:
            return []
        where, params = "(entity = ? AND entity_key = ?)", [SYSTEM, str(system_id)]
        if rows[0][0] is not None:
            where += " OR (entity = ? AND entity_key LIKE ? ESCAPE '\\')"
            code = str(rows[0][0]).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += [CELL, f"{code}/%"]
        return self._narrate(where, tuple(params), limit)

    def last_change(self, entity: str, key: str, field: str) -> LastChange | None:
        """Who last set `field` of the record `entity`/`key`, when and why (None when the journal has no such entry):
        one indexed query for the entry, one for reasons given to it afterwards."""
        conn = self.store.raw()
        row = conn.execute(
            "SELECT actor, recorded_at, action, reason, batch FROM journal "
            "WHERE entity = ? AND entity_key = ? AND field = ? ORDER BY id DESC LIMIT 1",
            (entity, key, field),
        ).fetchone()
        if row is None:
            return None
        actor, recorded_at, action, reason, batch = row
        return LastChange(actor, recorded_at, action, reason, late_reasons(conn, (batch,)).get(batch, ()))

    def since(self, entry_id: int, *, exclude: tuple[str, ...] = ()) -> list[Narration]:
        """Every change after journal entry `entry_id`, newest first (entries of the `exclude` kinds left out)."""
        where, params = "id > ?", [entry_id]
        if exclude:
            where += f" AND entity NOT IN ({', '.join('?' for _ in exclude)})"
            params += list(exclude)
        return self._narrate(where, tuple(params), limit=10**9)

    def history(self, limit: int = 500) -> list[Narration]:
        """The newest changes of every kind."""
        return self._narrate("", (), limit)

    def changeset_lines(self, changeset: ChangeSet) -> list[Narration]:
        """The narration of a change set just made (the entries it wrote)."""
        if changeset.journal_ids is None:
            return []
        first, last = changeset.journal_ids
        conn = self.store.raw()
        entries = list(journal.iter_entries(conn, "id BETWEEN ? AND ?", (first, last)))
        return narrate(entries, name_book(conn), late_reasons(conn, {changeset.batch}))

    def describe(self, changeset: ChangeSet) -> str:
        """One line saying what a change set did: 「児童手当 ステップ①-1 ステータス: 未着手 → 完了済み ほか 2 件」."""
        lines = self.changeset_lines(changeset)
        if not lines:
            return "（内容を表示できません）"
        more = f" ほか {len(lines) - 1} 件" if len(lines) > 1 else ""
        return lines[0].sentence() + more

    def annotate(self, changeset: ChangeSet, reason: str) -> None:
        """Give a reason to a change already made, as its own journal entry naming that change (by its batch)."""
        text = clean_reason(reason)
        if not text:
            raise ValidationError("理由", "入力してください。")
        with self.store.write() as session:
            from uuid import uuid4

            from sqlalchemy import select

            from soloit.store.models import JournalEntry

            if session.scalar(select(JournalEntry.id).where(JournalEntry.batch == changeset.batch).limit(1)) is None:
                raise ValidationError("理由", "理由を付ける変更が変更記録に見つかりません。")
            journal.append(
                session,
                [journal.NewEntry(ANNOTATION_ENTITY, changeset.batch, "reason", None, text)],
                actor=self.context.actor,
                batch=uuid4().hex,
                action="annotate",
                reason=None,
                clock=self.context.clock,
            )
