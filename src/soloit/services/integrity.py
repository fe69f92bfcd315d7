"""`soloit verify`: the journal's hash chain, that every stored value can be read, and that the data is exactly
what the journal says it should be. Generic over the entity declarations; reads with sqlite3 only, so no stored
value, however strange, can make it fail with a traceback.

Each finding has a kind, so the command line can say which: tampering (the data or the journal changed behind
soloit's back, or the journal no longer extends what a backup recorded), damage (missing tables, unreadable
values), or an unreadable file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from soloit.services import entities
from soloit.services.entities.base import NameBook
from soloit.services.fields import CREATE, UnreadableValue, encode
from soloit.store import journal

if TYPE_CHECKING:
    from soloit.services.anchors import Anchor

OK, TAMPERED, DAMAGED, UNREADABLE = "ok", "tampered", "damaged", "unreadable"
MAX_SHOWN = 20


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None
    problems: tuple[str, ...]
    kind: str = OK  # ok | tampered | damaged | unreadable: the worst finding
    notes: tuple[str, ...] = field(default=())  # facts worth saying that are not problems

    def summary_ja(self) -> str:
        if self.ok:
            return f"変更記録 {self.entries} 件を検証しました。改ざんの跡はありません（末尾ハッシュ {self.head_hash[:12]}…）。"
        heading = {
            TAMPERED: "検証に失敗しました（改ざんまたは欠落の跡）",
            DAMAGED: "検証に失敗しました（データベースの破損）",
            UNREADABLE: "検証できませんでした（ファイルを読めません）",
        }.get(self.kind, "検証に失敗しました")
        shown = list(self.problems[:MAX_SHOWN])
        more = [f"…ほか {len(self.problems) - MAX_SHOWN} 件"] if len(self.problems) > MAX_SHOWN else []
        return heading + "：" + " / ".join(shown + more)


# The journal field of the user's decision to go on with a database that fails its verify (entity "database",
# entity_key the finding's acceptance_key, new value its summary, reason the user's)
ACCEPT_FIELD = "verify-accepted"


def acceptance_key(report: VerifyReport) -> str:
    """What identifies a failed verify's finding across opens: the first broken journal entry (the chain is checked
    first and stops there), or else the exact set of row findings. Any other finding is a new one."""
    if report.first_bad_id is not None:
        return f"chain-{report.first_bad_id}"
    from hashlib import sha256

    return "rows-" + sha256("\n".join(sorted(report.problems)).encode("utf-8")).hexdigest()[:24]


def accepted_keys(conn: sqlite3.Connection) -> set[str]:
    """The findings the user has accepted as the correct state (journaled with a reason)."""
    try:
        rows = conn.execute(
            "SELECT entity_key FROM journal WHERE entity = 'database' AND field = ?", (ACCEPT_FIELD,)
        ).fetchall()
    except sqlite3.DatabaseError:
        return set()
    return {str(row[0]) for row in rows}


def unreadable_report(message_ja: str) -> VerifyReport:
    return VerifyReport(False, 0, journal.GENESIS_HASH, None, (message_ja,), UNREADABLE)


def verify(store) -> VerifyReport:
    """Verify an open Store (any thread's own Store)."""
    return verify_connection(store.raw())


def verify_connection(conn: sqlite3.Connection) -> VerifyReport:
    try:
        return _verify(conn)
    except sqlite3.DatabaseError as exc:
        return VerifyReport(False, 0, journal.GENESIS_HASH, None, (f"SQLite がデータを読み取れません（{exc}）。",), DAMAGED)


def _verify(conn: sqlite3.Connection) -> VerifyReport:
    from soloit.store.db import REQUIRED_TABLES

    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        return VerifyReport(
            False, 0, journal.GENESIS_HASH, None, (f"表（{'、'.join(missing)}）がありません。",), DAMAGED
        )
    chain = journal.verify_chain(conn)
    if not chain.ok:
        return VerifyReport(False, chain.entries, chain.head_hash, chain.first_bad_id, (chain.problem_ja or "",), TAMPERED)
    unreadable, problems = _check_rows(conn, compare=True)
    if unreadable:
        return VerifyReport(False, chain.entries, chain.head_hash, None, tuple(unreadable), DAMAGED)
    return VerifyReport(not problems, chain.entries, chain.head_hash, None, tuple(problems), TAMPERED if problems else OK)


def _current_names(conn: sqlite3.Connection) -> NameBook:
    return entities.current_names(conn)


class _NamesWhenNeeded(NameBook):
    """The current rows' names, read when the first finding needs one: a sound ledger (the usual case) never
    holds every row's name in memory."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self._conn: sqlite3.Connection | None = conn

    def name(self, entity: str, key: str) -> str | None:
        if self._conn is not None:
            self._names = _current_names(self._conn)._names
            self._conn = None
        return super().name(entity, key)


def scan_values(conn: sqlite3.Connection) -> list[str]:
    """Every stored value soloit cannot read, as Japanese findings (「戸籍 ステップ②-1 の「実績日」の値「2026-02-30」…」)."""
    return _check_rows(conn, compare=False)[0]


def state_problems(conn: sqlite3.Connection) -> list[str]:
    """Every field's current value must equal the newest journal value for it (or the baseline of a seeded row),
    every row must have been created and every deletion recorded."""
    return _check_rows(conn, compare=True)[1]


Latest = dict[str, dict[str, dict[str, str | None]]]  # entity → key → field → newest journal value


def latest_values(conn: sqlite3.Connection) -> Latest:
    """The newest journal value of every field of every row the journal says exists (a deletion forgets the row;
    a creation starts it afresh with its name). Only these values are kept, never the entries: the memory grows
    with the rows and fields, not with the length of the journal. Entity and field names are the declarations'
    own strings (not one copy per entry)."""
    latest: Latest = {}
    kinds = entities.ENTITIES
    field_names: dict[str, str] = {}
    for entity_name, key, field_name, new in conn.execute(
        "SELECT entity, entity_key, field, new_value FROM journal ORDER BY id"
    ):
        kind = kinds.get(entity_name)
        if kind is None:
            continue  # the database's own entries, reasons given afterwards
        bucket = latest.get(kind.name)
        if bucket is None:
            bucket = latest[kind.name] = {}
        if field_name == CREATE:
            if new is None:
                bucket.pop(key, None)
            else:
                bucket[key] = {kind.name_field: new} if kind.name_field else {}
            continue
        name = field_names.get(field_name)
        if name is None:
            name = field_names[field_name] = str(field_name)
        recorded = bucket.get(key)
        if recorded is None:
            recorded = bucket[key] = {}
        recorded[name] = new
    return latest


def _check_rows(conn: sqlite3.Connection, *, compare: bool) -> tuple[list[str], list[str]]:
    """One pass over every row of every entity, each value read once: (values soloit cannot read, and — with
    `compare` — rows that differ from what the journal says). Rows are streamed; only the journal's newest
    values (latest_values) and the rows' names are held."""
    names = _NamesWhenNeeded(conn)
    latest = latest_values(conn) if compare else {}
    unreadable: list[str] = []
    problems: list[str] = []
    for kind in entities.ENTITIES.values():
        seeded = kind.seeded(conn) if compare else {}
        bucket = latest.pop(kind.name, {})
        present: set[str] = set()
        specs = kind.fields
        for key, raw in kind.raw_rows(conn):
            recorded = bucket.get(key)
            check_state = compare
            if compare:
                present.add(key)
                if recorded is None and key not in seeded:
                    problems.append(f"{kind.subject(key, names)} は変更記録なしに追加されています。")
                    check_state = False
            baseline = seeded.get(key, {}) if check_state else {}
            for spec in specs:
                try:
                    value = spec.from_row(raw[spec.name])
                except UnreadableValue as exc:
                    unreadable.append(f"{kind.subject(key, names)} の「{spec.label_ja}」の値「{exc}」を読み取れません。")
                    continue
                if not check_state:
                    continue
                if recorded is not None and spec.name in recorded:
                    expected = recorded[spec.name]
                else:
                    expected = encode(baseline.get(spec.name, spec.default))
                if encode(value) != expected:
                    problems.append(f"{kind.subject(key, names)} の「{spec.label_ja}」が変更記録にない方法で変更されています。")
        if compare:
            for key in bucket:
                if key not in present and key not in seeded:
                    problems.append(f"{kind.subject(key, names)}（{key}）が変更記録なしに削除されています。")
            problems.extend(kind.checks(conn))
    return unreadable, problems


def verify_file(path, backup_root_for, anchor: Anchor | None = None) -> VerifyReport:
    """`soloit verify` on a file: read-only and leaving no trace (store/wal_guard.verify_view: the file alone, or a
    private copy with its -wal in the system's temporary folder; it works while another soloit writes), then the
    journal and values, then whether it still extends every backup of the same database (`backup_root_for(demo)`
    gives the backup root) and, given an `anchor` (services/anchors.py: a pack, backup, handover file or code),
    that one. A -wal that is damaged, cut short or another database's is a finding (damage). A file that cannot be
    read is a finding too, never a traceback."""
    from pathlib import Path

    from soloit.store.errors import StoreError
    from soloit.store.wal_guard import verify_view

    path = Path(path)
    try:
        with verify_view(path, backup_root_for) as view:
            report = _verify_view(view, path, backup_root_for, anchor)
    except StoreError as exc:
        return unreadable_report(exc.message_ja)
    if view.finding is None or view.fatal:
        return report
    if report.kind in (DAMAGED, UNREADABLE):
        return VerifyReport(False, report.entries, report.head_hash, report.first_bad_id,
                            (view.finding, *report.problems), report.kind, report.notes)
    return VerifyReport(False, report.entries, report.head_hash, report.first_bad_id,
                        (view.finding, *report.problems), DAMAGED, report.notes)


def _verify_view(view, path, backup_root_for, anchor: Anchor | None) -> VerifyReport:
    from soloit.services.anchors import check_anchor
    from soloit.services.divergence import check_heads
    from soloit.store.backup import adopt_legacy, backup_folder
    from soloit.store.db import Store, check_file
    from soloit.store.errors import CorruptDatabaseError, StoreError
    from soloit.store.migrations import HEAD_REVISION

    def shown(message: str) -> str:  # a private copy is named as the user's file
        return message if view.path == path else message.replace(str(view.path), str(path))

    if view.fatal:
        return VerifyReport(False, 0, journal.GENESIS_HASH, None, (shown(view.finding or ""),), DAMAGED)
    try:
        revision = check_file(view.path, check_location=False, readonly=True, immutable=view.immutable)
        if revision != HEAD_REVISION:  # verify never upgrades (it never writes)
            raise StoreError(f"「{view.path}」は古い形式です。一度 soloit で開いて更新してから、もう一度実行してください。")
    except CorruptDatabaseError as exc:
        return VerifyReport(False, 0, journal.GENESIS_HASH, None, (shown(exc.message_ja),), DAMAGED)
    except StoreError as exc:
        return unreadable_report(shown(exc.message_ja))
    store = Store(view.path, readonly=True, immutable=view.immutable)
    try:
        report = verify(store)
        if report.kind in (DAMAGED, UNREADABLE):
            return report
        facts = store.facts()
        root = backup_root_for(facts.demo)
        adopt_legacy(root, facts.identity)
        heads = check_heads(store.raw(), backup_folder(root, facts.identity))
        anchored = check_anchor(store.raw(), anchor, identity=facts.identity) if anchor is not None else None
    except sqlite3.DatabaseError as exc:
        return VerifyReport(False, 0, journal.GENESIS_HASH, None, (f"SQLite がデータを読み取れません（{exc}）。",), DAMAGED)
    except StoreError as exc:
        return unreadable_report(shown(exc.message_ja))
    finally:
        store.close()
    problems = report.problems + tuple(d.describe_ja() for d in heads.divergences)
    if anchored is not None and not anchored.ok:
        problems += (anchored.message_ja,)
    if len(problems) > len(report.problems):
        return VerifyReport(False, report.entries, report.head_hash, report.first_bad_id, problems, TAMPERED)
    notes = (heads.describe_ja(),)
    if anchored is not None and report.ok:
        notes += (anchored.message_ja,)
    return VerifyReport(report.ok, report.entries, report.head_hash, report.first_bad_id, report.problems, report.kind, notes)
