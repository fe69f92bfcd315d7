"""One open ledger for the GUI (no Qt here): finding and opening the file (with the answers a user needs when it
is damaged, not soloit's, on a network folder, held by someone else, or no longer extends its backups), the
writer lock, and the backups made at start and on exit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from soloit.context import DB_FILENAME, AppContext
from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.settings import Settings

if TYPE_CHECKING:
    from soloit.services.backups import RestoreEffect
    from soloit.services.integrity import VerifyReport
    from soloit.store.backup import BackupInfo, Retention
    from soloit.store.db import Store
    from soloit.store.lock import WriterLock

# What the user may answer when the database lost changes its backups (or its -wal) recorded.
RESTORE, READ_ONLY, ACCEPT, QUIT = "restore", "readonly", "accept", "quit"
# … and when the verify at open failed: restore the offered backup, decide later, or go on with this state.
LATER = "later"

# Where the session stands with the full verify run after every open (LedgerSession.integrity; in memory, for this
# session; each backup's sidecar records the verdict its source had as source_verified).
UNCHECKED = "unchecked"  # not verified yet in this session
PASSED = "passed"  # verified: backups made now are recorded source_verified true
FAILED = "failed"  # verify failed and the user has not decided: no automatic backup is made
ACCEPTED = "accepted"  # failed, and the user chose (journaled, with a reason) to go on: backups say false


@dataclass
class Prompts:
    """How the session asks the user. The GUI shows dialogs; tests answer directly."""

    error: Callable[[str, str], None]  # (title, message)
    ask_rescue: Callable[[str, BackupInfo], bool]  # damaged file: restore this newest good backup (same database)?
    ask_relocate: Callable[[str, Path], bool]  # network folder: copy to this local path and back up to the share?
    # lost changes: (message, the backup to offer or None) → RESTORE, READ_ONLY, ACCEPT or QUIT
    ask_lost: Callable[[str, BackupInfo | None], str] = lambda _message, _backup: QUIT


@dataclass
class LedgerSession:
    context: AppContext
    settings: Settings
    store: Store
    lock: WriterLock | None  # None when opened read-only
    identity: str = ""
    demo: bool = False
    readonly: bool = False
    clock: Clock = SYSTEM_CLOCK
    messages: list[str] = field(default_factory=list)  # what happened on the way in (rescue, relocation …)
    integrity: str = UNCHECKED  # the verify at open: UNCHECKED, PASSED, FAILED or ACCEPTED
    integrity_report: VerifyReport | None = None
    proposed_name: str = ""  # a display name the opened file proposes (the 後任者 a handover file names)

    @property
    def backup_root(self) -> Path:
        return self.context.backup_dir(self.settings.backup_dir, demo=self.demo)

    @property
    def backup_dir(self) -> Path:
        """This database's own backup folder."""
        from soloit.store.backup import backup_folder

        return backup_folder(self.backup_root, self.identity)

    def retention(self) -> Retention:
        from soloit.store.backup import Retention

        s = self.settings
        return Retention(s.keep_recent, s.keep_daily, s.keep_weekly, s.keep_monthly)

    def backups(self) -> list[BackupInfo]:
        from soloit.services.divergence import backups_of

        return backups_of(self.backup_root, self.identity)

    # --- the verify at open ---------------------------------------------------------------------------------

    @property
    def source_verified(self) -> bool | None:
        """What a backup made now records about its source: True once verified, False when it failed (decided or
        not), None before the verify ran."""
        return {PASSED: True, FAILED: False, ACCEPTED: False}.get(self.integrity)

    def check_integrity(self) -> VerifyReport:
        """The full verify (journal chain, stored values, data against the journal) on its own read-only
        connection, so it can run as a job on another thread. Sets `integrity`: PASSED, FAILED, or ACCEPTED when
        the user already accepted exactly this finding (journaled). A file that cannot be opened is a failure."""
        from soloit.services.integrity import DAMAGED as VERIFY_DAMAGED
        from soloit.services.integrity import acceptance_key, accepted_keys, verify
        from soloit.store.db import open_database
        from soloit.store.errors import StoreError

        try:
            store = open_database(self.store.path, readonly=True)
        except StoreError as exc:
            from soloit.services.integrity import unreadable_report

            report: VerifyReport = unreadable_report(exc.message_ja)
            accepted: set[str] = set()
        else:
            try:
                report = verify(store)
                accepted = accepted_keys(store.raw()) if not report.ok else set()
            finally:
                store.close()
        self.integrity_report = report
        if report.ok:
            self.integrity = PASSED
        elif report.kind != VERIFY_DAMAGED and acceptance_key(report) in accepted:
            self.integrity = ACCEPTED
        else:
            self.integrity = FAILED
        return report

    def offered_backup(self) -> BackupInfo | None:
        """After a failed verify: the newest backup of this database whose source did not fail its verify and
        which passes its own checks now (each checked on a temporary copy: a job)."""
        from soloit.services.backups import newest_good_backup

        return newest_good_backup(self.backup_root, self.identity)

    def accept_current_state(self, reason: str) -> None:
        """The user goes on with the database as it is, as the correct state (GUI thread: the session's Store).
        Journaled with the reason; automatic backups are made again, recorded source_verified false, so they never
        push a verified backup out. Raises ValidationError without a reason, StoreError when it cannot be written."""
        from soloit.services.backups import record_accepted_state
        from soloit.services.errors import ValidationError

        if not reason.strip():
            raise ValidationError("理由", "この状態を正として続ける理由を入力してください（変更記録に残ります）。")
        if self.integrity_report is None or self.integrity_report.ok:
            return
        record_accepted_state(
            self.store, self.integrity_report, reason.strip(), actor=self.settings.display_name or "soloit", clock=self.clock
        )
        self.integrity = ACCEPTED

    # --- backups ---------------------------------------------------------------------------------------------

    def backup_at_start(self) -> BackupInfo | None:
        """The start-up backup when due, after the verify at open: none while a failed verify is undecided (so
        the state the verify failed never enters rotation)."""
        if self.readonly or self.integrity == FAILED:
            return None
        from soloit.services.backups import backup_if_due

        return backup_if_due(
            self.store.path,
            self.backup_root,
            min_interval=timedelta(minutes=self.settings.backup_interval_minutes),
            retention=self.retention(),
            clock=self.clock,
            source_verified=self.source_verified,
        )

    def backup_now(self, kind: str = "manual") -> BackupInfo:
        """A backup now (the user's, or at exit), its source's verdict recorded in the sidecar."""
        from soloit.services.backups import backup_now
        from soloit.store.errors import ReadOnlyError

        if self.readonly:
            raise ReadOnlyError("読み取り専用で開いているため、バックアップは作りません（失われた状態を正しいものとして残さないため）。")
        return backup_now(
            self.store.path, self.backup_root, kind=kind, retention=self.retention(), clock=self.clock,
            source_verified=self.source_verified,
        )

    def restore_effect(self, info: BackupInfo) -> RestoreEffect | None:
        """What restoring the backup `info` would take back from the open database (None: unreadable)."""
        from soloit.services.backups import restore_effect

        return restore_effect(self.store.raw(), info.path, info)

    def restore(self, backup_file: Path, *, allow_other: bool = False) -> None:
        """Replace the open database with `backup_file` (checked first; the current one is backed up first), then
        open it. A backup of another database needs `allow_other` (after the user was warned, naming both)."""
        self.store.close()
        try:
            self.restore_file(backup_file, allow_other=allow_other)
        finally:
            self.reopen()

    def restore_file(self, backup_file: Path, *, allow_other: bool = False) -> None:
        """The restore itself, on files only (the store must be closed): safe to run as a job on another thread.
        A read-only session takes the writer lock first; after the restore the database is writable again."""
        from soloit.services.backups import restore
        from soloit.store.lock import WriterLock

        path = self.store.path
        if self.lock is None:
            lock = WriterLock(path)
            lock.acquire()
            self.lock = lock
        restore(
            backup_file, path, self.backup_root, retention=self.retention(), allow_other=allow_other,
            actor=self.settings.display_name or "soloit", clock=self.clock, current_verified=self.source_verified,
        )
        self.readonly = False
        self.integrity, self.integrity_report = PASSED, None  # the backup passed the full verify before it was put back

    def reopen(self) -> None:
        """Open the database again after a restore (or a failed one), on the calling (GUI) thread."""
        from soloit.store.db import open_database

        path = self.store.path
        self.store = open_database(path, backup_dir=self.backup_root, readonly=self.readonly)
        facts = self.store.facts()
        self.identity, self.demo = facts.identity, facts.demo or self.demo
        self.settings.known_databases[str(path)] = facts.identity

    def check_lock(self) -> None:
        """LockLostError when the lock file was removed and another soloit locked the new one (store.lock)."""
        if self.lock is not None:
            self.lock.check()

    def close(self, *, backup: bool = True) -> BackupInfo | None:
        """On exit: a backup (kind "exit"), then the database and the lock are released. The backup's source is
        verified first when this session has not verified it yet; no exit backup while a failed verify is
        undecided."""
        from soloit.store.errors import StoreError

        made = None
        try:
            if backup and not self.readonly and self.integrity == UNCHECKED:
                self.check_integrity()
            if backup and not self.readonly and self.integrity != FAILED:
                made = self.backup_now(kind="exit")
        except StoreError as exc:
            self.messages.append(exc.message_ja)
        finally:
            self.store.close()
            if self.lock is not None:
                self.lock.release()
        return made


