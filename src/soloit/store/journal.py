"""The append-only change journal. Each entry stores the SHA-256 of its own content chained with the previous
entry's hash; the head (count and last hash) is kept in `meta` so that removing the newest entries shows too.

The chain proves that nothing was altered, removed, inserted or reordered behind soloit's back by anyone who
does not also recompute every later hash. It holds no secret, so it is tamper-evident, not tamper-proof."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from soloit.store.models import JournalEntry, Meta

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


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What a service wants recorded; values are already encoded as text (or None)."""

    entity: str
    entity_key: str
    field: str
    old_value: str | None
    new_value: str | None


def entry_hash(values: dict[str, object]) -> str:
    """SHA-256 over the canonical JSON of an entry's content, including the previous entry's hash."""
    payload = json.dumps([values[name] for name in _HASHED_FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def head(session: Session) -> tuple[int, str]:
    """(entry count, hash of the newest entry) as recorded in meta."""
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
) -> list[JournalEntry]:
    """Append entries in the caller's transaction (which must be a write transaction)."""
    count, prev = head(session)
    written = []
    recorded_at = now_text()
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


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None = None
    problem_ja: str | None = None


def verify_chain(session: Session) -> ChainReport:
    """Walk the journal in id order and check ids, links, hashes and the recorded head."""
    prev = GENESIS_HASH
    expected_id = 0
    for row in session.scalars(select(JournalEntry).order_by(JournalEntry.id)):
        expected_id += 1
        values = {name: getattr(row, name) for name in _HASHED_FIELDS}
        if row.id != expected_id:
            return ChainReport(
                False, expected_id - 1, prev, expected_id,
                f"記録 {expected_id} が見つかりません（次は {row.id}）。削除または挿入の跡です。",
            )
        if row.prev_hash != prev:
            return ChainReport(
                False, expected_id - 1, prev, row.id,
                f"記録 {row.id} の前の記録へのつながりが切れています（削除・挿入・並べ替えの跡）。",
            )
        if entry_hash(values) != row.hash:
            return ChainReport(False, expected_id - 1, prev, row.id, f"記録 {row.id} の内容が書き換えられています。")
        prev = row.hash
    count, recorded_head = head(session)
    if count != expected_id or recorded_head != prev:
        return ChainReport(
            False, expected_id, prev, min(count, expected_id) + 1 if count != expected_id else expected_id,
            f"記録の件数または末尾が一致しません（記録上 {count} 件、実際 {expected_id} 件）。末尾の記録が削除された跡です。",
        )
    return ChainReport(True, expected_id, prev)
