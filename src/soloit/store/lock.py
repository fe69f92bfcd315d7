"""One writer per database, by the operating system: the writer holds an OS lock on `<db name>.lock` for as long as
it writes (flock on POSIX; on Windows LockFileEx on one byte far past the end of the file). The OS gives the lock
back when its process ends, however it ends (closed, crashed, killed, power cut), so there is no staleness to
judge and no clock to trust. Who holds it — PC, user, process, since when — is written
atomically to `<db name>.lock.json` beside it, for the message a second soloit shows.

The lock file stays when the lock is given back (a file nobody locks is no lock); the JSON is removed by its
holder. A database on a network folder is refused before any lock is taken: locks across a share are not reliable,
and SQLite's WAL is not safe there either. Pure standard library (no Qt, no SQLAlchemy), so the GUI and the CLI
use the same lock. Text read from the JSON (user, host) reaches messages only through `escape_for_display`."""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import stat
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from soloit.domain.clock import JST
from soloit.domain.text import escape_for_display
from soloit.jsonfile import write_json
from soloit.store.errors import StoreError
from soloit.store.location import is_network_path, network_refusal

LOCK_SUFFIX = ".lock"
HOLDER_SUFFIX = ".json"  # <db name>.lock.json: who holds the lock
_UNKNOWN = "不明"
_OPEN_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOINHERIT", 0)
)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_READ_LIMIT = 64 * 1024


