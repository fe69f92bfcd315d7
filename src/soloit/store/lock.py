"""One writer per database: a lock file beside it (`<db name>.lock`) saying who writes — PC, user, process — and
since when. Pure standard library (no Qt, no SQLAlchemy), so the GUI and the CLI use the same lock.

The lock file appears whole or not at all: its content is written and fsynced to a private temporary file, which
is then linked (POSIX) or renamed (Windows, where rename never replaces) to the lock's name; both fail when the
lock already exists, so exactly one process can create it. A lock is stale, and is taken over, when
  - it was written on this PC by a process that no longer runs (a pid now used by another process, after a
    reboot say, is told apart by a process token: boot id + start time on Linux, creation time on Windows),
  - it is older than `stale_after`, its age taken from the older of its heartbeat and the file's modification
    time (the holder rewrites the file every few minutes, so both keep moving while it runs; a heartbeat in the
    future, from a PC whose clock is ahead or a hand-edited file, therefore cannot keep a lock fresh for ever),
  - its content cannot be decoded and is more than a minute old (a half-written file from a crash).
A lock that cannot be judged is never taken over; the error names the file and says when removing it is safe:
both times more than `FUTURE_TOLERANCE` in the future (another PC's clock, or this one's, is wrong), a file that
cannot be read at all (no permission, I/O error), and anything that is not a plain file (a folder, a symbolic
link, a pipe: soloit creates none of these, so it neither follows nor deletes them).
Taking over is serialised by a short-lived breaker file (`<db name>.lock.break`, created the same all-or-nothing
way): under it the stale file is re-read, moved aside under a unique name, checked to be the very file judged
stale, and deleted; the new lock is then created with the same exclusive create as always. Two processes
recovering the same stale lock at once therefore cannot both win.

A heartbeat that cannot be written (disk full, read-only folder) raises LockHeartbeatFailedError and keeps the
lock: only a lock another soloit really took over raises LockLostError. Text read from a lock file (user, host)
reaches messages only through `escape_for_display`."""

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
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from soloit.domain.clock import JST
from soloit.domain.text import escape_for_display
from soloit.store.errors import StoreError

LOCK_SUFFIX = ".lock"
BREAK_SUFFIX = ".break"
GARBAGE_GRACE = timedelta(minutes=1)  # an unreadable lock file younger than this may be being written right now
BREAKER_GRACE = timedelta(seconds=10)  # a breaker is held for milliseconds; older means its owner died
FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks of PCs sharing a folder may differ this much without comment
_ATTEMPTS = 20
_UNKNOWN = "不明"


def lock_path_for(db_path: Path) -> Path:
    """The lock file of the database at `db_path` (soloit.sqlite3 → soloit.sqlite3.lock)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local_text(moment: datetime | None) -> str:
    """A lock's time as people here read it: Japan time (the lock stores UTC)."""
    if moment is None:
        return "時刻不明"
    try:
        return moment.astimezone(JST).strftime("%Y/%m/%d %H:%M")
    except (OverflowError, ValueError, OSError):  # a hand-edited year 9999 lies beyond what can be shown
        return moment.strftime("%Y/%m/%d %H:%M UTC")


