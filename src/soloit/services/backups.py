"""Backups and restore as the user sees them: when to make one, which to keep, checking one, putting one back,
rescuing a damaged database from the newest good backup of the same database, and checking that the live
database still extends what its backups recorded.

Every function works on one database's backups only: those whose identity is the database's. A backup of
another database can be restored only when the caller says so explicitly (after warning the user, naming both)."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from soloit.domain.clock import SYSTEM_CLOCK, Clock, format_jst
from soloit.services.divergence import (  # noqa: F401 - part of this API
    KIND_LABELS,
    Divergence,
    backup_label,
    backups_of,
    database_label,
    divergences,
    kind_label,
)
from soloit.services.integrity import VerifyReport, verify_connection
from soloit.store import backup as backup_files
from soloit.store import journal
from soloit.store.backup import BackupInfo, Retention, backup_folder, list_backups  # noqa: F401 - for the UI
from soloit.store.db import DatabaseFacts, facts_of, is_soloit_header, open_database, prove_soloit, read_header
from soloit.store.errors import DAMAGED, DiskFullError, NotSoloitDatabaseError, StoreError
from soloit.store.uri import file_uri
from soloit.store.wal_guard import keep_wal

WAL_SUFFIXES = ("-wal", "-shm")
DATABASE_ENTITY = "database"


class BackupRefusedError(StoreError):
    """The chosen backup failed its integrity or journal check; nothing was changed."""


class OtherDatabaseError(StoreError):
    """The backup belongs to another database; restoring it needs the user's explicit choice."""

    def __init__(self, message_ja: str, current: DatabaseFacts | None, backup: BackupInfo) -> None:
        super().__init__(message_ja)
        self.current = current
        self.backup = backup


@dataclass(frozen=True)
class BackupCheck:
    ok: bool
    entries: int
    problem_ja: str | None = None


@dataclass(frozen=True)
class RestoreEffect:
    """What a restore does to the journal: the current database's entries, the backup's, and how many both share
    (the backup's history up to where the two part; all of the backup's when the current one extends it)."""

    current: int
    restored: int
    common: int

    @property
    def taken_back(self) -> int:
        """The changes of the current database the restore takes back."""
        return self.current - self.common

    @property
    def backup_only(self) -> int:
        """The changes the backup holds that the current database lacks (another branch, or lost since)."""
        return self.restored - self.common

    def describe_ja(self, *, done: bool = False) -> str:
        """「この復元で 37 件の変更が取り消されます（1,987 件 → 1,950 件）。」 and, when the backup holds changes the
        current database lacks, a sentence saying so. `done`: the same after the restore (「取り消しました」)."""
        counts = f"（{self.current:,} 件 → {self.restored:,} 件）"
        if self.taken_back:
            verb = "を取り消しました" if done else "が取り消されます"
            text = f"この復元で {self.taken_back:,} 件の変更{verb}{counts}。"
        else:
            text = f"この復元で取り消{'した' if done else 'される'}変更はありません{counts}。"
        if self.backup_only:
            text += (
                f"このバックアップには、今のデータベースにない変更が {self.backup_only:,} 件あります"
                f"（{self.common:,} 件目のあとで別の経過をたどった状態です）。"
            )
        return text


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    entries: int
    pre_restore: BackupInfo | None  # the copy of the database that was replaced
    set_aside: Path | None  # where a damaged database was moved instead, or kept with its damaged -wal
    effect: RestoreEffect | None = None  # what the restore took back (None: the current database was unreadable)