def lock_path_for(db_path: Path) -> Path:
    """The lock file of the database at `db_path` (soloit.sqlite3 → soloit.sqlite3.lock)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def holder_path_for(db_path: Path) -> Path:
    """Who holds the lock of the database at `db_path` (soloit.sqlite3 → soloit.sqlite3.lock.json)."""
    lock = lock_path_for(db_path)
    return lock.with_name(lock.name + HOLDER_SUFFIX)


# --- the operating system's lock ------------------------------------------------------------------------------------

if sys.platform == "win32":  # pragma: no cover - exercised on Windows (and under Wine by the selftest)
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = (
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        )

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _H, _D, _P = wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(_Overlapped)
    _kernel32.LockFileEx.argtypes = (_H, _D, _D, _D, _D, _P)
    _kernel32.LockFileEx.restype = wintypes.BOOL
    _kernel32.UnlockFileEx.argtypes = (_H, _D, _D, _D, _P)
    _kernel32.UnlockFileEx.restype = wintypes.BOOL
    _EXCLUSIVE_NOW = 0x2 | 0x1  # LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY
    _ERROR_LOCK_VIOLATION = 33
    _REGION = 0x40000000  # the byte locked: far past the end, so that reading the file is never refused

    def _try_lock(fd: int) -> bool:
        """LockFileEx without waiting: False when another handle (of any process, this one's too) has it. Called
        directly, not through msvcrt.locking, whose errno for "locked" differs between C runtimes (0 under Wine)."""
        where = _Overlapped(Offset=_REGION)
        if _kernel32.LockFileEx(msvcrt.get_osfhandle(fd), _EXCLUSIVE_NOW, 0, 1, 0, ctypes.byref(where)):
            return True
        code = ctypes.get_last_error()
        if code == _ERROR_LOCK_VIOLATION:
            return False
        raise ctypes.WinError(code)

    def _unlock(fd: int) -> None:
        where = _Overlapped(Offset=_REGION)
        if not _kernel32.UnlockFileEx(msvcrt.get_osfhandle(fd), 0, 1, 0, ctypes.byref(where)):
            raise ctypes.WinError(ctypes.get_last_error())

    def _same_file(_fd: int, _path: Path) -> bool:
        return True  # Windows refuses to delete or rename a file that is open (no FILE_SHARE_DELETE)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        """flock, not fcntl/lockf: it belongs to the open file, so a second open in this same process is refused
        too, and closing another descriptor of the file does not give it back."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _same_file(fd: int, path: Path) -> bool:
        """Does `path` still name the file `fd` has open (not removed, nor replaced by another)?"""
        mine = os.fstat(fd)
        try:
            there = os.lstat(path)
        except FileNotFoundError:
            return False
        return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


# --- errors ---------------------------------------------------------------------------------------------------------


def _local_text(moment: datetime | None) -> str:
    """A lock's time as people here read it: Japan time (the JSON stores UTC)."""
    if moment is None:
        return "時刻不明"
    try:
        return moment.astimezone(JST).strftime("%Y/%m/%d %H:%M")
    except (OverflowError, ValueError, OSError):  # a hand-edited year 9999 lies beyond what can be shown
        return moment.strftime("%Y/%m/%d %H:%M UTC")


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class LockHeldError(StoreError):
    """Another soloit (this process's or another's) is writing to the database."""

    def __init__(
        self,
        host: str | None,
        user: str | None,
        pid: int | None,
        since: datetime | None,
        *,
        path: Path | None = None,
    ) -> None:
        self.host = host  # as the JSON says (not escaped); messages show it escaped
        self.user = user
        self.pid = pid
        self.since = since  # when the holder took the lock (aware, UTC), None when unknown
        self.path = path
        if host and user:
            message = (
                f"このデータベースは PC「{escape_for_display(host)}」のユーザー「{escape_for_display(user)}」が使用中です"
                f"（{_local_text(since)} から）。"
                "同時に書き込むとデータが壊れるおそれがあるため、開けません。相手が soloit を終了してから開いてください。"
            )
        else:
            message = (
                "このデータベースは別の soloit が使用中です（使用者を確認できません）。"
                "同時に書き込むとデータが壊れるおそれがあるため、開けません。"
                "相手が soloit を終了してから開いてください。"
            )
        super().__init__(message)


class LockPathObstructedError(StoreError):
    """Something that is not a plain file sits where the lock file belongs (a pipe, a device …). soloit never
    creates such a thing, so it neither follows nor removes it. Subclasses: a folder, a symbolic link."""

    def __init__(self, path: Path, message: str | None = None) -> None:
        self.path = path
        super().__init__(
            message
            or (
                f"ロックファイルの場所「{path}」に、通常のファイルではないもの（パイプやデバイスなど）があります。"
                "soloit はこのようなものを作らないため、ロックとして扱えず、データベースを開けません。"
                "それが何かを確認してから、別の場所へ移すか削除してください。"
            )
        )


class LockPathIsDirectoryError(LockPathObstructedError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            f"ロックファイルの場所「{path}」がフォルダーになっています。"
            "soloit はここにフォルダーを作らないため、ロックとして扱えず、データベースを開けません。"
            "フォルダーの中身を確認してから、このフォルダーを別の場所へ移すか削除してください。",
        )


class LockPathIsLinkError(LockPathObstructedError):
    def __init__(self, path: Path) -> None:
        try:
            target = os.readlink(path)
        except OSError:
            target = None
        self.target = target
        if target is None:
            shown = "不明"
        else:
            shown = escape_for_display(target, limit=200) + ("" if os.path.exists(path) else "、存在しません")
        super().__init__(
            path,
            f"ロックファイルの場所「{path}」がシンボリックリンク（リンク先: {shown}）になっています。"
            "soloit はロックファイルをリンクにしないため、ロックとして扱えず、データベースを開けません。"
            "リンク先を確認してから、このリンクを削除してください（リンクを削除しても、リンク先は消えません）。",
        )


class LockUnavailableError(StoreError):
    """The lock file cannot be opened or locked (missing or read-only folder, no permission, disk full …)."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        if isinstance(error, FileNotFoundError) and not path.parent.exists():
            message = f"フォルダー「{path.parent}」がありません。データベースの場所を確認してください。"
        else:
            message = (
                f"ロックファイル「{path}」を作成できません（{error.strerror or error}）。"
                "データベースのあるフォルダーに書き込めるか（読み取り専用でないか、空き容量があるか）確認してください。"
            )
        super().__init__(message)


class LockLostError(StoreError):
    """The lock file was removed while this process held it, and another soloit now locks the new one."""

    def __init__(self, path: Path, holder: dict[str, Any] | None) -> None:
        self.path = path
        self.holder = holder  # as the JSON says (not escaped)
        if holder and isinstance(holder.get("host"), str) and isinstance(holder.get("user"), str):
            who = f"PC「{escape_for_display(holder['host'])}」のユーザー「{escape_for_display(holder['user'])}」"
        else:
            who = "別の soloit"
        super().__init__(
            f"データベースの書き込み権（ロック）が{who}に移りました（ロックファイル「{path}」が削除されたため）。"
            "これ以上の変更は保存できません。soloit を終了してから開き直してください。"
        )


# --- files ----------------------------------------------------------------------------------------------------------


def _check_plain_file(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise LockPathIsLinkError(path)
    if stat.S_ISDIR(mode):
        raise LockPathIsDirectoryError(path)
    raise LockPathObstructedError(path)


def _open_lock_file(path: Path) -> tuple[int, bool]:
    """Open (create) the lock file: never through a symbolic link, never waiting on a pipe. (fd, whether this call
    created it — a file soloit made itself and may remove again)."""
    with contextlib.suppress(FileNotFoundError):
        _check_plain_file(path, os.lstat(path).st_mode)
    created = False
    try:
        try:
            fd = os.open(path, _OPEN_FLAGS | os.O_EXCL, 0o600)
            created = True
        except FileExistsError:
            fd = os.open(path, _OPEN_FLAGS, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there after lstat
            raise LockPathIsLinkError(path) from exc
        if isinstance(exc, IsADirectoryError):
            raise LockPathIsDirectoryError(path) from exc
        raise LockUnavailableError(path, exc) from exc
    try:
        _check_plain_file(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd, created


def _read_holder(path: Path) -> dict[str, Any] | None:
    """What the JSON at `path` says, or None (absent, unreadable, not a plain file, not a JSON object)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, _READ_LIMIT)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/USERNAME and no passwd entry (OSError on 3.13+, KeyError before)
        return os.environ.get("USERNAME") or os.environ.get("USER") or _UNKNOWN


