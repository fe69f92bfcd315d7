"""Backups of the live database through SQLite's online backup API (a plain file copy misses the WAL).

A backup is one self-contained SQLite file (journal_mode=DELETE), checked with PRAGMA integrity_check after it
is written, named after when (UTC) and why it was made and the journal's entry count and head hash, with a JSON
sidecar holding the same facts plus the database identity, the municipality and the time of the last change.

Each database's backups live in their own folder, named by the database's identity, under the backup root: no
database's backup is ever listed, rotated or restored as another's by accident."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from soloit.domain.clock import JST, SYSTEM_CLOCK, Clock, parse_utc, utc_text
from soloit.durable import flush_file
from soloit.jsonfile import write_json
from soloit.store.db import DatabaseFacts, facts_of, is_soloit_header, read_header
from soloit.store.errors import CorruptDatabaseError, DiskFullError, StoreError, describe_os_error, from_sqlite
from soloit.store.uri import file_uri

PREFIX = "soloit-backup-"
SUFFIX = ".sqlite3"
SIDECAR = ".json"
PARTIAL = ".partial"
STAGING_PREFIX = "." + PREFIX
_NAME = re.compile(
    r"^soloit-backup-(?:(?P<utc>\d{8}T\d{6}\.\d{3}Z)|(?P<legacy>\d{8}-\d{6}-\d{3}))"
    r"-(?P<kind>[a-z0-9-]+?)-n(?P<count>\d+)-(?P<head>[0-9a-f]{12})\.sqlite3$"
)
# Kinds that rotation never deletes: the copy before a schema upgrade, a restore or an import.
KEPT_KINDS = ("pre-upgrade", "pre-restore", "pre-import")
LEFTOVER_AGE = timedelta(minutes=10)
_FULL_ERRNOS = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT") if hasattr(errno, name)}  # a staging file older than this belongs to a backup that was killed


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # aware (UTC)
    kind: str
    journal_count: int
    journal_head: str
    size: int
    identity: str = ""
    municipality: str = ""
    lg_code: str = ""
    demo: bool = False
    last_change: str = ""  # ISO UTC of the newest journal entry
    integrity: str = "ok"
    # whether the database it was copied from passed a full verify (journal chain and data) just before: True,
    # False (it failed: such a backup never displaces a verified one in rotation), None (not checked, or a sidecar
    # written before soloit recorded it)
    source_verified: bool | None = None

    @property
    def kept(self) -> bool:
        return self.kind.startswith(KEPT_KINDS)


def backup_folder(root: Path, identity: str) -> Path:
    """Where the backups of the database `identity` live under the backup root."""
    if not re.fullmatch(r"[0-9a-f]{32}", identity):
        raise ValueError(f"not a database identity: {identity!r}")
    return root / identity


# --- writing -----------------------------------------------------------------------------------------------------------


def _private_empty_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _discard(path: Path) -> None:
    """Remove a staging file and whatever SQLite made beside it (-journal, -wal, -shm)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _classify(folder: Path, exc: BaseException) -> tuple[bool, str]:
    """(disk full?, the reason in Japanese) for a failure while writing into `folder`."""
    typed = None if isinstance(exc, OSError) else from_sqlite(exc, folder)
    full = isinstance(typed, DiskFullError) or (isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS)
    if isinstance(exc, OSError):
        reason = describe_os_error(exc)
    elif full:
        reason = "ディスクの空き容量が足りません"
    else:
        reason = f"書き込めません（{exc}）"
    return full, reason


def _destination_error(folder: Path, exc: BaseException) -> StoreError:
    """The error for a failure while writing into the backup folder: it names the folder, not the database."""
    full, reason = _classify(folder, exc)
    return (DiskFullError if full else StoreError)(
        f"バックアップを保存先「{folder}」に書き込めません: {reason}。"
        "保存先の空き容量と書き込み権限を確認するか、「ファイル → 設定」で別の保存先を指定してください。"
        "データベース本体は変更していません。"
    )


def restore_target_error(folder: Path, exc: BaseException) -> StoreError:
    """The error for a failure while writing the restored database beside the database (not a backup folder)."""
    full, reason = _classify(folder, exc)
    return (DiskFullError if full else StoreError)(
        f"復元するデータベースを「{folder}」に書き込めません: {reason}。"
        "このフォルダの空き容量と書き込み権限を確認してから、もう一度復元してください。今のデータベースは変更していません。"
    )


