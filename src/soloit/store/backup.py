"""Backups of the live database through SQLite's online backup API (a plain file copy misses the WAL).

A backup is one self-contained SQLite file (journal_mode=DELETE), checked with PRAGMA integrity_check after it
is written, named after when and why it was made and the journal's entry count and head hash, with a JSON
sidecar holding the same facts plus the municipality and the time of the last change."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from soloit.store.errors import StoreError, from_sqlite
from soloit.store.uri import file_uri

PREFIX = "soloit-backup-"
SUFFIX = ".sqlite3"
SIDECAR = ".json"
_NAME = re.compile(
    r"^soloit-backup-(?P<stamp>\d{8}-\d{6}-\d{3})-(?P<kind>[a-z0-9-]+)-n(?P<count>\d+)-(?P<head>[0-9a-f]{12})\.sqlite3$"
)
# Kinds that rotation never deletes: the copy before a schema upgrade or before a restore.
KEPT_KINDS = ("pre-upgrade", "pre-restore")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # local time
    kind: str
    journal_count: int
    journal_head: str
    size: int
    municipality: str = ""
    last_change: str = ""  # ISO UTC of the newest journal entry
    integrity: str = "ok"

    @property
    def kept(self) -> bool:
        return self.kind.startswith(KEPT_KINDS)


def _private_empty_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def online_copy(source: Path, target: Path) -> Path:
    """Copy the database at `source` (including committed WAL content) to `target`, atomically renamed into place."""
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _private_empty_file(partial)
        src = sqlite3.connect(file_uri(source), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        _discard(partial)
        raise (from_sqlite(exc, source) or StoreError(f"バックアップを作成できません: {exc}")) from exc
    except OSError as exc:
        _discard(partial)
        raise StoreError(f"バックアップを「{target.parent}」に書き込めません: {exc.strerror or exc}") from exc
    return target


def integrity_check(path: Path) -> str:
    """PRAGMA integrity_check ("ok" when sound)."""
    conn = sqlite3.connect(file_uri(path), uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def read_facts(path: Path) -> dict[str, object]:
    """Journal count and head, municipality and last change, read from a database file without SQLAlchemy."""
    conn = sqlite3.connect(file_uri(path), uri=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('journal_count', 'journal_head')"))
        muni = conn.execute("SELECT name FROM municipality WHERE id = 1").fetchone()
        last = conn.execute("SELECT recorded_at FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"「{path}」は soloit のデータベースとして読み取れません: {exc}") from exc
    finally:
        conn.close()
    return {
        "journal_count": int(meta.get("journal_count", 0)),
        "journal_head": meta.get("journal_head", "0" * 64),
        "municipality": muni[0] if muni else "",
        "last_change": last[0] if last else "",
    }


def make_backup(db_path: Path, backup_dir: Path, *, kind: str, now: datetime | None = None) -> BackupInfo:
    """A checked backup of `db_path` in `backup_dir`. Raises StoreError when it cannot be written or fails its check."""
    if not re.fullmatch(r"[a-z0-9-]+", kind):
        raise ValueError(kind)
    now = now or datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"
    staging = backup_dir / f".{PREFIX}{stamp}-{kind}{SUFFIX}"
    online_copy(db_path, staging)
    problem = integrity_check(staging)
    if problem != "ok":
        staging.unlink(missing_ok=True)
        raise StoreError(f"作成したバックアップの検査に失敗しました（{problem}）。元のデータベースを確認してください。")
    facts = read_facts(staging)
    head = str(facts["journal_head"])
    target = backup_dir / f"{PREFIX}{stamp}-{kind}-n{facts['journal_count']}-{head[:12]}{SUFFIX}"
    os.replace(staging, target)
    info = BackupInfo(
        path=target,
        created_at=now.replace(microsecond=(now.microsecond // 1000) * 1000),
        kind=kind,
        journal_count=int(facts["journal_count"]),  # type: ignore[arg-type]
        journal_head=head,
        size=target.stat().st_size,
        municipality=str(facts["municipality"]),
        last_change=str(facts["last_change"]),
    )
    _write_sidecar(info)
    return info


def _write_sidecar(info: BackupInfo) -> None:
    data = asdict(info)
    data["path"] = info.path.name
    data["created_at"] = info.created_at.isoformat(timespec="milliseconds")
    sidecar = info.path.with_name(info.path.name + SIDECAR)
    fd = os.open(sidecar, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)


def _info_from_file(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    created = datetime.strptime(match["stamp"][:15], "%Y%m%d-%H%M%S").replace(microsecond=int(match["stamp"][16:]) * 1000)
    sidecar = path.with_name(path.name + SIDECAR)
    extra: dict[str, str] = {}
    head = match["head"]
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        extra = {k: str(data.get(k, "")) for k in ("municipality", "last_change", "integrity")}
        if str(data.get("journal_head", "")).startswith(head):
            head = str(data["journal_head"])
    except (OSError, ValueError):
        pass
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(
        path=path,
        created_at=created,
        kind=match["kind"],
        journal_count=int(match["count"]),
        journal_head=head,
        size=size,
        municipality=extra.get("municipality", ""),
        last_change=extra.get("last_change", ""),
        integrity=extra.get("integrity", "ok") or "ok",
    )


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    """soloit's backups in `backup_dir`, newest first (other files are ignored)."""
    if not backup_dir.is_dir():
        return []
    found = [info for p in backup_dir.glob(f"{PREFIX}*{SUFFIX}") if (info := _info_from_file(p)) is not None]
    return sorted(found, key=lambda info: info.created_at, reverse=True)


@dataclass(frozen=True)
class Retention:
    recent: int = 10
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def to_keep(backups: list[BackupInfo], policy: Retention) -> set[Path]:
    """The backups a grandfather-father-son policy keeps: the newest `recent`, and the newest of each of the last
    `daily` days, `weekly` ISO weeks and `monthly` months that have a backup; pre-upgrade/pre-restore copies always."""
    ordered = sorted(backups, key=lambda b: b.created_at, reverse=True)
    keep = {b.path for b in ordered[: policy.recent]} | {b.path for b in ordered if b.kept}

    def newest_per(bucket, limit: int) -> None:
        seen: list[object] = []
        for backup in ordered:
            key = bucket(backup.created_at.date())
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(key)
            keep.add(backup.path)

    newest_per(lambda d: d, policy.daily)
    newest_per(lambda d: d.isocalendar()[:2], policy.weekly)
    newest_per(lambda d: (d.year, d.month), policy.monthly)
    return keep


def rotate(backup_dir: Path, policy: Retention = Retention()) -> list[Path]:
    """Delete the backups the policy does not keep; returns what was deleted."""
    backups = list_backups(backup_dir)
    keep = to_keep(backups, policy)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            backup.path.with_name(backup.path.name + SIDECAR).unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def newest_age(backup_dir: Path, now: datetime | None = None) -> timedelta | None:
    backups = list_backups(backup_dir)
    if not backups:
        return None
    return (now or datetime.now()) - backups[0].created_at