# --- the lock -------------------------------------------------------------------------------------------------------


class WriterLock:
    """The right to write to one database, held from `acquire()` until `release()` (or the process's end).
    `acquire()` raises LockHeldError, naming the holder, when someone else has it.

    After `acquire()`, `left_behind` holds the JSON a holder that ended without giving the lock back (killed,
    crashed) left, or None."""

    def __init__(
        self, db_path: Path, *, host: str | None = None, user: str | None = None, pid: int | None = None
    ) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path_for(self.db_path)
        self.info_path = holder_path_for(self.db_path)
        self.host = host or socket.gethostname() or _UNKNOWN
        self.user = user or _default_user()
        self.pid = os.getpid() if pid is None else pid
        self.left_behind: dict[str, Any] | None = None
        self._fd: int | None = None
        self._created = False  # this session made the lock file: it leaves nothing behind when it ends
        self._lost = False
        self._info: dict[str, Any] = {}

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock. LockHeldError when someone holds it; NetworkLocationError on a network folder;
        LockUnavailableError when the lock file cannot be created or locked; LockPathObstructedError (a folder,
        a link, a pipe …) when something other than a plain file has its name."""
        if self._fd is not None:
            return
        if is_network_path(self.db_path):
            raise network_refusal(self.db_path)
        for _attempt in range(5):
            fd, created = _open_lock_file(self.path)
            try:
                locked = _try_lock(fd)
                if locked and not _same_file(fd, self.path):  # removed by hand between our open and our lock
                    _unlock(fd)
                    locked = None
            except OSError as exc:
                os.close(fd)
                raise LockUnavailableError(self.path, exc) from exc
            if locked:
                self._fd, self._lost, self._created = fd, False, created
                self.left_behind = self.holder()
                self._info = {
                    "host": self.host,
                    "user": self.user,
                    "pid": self.pid,
                    "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                self._write_holder()
                return
            os.close(fd)
            if locked is False:
                raise self._held_error()
        raise self._held_error()

    def release(self) -> None:
        """Give the lock back: our JSON removed (while still locked), then the OS lock. Harmless when not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if self._is_ours(self.holder()):
            with contextlib.suppress(OSError):
                self.info_path.unlink()
        created, self._created = self._created, False
        if created and os.name != "nt" and _same_file(fd, self.path):
            # removed while still locked: a soloit that opened it meanwhile finds it gone once it locks it, and
            # opens the file anew (acquire's _same_file check)
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)
        if created and os.name == "nt":
            # Windows: only once closed; refused while another soloit has it open (then it stays, harmlessly)
            with contextlib.suppress(OSError):
                self.path.unlink()

    def check(self) -> None:
        """Is the lock still ours? Only a lock file removed by hand can take it away (POSIX: Windows does not let
        an open file be removed): then the new file is locked by this process, or, when another soloit locked it
        first, LockLostError (again on every later call)."""
        if self._lost:
            raise LockLostError(self.path, self.holder())
        if self._fd is None:
            raise RuntimeError("check() without acquire()")
        if _same_file(self._fd, self.path):
            return
        try:
            fd, created = _open_lock_file(self.path)
        except StoreError:  # nothing lockable there now: nobody else can hold it either; the next check retries
            return
        try:
            locked, same = _try_lock(fd), _same_file(fd, self.path)
        except OSError:
            os.close(fd)
            return
        if locked and same:
            os.close(self._fd)
            self._fd, self._created = fd, created
            self._write_holder()
            return
        os.close(fd)
        if locked or not same:  # the name changed again meanwhile: the next check looks again
            return
        os.close(self._fd)
        self._fd, self._lost = None, True
        raise LockLostError(self.path, self.holder())

    def holder(self) -> dict[str, Any] | None:
        """What the JSON says about the holder (host, user, pid, started_at), or None when there is none."""
        return _read_holder(self.info_path)

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    # --- internals ------------------------------------------------------------------------------------------

    def _write_holder(self) -> None:
        """The JSON saying who we are, written whole or not at all. It only serves messages: when it cannot be
        written (disk full; Windows: a reader has it open at this instant, tried again), the lock is held anyway
        and a second soloit says it cannot tell who holds it."""
        folder = self.info_path.parent
        prefix = f".{self.info_path.name}."
        with contextlib.suppress(OSError):  # temporary files of a holder killed while writing (we hold the lock)
            for entry in os.scandir(folder):
                if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
        for attempt in range(5):
            try:
                write_json(self.info_path, self._info)
                return
            except PermissionError:
                time.sleep(0.02 * (attempt + 1))
            except OSError:
                break
        with contextlib.suppress(OSError):  # say nothing rather than name a holder that left
            if not self._is_ours(self.holder()):
                self.info_path.unlink()

    def _is_ours(self, info: dict[str, Any] | None) -> bool:
        return (
            info is not None
            and isinstance(info.get("host"), str)
            and info["host"].casefold() == self.host.casefold()
            and info.get("pid") == self.pid
        )

    def _held_error(self) -> LockHeldError:
        info = self.holder()
        for _ in range(5):  # the holder writes its JSON right after locking: give it a moment
            if info is not None:
                break
            time.sleep(0.02)
            info = self.holder()
        info = info or {}
        host, user, pid = info.get("host"), info.get("user"), info.get("pid")
        return LockHeldError(
            host if isinstance(host, str) else None,
            user if isinstance(user, str) else None,
            pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
            _parse_time(info.get("started_at")),
            path=self.path,
        )


def held_by_running_writer(db_path: Path) -> bool:
    """Does a running soloit (this process included) hold the lock of the database at `db_path`? Nothing is
    created or written: a free lock is taken for an instant and given back. Such a writer's -wal and -shm are its
    own, live."""
    try:
        fd = os.open(lock_path_for(db_path), _READ_FLAGS)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