def restore_effect(current: sqlite3.Connection, backup_file: Path, info: BackupInfo) -> RestoreEffect | None:
    """How many of the current journal's entries restoring `backup_file` takes back, and how many of the
    backup's the current one lacks. The backup's recorded count and head (sidecar or name) answer when the current
    journal extends it; otherwise the backup is opened read-only and the last entry both share is found by
    bisection (the hash chain makes a shared entry mean a shared history up to it). None when either journal
    cannot be read."""
    try:
        count, _head = journal.raw_head(current)
        if count < 0:
            return None
        if info.journal_count == 0:
            return RestoreEffect(count, 0, 0)
        if info.journal_count <= count and info.journal_head:
            here = journal.hash_at(current, info.journal_count) or ""
            if here and here.startswith(info.journal_head):
                return RestoreEffect(count, info.journal_count, info.journal_count)
        other = sqlite3.connect(file_uri(backup_file, immutable=True), uri=True)
    except (sqlite3.Error, OSError):
        return None
    try:
        restored, _ = journal.raw_head(other)
        low, high = 0, min(count, restored)  # entry `low` is shared (0: none), entries past `high` cannot be
        while low < high:
            middle = (low + high + 1) // 2
            mine = journal.hash_at(current, middle)
            if mine is not None and mine == journal.hash_at(other, middle):
                low = middle
            else:
                high = middle - 1
        return RestoreEffect(count, restored, low)
    except sqlite3.Error:
        return None
    finally:
        other.close()


def _effect_on(db_path: Path, backup_file: Path, info: BackupInfo) -> RestoreEffect | None:
    """restore_effect on the database file at `db_path` (closed by its caller), read-only."""
    try:
        conn = sqlite3.connect(file_uri(db_path), uri=True)
    except sqlite3.Error:
        return None
    try:
        return restore_effect(conn, backup_file, info)
    finally:
        conn.close()


# --- making -------------------------------------------------------------------------------------------------------


def folder_for(db_path: Path, root: Path) -> tuple[DatabaseFacts, Path]:
    """The database's facts and its own backup folder under `root` (older flat backups of it are moved in)."""
    facts = facts_of(db_path)
    backup_files.adopt_legacy(root, facts.identity)
    return facts, backup_folder(root, facts.identity)


def backup_now(
    db_path: Path,
    root: Path,
    *,
    kind: str = "manual",
    retention: Retention = Retention(),  # noqa: B008
    clock: Clock = SYSTEM_CLOCK,
    source_verified: bool | None = None,
) -> BackupInfo:
    """A backup into the database's own folder, then rotation. `source_verified`: whether the database passed a
    full verify just before (recorded in the sidecar; a failed one never displaces a verified one in rotation)."""
    facts, folder = folder_for(db_path, root)
    info = backup_files.make_backup(db_path, folder, kind=kind, clock=clock, facts=facts, source_verified=source_verified)
    backup_files.rotate(folder, retention, facts.identity)
    return info


def made_message_ja(info: BackupInfo) -> str:
    """What the user is told after a backup: 「2026/11/23 08:30:05（日本時間）のバックアップを作成しました（変更記録
    1,950 件）。保存先: …」. The time in Japan time, to the second (the file's name holds UTC, for sorting)."""
    return (
        f"{format_jst(info.created_at, seconds=True)}（日本時間）のバックアップを作成しました"
        f"（変更記録 {info.journal_count:,} 件）。保存先: {info.path.parent}"
    )


def backup_if_due(
    db_path: Path,
    root: Path,
    *,
    min_interval: timedelta = timedelta(minutes=60),
    kind: str = "start",
    retention: Retention = Retention(),  # noqa: B008
    clock: Clock = SYSTEM_CLOCK,
    source_verified: bool | None = None,
) -> BackupInfo | None:
    """A backup unless this database's newest one is younger than `min_interval`."""
    facts, folder = folder_for(db_path, root)
    age = backup_files.newest_age(folder, facts.identity, clock)
    if age is not None and age < min_interval:
        return None
    return backup_now(db_path, root, kind=kind, retention=retention, clock=clock, source_verified=source_verified)


# --- checking ------------------------------------------------------------------------------------------------------


