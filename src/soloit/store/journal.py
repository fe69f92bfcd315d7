"""The append-only change journal. Each entry stores the SHA-256 of its own content chained with the previous
entry's hash; the head (count and last hash) is kept in `meta` so that removing the newest entries shows too.

The chain proves that nothing was altered, removed, inserted or reordered behind soloit's back by anyone who
does not also recompute every later hash. It holds no secret, so it is tamper-evident, not tamper-proof: the
heads recorded by backups (and, later, packs and handover files) are what a rehashed chain is compared against.

Appending goes through an ORM session (the caller's write transaction); reading and checking use a plain sqlite3
connection, so they work on any file and never stumble over a value the ORM cannot convert."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock, utc_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from soloit.store.models import JournalEntry

GENESIS_HASH = "0" * 64
HEAD_KEY = "journal_head"
COUNT_KEY = "journal_count"
_HASHED_FIELDS = (
    "id",
    "recorded_at",
    "actor",
    "batch",
    "action",
    "entity",
    "entity_key",
    "field",
    "old_value",
    "new_value",
    "reason",
    "prev_hash",
)
COLUMNS = (*_HASHED_FIELDS, "hash")


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What a service wants recorded; values are already encoded as text (or None)."""

    entity: str
    entity_key: str
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One journal entry as stored (plain values, read with sqlite3)."""

    id: int
    recorded_at: str
    actor: str
    batch: str
    action: str
    entity: str
    entity_key: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    prev_hash: str
    hash: str


def entry_hash(values: dict[str, object]) -> str:
    """SHA-256 over the canonical JSON of an entry's content, including the previous entry's hash."""
    import hashlib  # loads OpenSSL (~10 ms): only when hashing, never on the way to the grid

    payload = json.dumps([values[name] for name in _HASHED_FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_text(clock: Clock = SYSTEM_CLOCK) -> str:
    return utc_text(clock.now())


def head(session: Session) -> tuple[int, str]:
    """(entry count, hash of the newest entry) as recorded in meta (inside an ORM transaction)."""
    from sqlalchemy import select

    from soloit.store.models import Meta

    rows = dict(session.execute(select(Meta.key, Meta.value).where(Meta.key.in_((HEAD_KEY, COUNT_KEY)))).all())
    return int(rows.get(COUNT_KEY, "0")), rows.get(HEAD_KEY, GENESIS_HASH)


def append(
    session: Session,
    entries: list[NewEntry],
    *,
    actor: str,
    batch: str,
    action: str,
    reason: str | None,
    clock: Clock = SYSTEM_CLOCK,
) -> list[JournalEntry]:
    """Append entries in the caller's transaction (which must be a write transaction)."""
    from soloit.store.models import JournalEntry, Meta

    count, prev = head(session)
    written = []
    recorded_at = now_text(clock)
    for new in entries:
        count += 1
        values: dict[str, object] = {
            "id": count,
            "recorded_at": recorded_at,
            "actor": actor,
            "batch": batch,
            "action": action,
            "entity": new.entity,
            "entity_key": new.entity_key,
            "field": new.field,
            "old_value": new.old_value,
            "new_value": new.new_value,
            "reason": reason,
            "prev_hash": prev,
        }
        prev = entry_hash(values)
        row = JournalEntry(**values, hash=prev)
        session.add(row)
        written.append(row)
    if written:
        session.merge(Meta(key=COUNT_KEY, value=str(count)))
        session.merge(Meta(key=HEAD_KEY, value=prev))
        session.flush()
    return written


# --- reading with sqlite3 ------------------------------------------------------------------------------------------


def raw_head(conn: sqlite3.Connection) -> tuple[int, str]:
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (HEAD_KEY, COUNT_KEY)))
    try:
        count = int(rows.get(COUNT_KEY, "0"))
    except (TypeError, ValueError):
        count = -1
    return count, str(rows.get(HEAD_KEY, GENESIS_HASH))


def hash_at(conn: sqlite3.Connection, entry_id: int) -> str | None:
    """The stored hash of entry `entry_id`, None when there is no such entry."""
    row = conn.execute("SELECT hash FROM journal WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else str(row[0])


def iter_entries(conn: sqlite3.Connection, where: str = "", params: tuple = (), order: str = "id") -> Iterator[Entry]:
    """Entries as stored (`where` is an SQL condition written by soloit, never by a user)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM journal {('WHERE ' + where) if where else ''} ORDER BY {order}"
    for row in conn.execute(sql, params):
        yield Entry(*row)


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None = None
    problem_ja: str | None = None


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    """Walk the journal in id order and check ids, links, hashes and the recorded head."""
    prev = GENESIS_HASH
    expected_id = 0
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM journal ORDER BY id"):
        expected_id += 1
        values = dict(zip(COLUMNS, row, strict=True))
        if values["id"] != expected_id:
            return ChainReport(
                False, expected_id - 1, prev, expected_id,
                f"記録 {expected_id} が見つかりません（次は {values['id']}）。削除または挿入の跡です。",
            )
        if values["prev_hash"] != prev:
            return ChainReport(
                False, expected_id - 1, prev, expected_id,
                f"記録 {expected_id} の前の記録へのつながりが切れています（削除・挿入・並べ替えの跡）。",
            )
        try:
            computed = entry_hash(values)
        except (TypeError, ValueError):  # a value that is not text or a number (a BLOB put there by hand)
            computed = None
        if computed != values["hash"]:
            return ChainReport(False, expected_id - 1, prev, expected_id, f"記録 {expected_id} の内容が書き換えられています。")
        prev = str(values["hash"])
    count, recorded_head = raw_head(conn)
    if count != expected_id or recorded_head != prev:
        return ChainReport(
            False, expected_id, prev, min(count, expected_id) + 1 if count != expected_id and count >= 0 else expected_id,
            f"記録の件数または末尾が一致しません（記録上 {count} 件、実際 {expected_id} 件）。末尾の記録が削除された跡です。",
        )
    return ChainReport(True, expected_id, prev)