def local_copy_error(folder: Path, exc: BaseException) -> StoreError:
    """The error for a failure while copying a database onto this PC (from a network folder, or a predecessor's
    file): it names the local folder, not a backup folder."""
    full, reason = _classify(folder, exc)
    return (DiskFullError if full else StoreError)(
        f"データベースをこのパソコンの「{folder}」にコピーできません: {reason}。"
        "このフォルダの空き容量と書き込み権限を確認してください。元のファイルは変更していません。"
    )


class TemporaryCopyError(StoreError):
    """A temporary copy (to check a backup on) could not be written: an environmental problem, not a bad backup."""


def temporary_copy_error(folder: Path, exc: BaseException) -> StoreError:
    _full, reason = _classify(folder, exc)
    return TemporaryCopyError(
        f"バックアップを検査するための一時コピーを「{folder}」に作れません: {reason}。"
        "バックアップが壊れているとは限りません。一時フォルダの空き容量を確認してから、もう一度実行してください。"
    )


def online_copy(source: Path, target: Path, *, target_error=_destination_error) -> Path:
    """Copy the database at `source` (including committed WAL content) to `target`, atomically renamed into place.
    Failures while writing name the target's folder (`target_error(folder, exc)`: by default as a backup folder);
    nothing partial is left behind."""
    partial = target.with_name(target.name + PARTIAL)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _discard(partial)  # a killed copy's -journal beside it would be rolled back into the new copy
        _private_empty_file(partial)
    except OSError as exc:
        _discard(partial)
        raise target_error(target.parent, exc) from exc
    try:
        src = sqlite3.connect(file_uri(source), uri=True)
    except sqlite3.Error as exc:
        _discard(partial)
        raise (from_sqlite(exc, source) or StoreError(f"「{source}」を読み取れません: {exc}")) from exc
    try:
        try:
            dst = sqlite3.connect(partial)
        except sqlite3.Error as exc:
            raise target_error(target.parent, exc) from exc
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                raise (from_sqlite(exc, source) or CorruptDatabaseError(str(exc))) from exc
            raise target_error(target.parent, exc) from exc
        finally:
            dst.close()
    except BaseException:
        src.close()
        _discard(partial)
        raise
    src.close()
    try:
        flush_file(partial)  # SQLite synced its own writes; this makes the copy's bytes durable on every OS alike
        os.replace(partial, target)
    except OSError as exc:
        _discard(partial)
        raise target_error(target.parent, exc) from exc
    _discard(partial)  # a -journal SQLite may have left beside the staging name
    return target


