"""The one narrator of the journal: turns journal entries into Japanese for every reader (the detail panel's
history now; the history view, the 事務引継書, search and packs later).

A sentence names its subject the way the entity's declaration says (「児童手当 ステップ⑭-2」, 「システム『財務会計』」),
the field by its label, old → new with choice values shown by the field's own labels, the reason (including one
added afterwards), the person and the time in Japan time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from soloit.domain.clock import format_jst, jst_day, parse_utc
from soloit.services import entities
from soloit.services.entities.base import NameBook
from soloit.services.fields import BOOL, CHOICE, CREATE, DATE, DECIMAL, INT, REF, YEN, FieldSpec
from soloit.store.journal import Entry

ACTION_LABELS = {
    "undo": "元に戻す",
    "redo": "やり直し",
    "import": "一括登録",
    "create": "作成",
    "delete": "削除",
    "restore": "復元",
    "annotate": "理由の追記",
    "accept": "喪失の了承",
    "export": "出力",
}
ANNOTATION_ENTITY = "batch"  # an entry that gives a reason to an earlier change set (entity_key = its batch)
DATABASE_ENTITY = "database"
REPORT_ENTITY = "report"  # an exported status pack (entity_key = its as-of date; the value holds the head it stated)
NO_VALUE = "（なし）"
MAX_VALUE = 60


@dataclass(frozen=True, slots=True)
class LateReason:
    """A reason given after the change, with who gave it and when."""

    reason: str
    actor: str
    recorded_at: str

    def text(self) -> str:
        return f"{self.reason}［{format_jst(self.recorded_at)} {self.actor} が追記］"


@dataclass(frozen=True, slots=True)
class Narration:
    entry_id: int
    batch: str
    recorded_at: str  # ISO UTC as stored
    actor: str
    action: str
    entity: str
    key: str
    field: str
    subject: str  # 「児童手当 ステップ⑭-2」
    what: str  # 「ステータス: 未着手 → 完了済み」
    reason: str | None
    late_reasons: tuple[LateReason, ...] = ()
    label: str = ""  # for an edit of a field: the field's label, and its old and new values as a person reads them
    old: str = ""
    new: str = ""

    @property
    def moment(self) -> datetime | None:
        return parse_utc(self.recorded_at)

    @property
    def when(self) -> str:
        """Japan time, 2026/11/22 10:31."""
        return format_jst(self.recorded_at) or self.recorded_at

    @property
    def day(self) -> date | None:
        """The Japanese calendar day the change was made on."""
        moment = self.moment
        return jst_day(moment) if moment else None

    @property
    def reasons(self) -> tuple[str, ...]:
        given = (self.reason,) if self.reason else ()
        return given + tuple(late.text() for late in self.late_reasons)

    def sentence(self) -> str:
        """The change alone: 「児童手当 ステップ⑭-2 ステータス: 未着手 → 完了済み」, 「システム『財務会計』を登録」."""
        joiner = "" if self.what.startswith(("を", "の", "に")) else " "
        return f"{self.subject}{joiner}{self.what}".strip()

    def text(self) -> str:
        tag = f"［{ACTION_LABELS[self.action]}］" if self.action in ACTION_LABELS else ""
        why = f"（理由: {' / '.join(self.reasons)}）" if self.reasons else ""
        return f"{self.when} {self.actor}：{tag}{self.sentence()}{why}"


def show_value(spec: FieldSpec | None, text: str | None, names: NameBook) -> str:
    """A journaled value as a person reads it."""
    if text is None or text == "":
        return NO_VALUE
    if spec is None:
        return _cut(text)
    if spec.named is not None:
        return _cut(spec.named(text, names))
    if spec.describe is not None:
        return _cut(spec.describe(text))
    if spec.kind == CHOICE:
        return spec.label_of(text)
    if spec.kind == BOOL:
        return "はい" if text == "true" else "いいえ"
    if spec.kind == DATE:
        return text.replace("-", "/")
    if spec.kind == YEN:
        return f"{int(text):,}円"
    if spec.kind in (INT, DECIMAL):
        from decimal import Decimal

        from soloit.domain.amounts import format_decimal

        return f"{format_decimal(Decimal(text))}{spec.unit}"
    if spec.kind == REF:
        target = entities.ENTITIES.get(spec.ref or "")
        named = names.name(spec.ref or "", text)
        if named:
            return named
        return f"（削除された{target.label_ja if target else 'データ'} {text}）"
    return _cut(text)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def name_book(conn: sqlite3.Connection) -> NameBook:
    """Names of every named row, current ones and those deleted since (their last journaled name). A kind of
    record's names are read when the first of them is asked for (the history of one system names two or three
    kinds, not the twenty there are), so the book is used while `conn` is open, as every caller does."""
    return _NamesByKind(conn)


class _NamesByKind(NameBook):
    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self._conn = conn
        self._unread = {e.name: e for e in entities.ENTITIES.values() if e.name_field}

    def name(self, entity: str, key: str) -> str | None:
        kind = self._unread.pop(entity, None)
        if kind is not None:
            for entity_key, value in self._conn.execute(
                "SELECT entity_key, new_value FROM journal WHERE entity = ? AND field IN (?, ?) ORDER BY id",
                (kind.name, CREATE, kind.name_field),
            ):
                self.remember(kind.name, entity_key, value)
            for row_id, value in self._conn.execute(f"SELECT id, {kind.name_field} FROM {kind.table}"):
                self.remember(kind.name, str(row_id), value if isinstance(value, str) else None)
        return super().name(entity, key)


def late_reasons(conn: sqlite3.Connection, batches: Iterable[str]) -> dict[str, tuple[LateReason, ...]]:
    """Reasons given afterwards to the change sets `batches`."""
    wanted = sorted(set(batches))
    found: dict[str, list[LateReason]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for key, value, actor, recorded_at in conn.execute(
            f"SELECT entity_key, new_value, actor, recorded_at FROM journal "
            f"WHERE entity = ? AND entity_key IN ({marks}) ORDER BY id",
            (ANNOTATION_ENTITY, *chunk),
        ):
            found.setdefault(key, []).append(LateReason(value or "", actor, recorded_at))
    return {batch: tuple(items) for batch, items in found.items()}


def narrate(
    entries: Sequence[Entry],
    names: NameBook,
    late: Mapping[str, tuple[LateReason, ...]] | None = None,
    *,
    batch_summary: Mapping[str, str] | None = None,
) -> list[Narration]:
    """Each entry as a Narration, in the order given. Entries of fields declared hidden (the bookkeeping of a rule)
    are folded into the line they belong to; an annotation names the change it gives a reason to
    (`batch_summary`: a short description of each annotated change set, when the caller has it)."""
    late = late or {}
    automatic = {
        (e.batch, e.entity, e.entity_key)
        for e in entries
        if e.field == "actual_date_auto" and e.new_value == "true"
    }
    lines: list[Narration] = []
    for entry in entries:
        kind = entities.ENTITIES.get(entry.entity)
        spec = None
        if kind is not None and kind.has_field(entry.field):
            spec = kind.spec(entry.field)
            if spec.hidden:
                continue
        subject, what, (label, old, new) = _describe(entry, kind, spec, names, batch_summary or {})
        if spec is not None and spec.kind == DATE and (entry.batch, entry.entity, entry.entity_key) in automatic:
            what += "（完了済みにしたため自動入力）"
            new += "（自動入力）"
        lines.append(
            Narration(
                entry.id, entry.batch, entry.recorded_at, entry.actor, entry.action, entry.entity, entry.entity_key,
                entry.field, subject, what, entry.reason, late.get(entry.batch, ()), label, old, new,
            )
        )
    return lines


def _describe(
    entry: Entry, kind: entities.Entity | None, spec: FieldSpec | None, names: NameBook, summaries: Mapping[str, str]
) -> tuple[str, str, tuple[str, str, str]]:
    """(subject, what, (field label, old, new)); the last is empty but for an edit of a declared record's field."""
    none = ("", "", "")
    if entry.entity == ANNOTATION_ENTITY:
        target = summaries.get(entry.entity_key, "以前の変更")
        return "", f"{target}に理由を追記：{entry.new_value or ''}", none
    if entry.entity == DATABASE_ENTITY:
        if entry.field == CREATE:
            return "データベース", "を作成", none
        if entry.field == "restore":
            return "データベース", f"をバックアップから復元（{entry.new_value or ''}）", none
        if entry.field == "accept":
            return "データベース", f"の変更の喪失を了承（{entry.new_value or ''}）", none
        if entry.field == "verify-accepted":  # services/integrity.py ACCEPT_FIELD
            return "データベース", f"を検証で不一致が見つかった状態のまま正として続けることを了承（{entry.new_value or ''}）", none
        return "データベース", f"{entry.field}: {entry.new_value or ''}", none
    if entry.entity == REPORT_ENTITY:
        return "県への報告パック", f"を出力（基準日 {entry.entity_key.replace('-', '/')}）", none
    if kind is None:
        old, new = _cut(entry.old_value or NO_VALUE), _cut(entry.new_value or NO_VALUE)
        return entry.entity, f"{entry.field}: {old} → {new}", (entry.field, old, new)
    if entry.field == CREATE:  # named as it was created or deleted; the book of names stays as it was
        created = entry.new_value is not None
        named = NameBook({(kind.name, entry.entity_key): (entry.new_value if created else entry.old_value) or ""})
        return kind.subject(entry.entity_key, named), "を登録" if created else "を削除", none
    label = spec.label_ja if spec else entry.field
    old, new = show_value(spec, entry.old_value, names), show_value(spec, entry.new_value, names)
    return kind.subject(entry.entity_key, names), f"{label}: {old} → {new}", (label, old, new)