def _identity_of(path: Path, settings: Settings) -> str | None:
    """The identity of a (possibly damaged) database: from the file alone when it can be read (never from a -wal
    beside it, which may be another database's), else as remembered."""
    from soloit.store.db import main_file_facts
    from soloit.store.errors import StoreError

    try:
        return main_file_facts(path).identity
    except StoreError:
        return settings.known_databases.get(str(path))


def _is_demo(context: AppContext, path: Path) -> bool:
    from soloit.store.db import main_file_facts
    from soloit.store.errors import StoreError

    if path.absolute() == context.demo_db_path.absolute():
        return True
    try:
        return main_file_facts(path).demo  # the file's own, whatever -wal lies beside it
    except StoreError:
        return False


def open_session(
    context: AppContext, settings: Settings, path: Path, prompts: Prompts, clock: Clock = SYSTEM_CLOCK
) -> LedgerSession | None:
    """Open the ledger at `path` for writing, or explain why not (and offer the fix) and return None."""
    from soloit.store.errors import NetworkLocationError, StoreError
    from soloit.store.lock import LockHeldError, WriterLock

    lock = WriterLock(path)
    try:
        lock.acquire()
    except LockHeldError as exc:
        prompts.error("データベースは使用中です", exc.message_ja)
        return None
    except NetworkLocationError as exc:  # no lock is taken on a share: offer the local copy straight away
        return _relocate(context, settings, path, prompts, None, exc, clock)
    except StoreError as exc:  # the lock file cannot be written: missing or read-only folder, full disk
        prompts.error("データベースを開けません", exc.message_ja)
        return None
    try:
        session = _open_locked(context, settings, path, prompts, lock, clock)
    except BaseException:
        lock.release()
        raise
    if session is None:
        lock.release()
    return session