def integrity_check(path: Path) -> str:
    """PRAGMA integrity_check ("ok" when sound)."""
    try:
        conn = sqlite3.connect(file_uri(path), uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def _stamp(moment: datetime) -> str:
    """20261123T043012.123Z: the moment in UTC, as backup names carry it."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y%m%dT%H%M%S.") + f"{utc.microsecond // 1000:03d}Z"


def sweep_leftovers(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove what a killed backup left in `folder` (staging and .partial files, older than LEFTOVER_AGE) and
    sidecars whose backup is gone. Only soloit's own names are touched."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    cutoff = (now if now is not None else time.time()) - LEFTOVER_AGE.total_seconds()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            path = Path(entry.path)
            try:
                if name.startswith(STAGING_PREFIX) or (name.startswith(PREFIX) and PARTIAL in name):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff and entry.is_file(follow_symlinks=False):
                        path.unlink()
                        removed.append(path)
                elif name.startswith(PREFIX) and name.endswith(SUFFIX + SIDECAR):
                    if not path.with_name(name[: -len(SIDECAR)]).exists():
                        path.unlink()
                        removed.append(path)
            except OSError:
                continue
    return removed


def make_backup(
    db_path: Path,
    folder: Path,
    *,
    kind: str,
    clock: Clock = SYSTEM_CLOCK,
    facts: DatabaseFacts | None = None,
    source_verified: bool | None = None,
) -> BackupInfo:
    """A checked backup of `db_path` in `folder` (the database's own backup folder). Raises StoreError when it
    cannot be written (the message names the folder) or fails its check; nothing partial is left.
    `source_verified` says whether `db_path` passed a full verify just before (recorded in the sidecar)."""
    if not re.fullmatch(r"[a-z0-9-]+", kind):
        raise ValueError(kind)
    now = clock.now()
    stamp = _stamp(now)
    sweep_leftovers(folder)
    staging = folder / f"{STAGING_PREFIX}{stamp}-{kind}{SUFFIX}"
    online_copy(db_path, staging)
    try:
        problem = integrity_check(staging)
        if problem != "ok":
            raise StoreError(f"作成したバックアップの検査に失敗しました（{problem}）。元のデータベースを確認してください。")
        copied = facts_of(staging)
        if facts is not None and copied.identity != facts.identity:
            raise StoreError("バックアップ中にデータベースが入れ替わりました。もう一度バックアップしてください。")
        head = copied.journal_head
        target = folder / f"{PREFIX}{stamp}-{kind}-n{copied.journal_count}-{head[:12]}{SUFFIX}"
        try:
            os.replace(staging, target)
        except OSError as exc:
            raise _destination_error(folder, exc) from exc
    except BaseException:
        _discard(staging)
        raise
    info = BackupInfo(
        path=target,
        created_at=now.replace(microsecond=(now.microsecond // 1000) * 1000),
        kind=kind,
        journal_count=copied.journal_count,
        journal_head=head,
        size=target.stat().st_size,
        identity=copied.identity,
        municipality=copied.municipality,
        lg_code=copied.lg_code,
        demo=copied.demo,
        last_change=copied.last_change,
        source_verified=source_verified,
    )
    try:
        _write_sidecar(info)
    except OSError as exc:
        _discard(target)
        raise _destination_error(folder, exc) from exc
    return info


def _write_sidecar(info: BackupInfo) -> None:
    data = {
        "path": info.path.name,
        "created_at": utc_text(info.created_at),
        "kind": info.kind,
        "journal_count": info.journal_count,
        "journal_head": info.journal_head,
        "size": info.size,
        "database_id": info.identity,
        "municipality": info.municipality,
        "lg_code": info.lg_code,
        "demo": info.demo,
        "last_change": info.last_change,
        "integrity": info.integrity,
        "source_verified": info.source_verified,
    }
    sidecar = info.path.with_name(info.path.name + SIDECAR)
    write_json(sidecar, data, indent=1, temp=sidecar.with_name(sidecar.name + PARTIAL))


# --- reading ---------------------------------------------------------------------------------------------------------


def _created_at(match: re.Match[str]) -> datetime:
    if match["utc"]:
        return datetime.strptime(match["utc"], "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
    # soloit 0.1 named backups in local time: on a Japanese PC that is Japan time.
    stamp = match["legacy"]
    naive = datetime.strptime(stamp[:15], "%Y%m%d-%H%M%S").replace(microsecond=int(stamp[16:]) * 1000)
    return naive.replace(tzinfo=JST).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class NamedBackup:
    """What a backup's file name alone says (no file is opened): enough to compare heads at every start."""

    path: Path
    created_at: datetime
    kind: str
    journal_count: int
    head_prefix: str  # the first 12 hex digits of the journal head


def scan_names(folder: Path) -> list[NamedBackup]:
    """The backups in `folder` by their names alone, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        match = _NAME.match(path.name)
        if match:
            found.append(NamedBackup(path, _created_at(match), match["kind"], int(match["count"]), match["head"]))
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def read_backup(path: Path) -> BackupInfo | None:
    """What a backup file is, from its name and sidecar (or, without a sidecar, from the file itself); None when
    the name is not a soloit backup's."""
    match = _NAME.match(path.name)
    if not match:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    head = match["head"]
    data: dict[str, object] = {}
    sidecar = path.with_name(path.name + SIDECAR)
    try:
        loaded = json.loads(sidecar.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            data = loaded
    except (OSError, ValueError):
        pass
    identity = str(data.get("database_id") or "")
    municipality, lg_code = str(data.get("municipality", "")), str(data.get("lg_code", ""))
    last_change, demo = str(data.get("last_change", "")), bool(data.get("demo", False))
    if str(data.get("journal_head", "")).startswith(head):
        head = str(data["journal_head"])
    if not identity:  # no sidecar, or one written before identities: ask the file
        try:
            if is_soloit_header(read_header(path)):
                facts = facts_of(path)
                identity, municipality, lg_code = facts.identity, facts.municipality, facts.lg_code
                last_change, demo = facts.last_change, facts.demo
                if facts.journal_head.startswith(head):
                    head = facts.journal_head
        except StoreError:
            identity = ""
    created = parse_utc(str(data["created_at"])) if data.get("created_at") and match["utc"] else None
    return BackupInfo(
        path=path,
        created_at=created or _created_at(match),
        kind=match["kind"],
        journal_count=int(match["count"]),
        journal_head=head,
        size=size,
        identity=identity,
        municipality=municipality,
        lg_code=lg_code,
        demo=demo,
        last_change=last_change,
        integrity=str(data.get("integrity", "ok") or "ok"),
        source_verified=_verified_flag(data.get("source_verified")),
    )


def _verified_flag(value: object) -> bool | None:
    """The sidecar's source_verified: only a JSON true or false counts; anything else (missing: an older sidecar)
    is unknown."""
    return value if isinstance(value, bool) else None


def list_backups(folder: Path, identity: str | None = None) -> list[BackupInfo]:
    """soloit's backups in `folder`, newest first; with `identity`, only those of that database. Other files,
    staging files and orphan sidecars are ignored."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        info = read_backup(path)
        if info is not None and (identity is None or info.identity == identity):
            found.append(info)
    return sorted(found, key=lambda info: info.created_at, reverse=True)


def adopt_legacy(root: Path, identity: str) -> list[Path]:
    """soloit 0.1 kept every database's backups in one folder. Move the ones proven to be of `identity` (by the
    identity their own file derives) into that database's folder; others stay where they are."""
    moved: list[Path] = []
    if not root.is_dir():
        return moved
    target_folder = backup_folder(root, identity)
    for info in list_backups(root, identity):
        target_folder.mkdir(parents=True, exist_ok=True)
        destination = target_folder / info.path.name
        if destination.exists():
            continue
        try:
            os.replace(info.path, destination)
            sidecar = info.path.with_name(info.path.name + SIDECAR)
            if sidecar.exists():
                os.replace(sidecar, destination.with_name(destination.name + SIDECAR))
        except OSError:
            continue
        moved.append(destination)
    return moved


@dataclass(frozen=True)
class Retention:
    recent: int = 10
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def to_keep(backups: list[BackupInfo], policy: Retention) -> set[Path]:
    """The backups a grandfather-father-son policy keeps: the newest `recent`, and the newest of each of the last
    `daily` days, `weekly` ISO weeks and `monthly` months (Japan time) that have a backup; pre-upgrade,
    pre-restore and pre-import copies always.

    Backups whose source failed its verify (source_verified false) are counted apart: the policy runs over the
    others, and of the failed ones the newest `recent` are kept besides. However many failed ones are made, they
    never push a verified (or unchecked) backup out."""
    failed = sorted((b for b in backups if b.source_verified is False), key=lambda b: b.created_at, reverse=True)
    keep = {b.path for b in failed[: policy.recent]} | {b.path for b in failed if b.kept}
    return keep | _to_keep_lane([b for b in backups if b.source_verified is not False], policy)


def _to_keep_lane(backups: list[BackupInfo], policy: Retention) -> set[Path]:
    ordered = sorted(backups, key=lambda b: b.created_at, reverse=True)
    keep = {b.path for b in ordered[: policy.recent]} | {b.path for b in ordered if b.kept}

    def newest_per(bucket, limit: int) -> None:
        seen: list[object] = []
        for backup in ordered:
            key = bucket(backup.created_at.astimezone(JST).date())
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


def rotate(folder: Path, policy: Retention = Retention(), identity: str | None = None) -> list[Path]:
    """Delete the backups of `identity` in `folder` that the policy does not keep; returns what was deleted.
    Backups of another database in the same folder are never counted or touched."""
    backups = list_backups(folder, identity)
    keep = to_keep(backups, policy)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            backup.path.with_name(backup.path.name + SIDECAR).unlink(missing_ok=True)
            removed.append(backup.path)
    sweep_leftovers(folder)
    return removed


def newest_age(folder: Path, identity: str | None = None, clock: Clock = SYSTEM_CLOCK) -> timedelta | None:
    backups = list_backups(folder, identity)
    if not backups:
        return None
    return clock.now() - backups[0].created_at