def check_backup(path: Path) -> BackupCheck:
    """Integrity, stored values and journal of a backup, checked on a temporary copy (upgraded if older). Never
    raises for a bad backup: a problem is a failed check. A temporary copy that cannot be written (a full temp
    folder) raises: it says nothing about the backup, which must not be skipped or refused as bad."""
    try:
        if not is_soloit_header(read_header(path)):
            return BackupCheck(False, 0, "soloit のバックアップではありません。")
    except StoreError as exc:
        return BackupCheck(False, 0, exc.message_ja)
    problem = backup_files.integrity_check(path)
    if problem != "ok":
        return BackupCheck(False, 0, f"SQLite の整合性検査に失敗しました（{problem[:120]}）。")
    try:
        temporary = tempfile.TemporaryDirectory(prefix="soloit-check-")
    except OSError as exc:
        raise backup_files.temporary_copy_error(Path(tempfile.gettempdir()), exc) from exc
    with temporary as tmp:
        copy = Path(tmp) / "check.sqlite3"
        try:
            backup_files.online_copy(path, copy, target_error=backup_files.temporary_copy_error)
            store = open_database(copy, backup_dir=Path(tmp), check_location=False)
        except (backup_files.TemporaryCopyError, DiskFullError):
            raise
        except StoreError as exc:
            return BackupCheck(False, 0, exc.message_ja)
        try:
            report = verify_connection(store.raw())
        finally:
            store.close()
    if not report.ok:
        return BackupCheck(False, report.entries, "変更記録の検証に失敗しました：" + " / ".join(report.problems[:5]))
    return BackupCheck(True, report.entries)


def newest_good_backup(root: Path, identity: str) -> BackupInfo | None:
    """The newest backup of `identity` that passes its checks (bad ones are skipped), never one whose sidecar
    says its source failed its verify (an older sidecar, without that record, is checked like any other)."""
    for info in backups_of(root, identity):
        if info.source_verified is False:
            continue
        if check_backup(info.path).ok:
            return info
    return None


# --- restoring ---------------------------------------------------------------------------------------------------------


def set_aside(db_path: Path, clock: Clock = SYSTEM_CLOCK) -> Path:
    """Rename a damaged database (and its -wal/-shm) aside with a timestamp; it is never overwritten or deleted."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
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


def _current_facts(db_path: Path) -> DatabaseFacts | None:
    """The facts of the file a restore would replace: None when it is missing or too damaged to read. Raises
    NotSoloitDatabaseError when it is not soloit's (such a file is never replaced)."""
    if not db_path.exists():
        return None
    if not is_soloit_header(read_header(db_path)):
        raise NotSoloitDatabaseError(
            f"「{db_path}」は soloit のデータベースではありません。バックアップで置き換えず、このファイルには何もしていません。"
            "別の場所に移してから、もう一度復元してください。"
        )
    try:
        return facts_of(db_path)
    except StoreError:
        return None


def other_database_warning(current: DatabaseFacts | None, backup: BackupInfo) -> str:
    here = database_label(current) if current else "今のデータベース"
    return (
        f"選んだバックアップは別のデータベースのものです。\n\n"
        f"今のデータベース: {here}\nバックアップ: {backup_label(backup)}\n\n"
        f"復元すると、今のデータベースは「{backup.municipality or '別の団体'}」の台帳に置き換わります"
        "（今のデータベースは復元の前にバックアップします）。前任者のファイルから引き継ぐときなど、意図した場合だけ続けてください。"
    )


def restore(
    backup_file: Path,
    db_path: Path,
    root: Path,
    *,
    retention: Retention = Retention(),  # noqa: B008
    allow_other: bool = False,
    actor: str = "soloit",
    clock: Clock = SYSTEM_CLOCK,
    current_verified: bool | None = None,
) -> RestoreResult:
    """Put `backup_file` in place of the database at `db_path` (which must not be open). `current_verified`:
    whether the database being replaced passed its verify (recorded on its pre-restore backup).

    Refused: a backup that fails its checks; a backup of another database unless `allow_other`; replacing a file
    that is not soloit's. The current database is backed up first ("pre-restore", in its own folder); if it is too
    damaged to copy, it is renamed aside instead."""
    info = backup_files.read_backup(backup_file) or _info_of_plain_file(backup_file)
    _set_aside_foreign_wal(db_path, clock)  # before anything reads the database: its identity is the file's own
    current = _current_facts(db_path)
    if current is not None and info.identity != current.identity and not allow_other:
        raise OtherDatabaseError(other_database_warning(current, info), current, info)
    check = check_backup(backup_file)
    if not check.ok:
        raise BackupRefusedError(f"バックアップ「{backup_file.name}」は使えません。{check.problem_ja}")
    same = current is not None and info.identity == current.identity
    effect = _effect_on(db_path, backup_file, info) if same else None
    result = _put_in_place(
        backup_file, db_path, root, retention, actor=actor, clock=clock, current_verified=current_verified
    )
    return dataclasses.replace(result, effect=effect)