def _from_timestamp(seconds: float) -> datetime:
    """A file time as an aware UTC datetime; one beyond what datetime holds becomes its earliest or latest."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        return (datetime.max if seconds > 0 else datetime.min).replace(tzinfo=UTC)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/USERNAME and no passwd entry (OSError on 3.13+, KeyError before)
        return os.environ.get("USERNAME") or os.environ.get("USER") or _UNKNOWN


def _same_host(a: Any, b: str) -> bool:
    return isinstance(a, str) and a.casefold() == b.casefold()


def _shown(value: Any) -> str:
    """Text from a lock file, safe to put in a message (control characters and direction overrides escaped)."""
    return escape_for_display(value)


_REASONS = {
    errno.ENOSPC: "ディスクの空き容量が足りません",
    errno.EROFS: "読み取り専用の場所です",
    errno.EACCES: "アクセス権がありません",
    errno.EPERM: "アクセス権がありません",
    errno.EIO: "ディスクの読み書きでエラーが起きました（ディスクの故障、取り外されたドライブ、切れたネットワークなど）",
    errno.ENOENT: "ファイルまたはフォルダーがありません",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "ディスクの使用量の上限（クォータ）に達しています"


def _os_reason(error: OSError) -> str:
    """Why an OS call failed, in Japanese, with the error code for whoever looks further (「…（ENOSPC）」)."""
    code = error.errno
    name = errno.errorcode.get(code, str(code)) if code is not None else None
    text = _REASONS.get(code) if code is not None else None
    if text is None:
        text = f"OS のエラー: {error.strerror or error}"
    return f"{text}（{name}）" if name else text


class LockHeldError(StoreError):
    """Another soloit (on this PC or another) is writing to the database."""

    def __init__(
        self,
        host: str | None,
        user: str | None,
        pid: int | None,
        since: datetime | None,
        *,
        path: Path | None = None,
        heartbeat_at: datetime | None = None,
        message: str | None = None,
    ) -> None:
        self.host = host  # as the lock file says (not escaped); messages show it escaped
        self.user = user
        self.pid = pid
        self.since = since  # when the holder took the lock (aware, UTC), None when unknown
        self.heartbeat_at = heartbeat_at
        self.path = path
        if message is not None:
            pass
        elif host and user:
            message = (
                f"このデータベースは PC「{_shown(host)}」のユーザー「{_shown(user)}」が使用中です（{_local_text(since)} から）。"
                "同時に書き込むとデータが壊れるおそれがあるため、開けません。相手が soloit を終了してから開いてください。"
            )
        else:
            message = (
                "このデータベースは別の soloit が使用中です（使用者を確認できません）。"
                "同時に書き込むとデータが壊れるおそれがあるため、開けません。"
                f"しばらく待ってから開き直してください。解消しない場合はロックファイル「{path}」を確認してください。"
            )
        super().__init__(message)


class LockClockAheadError(LockHeldError):
    """The lock's heartbeat and the file's modification time are both more than FUTURE_TOLERANCE ahead of this PC's
    clock, and it was not written by a process on this PC: its age cannot be judged, so it is not taken over."""

    def __init__(
        self,
        path: Path,
        host: str | None,
        user: str | None,
        pid: int | None,
        since: datetime | None,
        *,
        heartbeat_at: datetime | None,
        modified_at: datetime,
        now: datetime,
    ) -> None:
        self.modified_at = modified_at
        if host:
            where = f"PC「{_shown(host)}」"
            clocks = f"{where}かこの PC の時計がずれているか、ファイルが書き換えられたため"
            condition = f"{where}で soloit が動いていないことを確認してから"
        else:
            clocks = "どこかの PC の時計がずれているため"
            condition = "このデータベースを使う soloit がどの PC でも動いていないことを確認してから"
        beat = f"最終確認 {_local_text(heartbeat_at)}、" if heartbeat_at is not None else ""
        message = (
            f"ロックファイル「{path}」の時刻が未来になっています（{beat}ファイルの更新 {_local_text(modified_at)}、"
            f"この PC の現在時刻 {_local_text(now)}）。{clocks}、ほかの soloit が使用中かどうか判断できず、開けません。"
            f"{condition}、このファイルを削除してください。この PC の時計が遅れている場合は、時計を合わせてください。"
        )
        super().__init__(host, user, pid, since, path=path, heartbeat_at=heartbeat_at, message=message)


class LockPathObstructedError(StoreError):
    """Something that is not a plain file sits where the lock file belongs (a pipe, a device …). soloit never
    creates such a thing, so it neither reads, follows nor removes it. Subclasses: a folder, a symbolic link."""

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
    """A folder sits where the lock file belongs. soloit never creates one there and never deletes it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            f"ロックファイルの場所「{path}」がフォルダーになっています。"
            "soloit はここにフォルダーを作らないため、ロックとして扱えず、データベースを開けません。"
            "フォルダーの中身を確認してから、このフォルダーを別の場所へ移すか削除してください。",
        )


