"""Typed store errors. Each carries the Japanese sentence the UI shows and the CLI prints.

Environmental SQLite errors (disk full, read-only, locked, corrupt, unreadable) are told apart from bugs here,
in one place (`from_sqlite`), so every caller reports them the same way."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """An environmental problem with the database file (not a bug)."""

    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


class DatabaseMissingError(StoreError):
    pass


class NotSoloitDatabaseError(StoreError):
    """The file is not a soloit database (another program's file, or not SQLite at all)."""


class CorruptDatabaseError(StoreError):
    """A soloit database (proven by its header) that is damaged: SQLite reports damage, tables are missing, values
    cannot be read, or committed changes cannot be recovered. The cure is a backup of the same database."""


class IncompleteDatabaseError(CorruptDatabaseError):
    """A file with soloit's application id whose tables are missing."""


class UnreadableValuesError(CorruptDatabaseError):
    """Rows hold values soloit cannot read (a date 2026-02-30, an unknown status …); `findings` lists them."""

    def __init__(self, message_ja: str, findings: list[str]) -> None:
        super().__init__(message_ja)
        self.findings = findings


class WalDamagedError(CorruptDatabaseError):
    """The -wal file is damaged so that committed changes would be lost if SQLite opened the database."""


class UnreadableDatabaseError(StoreError):
    """The file cannot be opened or read (permissions, I/O error)."""


class NewerDatabaseError(StoreError):
    pass


class DiskFullError(StoreError):
    pass


class ReadOnlyError(StoreError):
    pass


class DatabaseLockedError(StoreError):
    """Another program holds SQLite's lock longer than the busy timeout."""


class NetworkLocationError(StoreError):
    """The live database would sit on a network folder, where SQLite's WAL is not safe."""


class WrongThreadError(RuntimeError):
    """A Store (or its connection) was used from a thread other than the one that opened it: a bug, never shown
    as a user error. Jobs open their own Store with Store.for_this_thread()."""


# Errors whose cure is a backup of the same database: the file is proven soloit's own but damaged. A file that is
# not soloit's (NotSoloitDatabaseError) is never among them: nothing is offered, renamed or replaced.
DAMAGED = (CorruptDatabaseError,)


def from_sqlite(exc: BaseException, path: Path) -> StoreError | None:
    """The typed error for an environmental SQLite failure, or None when it looks like a bug."""
    orig = getattr(exc, "orig", exc)  # SQLAlchemy wraps the driver's exception
    if not isinstance(orig, sqlite3.Error):
        return None
    name = getattr(orig, "sqlite_errorname", "") or ""
    text = str(orig).lower()
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return DiskFullError(
            f"ディスクの空き容量が足りないため、保存できませんでした（{path}）。"
            "不要なファイルを削除して空きを作ってから、もう一度操作してください。変更は保存されていません。"
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text or "read-only" in text:
        return ReadOnlyError(
            f"データベース「{path}」に書き込めません（読み取り専用の場所かファイルです）。"
            "書き込みできるフォルダに置くか、ファイルの読み取り専用を解除してください。変更は保存されていません。"
        )
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED") or name.startswith("SQLITE_BUSY") or "database is locked" in text:
        return DatabaseLockedError(
            f"データベース「{path}」は他のプログラムが使用中（ロック中）です。"
            "しばらく待ってから、もう一度操作してください。変更は保存されていません。"
        )
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return NotSoloitDatabaseError(f"「{path}」は SQLite のデータベースではありません（壊れているか、別の種類のファイルです）。")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return CorruptDatabaseError(f"データベース「{path}」が壊れています（SQLite が破損を検出しました）。")
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM", "SQLITE_AUTH")) or "unable to open" in text:
        return UnreadableDatabaseError(
            f"データベース「{path}」を開けません（ファイルの権限、ディスクの故障、取り外されたドライブなど）。"
        )
    return None


def describe_os_error(exc: OSError) -> str:
    """A Japanese explanation of an operating-system error (what it means for the user, not the errno name)."""
    import errno

    names = {
        "ENOSPC": "ディスクの空き容量が足りません",
        "EDQUOT": "ディスクの使用量の上限（クォータ）に達しています",
        "EACCES": "アクセスする権限がありません",
        "EPERM": "この操作は許可されていません（権限がありません）",
        "EROFS": "読み取り専用の場所です",
        "ENOENT": "ファイルまたはフォルダーが見つかりません",
        "ENOTDIR": "途中のパスがフォルダーではありません",
        "EISDIR": "ファイルではなくフォルダーです",
        "EEXIST": "同じ名前のファイルが既にあります",
        "ENAMETOOLONG": "パスが長すぎます",
        "EIO": "ディスクの読み書きでエラーが起きました（故障や取り外しのおそれ）",
        "EBUSY": "ほかのプログラムが使用中です",
        "EMFILE": "開いているファイルが多すぎます",
        "EXDEV": "別のドライブへは移動できません",
    }
    reasons = {getattr(errno, name): text for name, text in names.items() if hasattr(errno, name)}
    reason = reasons.get(exc.errno or -1)
    if reason is None:
        reason = f"OS のエラー: {exc.strerror or exc}"
    where = exc.filename if isinstance(exc.filename, str) else None
    return f"{reason}（{where}）" if where else reason