def _set_aside_foreign_wal(db_path: Path, clock: Clock) -> Path | None:
    """A -wal beside `db_path` that belongs to another database is moved aside (<db>.foreign-<time>-wal, its bytes
    unchanged), as opening does: the restore then neither reads it as this database nor deletes it. Where it went."""
    kept = keep_wal(db_path) if db_path.is_file() else None
    if kept is None:
        return None
    if kept.inspect().foreign:
        return kept.set_aside_foreign(clock)
    kept.release()
    return None


def describe_file(path: Path) -> BackupInfo:
    """A file the user picked to restore from, described like a backup (NotSoloitDatabaseError when it is not a
    soloit database or backup)."""
    prove_soloit(path)  # 「…は soloit のデータベースではありません（Office 文書です）…」
    return backup_files.read_backup(path) or _info_of_plain_file(path)


def _info_of_plain_file(path: Path) -> BackupInfo:
    """A database file chosen by hand (a predecessor's ledger, a copy on a USB stick) described like a backup."""
    try:
        facts = facts_of(path) if is_soloit_header(read_header(path)) else None
    except StoreError:
        facts = None
    from datetime import UTC, datetime

    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        modified = SYSTEM_CLOCK.now()
    return BackupInfo(
        path=path,
        created_at=modified,
        kind="file",
        journal_count=facts.journal_count if facts else 0,
        journal_head=facts.journal_head if facts else journal.GENESIS_HASH,
        size=path.stat().st_size if path.exists() else 0,
        identity=facts.identity if facts else "",
        municipality=facts.municipality if facts else "",
        lg_code=facts.lg_code if facts else "",
        demo=facts.demo if facts else False,
        last_change=facts.last_change if facts else "",
    )


def _put_in_place(
    backup_file: Path,
    db_path: Path,
    root: Path,
    retention: Retention,
    *,
    actor: str,
    clock: Clock,
    current_verified: bool | None = None,
) -> RestoreResult:
    """Restore an already checked backup, and record the restore in the restored database's journal (so the
    backups made before it no longer count as heads the database must extend).

    The replaced database is backed up ("pre-restore") before the restore is recorded: that copy holds a state the
    user chose to leave, so it must be older than the restore entry, or the next open would take the entries it
    has beyond the restored backup for lost changes."""
    staging = db_path.with_name(db_path.name + ".restoring")
    for suffix in ("", "-journal", *WAL_SUFFIXES):  # what a killed restore left (its .partial: online_copy)
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    pre_restore: BackupInfo | None = None
    aside: Path | None = None
    too_damaged_to_copy = False
    try:
        # first: backing up the current database may move older flat backups into its folder
        backup_files.online_copy(backup_file, staging, target_error=backup_files.restore_target_error)
        restored_facts = facts_of(staging)
        if db_path.exists():
            # Its -wal is deleted below: when it holds committed changes SQLite cannot read, keep it (with the
            # database file as it was) before SQLite opens the database to back it up.
            kept = keep_wal(db_path) if db_path.is_file() else None
            if kept is not None and kept.report.damaged:
                aside = kept.set_aside(clock)
            elif kept is not None:
                kept.release()
            try:
                pre_restore = backup_now(
                    db_path, root, kind="pre-restore", retention=retention, clock=clock, source_verified=current_verified
                )
            except (StoreError, ValueError):
                too_damaged_to_copy = True  # renamed aside below, once the restored file is ready
        store = open_database(staging, backup_dir=root, check_location=False)  # upgrades an older schema
        try:
            _record_restore(store, backup_file, restored_facts, actor=actor, clock=clock)
            entries = journal.raw_head(store.raw())[0]
        finally:
            store.close()
    except BaseException:
        for suffix in ("", *WAL_SUFFIXES):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)  # the database itself was not touched
        raise
    for suffix in WAL_SUFFIXES:
        Path(f"{staging}{suffix}").unlink(missing_ok=True)  # fully checkpointed on close

    if too_damaged_to_copy and db_path.exists():
        aside = set_aside(db_path, clock)  # the file itself renamed (its -wal with it)
    for suffix in WAL_SUFFIXES:
        Path(f"{staging}{suffix}").unlink(missing_ok=True)  # fully checkpointed on close
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)  # a stale WAL must never meet the restored file
    os.replace(staging, db_path)
    backup_files.rotate(backup_folder(root, restored_facts.identity), retention, restored_facts.identity)
    return RestoreResult(backup_file, entries, pre_restore, aside)


