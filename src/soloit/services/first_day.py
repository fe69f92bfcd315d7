"""はじめの日: what a successor (or anyone the journal has not seen before) needs on their first day — the five
things due soonest, the last 20 decisions (changes made with a reason, or given one afterwards), the pinned notes,
and the contacts of the vendors of the systems whose migration is under way."""

from __future__ import annotations

from dataclasses import dataclass

from soloit import reference
from soloit.services.base import AreaService
from soloit.services.handover import ContactRow, HandoverService, NoteRow
from soloit.services.migration import LedgerService
from soloit.services.narrator import ANNOTATION_ENTITY, Narration, late_reasons, name_book, narrate
from soloit.services.setup import SETUP_REASON
from soloit.services.tasks import AgendaItem, TaskService
from soloit.store import journal

DUE_SOONEST = 5
DECISIONS = 20
# Changes whose reason soloit wrote, not a person: undo and redo (「元に戻す：…」), a restore, an import (the file's
# name, or the demo's), and the creation of the database. A reason given afterwards (an annotation) is a person's,
# whatever it annotates.
MACHINE_ACTIONS = ("undo", "redo", "restore", "import")


@dataclass(frozen=True, slots=True)
class Decision:
    line: Narration  # the first change of the change set
    more: int  # how many further changes the set made
    reason: str  # the reason given, with any given afterwards


@dataclass(frozen=True, slots=True)
class FirstDay:
    due: tuple[AgendaItem, ...]
    decisions: tuple[Decision, ...]
    pinned: tuple[NoteRow, ...]
    in_progress: tuple[str, ...]  # the names of the systems whose migration is under way
    contacts: tuple[ContactRow, ...]


class FirstDayService(AreaService):
    def is_newcomer(self, actor: str) -> bool:
        """Whether the journal has never seen `actor` (so the first-day view greets them)."""
        rows = self.store.query("SELECT 1 FROM journal WHERE actor = ? LIMIT 1", (actor,))
        return not rows

    def check_code(self, text: str) -> tuple[bool, str]:
        """The code printed in the 事務引継書, typed by the successor: does this database still extend the journal
        as it was when the document was made? (ok, a Japanese sentence.) The chain is verified first, so the
        stored hash compared is genuine; a code that cannot be read raises ValidationError."""
        from soloit.services.anchors import anchor_from_code, check_anchor

        anchor = anchor_from_code(text)
        conn = self.store.raw()
        chain = journal.verify_chain(conn)
        if not chain.ok:
            return False, f"変更記録そのものに問題があります: {chain.problem_ja}"
        result = check_anchor(conn, anchor)
        return result.ok, result.message_ja

    def first_day(self) -> FirstDay:
        tasks = TaskService(self.context, self.changes)
        handover = HandoverService(self.context, self.changes)
        due = tuple(item for item in tasks.agenda() if item.due is not None)[:DUE_SOONEST]
        pinned = tuple(note for note in handover.notes() if note.pinned)
        systems = self.systems_in_progress()
        contacts = tuple(handover.vendor_contacts(set(systems)))
        return FirstDay(due, self.decisions(), pinned, tuple(systems.values()), contacts)

    def systems_in_progress(self) -> dict[int, str]:
        """{id: name} of the 20 businesses' systems that have begun (a step done or under way) and not finished
        (a step neither done nor not applicable, and no actual go-live date)."""
        ref = reference.load()
        done, na, working = ref.done_status.code, ref.not_applicable_status.code, ref.in_progress_status.code
        live = {row[0] for row in self.store.query("SELECT id FROM system WHERE actual_go_live IS NOT NULL")}
        found = {}
        for row in LedgerService(self.context, self.changes).snapshot().rows:
            statuses = {cell.status for cell in row.cells}
            started = bool(statuses & {done, working})
            finished = statuses <= {done, na}
            if started and not finished and row.system_id not in live:
                found[row.system_id] = row.name
        return found

    def decisions(self, limit: int = DECISIONS) -> tuple[Decision, ...]:
        """The newest change sets made with a reason or given one afterwards, one line each."""
        conn = self.store.raw()
        batches: list[str] = []
        machine = ", ".join("?" for _ in MACHINE_ACTIONS)
        for (batch_key,) in conn.execute(
            "SELECT CASE WHEN entity = ? THEN entity_key ELSE batch END FROM journal "
            f"WHERE ((reason IS NOT NULL AND reason != '') AND action NOT IN ({machine}) AND batch != 'seed' "
            "AND NOT (action = 'create' AND entity = 'municipality' AND reason = ?)) OR entity = ? ORDER BY id DESC",
            (ANNOTATION_ENTITY, *MACHINE_ACTIONS, SETUP_REASON, ANNOTATION_ENTITY),
        ):
            if batch_key not in batches:
                batches.append(batch_key)
                if len(batches) >= limit:
                    break
        names = name_book(conn) if batches else None
        late = late_reasons(conn, batches)
        found = []
        for batch in batches:
            entries = [e for e in journal.iter_entries(conn, "batch = ?", (batch,)) if e.entity != ANNOTATION_ENTITY]
            lines = narrate(entries, names, late) if names is not None else []
            if lines:
                found.append(Decision(lines[0], len(lines) - 1, " / ".join(lines[0].reasons)))
        return tuple(found)