def _open_locked(
    context: AppContext, settings: Settings, path: Path, prompts: Prompts, lock: WriterLock, clock: Clock
) -> LedgerSession | None:
    from soloit.store.db import open_database
    from soloit.store.errors import DAMAGED, NetworkLocationError, StoreError, WalDamagedError

    messages: list[str] = []
    demo = _is_demo(context, path)
    root = context.backup_dir(settings.backup_dir, demo=demo)
    try:
        try:
            store = open_database(path, backup_dir=root, keep_wal_copy=True)
            messages.extend(store.notices)  # a -wal kept aside (another database's, or cut short)
            _check_values(store)
        except WalDamagedError as exc:
            return _wal_damaged(context, settings, path, prompts, lock, exc, root, clock)
        except NetworkLocationError as exc:
            return _relocate(context, settings, path, prompts, lock, exc, clock)
        except DAMAGED as exc:
            from soloit.services.backups import newest_good_backup, rescue

            identity = _identity_of(path, settings)
            if identity is None:
                prompts.error(
                    "データベースを開けません",
                    exc.message_ja + "\n\nこのファイルがどのデータベースのものか確認できないため、バックアップを自動では選べません。"
                    f"バックアップは「{root}」の中にあります。ファイルはそのまま残しています。",
                )
                return None
            newest = newest_good_backup(root, identity)
            if newest is None:
                prompts.error(
                    "データベースを開けません",
                    exc.message_ja + f"\n\nこのデータベースの使えるバックアップが「{root}」にありません。ファイルはそのまま残しています。",
                )
                return None
            if not prompts.ask_rescue(exc.message_ja, newest):
                return None
            result = rescue(path, root, identity, good=newest, actor=settings.display_name or "soloit", clock=clock)
            aside = f"壊れていたファイルは「{result.set_aside}」として残しています。" if result.set_aside else (
                "壊れていたファイルは復元前のバックアップとして残しています。"
            )
            messages.append(f"{result.restored_from.name} から復元しました。{aside}")
            store = open_database(path, backup_dir=root)
    except StoreError as exc:
        prompts.error("データベースを開けません", exc.message_ja)
        return None
    session = LedgerSession(context, settings, store, lock, clock=clock, messages=messages)
    facts = store.facts()
    session.identity, session.demo = facts.identity, facts.demo or demo
    settings.known_databases[str(path)] = facts.identity
    return _check_backups(session, prompts)