def _record_restore(store, backup_file: Path, facts: DatabaseFacts, *, actor: str, clock: Clock) -> None:
    with store.write() as session:
        journal.append(
            session,
            [
                journal.NewEntry(
                    DATABASE_ENTITY, "-", "restore", None,
                    f"{backup_file.name}（変更記録 {facts.journal_count} 件、末尾 {facts.journal_head[:12]}）",
                )
            ],
            actor=actor,
            batch=os.urandom(16).hex(),
            action="restore",
            reason="バックアップから復元",
            clock=clock,
        )


def record_accepted_loss(store, description: str, *, actor: str, clock: Clock = SYSTEM_CLOCK) -> None:
    """The user chose to go on although changes recorded by backups (or a damaged -wal) are lost: say so in the
    journal, so those backups no longer bind the database and the choice stays on record."""
    with store.write() as session:
        journal.append(
            session,
            [journal.NewEntry(DATABASE_ENTITY, "-", "accept", None, description[:1000])],
            actor=actor,
            batch=os.urandom(16).hex(),
            action="accept",
            reason=None,
            clock=clock,
        )


def record_accepted_state(store, report: VerifyReport, reason: str, *, actor: str, clock: Clock = SYSTEM_CLOCK) -> None:
    """The user chose to go on with a database that fails its verify, as the correct state, giving a reason: say so
    in the journal (keyed by the finding, so the next open does not ask again about the same finding). Raises
    StoreError when the entry cannot be written (a journal whose numbering was tampered with may refuse it)."""
    from sqlalchemy.exc import SQLAlchemyError

    from soloit.services.integrity import ACCEPT_FIELD, acceptance_key

    summary = report.summary_ja()
    try:
        with store.write() as session:
            journal.append(
                session,
                [journal.NewEntry(DATABASE_ENTITY, acceptance_key(report), ACCEPT_FIELD, None, summary[:1000])],
                actor=actor,
                batch=os.urandom(16).hex(),
                action="accept",
                reason=reason[:1000],
                clock=clock,
            )
    except SQLAlchemyError as exc:
        raise StoreError(f"この判断を変更記録に書き込めませんでした（{exc.__class__.__name__}）。") from exc


def rescue(
    db_path: Path,
    root: Path,
    identity: str,
    retention: Retention = Retention(),  # noqa: B008
    *,
    good: BackupInfo | None = None,
    actor: str = "soloit",
    clock: Clock = SYSTEM_CLOCK,
) -> RestoreResult:
    """Restore the newest backup of `identity` that passes its checks (each checked once; pass `good` when it was
    already found). A damaged database is renamed aside; a sound one is kept as a pre-restore backup."""
    good = good or newest_good_backup(root, identity)
    if good is None:
        raise StoreError(f"「{backup_folder(root, identity)}」に使えるバックアップが見つかりません。")
    _current_facts(db_path)  # refuses to replace a file that is not soloit's
    return _put_in_place(good.path, db_path, root, retention, actor=actor, clock=clock)