class LockPathIsLinkError(LockPathObstructedError):
    """A symbolic link (dangling or not) sits where the lock file belongs. soloit never creates links, and neither
    follows nor deletes this one."""

    def __init__(self, path: Path) -> None:
        try:
            target = os.readlink(path)
        except OSError:
            target = None
        self.target = target
        if target is None:
            shown = "不明"
        else:
            exists = os.path.exists(path)  # follows the link: False when it points nowhere
            shown = escape_for_display(target, limit=200) + ("" if exists else "、存在しません")
        super().__init__(
            path,
            f"ロックファイルの場所「{path}」がシンボリックリンク（リンク先: {shown}）になっています。"
            "soloit はロックファイルをリンクにしないため、ロックとして扱えず、データベースを開けません。"
            "リンク先を確認してから、このリンクを削除してください（リンクを削除しても、リンク先は消えません）。",
        )


class LockUnreadableError(StoreError):
    """The lock file exists but cannot be read (no permission, I/O error): whether someone holds it is unknown."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        super().__init__(
            f"ロックファイル「{path}」を読み取れません（{_os_reason(error)}）。"
            "このデータベースを別の soloit が使用中かどうか確認できないため、開けません。"
            "このデータベースを使う soloit がどの PC でも動いていないことを確認してから、このファイルを削除してください"
            "（アクセス権の問題なら、読み取れるように権限を直せば、削除しなくても開けます）。"
        )


class LockUnavailableError(StoreError):
    """The lock file cannot be written at all (read-only folder, no permission, disk full …)."""

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
    """The lock this process held was taken over (it looked stale to another soloit) or removed."""

    def __init__(self, path: Path, holder: dict[str, Any] | None) -> None:
        self.path = path
        self.holder = holder  # as the lock file says (not escaped)
        if holder and holder.get("host") and holder.get("user"):
            who = f"PC「{_shown(holder['host'])}」のユーザー「{_shown(holder['user'])}」"
        else:
            who = "別の soloit"
        super().__init__(
            f"データベースの書き込み権（ロック）が{who}に移りました。"
            "これ以上の変更は保存できません。soloit を終了してから開き直してください。"
        )


class LockHeartbeatFailedError(StoreError):
    """The heartbeat could not be written (disk full, read-only folder, I/O error). The lock is still this process's
    (nobody took it over) and stays held: a later heartbeat succeeds once the cause is gone."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        super().__init__(
            f"ロックファイル「{path}」を更新できませんでした（{_os_reason(error)}）。"
            "ほかの soloit に書き込み権が移ったのではなく、この PC からファイルを書き込めない状態です。"
            "ディスクの空き容量と、フォルダーに書き込めるか（読み取り専用でないか）を確認してください。"
            "書き込めるようになれば、次の更新で元に戻ります。"
        )


# --- is that process still running? ------------------------------------------------------------------------------

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    _PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
    _STILL_ACTIVE = 259
    _ERROR_ACCESS_DENIED = 5
    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.OpenProcess.restype = wintypes.HANDLE
    _kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    _kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    _kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE,) + (ctypes.POINTER(wintypes.FILETIME),) * 4
    _kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)

    def _open_process(pid: int) -> Any:
        return _kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)

    def _pid_alive(pid: int) -> bool:
        """True when a process with this id exists (access denied counts as existing)."""
        if pid <= 0:
            return False
        handle = _open_process(pid)
        if not handle:
            return ctypes.get_last_error() == _ERROR_ACCESS_DENIED
        try:
            code = wintypes.DWORD()
            if not _kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == _STILL_ACTIVE
        finally:
            _kernel32.CloseHandle(handle)

    def _process_token(pid: int) -> str | None:
        """The creation time of process `pid` (FILETIME ticks): with the pid, it names one process for good."""
        handle = _open_process(pid)
        if not handle:
            return None
        try:
            created, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
            if not _kernel32.GetProcessTimes(
                handle, ctypes.byref(created), ctypes.byref(exited), ctypes.byref(kernel), ctypes.byref(user)
            ):
                return None
            return f"win:{(created.dwHighDateTime << 32) | created.dwLowDateTime}"
        finally:
            _kernel32.CloseHandle(handle)