def _check_values(store: Store) -> None:
    """Values soloit cannot read make the file damaged (the grid must never meet them)."""
    from soloit.services.integrity import scan_values
    from soloit.store.errors import UnreadableValuesError

    findings = scan_values(store.raw())
    if findings:
        if store.kept_wal is not None:
            store.kept_wal.set_aside()
        store.close()
        shown = "\n".join(f"・{f}" for f in findings[:5])
        more = f"\n…ほか {len(findings) - 5} 件" if len(findings) > 5 else ""
        raise UnreadableValuesError(
            f"データベース「{store.path}」に、soloit が読めない値があります（外部のツールで書き換えられたか、壊れています）。\n{shown}{more}",
            findings,
        )


def _check_backups(session: LedgerSession, prompts: Prompts) -> LedgerSession | None:
    """The database must extend what its backups recorded; when it does not, say so and let the user choose. A
    choice that fails (a restore onto a full disk …) is explained, and nothing is open afterwards."""
    from soloit.store.errors import StoreError

    try:
        return _check_backups_or_raise(session, prompts)
    except StoreError as exc:
        session.store.close()
        if session.lock is not None:
            session.lock.release()
        prompts.error("データベースを開けません", exc.message_ja)
        return None


def _check_backups_or_raise(session: LedgerSession, prompts: Prompts) -> LedgerSession | None:
    from soloit.services.divergence import divergences
    from soloit.store.backup import adopt_legacy

    adopt_legacy(session.backup_root, session.identity)
    found = divergences(session.store.raw(), session.backup_dir)
    kept = session.store.kept_wal
    if not found:
        if kept is not None:
            kept.release()  # every check at open passed
        return session
    if kept is not None:
        kept.set_aside()
    from soloit.services.backups import check_backup, newest_good_backup, record_accepted_loss
    from soloit.store.db import open_database

    worst = found[0]
    offer = worst.backup if check_backup(worst.backup.path).ok else newest_good_backup(session.backup_root, session.identity)
    message = (
        "このデータベースは、バックアップに記録された変更を含んでいません。\n\n"
        + worst.describe_ja()
        + ("\n\nほかにも一致しないバックアップがあります。" if len(found) > 1 else "")
    )
    answer = prompts.ask_lost(message, offer)
    if answer == RESTORE and offer is not None:
        session.restore(offer.path)
        session.messages.append(f"{offer.path.name} から復元しました。復元前のデータベースはバックアップとして残しています。")
        return session
    if answer == READ_ONLY:
        path = session.store.path
        session.store.close()
        if session.lock is not None:
            session.lock.release()
        session.lock = None
        session.readonly = True
        session.store = open_database(path, readonly=True)
        session.messages.append("読み取り専用で開きました。変更やバックアップはできません。問題を解決するには、バックアップから復元してください。")
        return session
    if answer == ACCEPT:
        record_accepted_loss(
            session.store,
            f"{worst.backup.path.name} に記録された変更の喪失を了承（今の変更記録 {worst.live_count} 件）",
            actor=session.settings.display_name or "soloit",
            clock=session.clock,
        )
        session.messages.append("失われた変更を了承して開きました。この判断は変更記録に残しました。")
        return session
    session.store.close()
    return None


