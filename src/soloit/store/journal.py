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


def canonical_json(values: list[object] | tuple[object, ...]) -> str:
    """The canonical JSON the hash is taken over: exactly `json.dumps(list(values), ensure_ascii=False,
    separators=(",", ":"))` (a tuple encodes as a list), without building an encoder per entry."""
    return _encode(values)


def _make_encoder():
    """json.dumps' own C encoder, made once (json.dumps makes a JSONEncoder and a C encoder per call, a third of
    the time verify spends on 100,000 entries). Falls back to json.dumps where the C encoder is missing."""
    from json import encoder as json_encoder

    def dumps(values: list[object] | tuple[object, ...]) -> str:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return dumps
    spec = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    try:
        c_encode = make(
            None, spec.default, json_encoder.encode_basestring, spec.indent, spec.key_separator, spec.item_separator,
            spec.sort_keys, spec.skipkeys, spec.allow_nan,
        )
        probe = ["é\"\n\x01", 1, None, 1.5, True]
        if "".join(c_encode(probe, 0)) != dumps(probe):
            return dumps
    except Exception:  # another Python's private encoder signature: the public function, slower but the same bytes
        return dumps

    def encode(values: list[object] | tuple[object, ...]) -> str:
        return "".join(c_encode(values, 0))

    return encode


_encode = _make_encoder()


def entry_hash(values: dict[str, object]) -> str:
    """SHA-256 over the canonical JSON of an entry's content, including the previous entry's hash."""
    import hashlib  # loads OpenSSL (~10 ms): only when hashing, never on the way to the grid

    payload = _encode([values[name] for name in _HASHED_FIELDS])
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
    """Walk the journal in id order and check ids, links, hashes and the recorded head. Rows are streamed and
    hashed as tuples (no dict or list per entry); the hash is byte for byte `entry_hash`'s."""
    from hashlib import sha256  # loads OpenSSL: only when checking

    encode = _encode
    n_hashed = len(_HASHED_FIELDS)
    id_col, prev_col, hash_col = 0, _HASHED_FIELDS.index("prev_hash"), COLUMNS.index("hash")
    prev = GENESIS_HASH
    expected_id = 0
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM journal ORDER BY id"):
        expected_id += 1
        if row[id_col] != expected_id:
            return ChainReport(
                False, expected_id - 1, prev, expected_id,
                f"記録 {expected_id} が見つかりません（次は {row[id_col]}）。削除または挿入の跡です。",
            )
        if row[prev_col] != prev:
            return ChainReport(
                False, expected_id - 1, prev, expected_id,
                f"記録 {expected_id} の前の記録へのつながりが切れています（削除・挿入・並べ替えの跡）。",
            )
        try:
            computed = sha256(encode(row[:n_hashed]).encode("utf-8")).hexdigest()
        except (TypeError, ValueError):  # a value that is not text or a number (a BLOB put there by hand)
            computed = None
        stored = row[hash_col]
        if computed != stored:
            return ChainReport(False, expected_id - 1, prev, expected_id, f"記録 {expected_id} の内容が書き換えられています。")
        prev = stored
    count, recorded_head = raw_head(conn)
    if count != expected_id or recorded_head != prev:
        return ChainReport(
            False, expected_id, prev, min(count, expected_id) + 1 if count != expected_id and count >= 0 else expected_id,
            f"記録の件数または末尾が一致しません（記録上 {count} 件、実際 {expected_id} 件）。末尾の記録が削除された跡です。",
        )
    return ChainReport(True, expected_id, prev)
