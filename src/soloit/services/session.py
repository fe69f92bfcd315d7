"""One open ledger for the GUI (no Qt here): finding and opening the file (with the answers a user needs when it is damaged,
on a network folder, or held by someone else), the writer lock, and the backups made at start and on exit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from soloit.context import DB_FILENAME, AppContext
from soloit.settings import Settings

if TYPE_CHECKING:
    from soloit.store.backup import BackupInfo, Retention
    from soloit.store.db import Store
    from soloit.store.lock import WriterLock


@dataclass
class Prompts:
    """How the session asks the user. The GUI shows dialogs; tests answer directly."""

    error: Callable[[str, str], None]  # (title, message)
    ask_rescue: Callable[[str, BackupInfo], bool]  # damaged file: restore this newest good backup?
    ask_relocate: Callable[[str, Path], bool]  # network folder: copy to this local path and back up to the share?


@dataclass
class LedgerSession:
    context: AppContext
    settings: Settings
    store: Store
    lock: WriterLock
    messages: list[str] = field(default_factory=list)  # what happened on the way in (rescue, relocation …)

    @property
    def backup_dir(self) -> Path:
        return self.context.backup_dir(self.settings.backup_dir)

    def retention(self) -> Retention:
        from soloit.store.backup import Retention

        s = self.settings
        return Retention(s.keep_recent, s.keep_daily, s.keep_weekly, s.keep_monthly)

    def backup_at_start(self) -> BackupInfo | None:
        from soloit.services.backups import backup_if_due

        return backup_if_due(
            self.store.path,
            self.backup_dir,
            min_interval=timedelta(minutes=self.settings.backup_interval_minutes),
            retention=self.retention(),
        )

    def backup_now(self, kind: str = "manual") -> BackupInfo:
        from soloit.services.backups import backup_now

        return backup_now(self.store.path, self.backup_dir, kind=kind, retention=self.retention())

    def restore(self, backup_file: Path) -> None:
        """Replace the open database with `backup_file` (checked first; the current one is backed up first)."""
        from soloit.services.backups import restore
        from soloit.store.db import open_database

        path = self.store.path
        self.store.close()
        try:
            restore(backup_file, path, self.backup_dir, retention=self.retention())
        finally:
            self.store = open_database(path, backup_dir=self.backup_dir)

    def heartbeat(self) -> None:
        self.lock.heartbeat()

    def close(self, *, backup: bool = True) -> BackupInfo | None:
        """On exit: a backup (kind "exit"), then the database and the lock are released."""
        from soloit.store.errors import StoreError

        made = None
        try:
            if backup:
                made = self.backup_now(kind="exit")
        except StoreError as exc:
            self.messages.append(exc.message_ja)
        finally:
            self.store.close()
            self.lock.release()
        return made


def open_session(context: AppContext, settings: Settings, path: Path, prompts: Prompts) -> LedgerSession | None:
    """Open the ledger at `path` for writing, or explain why not (and offer the fix) and return None."""
    from soloit.store.backup import online_copy
    from soloit.store.db import open_database
    from soloit.store.errors import DAMAGED, NetworkLocationError, StoreError
    from soloit.store.lock import LockHeldError, WriterLock

    backup_dir = context.backup_dir(settings.backup_dir)
    messages: list[str] = []
    lock = WriterLock(path)
    try:
        lock.acquire()
    except LockHeldError as exc:
        prompts.error("データベースは使用中です", exc.message_ja)
        return None
    except StoreError as exc:  # the lock file cannot be written: missing or read-only folder, full disk
        prompts.error("データベースを開けません", exc.message_ja)
        return None
    try:
        try:
            store = open_database(path, backup_dir=backup_dir)
        except NetworkLocationError as exc:
            local = context.data_dir / DB_FILENAME
            if local.exists() or not prompts.ask_relocate(exc.message_ja, local):
                if local.exists():
                    prompts.error(
                        "ネットワーク上のデータベース",
                        exc.message_ja + f"\n\nローカルの「{local}」には既にデータベースがあるため、コピーしませんでした。",
                    )
                lock.release()
                return None
            lock.release()
            local.parent.mkdir(parents=True, exist_ok=True)
            lock = WriterLock(local)
            lock.acquire()
            online_copy(path, local)
            settings.backup_dir = str(path.parent)
            settings.last_db = str(local)
            messages.append(f"データベースをローカルの「{local}」にコピーし、バックアップ先を「{path.parent}」にしました。")
            store = open_database(local, backup_dir=Path(settings.backup_dir))
        except DAMAGED as exc:
            from soloit.services.backups import newest_good_backup, rescue

            newest = newest_good_backup(backup_dir)
            if newest is None:
                prompts.error(
                    "データベースを開けません",
                    exc.message_ja + f"\n\n「{backup_dir}」に使えるバックアップがありません。ファイルはそのまま残しています。",
                )
                lock.release()
                return None
            if not prompts.ask_rescue(exc.message_ja, newest):
                lock.release()
                return None
            result = rescue(path, backup_dir)
            messages.append(
                f"{result.restored_from.name} から復元しました。壊れていたファイルは「{result.set_aside}」として残しています。"
            )
            store = open_database(path, backup_dir=backup_dir)
    except StoreError as exc:
        prompts.error("データベースを開けません", exc.message_ja)
        lock.release()
        return None
    except BaseException:
        lock.release()
        raise
    return LedgerSession(context, settings, store, lock, messages)


def adopt_existing(source: Path, target: Path) -> Store:
    """Bring a database or backup (from a predecessor, a USB stick, a share) onto the local disk and open it.

    The source is copied with SQLite's online backup API and never modified."""
    from soloit.store.backup import online_copy
    from soloit.store.db import APPLICATION_ID, open_database, read_revision
    from soloit.store.errors import NotSoloitDatabaseError, StoreError

    if target.exists():
        raise StoreError(f"「{target}」に既にデータベースがあります。上書きはしません。")
    app_id, revision = read_revision(source)
    if app_id != APPLICATION_ID or revision is None:
        raise NotSoloitDatabaseError(f"「{source}」は soloit のデータベースではありません。")
    online_copy(source, target)
    try:
        return open_database(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def create_session(context: AppContext, settings: Settings, path: Path, create: Callable[[Path], Store]) -> LedgerSession:
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
    return LedgerSession(context, settings, store, lock)