else:

    def _pid_alive(pid: int) -> bool:
        """True when a process with this id exists (one we may not signal counts as existing)."""
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        except OSError:
            return True  # cannot tell: assume alive, the safe answer
        return True

    def _process_token(pid: int) -> str | None:
        """Linux: the boot id and the process's start time in clock ticks after boot, which together name one
        process for good (a pid reused later, or after a reboot, gets another token). None elsewhere."""
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            ticks = stat[stat.rindex(")") + 2 :].split()[19]  # field 22: starttime
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        except (OSError, ValueError, IndexError):
            return None
        return f"linux:{boot}:{ticks}"


def _last_sign_of_life(info: dict[str, Any], mtime: datetime) -> datetime:
    """When the holder of a lock was last known alive: the older of its heartbeat and the file's modification time.
    A running holder moves both; a heartbeat in the future (a PC whose clock is ahead, a hand-edited file) alone
    cannot keep the lock fresh."""
    beat = _parse_time(info.get("heartbeat_at"))
    return mtime if beat is None else min(beat, mtime)


def _holder_running(pid: Any, token: Any) -> bool:
    """Is the process that wrote a lock on this PC still running? A pid now used by another process (after a
    reboot, say) is told apart by the process token recorded in the lock, where the OS offers one."""
    if not isinstance(pid, int) or isinstance(pid, bool):
        return False
    if not _pid_alive(pid):
        return False
    if isinstance(token, str):
        current = _process_token(pid)
        if current is not None and current != token:
            return False
    return True


# --- files that appear whole or not at all -------------------------------------------------------------------------


def _open_new(path: Path) -> int:
    """Create `path`, which must not exist, for writing (mode 0600 where the OS has modes). A seam for tests."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd` and fsync it. A seam for tests (disk full)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _write_private(path: Path, data: bytes) -> None:
    """Write a new file (mode 0600 where the OS has modes), fsynced. When writing fails (disk full …) the file this
    call created is removed again: a failed write leaves nothing behind."""
    fd = _open_new(path)
    try:
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


def _temp_beside(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.name}.{uuid.uuid4().hex}.{tag}")


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create `path` holding `data` unless it exists (then False). Never leaves a partly written `path`."""
    tmp = _temp_beside(path, "tmp")
    _write_private(tmp, data)
    try:
        if sys.platform == "win32":  # pragma: no cover
            os.rename(tmp, path)  # never replaces an existing file on Windows
            tmp = None
        else:
            os.link(tmp, path)  # fails with EEXIST when the lock exists
        return True
    except FileExistsError:
        return False
    except OSError:
        # A file system without hard links (some network shares, FAT): the plain exclusive create. A crash
        # between its create and write leaves an empty lock, which counts as stale after GARBAGE_GRACE.
        try:
            _write_private(path, data)
        except (FileExistsError, PermissionError):  # Windows: PermissionError while an old lock is being deleted
            return False
        return True
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_READ_LIMIT = 64 * 1024


def _open_existing(path: Path) -> int:
    """Open `path` for reading without following a symbolic link or waiting on a pipe. A seam for tests."""
    return os.open(path, _READ_FLAGS)


