"""検索 across the notes, the contacts, the systems and their steps, the DX initiatives, the tasks, the contracts, the
budget lines, the organisations and the journal (変更履歴): Japanese text with 全角/半角 and case folded (NFKC).
Every word typed must appear; words of 3+ characters go through the FTS5 trigram index, shorter ones (戸籍) are
found by scanning the folded text. Results come grouped by area, each naming the record it opens.

The index (store/search_index.py) follows the journal: before each search it takes in the entries added since it
last looked and re-reads the records they touched, so it is never stale and never needs a rebuild by hand. That
catch-up takes milliseconds after a change, but seconds the first time on a large ledger: `background_catch_up`
then hands the GUI a job that builds the index on its own thread, with its own connections (the ledger opened again
from its path, the index file opened again), and the finished index is adopted on the GUI thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from soloit.domain.text import fold
from soloit.services import entities
from soloit.services.base import AreaService
from soloit.services.fields import TEXT
from soloit.services.narrator import narrate
from soloit.store import journal
from soloit.store.search_index import SearchIndex

# The kinds of record searched, in the order their groups are shown, with the group's name: the declarations'
# (Entity.search_rank, label_ja).
SEARCHED: Mapping[str, str] = entities.derived(
    lambda kinds: {name: kind.label_ja for name, kind in entities.ranked("search_rank")(kinds).items()}
)
JOURNAL_AREA = "変更履歴"
GROUP_LIMIT = 50
BUILD_CHUNK = 10_000
SNIPPET = 40
BACKGROUND_FROM = 5_000  # journal entries to take in from which the catch-up runs as a job (≈ 0.1 s and more)

Reporter = Callable[[int, int, str], None]  # (done, total, text), a job's progress.report


@dataclass(frozen=True, slots=True)
class SearchHit:
    entity: str
    key: str
    title: str  # the record's name, or the change's sentence
    snippet: str  # where the words were found: 「本文: …移行判定は1月の…」
    entry_id: int | None = None  # a journal entry


@dataclass(frozen=True, slots=True)
class SearchGroup:
    area: str
    hits: tuple[SearchHit, ...]  # at most GROUP_LIMIT
    total: int


def searched_fields(entity: str) -> tuple[str, ...]:
    """The text fields of a kind as a person reads them (codes shown through a description — a rule of recurrence,
    a step's key, a note's subject — are not searched as stored)."""
    kind = entities.entity(entity)
    return tuple(s.name for s in kind.fields if s.kind == TEXT and s.describe is None and s.named is None)


def words_of(query: str) -> list[str]:
    return [word for word in fold(query).split() if word]


@dataclass(frozen=True)
class CatchUp:
    """A long catch-up to run as a job: `work(report)` runs on the job's thread and returns `adopt`, to be called
    on the GUI thread once the job is done (it puts the index in use)."""

    work: Callable[[Reporter | None], Callable[[], None]]
    entries: int  # journal entries to take in
    first: bool  # the index is built from nothing (the first search of this database on this PC)


def _plan(conn: sqlite3.Connection, identity: str, index: SearchIndex) -> tuple[bool, int, int, dict[str, str]]:
    """(rebuild, upto, count, state): whether the index must be built anew, what it has and what the journal has."""
    count, _head = journal.raw_head(conn)
    state = index.state()
    upto = int(state.get("upto", "0") or 0)
    rebuild = (
        state.get("identity") != identity
        or upto > count
        or (upto > 0 and journal.hash_at(conn, upto) != state.get("upto_hash"))
    )
    return rebuild, (0 if rebuild else upto), count, state


def catch_up(conn: sqlite3.Connection, identity: str, index: SearchIndex, report: Reporter | None = None) -> int:
    """Take into `index` what the journal of the ledger open on `conn` recorded since the index last looked; the
    number of entries taken in. Both connections belong to the calling thread."""
    rebuild, upto, count, state = _plan(conn, identity, index)
    if rebuild:
        index.clear(identity)
    if upto == count and not rebuild:
        return 0
    total = max(count - upto, 0)
    touched: set[tuple[str, str]] = set()
    taken = 0
    last_hash = state.get("upto_hash", journal.GENESIS_HASH) if not rebuild else journal.GENESIS_HASH
    rows: list[tuple[int, str]] = []
    for entry in journal.iter_entries(conn, "id > ?", (upto,)):
        text = " ".join(v for v in (entry.old_value, entry.new_value, entry.reason) if v)
        if text:
            rows.append((entry.id, fold(text)))
        if entry.entity in SEARCHED:
            touched.add((entry.entity, entry.entity_key))
        upto, last_hash = entry.id, entry.hash
        taken += 1
        if len(rows) >= BUILD_CHUNK:
            index.update(rows, [], upto, last_hash)
            rows = []
            if report is not None:
                report(min(taken, total), total, "")
    records = SearchService._record_texts(conn, None if rebuild else touched)
    index.update(rows, records, upto, last_hash)
    if report is not None:
        report(total, total, "")
    return taken


class SearchService(AreaService):
    _index: SearchIndex | None = None
    _index_path: Path | None = None
    _generation = 0

    def attach_index(self, path: Path | None) -> None:
        """Keep the index in this file (one per database identity), or in memory with None."""
        if self._index is not None:
            self._index.close()
            self._index = None
        self._index_path = path
        self._generation += 1  # a job started before no longer adopts its index

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex(self._index_path)
        return self._index

    def close(self) -> None:
        self.attach_index(None)

    # --- keeping up ---------------------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Take in what the journal recorded since the index last looked; the number of entries taken in."""
        return catch_up(self.store.raw(), self.store.facts().identity, self.index)

    def pending(self) -> tuple[int, bool]:
        """(journal entries the next search takes in first, whether the index is to be built from nothing)."""
        rebuild, upto, count, _state = _plan(self.store.raw(), self.store.facts().identity, self.index)
        return max(count - upto, 0), rebuild

    def background_catch_up(self, at_least: int = BACKGROUND_FROM) -> CatchUp | None:
        """None when the next search catches up quickly by itself; else the catch-up as a job's work, on its own
        connections: the ledger opened again from its path, the index opened again from its file (or built in
        memory), adopted afterwards on this (the GUI) thread — unless the database was closed or replaced meanwhile."""
        entries, first = self.pending()
        if entries < at_least:
            return None
        store, path, generation = self.store, self._index_path, self._generation

        def work(report: Reporter | None) -> Callable[[], None]:
            own = store.for_this_thread()
            try:
                built = SearchIndex(path, shared=True)  # handed to the GUI thread once this one has finished
                try:
                    catch_up(own.raw(), own.facts().identity, built, report)
                except BaseException:
                    built.close()
                    raise
            finally:
                own.close()
            return lambda: self._adopt(built, generation)

        return CatchUp(work, entries, first)

    def _adopt(self, built: SearchIndex, generation: int) -> None:
        if generation != self._generation:  # closed or attached to another file meanwhile
            built.close()
            return
        if self._index is not None:
            self._index.close()
        self._index = built

    @staticmethod
    def _record_texts(conn, touched: set[tuple[str, str]] | None) -> list[tuple[str, str, str | None]]:
        """(entity, key, folded text) of every searched record (`touched` None), or of the touched ones — None
        as the text of one that is gone."""
        found: list[tuple[str, str, str | None]] = []
        for name in SEARCHED:
            wanted = None if touched is None else {key for entity, key in touched if entity == name}
            if wanted is not None and not wanted:
                continue
            fields = searched_fields(name)
            seen: set[str] = set()
            for key, raw in entities.entity(name).raw_rows(conn, wanted):
                seen.add(key)
                text = " ".join(v for v in (raw[f] for f in fields) if isinstance(v, str) and v)
                found.append((name, key, fold(text) if text else None))
            found += [(name, key, None) for key in (wanted or set()) - seen]
        return found

    # --- finding ------------------------------------------------------------------------------------------------

    def search(self, query: str) -> list[SearchGroup]:
        """The groups with hits, in SEARCHED order, the journal last; [] for a query of only spaces."""
        words = words_of(query)
        if not words:
            return []
        try:
            self.refresh()
        except sqlite3.Error:  # the index file cannot be written (a full disk): search from memory instead
            self._index = SearchIndex(None)
            self.refresh()
        conn = self.store.raw()
        names = entities.current_names(conn, SEARCHED)
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for entity, key, text in self.index.find_records(words):
            by_kind.setdefault(entity, []).append((key, text))
        groups = []
        for name, area in SEARCHED.items():
            found = by_kind.get(name)
            if not found:
                continue
            kind = entities.entity(name)
            shown = sorted(found, key=lambda item: (kind.display(item[0], names), item[0]))[:GROUP_LIMIT]
            rows = dict(kind.raw_rows(conn, {key for key, _text in shown}))
            hits = tuple(
                SearchHit(name, key, kind.display(key, names), _record_snippet(name, rows.get(key, {}), words))
                for key, _text in shown
            )
            groups.append(SearchGroup(area, hits, len(found)))
        ids, total = self.index.find_journal(words, GROUP_LIMIT)
        if ids:
            marks = ", ".join("?" for _ in ids)
            entries = list(journal.iter_entries(conn, f"id IN ({marks})", tuple(ids), order="id DESC"))
            hits = tuple(
                SearchHit(line.entity, line.key, line.sentence(), _around(_entry_text(entry), words), line.entry_id)
                for entry, line in zip(entries, narrate(entries, names), strict=False)
                if line.entry_id == entry.id
            )
            groups.append(SearchGroup(JOURNAL_AREA, hits, total))
        return groups


def _record_snippet(entity: str, row: dict[str, object], words: list[str]) -> str:
    """「本文: …移行判定は1月の…」: the first field holding the first word, around it."""
    kind = entities.entity(entity)
    for field in searched_fields(entity):
        value = row.get(field)
        if isinstance(value, str) and words[0] in fold(value):
            return f"{kind.spec(field).label_ja}: {_around(value, words)}"
    return ""


def _entry_text(entry: journal.Entry) -> str:
    return " ".join(v for v in (entry.new_value, entry.old_value, entry.reason) if v)


def _around(text: str, words: list[str]) -> str:
    """The part of `text` around the first word found (folded comparison), on one line."""
    flat = " ".join(text.split())
    at = fold(flat).find(words[0]) if words else -1
    if at < 0 or len(flat) <= SNIPPET:
        return flat[:SNIPPET] + ("…" if len(flat) > SNIPPET else "")
    start = max(at - SNIPPET // 3, 0)
    piece = flat[start : start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")
