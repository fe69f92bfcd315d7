"""変更履歴: the journal as a timeline a person filters — by area (標準化, やること, DX取組 …), by one record, by
person and by a range of Japan-time days — narrated by the one narrator, newest first; and every matching entry
with its hashes for an export (CSV or xlsx). Filters become SQL over the journal, so 100,000 entries stay quick."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from soloit.domain.clock import JST, utc_text
from soloit.domain.text import fold
from soloit.services import entities
from soloit.services.base import AreaService
from soloit.services.narrator import (
    ACTION_LABELS,
    ANNOTATION_ENTITY,
    DATABASE_ENTITY,
    REPORT_ENTITY,
    Narration,
    late_reasons,
    name_book,
    narrate,
)
from soloit.store import journal

SHOWN_LIMIT = 5000
EXPORT_CHUNK = 2000

# The areas of the program in the order the filter offers them; an area a new declaration names comes after these.
AREA_ORDER = ("標準化（20業務）", "やること", "DX取組", "予算・契約", "引継ぎ", "団体情報・組織")
OWN_AREA = "データベース・報告"  # entries about the database itself, not about a record
OWN_KINDS = (DATABASE_ENTITY, REPORT_ENTITY, ANNOTATION_ENTITY)


def _areas(kinds: Iterable[entities.Entity]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {area: [] for area in AREA_ORDER}
    for kind in kinds:
        if kind.area:
            grouped.setdefault(kind.area, []).append(kind.name)
    return {area: tuple(names) for area, names in grouped.items() if names} | {OWN_AREA: OWN_KINDS}


# Each area of the program and the kinds of record (as the journal names them) that belong to it: the declarations'.
AREAS: Mapping[str, tuple[str, ...]] = entities.derived(_areas)


def area_of(entity: str) -> str:
    for area, kinds in AREAS.items():
        if entity in kinds:
            return area
    return ""


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    area: str = ""  # a key of AREAS, '' for every area
    entity: str = ""  # one record: its kind and key (both set, or neither)
    key: str = ""
    actor: str = ""
    since: date | None = None  # Japan-time days, both ends included
    until: date | None = None
    text: str = ""  # words (space-separated) that every line shown must contain, searched over the whole journal

    def where(self) -> tuple[str, tuple]:
        conditions: list[str] = []
        params: list[object] = []
        if self.area:
            kinds = AREAS[self.area]
            conditions.append(f"entity IN ({', '.join('?' for _ in kinds)})")
            params += kinds
        if self.entity:
            conditions.append("entity = ? AND entity_key = ?")
            params += [self.entity, self.key]
        if self.actor:
            conditions.append("actor = ?")
            params.append(self.actor)
        if self.since is not None:
            conditions.append("recorded_at >= ?")
            params.append(_utc_start(self.since))
        if self.until is not None:
            conditions.append("recorded_at < ?")
            params.append(_utc_start(self.until + timedelta(days=1)))
        return " AND ".join(conditions), tuple(params)


def _utc_start(day: date) -> str:
    """The UTC text of 00:00 Japan time on `day` (the journal's times are UTC, in one text form that sorts)."""
    return utc_text(datetime.combine(day, time(0), tzinfo=JST))


@dataclass(frozen=True, slots=True)
class Timeline:
    lines: list[Narration]  # newest first, at most SHOWN_LIMIT entries
    total: int  # how many entries match (with a text: how many lines contain it, in the whole journal)
    complete: bool = True  # every match is in `lines` (False: only the newest `limit`)


def line_text(line: Narration) -> str:
    """A timeline line as the 変更履歴 view's columns show it (日時, 担当者, 操作, 対象, 項目, 変更前, 変更後, 理由), the
    text its filter searches."""
    return " ".join((
        line.when,
        line.actor,
        ACTION_LABELS.get(line.action, "変更"),
        line.subject,
        line.label or line.what.lstrip("をのに"),
        line.old,
        line.new,
        " / ".join(line.reasons),
    ))


@dataclass(frozen=True, slots=True)
class ExportRow:
    entry: journal.Entry
    line: Narration | None  # None for an entry the narrator folds into another line (a rule's bookkeeping)
    area: str


class TimelineService(AreaService):
    def actors(self) -> list[str]:
        """Everyone the journal has seen, by name."""
        return [row[0] for row in self.store.query("SELECT DISTINCT actor FROM journal ORDER BY actor")]

    def count(self, wanted: TimelineFilter) -> int:
        """How many entries the filter selects."""
        where, params = wanted.where()
        return int(self.store.raw().execute(f"SELECT count(*) FROM journal {('WHERE ' + where) if where else ''}", params).fetchone()[0])

    def timeline(
        self, wanted: TimelineFilter, limit: int | None = None, *, step: Callable[[int, int], None] | None = None
    ) -> Timeline:
        """The newest `limit` (SHOWN_LIMIT) lines the filter selects. A text is searched in every line of the whole
        journal the other filters select (not only the newest ones), as the view's columns show it; `step(done,
        total)` is called after each chunk of entries searched (a job's progress, and where it may stop)."""
        limit = SHOWN_LIMIT if limit is None else limit
        words = fold(wanted.text).split()
        if words:
            return self._search(wanted, words, limit, step)
        where, params = wanted.where()
        conn = self.store.raw()
        total = self.count(wanted)
        entries = []
        for entry in journal.iter_entries(conn, where, params, order="id DESC"):
            entries.append(entry)
            if len(entries) >= limit:
                break
        names = name_book(conn)
        lines = narrate(entries, names, late_reasons(conn, {e.batch for e in entries}))
        return Timeline(lines, total, len(entries) >= total)

    def _search(
        self, wanted: TimelineFilter, words: list[str], limit: int, step: Callable[[int, int], None] | None
    ) -> Timeline:
        where, params = wanted.where()
        conn = self.store.raw()
        names = name_book(conn)
        entries = self.count(wanted) if step is not None else 0
        found: list[Narration] = []
        total = done = 0
        for lines, size in self._narrated(conn, where, params, names, order="id DESC"):
            done += size
            if step is not None:
                step(done, entries)
            for line in lines:
                haystack = fold(line_text(line))
                if all(word in haystack for word in words):
                    total += 1
                    if len(found) < limit:
                        found.append(line)
        return Timeline(found, total, total <= limit)

    @classmethod
    def _narrated(cls, conn, where: str, params: tuple, names, *, order: str) -> Iterator[tuple[list[Narration], int]]:
        """The selected entries narrated a chunk at a time (the lines, the number of entries)."""
        for chunk in cls._chunks(conn, where, params, order=order):
            yield narrate(chunk, names, late_reasons(conn, {e.batch for e in chunk})), len(chunk)

    @staticmethod
    def _chunks(conn, where: str, params: tuple, *, order: str) -> Iterator[list[journal.Entry]]:
        """The selected entries about EXPORT_CHUNK at a time, each chunk ending where a change set ends (so the
        narrator sees every entry of a change set together)."""
        chunk: list[journal.Entry] = []
        for entry in journal.iter_entries(conn, where, params, order=order):
            if len(chunk) >= EXPORT_CHUNK and entry.batch != chunk[-1].batch:
                yield chunk
                chunk = []
            chunk.append(entry)
        if chunk:
            yield chunk

    def entry(self, entry_id: int) -> journal.Entry | None:
        """One entry as stored, its values whole (a note's previous text)."""
        found = list(journal.iter_entries(self.store.raw(), "id = ?", (entry_id,)))
        return found[0] if found else None

    def export_rows(self, wanted: TimelineFilter) -> Iterator[ExportRow]:
        """Every matching entry, oldest first (the order of the chain), each with its narration. With a text: the
        entries of the lines that contain it, and the bookkeeping entries folded into those lines."""
        where, params = wanted.where()
        conn = self.store.raw()
        names = name_book(conn)
        words = fold(wanted.text).split()
        for chunk in self._chunks(conn, where, params, order="id"):
            yield from self._rows(conn, chunk, names, words)

    @staticmethod
    def _rows(conn, chunk: list[journal.Entry], names, words: list[str]) -> Iterator[ExportRow]:
        lines = {line.entry_id: line for line in narrate(chunk, names, late_reasons(conn, {e.batch for e in chunk}))}
        if words:
            wanted = {
                (line.batch, line.entity, line.key)
                for line in lines.values()
                if all(word in fold(line_text(line)) for word in words)
            }
            chunk = [e for e in chunk if (e.batch, e.entity, e.entity_key) in wanted]
        for entry in chunk:
            yield ExportRow(entry, lines.get(entry.id), area_of(entry.entity))

    def subject_of(self, entity: str, key: str) -> str:
        """How the timeline names one record (for its filter's label)."""
        kind = entities.ENTITIES.get(entity)
        if kind is None:
            return f"{entity} {key}"
        return kind.subject(key, name_book(self.store.raw()))