def _read_some(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes from `fd`. A seam for tests (I/O errors)."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _check_plain_file(path: Path, mode: int) -> None:
    """Raise the typed error for anything at `path` that is not a plain file: soloit creates only plain files."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise LockPathIsLinkError(path)
    if stat.S_ISDIR(mode):
        raise LockPathIsDirectoryError(path)
    raise LockPathObstructedError(path)


def _read(path: Path) -> tuple[bytes, datetime] | None:
    """(content, modification time) of the plain file `path`, or None when nothing is there.

    Never follows a symbolic link nor opens a folder or a pipe (LockPathObstructedError and its subclasses);
    a file that exists but cannot be read raises LockUnreadableError."""
    for attempt in range(5):
        try:
            _check_plain_file(path, os.lstat(path).st_mode)
            fd = _open_existing(path)
            try:
                info = os.fstat(fd)
                _check_plain_file(path, info.st_mode)  # replaced between lstat and open
                data = _read_some(fd, _READ_LIMIT)
            finally:
                os.close(fd)
            return data, _from_timestamp(info.st_mtime)
        except FileNotFoundError:
            return None
        except PermissionError as exc:  # Windows: the file is being renamed or written right now
            if attempt == 4:
                raise LockUnreadableError(path, exc) from exc
            time.sleep(0.02)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link that replaced the file after lstat
                raise LockPathIsLinkError(path) from exc
            raise LockUnreadableError(path, exc) from exc
    return None  # pragma: no cover


def _decode(data: bytes) -> dict[str, Any] | None:
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _rename_noreplace(src: Path, dst: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover
        os.rename(src, dst)
    else:
        os.link(src, dst)
        os.unlink(src)


def _remove_if_unchanged(path: Path, expected: bytes) -> bool:
    """Remove `path` if it still holds exactly `expected`: moved aside first, so that a file which replaced it in
    the meantime is put back instead of removed. True when the expected file is gone."""
    current = _read(path)
    if current is None:
        return True
    if current[0] != expected:
        return False
    aside = _temp_beside(path, "stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return True
    except PermissionError:  # Windows: someone has it open; try again later
        return False
    try:
        moved = aside.read_bytes()
    except OSError:
        moved = None
    if moved == expected:
        aside.unlink(missing_ok=True)
        return True
    with contextlib.suppress(OSError):  # not the stale file after all: put it back unless replaced again
        _rename_noreplace(aside, path)
    aside.unlink(missing_ok=True)
    return False


# --- the lock ------------------------------------------------------------------------------------------------------


class WriterLock:
    """The right to write to one database. `acquire()` raises LockHeldError when someone else has it.

    After `acquire()`, `taken_over` holds what the stale lock it replaced said (None when there was none)."""

    def __init__(
        self,
        db_path: Path,
        *,
        stale_after: timedelta = timedelta(hours=12),
        host: str | None = None,
        user: str | None = None,
        pid: int | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path_for(self.db_path)
        self.stale_after = stale_after
        self.host = host or socket.gethostname() or _UNKNOWN
        self.user = user or _default_user()
        self.pid = os.getpid() if pid is None else pid
        self.taken_over: dict[str, Any] | None = None
        self._held = False
        self._lost = False  # heartbeat() found the lock taken over; acquire() starts afresh
        self._started_at: datetime | None = None
        self._token: str | None = None  # computed at acquire: which process `pid` is, for _holder_running

    # --- public ---------------------------------------------------------------------------------------------

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> None:
        """Take the lock, taking over a stale one. LockHeldError when someone else holds it (LockClockAheadError
        when its times are in the future); LockUnavailableError when the lock file cannot be written;
        LockUnreadableError when it cannot be read; LockPathObstructedError (LockPathIsDirectoryError,
        LockPathIsLinkError) when something other than a plain file has its name."""
        if self._held:
            return
        try:
            self._acquire()
        except OSError as exc:
            raise LockUnavailableError(self.path, exc) from exc

    def _acquire(self) -> None:
        self._lost = False
        self.taken_over = None
        self._token = _process_token(self.pid)
        last: dict[str, Any] | None = None
        last_mtime: datetime | None = None
        for attempt in range(_ATTEMPTS):
            self._started_at = _now()
            if _create_exclusive(self.path, self._payload(self._started_at)):
                self._held = True
                self._sweep()
                return
            current = _read(self.path)
            if current is None:  # released between our create and our read
                time.sleep(0.005 * min(attempt, 10))
                continue
            data, mtime = current
            info = _decode(data)
            last, last_mtime = info, mtime
            if info is not None and self._is_ours(info):
                self._held = True
                self._started_at = _parse_time(info.get("started_at")) or self._started_at
                # The file is ours already: a refresh that cannot be written (disk full) does not undo that, and
                # the next heartbeat() reports it.
                with contextlib.suppress(LockHeartbeatFailedError):
                    self.heartbeat()
                return
            if not self._is_stale(info, mtime):
                raise self._held_error(info, mtime)
            if self._break(data) and self.taken_over is None:
                self.taken_over = info if info is not None else {}
            elif attempt:
                time.sleep(0.01 * min(attempt, 10))
        raise self._held_error(last, last_mtime)

    def release(self) -> None:
        """Remove the lock file if it is still ours (a lock taken over by someone else is left alone)."""
        if not self._held:
            return
        self._held = False
        try:
            current = _read(self.path)
        except StoreError:  # not a plain file we can read: not ours, left alone
            return
        if current is None:
            return
        info = _decode(current[0])
        if info is not None and self._is_ours(info):
            _remove_if_unchanged(self.path, current[0])

    def heartbeat(self) -> None:
        """Say we are still here (rewrites heartbeat_at). Raises LockLostError if another soloit took the lock
        over (and again on every later call: a lost lock stays lost). Raises LockHeartbeatFailedError when the
        lock file cannot be read or written (disk full, read-only folder, I/O error): the lock stays held and a
        later call succeeds once the cause is gone. A folder or link put in its place raises
        LockPathObstructedError (the lock stays held; it is taken again once the obstruction is removed)."""
        if self._lost:
            raise LockLostError(self.path, self.holder())
        if not self._held:
            raise RuntimeError("heartbeat() without acquire()")
        try:
            self._beat()
        except LockUnreadableError as exc:
            raise LockHeartbeatFailedError(self.path, exc.error) from exc
        except OSError as exc:
            raise LockHeartbeatFailedError(self.path, exc) from exc

    def _beat(self) -> None:
        current = _read(self.path)
        if current is None:  # removed behind our back: take it again if nobody else has
            if _create_exclusive(self.path, self._payload(self._started_at or _now())):
                return
            current = _read(self.path)
        info = _decode(current[0]) if current is not None else None
        if info is None or not self._is_ours(info):
            self._held = False
            self._lost = True
            raise LockLostError(self.path, info)
        tmp = _temp_beside(self.path, "tmp")
        _write_private(tmp, self._payload(self._started_at or _now()))
        try:
            for attempt in range(5):
                try:
                    os.replace(tmp, self.path)
                    break
                except PermissionError:  # Windows: a reader has the file open for a moment
                    if attempt == 4:
                        raise
                    time.sleep(0.02)
        finally:
            tmp.unlink(missing_ok=True)

    def holder(self) -> dict[str, Any] | None:
        """What the current lock file says (host, user, pid, started_at, heartbeat_at), or None when there is no
        lock file or it cannot be read."""
        try:
            current = _read(self.path)
        except StoreError:
            return None
        return _decode(current[0]) if current is not None else None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    # --- internals ------------------------------------------------------------------------------------------

    def _payload(self, started_at: datetime) -> bytes:
        info = {
            "host": self.host,
            "user": self.user,
            "pid": self.pid,
            "started_at": _iso(started_at),
            "heartbeat_at": _iso(_now()),
        }
        if self._token is not None:
            info["proc"] = self._token
        return json.dumps(info, ensure_ascii=False).encode("utf-8")

    def _is_ours(self, info: dict[str, Any]) -> bool:
        return _same_host(info.get("host"), self.host) and info.get("pid") == self.pid

    def _is_stale(self, info: dict[str, Any] | None, mtime: datetime) -> bool:
        now = _now()
        if info is None or not isinstance(info.get("host"), str):
            return now - mtime > GARBAGE_GRACE
        if now - _last_sign_of_life(info, mtime) > self.stale_after:
            return True
        if _same_host(info["host"], self.host):
            return not _holder_running(info.get("pid"), info.get("proc"))
        return False

    def _break(self, stale: bytes) -> bool:
        """Remove the stale lock holding `stale`, under the breaker. True when it is gone."""
        breaker = self.path.with_name(self.path.name + BREAK_SUFFIX)
        payload = self._payload(_now())
        if not _create_exclusive(breaker, payload):
            self._clear_dead_breaker(breaker)
            return False
        try:
            return _remove_if_unchanged(self.path, stale)
        finally:
            _remove_if_unchanged(breaker, payload)

    def _clear_dead_breaker(self, breaker: Path) -> None:
        current = _read(breaker)
        if current is None:
            return
        data, mtime = current
        info = _decode(data)
        now = _now()
        # A breaker lives for milliseconds: one dated more than FUTURE_TOLERANCE ahead was left by a PC whose clock
        # is ahead, and waiting for it to age would lock everyone out until that time.
        dead = now - mtime > BREAKER_GRACE or mtime - now > FUTURE_TOLERANCE
        if not dead and info is not None and _same_host(info.get("host"), self.host):
            dead = not _holder_running(info.get("pid"), info.get("proc"))
        if dead:
            _remove_if_unchanged(breaker, data)

    def _held_error(self, info: dict[str, Any] | None, mtime: datetime | None) -> LockHeldError:
        """Why the lock cannot be taken: someone holds it, or (LockClockAheadError) its times lie so far in the
        future that its age cannot be judged (never for a lock written on this PC: the process check decides)."""
        info = info or {}
        pid = info.get("pid")
        host = info.get("host") if isinstance(info.get("host"), str) else None
        user = info.get("user") if isinstance(info.get("user"), str) else None
        pid = pid if isinstance(pid, int) and not isinstance(pid, bool) else None
        since = _parse_time(info.get("started_at"))
        heartbeat_at = _parse_time(info.get("heartbeat_at"))
        if mtime is not None and not _same_host(host, self.host):
            now = _now()
            if (_last_sign_of_life(info, mtime) if host else mtime) - now > FUTURE_TOLERANCE:
                return LockClockAheadError(
                    self.path, host, user, pid, since, heartbeat_at=heartbeat_at, modified_at=mtime, now=now
                )
        return LockHeldError(host, user, pid, since, path=self.path, heartbeat_at=heartbeat_at)

    def _sweep(self) -> None:
        """Remove temporary and set-aside files that crashed processes left beside the lock (older than a minute)."""
        cutoff = time.time() - GARBAGE_GRACE.total_seconds()
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.path.parent):
                name = entry.name
                if name.startswith(self.path.name + ".") and name.endswith((".tmp", ".stale")):
                    with contextlib.suppress(OSError):
                        if entry.stat().st_mtime < cutoff:
                            os.unlink(entry.path)


def held_by_running_writer(db_path: Path) -> bool:
    """A lock file beside `db_path` written on this PC by a process that still runs (only read: nothing is taken
    over or written). Such a writer's -wal and -shm are its own, live."""
    lock = WriterLock(db_path)
    info = lock.holder()
    if info is None:
        return False
    return _same_host(info.get("host"), lock.host) and _holder_running(info.get("pid"), info.get("proc"))
