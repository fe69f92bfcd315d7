"""Backups and restore as the user sees them: when to make one, which to keep, checking one, putting one back,
and rescuing a damaged database from the newest good backup. The damaged file is never overwritten."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from soloit.services.integrity import verify
from soloit.store import backup as backup_files
from soloit.store.backup import BackupInfo, Retention, list_backups  # noqa: F401 - re-exported for the UI
from soloit.store.db import open_database
from soloit.store.errors import StoreError

WAL_SUFFIXES = ("-wal", "-shm")


class BackupRefusedError(StoreError):
    """The chosen backup failed its integrity or journal check; nothing was changed."""


@dataclass(frozen=True)
class BackupCheck:
    ok: bool
    entries: int
    problem_ja: str | None = None


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    entries: int
    pre_restore: BackupInfo | None  # the copy of the database that was replaced
    set_aside: Path | None  # where a damaged database was moved instead


def backup_now(db_path: Path, backup_dir: Path, *, kind: str = "manual", retention: Retention = Retention()) -> BackupInfo:  # noqa: B008
    info = backup_files.make_backup(db_path, backup_dir, kind=kind)
    backup_files.rotate(backup_dir, retention)
    return info


def backup_if_due(
    db_path: Path,
    backup_dir: Path,
    *,
    min_interval: timedelta = timedelta(minutes=60),
    kind: str = "start",
    retention: Retention = Retention(),  # noqa: B008
    now: datetime | None = None,
) -> BackupInfo | None:
    """A backup unless the newest one is younger than `min_interval`."""
    age = backup_files.newest_age(backup_dir, now)
    if age is not None and age < min_interval:
        return None
    return backup_now(db_path, backup_dir, kind=kind, retention=retention)


def check_backup(path: Path) -> BackupCheck:
    """Integrity and journal chain of a backup (checked on a temporary copy, upgraded if it is an older schema)."""
    problem = backup_files.integrity_check(path)
    if problem != "ok":
        return BackupCheck(False, 0, f"SQLite の整合性検査に失敗しました（{problem[:120]}）。")
    with tempfile.TemporaryDirectory(prefix="soloit-check-") as tmp:
        copy = Path(tmp) / "check.sqlite3"
        try:
            backup_files.online_copy(path, copy)
            store = open_database(copy, backup_dir=Path(tmp), check_location=False)
        except StoreError as exc:
            return BackupCheck(False, 0, exc.message_ja)
        try:
            report = verify(store)
        finally:
            store.close()
    if not report.ok:
        return BackupCheck(False, report.entries, "変更記録の検証に失敗しました：" + " / ".join(report.problems))
    return BackupCheck(True, report.entries)


def newest_good_backup(backup_dir: Path) -> BackupInfo | None:
    for info in backup_files.list_backups(backup_dir):
        if check_backup(info.path).ok:
            return info
    return None


def set_aside(db_path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged database (and its -wal/-shm) aside with a timestamp; it is never overwritten or deleted."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db_path.with_name(f"{db_path.name}.damaged-{stamp}-{n}")
    os.replace(db_path, target)
    for suffix in WAL_SUFFIXES:
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    return target


def restore(
    backup_file: Path,
    db_path: Path,
    backup_dir: Path,
    *,
    retention: Retention = Retention(),  # noqa: B008
) -> RestoreResult:
    """Put `backup_file` in place of the database at `db_path` (which must not be open).

    The backup is checked first (integrity and journal chain) and refused when bad. The current database is
    backed up first ("pre-restore"); if it is too damaged to copy, it is renamed aside instead."""
    check = check_backup(backup_file)
    if not check.ok:
        raise BackupRefusedError(f"バックアップ「{backup_file.name}」は使えません。{check.problem_ja}")
    return _put_in_place(backup_file, db_path, backup_dir, retention)


def _put_in_place(backup_file: Path, db_path: Path, backup_dir: Path, retention: Retention) -> RestoreResult:
    """Restore an already checked backup. The database replaced is kept: as a pre-restore backup, or, when it is
    too damaged to copy, renamed aside."""
    staging = db_path.with_name(db_path.name + ".restoring")
    for suffix in ("", *WAL_SUFFIXES):
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    backup_files.online_copy(backup_file, staging)
    store = open_database(staging, backup_dir=backup_dir, check_location=False)  # upgrades an older schema
    entries = verify(store).entries
    store.close()
    for suffix in WAL_SUFFIXES:
        Path(f"{staging}{suffix}").unlink(missing_ok=True)  # fully checkpointed on close

    pre_restore: BackupInfo | None = None
    aside: Path | None = None
    if db_path.exists():
        try:
            pre_restore = backup_files.make_backup(db_path, backup_dir, kind="pre-restore")
        except StoreError:
            aside = set_aside(db_path)
    for suffix in WAL_SUFFIXES:
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)  # a stale WAL must never meet the restored file
    os.replace(staging, db_path)
    backup_files.rotate(backup_dir, retention)
    return RestoreResult(backup_file, entries, pre_restore, aside)


def rescue(db_path: Path, backup_dir: Path, retention: Retention = Retention()) -> RestoreResult:  # noqa: B008
    """Restore the newest backup that passes its checks (each backup is checked once). A damaged database is
    renamed aside; a sound one is kept as a pre-restore backup."""
    good = newest_good_backup(backup_dir)
    if good is None:
        raise StoreError(f"「{backup_dir}」に使えるバックアップが見つかりません。")
    return _put_in_place(good.path, db_path, backup_dir, retention)