def _wal_damaged(
    context: AppContext,
    settings: Settings,
    path: Path,
    prompts: Prompts,
    lock: WriterLock,
    exc: BaseException,
    root: Path,
    clock: Clock,
) -> LedgerSession | None:
    """The -wal would lose committed changes. The files as they were are already kept aside; the user chooses:
    the newest good backup, a read-only look (SQLite cannot change the -wal then), or accepting the loss."""
    from soloit.services.backups import newest_good_backup, record_accepted_loss, rescue
    from soloit.store.db import open_database

    identity = _identity_of(path, settings)
    offer = newest_good_backup(root, identity) if identity else None
    answer = prompts.ask_lost(getattr(exc, "message_ja", str(exc)), offer)
    actor = settings.display_name or "soloit"
    if answer == RESTORE and offer is not None:
        result = rescue(path, root, identity or "", good=offer, actor=actor, clock=clock)
        store = open_database(path, backup_dir=root)
        session = LedgerSession(context, settings, store, lock, clock=clock)
        session.messages.append(f"{result.restored_from.name} から復元しました。壊れていた -wal はデータベースとともに別名で残しています。")
    elif answer == READ_ONLY:
        lock.release()
        store = open_database(path, readonly=True, accept_wal_loss=True)
        session = LedgerSession(context, settings, store, None, readonly=True, clock=clock)
        session.messages.append("読み取り専用で開きました。-wal の壊れた部分より後の変更は表示されていません。")
    elif answer == ACCEPT:
        store = open_database(path, backup_dir=root, accept_wal_loss=True)
        session = LedgerSession(context, settings, store, lock, clock=clock)
        record_accepted_loss(store, "壊れた -wal ファイルで失われた変更の喪失を了承", actor=actor, clock=clock)
        session.messages.append("失われた変更を了承して開きました。この判断は変更記録に残しました。")
    else:
        return None
    facts = session.store.facts()
    session.identity, session.demo = facts.identity, facts.demo
    settings.known_databases[str(path)] = facts.identity
    return session


def _relocate(
    context: AppContext, settings: Settings, path: Path, prompts: Prompts, lock: WriterLock | None, exc, clock: Clock
) -> LedgerSession | None:
    """A database on a network folder: offer to copy it to this PC and back up to the share."""
    from soloit.store.backup import local_copy_error, online_copy
    from soloit.store.db import open_database
    from soloit.store.lock import WriterLock

    local = context.data_dir / DB_FILENAME
    if local.exists() or not prompts.ask_relocate(exc.message_ja, local):
        if local.exists():
            prompts.error(
                "ネットワーク上のデータベース",
                exc.message_ja + f"\n\nローカルの「{local}」には既にデータベースがあるため、コピーしませんでした。",
            )
        return None
    if lock is not None:
        lock.release()
    local.parent.mkdir(parents=True, exist_ok=True)
    local_lock = WriterLock(local)
    local_lock.acquire()
    try:
        online_copy(path, local, target_error=local_copy_error)
        settings.backup_dir = str(path.parent)
        settings.last_db = str(local)
        store = open_database(local, backup_dir=Path(settings.backup_dir))
    except BaseException:
        local_lock.release()
        raise
    session = LedgerSession(context, settings, store, local_lock, clock=clock)
    facts = store.facts()
    session.identity, session.demo = facts.identity, facts.demo
    settings.known_databases[str(local)] = facts.identity
    session.messages.append(f"データベースをローカルの「{local}」にコピーし、バックアップ先を「{path.parent}」にしました。")
    return _check_backups(session, prompts)



def adopt_existing(source: Path, target: Path) -> Store:
    """Bring a database or backup (from a predecessor, a USB stick, a share) onto the local disk and open it. It
    keeps its identity: it is the same ledger, continued. The source is copied, never modified. A handover file
    (.soloit-handover) is verified in full (its database against its manifest) before it is put in place; what
    is wrong with it is said as a StoreError, nothing left behind."""
    from soloit.store.backup import local_copy_error, online_copy
    from soloit.store.db import open_database, prove_soloit
    from soloit.store.errors import StoreError

    if target.exists():
        raise StoreError(f"「{target}」に既にデータベースがあります。上書きはしません。")
    from soloit.services.handover_file import SUFFIX as HANDOVER_SUFFIX

    if source.suffix.lower() == HANDOVER_SUFFIX:
        from soloit.services.errors import ValidationError
        from soloit.services.handover_file import install_handover_file

        try:
            install_handover_file(source, target)
        except ValidationError as exc:
            raise StoreError(exc.message_ja) from None
        return open_database(target)
    prove_soloit(source)
    online_copy(source, target, target_error=local_copy_error)
    try:
        return open_database(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def create_session(
    context: AppContext, settings: Settings, path: Path, create: Callable[[Path], Store], clock: Clock = SYSTEM_CLOCK
) -> LedgerSession:
    """Create a new database at `path` with `create` (a new ledger or the demo) while holding its writer lock."""
    from soloit.store.lock import WriterLock

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = WriterLock(path)
    lock.acquire()
    try:
        store = create(path)
    except BaseException:
        lock.release()
        raise
    session = LedgerSession(context, settings, store, lock, clock=clock)
    facts = store.facts()
    session.identity, session.demo = facts.identity, facts.demo
    settings.known_databases[str(path)] = facts.identity
    return session