__all__ = [
    "DAMAGED",
    "BackupCheck",
    "BackupInfo",
    "BackupRefusedError",
    "Divergence",
    "OtherDatabaseError",
    "RestoreEffect",
    "RestoreResult",
    "Retention",
    "backup_if_due",
    "backup_label",
    "backup_now",
    "backups_of",
    "check_backup",
    "divergences",
    "kind_label",
    "newest_good_backup",
    "record_accepted_loss",
    "record_accepted_state",
    "rescue",
    "restore",
    "restore_effect",
    "set_aside",
]


def backup_database(
    db_path: Path, root_for, *, kind: str = "manual", retention: Retention = Retention(), clock: Clock = SYSTEM_CLOCK  # noqa: B008
) -> tuple[BackupInfo, VerifyReport]:
    """`soloit backup`: refuses a file that is not a sound soloit database, verifies it (the journal chain and the
    data, as at every open of the window), then backs it up into its own folder under `root_for(demo)`, the
    verdict recorded in the sidecar (source_verified)."""
    from soloit.services.integrity import DAMAGED as VERIFY_DAMAGED
    from soloit.services.integrity import scan_values, verify
    from soloit.store.errors import UnreadableValuesError

    store = open_database(db_path, readonly=True)
    try:
        if store.immutable:  # a -wal of another database lies beside it: a copy would mix the two
            raise StoreError(
                f"データベース「{db_path}」の横に、別のデータベースの -wal ファイルがあるため、バックアップしません。"
                + "".join(store.notices)
                + " soloit でこのデータベースを開くと、その -wal を別の名前で残してから開くので、その後にバックアップしてください。"
            )
        report = verify(store)
        if report.kind == VERIFY_DAMAGED:
            findings = list(report.problems)
        elif report.first_bad_id is not None:  # the chain failed first: the values were not read yet
            findings = scan_values(store.raw())
        else:
            findings = []
        demo = store.facts().demo
    finally:
        store.close()
    if findings:  # a backup of it would fail its own check, and rotation could push a good one out
        shown = "".join(f"\n・{f}" for f in findings[:5])
        more = f"\n…ほか {len(findings) - 5} 件" if len(findings) > 5 else ""
        raise UnreadableValuesError(
            f"データベース「{db_path}」に、soloit が読めない値があるため、バックアップしません"
            f"（外部のツールで書き換えられたか、壊れています）。{shown}{more}",
            findings,
        )
    made = backup_now(db_path, root_for(demo), kind=kind, retention=retention, clock=clock, source_verified=report.ok)
    return made, report


@dataclass(frozen=True)
class BackupPlace:
    """Where one database's backups are, and which they are."""

    root: Path
    identity: str | None
    facts: DatabaseFacts | None
    backups: list[BackupInfo]

    @property
    def folder(self) -> Path | None:
        return backup_folder(self.root, self.identity) if self.identity else None


def place_of(db_path: Path, root_for, known: dict[str, str] | None = None) -> BackupPlace:
    """The backups of the database at `db_path` (its identity read from the file, or as remembered when the file
    is too damaged to read). NotSoloitDatabaseError when the file is another program's: no backup is listed or
    restored over it, whatever was remembered for its path."""
    if db_path.is_file():
        prove_soloit(db_path)
    facts: DatabaseFacts | None
    try:
        facts = facts_of(db_path) if db_path.exists() and is_soloit_header(read_header(db_path)) else None
    except StoreError:
        facts = None
    identity = facts.identity if facts else (known or {}).get(str(db_path))
    root = root_for(facts.demo if facts else False)
    return BackupPlace(root, identity, facts, backups_of(root, identity) if identity else [])


def find_backup(name: str, place: BackupPlace) -> Path | None:
    """A backup named as the listing prints it (looked up in the database's folder, then the backup root), or a
    path to a file."""
    given = Path(name).expanduser()
    if given.exists():
        return given
    if given.name == name:  # a bare name: where the listing found it
        for folder in (place.folder, place.root):
            if folder is not None and (folder / name).exists():
                return folder / name
    return None
