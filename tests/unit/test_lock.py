"""store/lock.py: one writer per database, stale locks recovered, and never two winners."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from soloit.store import lock as lockmod
from soloit.store.errors import StoreError
from soloit.store.lock import (
    FUTURE_TOLERANCE,
    LockClockAheadError,
    LockHeartbeatFailedError,
    LockHeldError,
    LockLostError,
    LockPathIsDirectoryError,
    LockPathIsLinkError,
    LockPathObstructedError,
    LockUnavailableError,
    LockUnreadableError,
    WriterLock,
    lock_path_for,
)

HOST = socket.gethostname()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "soloit.sqlite3"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def sleeper():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _write_lock(db: Path, **info: object) -> Path:
    path = lock_path_for(db)
    path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return path


def _iso(delta: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) - delta).isoformat(timespec="seconds")


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_lock_file_is_named_after_the_database(db: Path) -> None:
    assert lock_path_for(db) == db.with_name("soloit.sqlite3.lock")
    assert WriterLock(db).path == lock_path_for(db)


def test_acquire_writes_who_and_release_removes(db: Path) -> None:
    lock = WriterLock(db, user="山田 太郎")
    lock.acquire()
    assert lock.held
    info = json.loads(lock.path.read_text(encoding="utf-8"))
    assert info["host"] == HOST
    assert info["user"] == "山田 太郎"
    assert info["pid"] == os.getpid()
    for key in ("started_at", "heartbeat_at"):
        assert datetime.fromisoformat(info[key]).utcoffset() == timedelta(0)
    assert lock.holder() == info
    assert lock.taken_over is None
    lock.release()
    assert not lock.held
    assert not lock.path.exists()
    lock.release()  # twice is harmless


def test_context_manager(db: Path) -> None:
    with WriterLock(db) as lock:
        assert lock.path.exists()
    assert not lock.path.exists()


def test_no_leftover_temporary_files(db: Path) -> None:
    with WriterLock(db) as lock:
        lock.heartbeat()
    assert sorted(p.name for p in db.parent.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_lock_file_is_private(db: Path) -> None:
    with WriterLock(db) as lock:
        assert os.stat(lock.path).st_mode & 0o777 == 0o600


def test_live_process_on_this_pc_holds_the_lock(db: Path) -> None:
    holder = WriterLock(db, user="佐藤 花子", pid=os.getppid())
    holder.acquire()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db, user="鈴木 一郎").acquire()
    error = info.value
    assert isinstance(error, StoreError)
    assert (error.host, error.user, error.pid) == (HOST, "佐藤 花子", os.getppid())
    assert error.since is not None and abs(datetime.now(UTC) - error.since) < timedelta(minutes=1)
    assert f"PC「{HOST}」" in error.message_ja
    assert "ユーザー「佐藤 花子」" in error.message_ja
    assert "使用中" in error.message_ja and "から" in error.message_ja
    assert json.loads(lock_path_for(db).read_text(encoding="utf-8"))["user"] == "佐藤 花子"  # untouched


def test_live_child_process_holds_the_lock(db: Path, sleeper: subprocess.Popen) -> None:
    WriterLock(db, pid=sleeper.pid).acquire()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert info.value.pid == sleeper.pid


def test_dead_process_on_this_pc_is_recovered(db: Path) -> None:
    dead = _dead_pid()
    WriterLock(db, user="前任者", pid=dead).acquire()
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over is not None and lock.taken_over["pid"] == dead and lock.taken_over["user"] == "前任者"
    assert lock.holder()["pid"] == os.getpid()
    lock.release()
    assert not lock.path.exists()


@pytest.mark.skipif(lockmod._process_token(os.getpid()) is None, reason="no process token on this OS")
def test_reused_pid_is_not_the_holder(db: Path) -> None:
    """After a reboot the old holder's pid may belong to some other running process: the token tells them apart."""
    _write_lock(
        db,
        host=HOST,
        user="前任者",
        pid=os.getppid(),
        started_at=_iso(timedelta(hours=1)),
        heartbeat_at=_iso(timedelta(minutes=3)),
        proc="linux:another-boot:12345",
    )
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["user"] == "前任者"


def test_other_pc_with_old_heartbeat_is_recovered(db: Path) -> None:
    _write_lock(
        db,
        host="OTHER-PC",
        user="田中",
        pid=4242,
        started_at=_iso(timedelta(days=2)),
        heartbeat_at=_iso(timedelta(hours=13)),
    )
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["host"] == "OTHER-PC"
    assert lock.holder()["host"] == HOST


def test_other_pc_with_fresh_heartbeat_holds_the_lock(db: Path) -> None:
    path = _write_lock(
        db,
        host="OTHER-PC",
        user="田中",
        pid=4242,
        started_at=_iso(timedelta(days=2)),
        heartbeat_at=_iso(timedelta(minutes=5)),
    )
    before = path.read_bytes()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert info.value.host == "OTHER-PC" and info.value.user == "田中" and info.value.pid == 4242
    assert "PC「OTHER-PC」のユーザー「田中」" in info.value.message_ja
    assert path.read_bytes() == before


def test_stale_after_is_configurable(db: Path) -> None:
    _write_lock(
        db,
        host="OTHER-PC",
        user="田中",
        pid=4242,
        started_at=_iso(timedelta(hours=1)),
        heartbeat_at=_iso(timedelta(minutes=20)),
    )
    with pytest.raises(LockHeldError):
        WriterLock(db).acquire()
    WriterLock(db, stale_after=timedelta(minutes=10)).acquire()


def test_host_names_compare_without_case(db: Path) -> None:
    dead = _dead_pid()
    _write_lock(db, host=HOST.swapcase(), user="u", pid=dead, started_at=_iso(), heartbeat_at=_iso())
    WriterLock(db).acquire()  # same PC, dead process → recovered at once, heartbeat fresh or not


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"pid": 1}'])
def test_fresh_garbage_is_respected_and_old_garbage_recovered(db: Path, content: bytes) -> None:
    path = lock_path_for(db)
    path.write_bytes(content)
    assert WriterLock(db).holder() is None or content == b'{"pid": 1}'
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert "使用者を確認できません" in info.value.message_ja
    _age(path, 120)
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over is not None
    assert lock.holder()["pid"] == os.getpid()


def test_reacquire_by_the_same_process_is_fine(db: Path) -> None:
    first = WriterLock(db)
    first.acquire()
    second = WriterLock(db)
    second.acquire()
    assert second.held and second.taken_over is None


def test_release_leaves_someone_elses_lock(db: Path) -> None:
    lock = WriterLock(db)
    lock.acquire()
    other = json.dumps({"host": "OTHER-PC", "user": "田中", "pid": 7, "started_at": _iso(), "heartbeat_at": _iso()})
    lock.path.write_text(other, encoding="utf-8")
    lock.release()
    assert lock.path.read_text(encoding="utf-8") == other


def test_heartbeat_refreshes_and_detects_a_lost_lock(db: Path) -> None:
    lock = WriterLock(db)
    lock.acquire()
    info = json.loads(lock.path.read_text(encoding="utf-8"))
    info["heartbeat_at"] = _iso(timedelta(hours=1))
    lock.path.write_text(json.dumps(info), encoding="utf-8")
    lock.heartbeat()
    refreshed = json.loads(lock.path.read_text(encoding="utf-8"))
    assert datetime.now(UTC) - datetime.fromisoformat(refreshed["heartbeat_at"]) < timedelta(minutes=1)
    assert refreshed["started_at"] == info["started_at"]
    if os.name == "posix":
        assert os.stat(lock.path).st_mode & 0o777 == 0o600

    _write_lock(db, host="OTHER-PC", user="田中", pid=7, started_at=_iso(), heartbeat_at=_iso())
    with pytest.raises(LockLostError) as lost:
        lock.heartbeat()
    assert "田中" in lost.value.message_ja
    assert not lock.held
    with pytest.raises(LockLostError):  # every later heartbeat says so too (the GUI calls it on a timer)
        lock.heartbeat()
    lock.release()
    assert lock.holder()["host"] == "OTHER-PC"


def test_heartbeat_before_acquire_is_a_bug(db: Path) -> None:
    with pytest.raises(RuntimeError):
        WriterLock(db).heartbeat()


def test_heartbeat_recreates_a_removed_lock(db: Path) -> None:
    lock = WriterLock(db)
    lock.acquire()
    lock.path.unlink()
    lock.heartbeat()
    assert lock.holder()["pid"] == os.getpid()


def test_breaker_left_by_a_dead_process_does_not_block_recovery(db: Path) -> None:
    dead = _dead_pid()
    WriterLock(db, pid=dead).acquire()
    breaker = lock_path_for(db).with_name("soloit.sqlite3.lock.break")
    breaker.write_text(
        json.dumps({"host": HOST, "user": "u", "pid": _dead_pid(), "started_at": _iso(), "heartbeat_at": _iso()}),
        encoding="utf-8",
    )
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["pid"] == dead
    assert not breaker.exists()


def test_old_leftovers_are_swept(db: Path) -> None:
    old = lock_path_for(db).with_name("soloit.sqlite3.lock.0123.tmp")
    new = lock_path_for(db).with_name("soloit.sqlite3.lock.4567.stale")
    old.write_text("x")
    new.write_text("y")
    _age(old, 600)
    with WriterLock(db):
        pass
    assert not old.exists() and new.exists()


def test_unwritable_folder_is_a_store_error(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "missing-folder" / "soloit.sqlite3")
    with pytest.raises(LockUnavailableError) as info:
        lock.acquire()
    assert isinstance(info.value, StoreError)
    assert f"フォルダー「{tmp_path / 'missing-folder'}」がありません" in info.value.message_ja
    assert not lock.held


def test_pid_alive() -> None:
    assert lockmod._pid_alive(os.getpid())
    assert not lockmod._pid_alive(_dead_pid())
    assert not lockmod._pid_alive(0)
    assert not lockmod._pid_alive(-5)


RACER = r"""
import sys, time
from pathlib import Path
from soloit.store.lock import LockHeldError, WriterLock
for line in sys.stdin:
    db, start = line.split("\t")
    lock = WriterLock(Path(db))
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        lock.acquire()
        print("won", flush=True)
    except LockHeldError:
        print("held", flush=True)
"""


@pytest.mark.parametrize("stale_at_start", [False, True], ids=["free", "stale"])
def test_racing_processes_never_both_win(tmp_path: Path, stale_at_start: bool) -> None:
    """Three processes acquire the same lock at the same instant, 20 times over: exactly one wins each time
    (with a dead process's lock in place, all three try to take it over at once). Winners keep running, so a
    loser cannot mistake a winner for a dead holder."""
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    dead = _dead_pid()
    try:
        for round_no in range(20):
            db = tmp_path / f"r{round_no}" / "soloit.sqlite3"
            db.parent.mkdir()
            if stale_at_start:
                WriterLock(db, user="killed", pid=dead).acquire()
            start = time.time() + 0.05
            for racer in racers:
                racer.stdin.write(f"{db}\t{start}\n")
                racer.stdin.flush()
            results = sorted(racer.stdout.readline().strip() for racer in racers)
            assert results == ["held", "held", "won"], f"round {round_no}: {results}"
            info = json.loads(lock_path_for(db).read_text(encoding="utf-8"))
            assert info["pid"] in {r.pid for r in racers}
            assert sorted(p.name for p in db.parent.iterdir()) == ["soloit.sqlite3.lock"]
    finally:
        for racer in racers:
            racer.stdin.close()
            racer.wait(timeout=10)
            racer.stdout.close()


# --- a heartbeat in the future -------------------------------------------------------------------------------------


def _future(path: Path, seconds: float) -> None:
    ahead = time.time() + seconds
    os.utime(path, (ahead, ahead))


def test_future_heartbeat_alone_does_not_keep_a_lock_fresh(db: Path) -> None:
    """A hand-edited heartbeat in 2099: the file's modification time decides, so it holds no longer than
    `stale_after` after the file was last written."""
    path = _write_lock(
        db,
        host="OTHER-PC",
        user="田中",
        pid=4242,
        started_at=_iso(timedelta(days=2)),
        heartbeat_at="2099-01-01T00:00:00+00:00",
    )
    before = path.read_bytes()
    with pytest.raises(LockHeldError) as info:  # written just now: a live holder on another PC, as far as we know
        WriterLock(db).acquire()
    assert not isinstance(info.value, LockClockAheadError)
    assert path.read_bytes() == before
    _age(path, 13 * 3600)  # nothing rewrote it for 13 hours
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["heartbeat_at"] == "2099-01-01T00:00:00+00:00"
    assert lock.holder()["pid"] == os.getpid()


def test_old_heartbeat_with_a_recent_file_time_is_still_stale(db: Path) -> None:
    """The older of the two times decides: a 13-hour-old heartbeat is stale even if the file was touched."""
    _write_lock(
        db,
        host="OTHER-PC",
        user="田中",
        pid=4242,
        started_at=_iso(timedelta(days=1)),
        heartbeat_at=_iso(timedelta(hours=13)),
    )
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["host"] == "OTHER-PC"


def test_heartbeat_and_file_time_both_in_the_future_name_the_file(db: Path) -> None:
    path = _write_lock(
        db, host="OTHER-PC", user="田中", pid=4242, started_at=_iso(), heartbeat_at=_iso(-timedelta(hours=2))
    )
    _future(path, 2 * 3600)
    before = path.read_bytes()
    with pytest.raises(LockClockAheadError) as info:
        WriterLock(db).acquire()
    error = info.value
    assert isinstance(error, LockHeldError) and isinstance(error, StoreError)
    assert (error.host, error.user, error.pid, error.path) == ("OTHER-PC", "田中", 4242, path)
    assert f"ロックファイル「{path}」の時刻が未来になっています" in error.message_ja
    assert (
        "PC「OTHER-PC」で soloit が動いていないことを確認してから、このファイルを削除してください" in error.message_ja
    )
    assert path.read_bytes() == before and _names(db.parent) == [path.name]


def test_future_times_within_the_tolerance_are_an_ordinary_holder(db: Path) -> None:
    """Clocks of PCs sharing a folder differ by a few minutes: that is no reason to alarm anyone."""
    minutes = FUTURE_TOLERANCE.total_seconds() / 2
    path = _write_lock(
        db, host="OTHER-PC", user="田中", pid=4242, started_at=_iso(), heartbeat_at=_iso(-timedelta(seconds=minutes))
    )
    _future(path, minutes)
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert type(info.value) is LockHeldError
    assert "PC「OTHER-PC」のユーザー「田中」が使用中" in info.value.message_ja


def test_future_lock_of_a_dead_process_on_this_pc_is_recovered(db: Path) -> None:
    """On this PC the process check decides, whatever the times say."""
    path = _write_lock(
        db, host=HOST, user="前任者", pid=_dead_pid(), started_at=_iso(), heartbeat_at=_iso(-timedelta(days=30))
    )
    _future(path, 30 * 86400)
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["user"] == "前任者"


def test_future_lock_of_a_live_process_on_this_pc_holds(db: Path) -> None:
    path = _write_lock(
        db, host=HOST, user="本人", pid=os.getppid(), started_at=_iso(), heartbeat_at=_iso(-timedelta(days=30))
    )
    _future(path, 30 * 86400)
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert type(info.value) is LockHeldError and info.value.pid == os.getppid()


def test_absurd_future_times_are_reported_not_crashed_on(db: Path) -> None:
    path = _write_lock(
        db, host="OTHER-PC", user="田中", pid=1, started_at=_iso(), heartbeat_at="9999-12-31T23:59:59+00:00"
    )
    _future(path, 200 * 365 * 86400)
    with pytest.raises(LockClockAheadError) as info:
        WriterLock(db).acquire()
    assert str(path) in info.value.message_ja


def test_garbage_dated_in_the_future_names_the_file(db: Path) -> None:
    path = lock_path_for(db)
    path.write_bytes(b"{not json")
    _future(path, 3600)
    with pytest.raises(LockClockAheadError) as info:
        WriterLock(db).acquire()
    assert info.value.host is None
    assert str(path) in info.value.message_ja
    assert "どの PC でも動いていないことを確認してから、このファイルを削除してください" in info.value.message_ja
    assert path.read_bytes() == b"{not json"


def test_breaker_dated_in_the_future_does_not_block_recovery(db: Path) -> None:
    """A breaker lives for milliseconds; one left by a PC whose clock is ahead must not wait for that time."""
    dead = _dead_pid()
    WriterLock(db, pid=dead).acquire()
    breaker = lock_path_for(db).with_name("soloit.sqlite3.lock.break")
    breaker.write_text(json.dumps({"host": "OTHER-PC", "user": "u", "pid": 1, "started_at": _iso()}), encoding="utf-8")
    _future(breaker, 3600)
    lock = WriterLock(db)
    lock.acquire()
    assert lock.taken_over["pid"] == dead
    assert not breaker.exists()


# --- something other than a plain file at the lock's name ---------------------------------------------------------


def test_a_folder_at_the_lock_path_is_named_and_never_deleted(db: Path) -> None:
    path = lock_path_for(db)
    path.mkdir()
    (path / "大事なメモ.txt").write_text("消さないで", encoding="utf-8")
    lock = WriterLock(db)
    with pytest.raises(LockPathIsDirectoryError) as info:
        lock.acquire()
    error = info.value
    assert isinstance(error, LockPathObstructedError) and isinstance(error, StoreError)
    assert error.path == path
    assert f"ロックファイルの場所「{path}」がフォルダーになっています" in error.message_ja
    assert "中身を確認してから" in error.message_ja
    assert not lock.held
    assert (path / "大事なメモ.txt").read_text(encoding="utf-8") == "消さないで"
    assert _names(db.parent) == [path.name]  # no temporary file left beside it
    assert lock.holder() is None
    lock.release()  # harmless


def test_a_folder_at_the_breaker_path_is_named(db: Path) -> None:
    WriterLock(db, pid=_dead_pid()).acquire()
    breaker = lock_path_for(db).with_name("soloit.sqlite3.lock.break")
    breaker.mkdir()
    with pytest.raises(LockPathIsDirectoryError) as info:
        WriterLock(db).acquire()
    assert f"「{breaker}」" in info.value.message_ja
    assert breaker.is_dir()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_dangling_link_at_the_lock_path_is_named_at_once(db: Path) -> None:
    """It used to make acquire() spin and then blame another soloit."""
    path = lock_path_for(db)
    target = db.parent / "nowhere" / "x.lock"
    try:
        os.symlink(target, path)
    except OSError:  # pragma: no cover - Windows without the privilege
        pytest.skip("cannot create symbolic links here")
    started = time.monotonic()
    lock = WriterLock(db)
    with pytest.raises(LockPathIsLinkError) as info:
        lock.acquire()
    assert time.monotonic() - started < 1.0
    error = info.value
    assert isinstance(error, LockPathObstructedError) and not isinstance(error, LockHeldError)
    assert f"ロックファイルの場所「{path}」がシンボリックリンク" in error.message_ja
    assert str(target) in error.message_ja and "存在しません" in error.message_ja
    assert "このリンクを削除してください" in error.message_ja
    assert path.is_symlink() and os.readlink(path) == str(target)
    assert not target.parent.exists()  # nothing created through the link
    assert _names(db.parent) == [path.name]
    assert not lock.held


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_to_a_stale_lock_is_neither_followed_nor_deleted(db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "other.lock"
    content = json.dumps({"host": HOST, "user": "u", "pid": _dead_pid(), "started_at": _iso(), "heartbeat_at": _iso()})
    target.write_text(content, encoding="utf-8")
    path = lock_path_for(db)
    try:
        os.symlink(target, path)
    except OSError:  # pragma: no cover
        pytest.skip("cannot create symbolic links here")
    with pytest.raises(LockPathIsLinkError) as info:
        WriterLock(db).acquire()
    assert str(path) in info.value.message_ja and "存在しません" not in info.value.message_ja
    assert path.is_symlink() and target.read_text(encoding="utf-8") == content
    assert _names(elsewhere) == ["other.lock"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_at_the_lock_path_is_named_without_hanging(db: Path) -> None:
    path = lock_path_for(db)
    os.mkfifo(path)
    with pytest.raises(LockPathObstructedError) as info:
        WriterLock(db).acquire()
    assert type(info.value) is LockPathObstructedError
    assert f"ロックファイルの場所「{path}」に、通常のファイルではないもの" in info.value.message_ja
    assert _names(db.parent) == [path.name]


# --- a lock file that cannot be read -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EACCES, "アクセス権がありません"), (errno.EIO, "ディスクの読み書きでエラー")],
    ids=["EACCES", "EIO"],
)
def test_unreadable_lock_names_the_file_and_when_to_remove_it(
    db: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    path = _write_lock(db, host="OTHER-PC", user="田中", pid=1, started_at=_iso(), heartbeat_at=_iso())
    _age(path, 86400)  # old, yet never taken over: what it says is unknown

    def refuse(_path: Path) -> int:
        raise (PermissionError if code == errno.EACCES else OSError)(code, os.strerror(code), str(_path))

    monkeypatch.setattr(lockmod, "_open_existing", refuse)
    lock = WriterLock(db)
    with pytest.raises(LockUnreadableError) as info:
        lock.acquire()
    error = info.value
    assert isinstance(error, StoreError) and not isinstance(error, LockHeldError)
    assert error.path == path and error.error.errno == code
    assert f"ロックファイル「{path}」を読み取れません（{reason}" in error.message_ja
    assert "どの PC でも動いていないことを確認してから、このファイルを削除してください" in error.message_ja
    assert not lock.held and lock.holder() is None
    monkeypatch.undo()
    assert json.loads(path.read_text(encoding="utf-8"))["user"] == "田中"  # not deleted, not replaced
    assert _names(db.parent) == [path.name]


def test_io_error_while_reading_the_content_is_unreadable(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_lock(db, host="OTHER-PC", user="田中", pid=1, started_at=_iso(), heartbeat_at=_iso())

    def broken(_fd: int, _limit: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(lockmod, "_read_some", broken)
    with pytest.raises(LockUnreadableError) as info:
        WriterLock(db).acquire()
    assert "（EIO）" in info.value.message_ja and str(path) in info.value.message_ja
    monkeypatch.undo()
    assert path.exists()


@pytest.mark.skipif(os.name != "posix" or IS_ROOT, reason="needs POSIX permissions that apply (not root)")
def test_unreadable_lock_for_real(db: Path) -> None:  # pragma: no cover - skipped when the tests run as root
    path = _write_lock(db, host="OTHER-PC", user="田中", pid=1, started_at=_iso(), heartbeat_at=_iso())
    path.chmod(0)
    try:
        with pytest.raises(LockUnreadableError) as info:
            WriterLock(db).acquire()
        assert str(path) in info.value.message_ja
    finally:
        path.chmod(0o600)
    assert json.loads(path.read_text(encoding="utf-8"))["user"] == "田中"


# --- text from a lock file is shown escaped ------------------------------------------------------------------------

EVIL_HOST = "PC\x1b[2J"
EVIL_USER = "\u202eサトウ"


def test_held_error_escapes_host_and_user(db: Path) -> None:
    _write_lock(db, host=EVIL_HOST, user=EVIL_USER, pid=1, started_at=_iso(), heartbeat_at=_iso())
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    message = info.value.message_ja
    assert "PC「PC\\x1b[2J」のユーザー「\\u202eサトウ」" in message
    assert "\x1b" not in message and "\u202e" not in message
    assert (info.value.host, info.value.user) == (EVIL_HOST, EVIL_USER)  # the attributes keep what the file says


def test_clock_ahead_error_escapes_host(db: Path) -> None:
    path = _write_lock(
        db, host=EVIL_HOST, user=EVIL_USER, pid=1, started_at=_iso(), heartbeat_at=_iso(-timedelta(hours=1))
    )
    _future(path, 3600)
    with pytest.raises(LockClockAheadError) as info:
        WriterLock(db).acquire()
    message = info.value.message_ja
    assert "PC「PC\\x1b[2J」で soloit が動いていないことを確認してから" in message
    assert "\x1b" not in message and "\u202e" not in message


def test_lost_error_escapes_host_and_user(db: Path) -> None:
    lock = WriterLock(db)
    lock.acquire()
    _write_lock(db, host=EVIL_HOST, user=EVIL_USER, pid=7, started_at=_iso(), heartbeat_at=_iso())
    with pytest.raises(LockLostError) as lost:
        lock.heartbeat()
    with pytest.raises(LockLostError) as again:  # later calls build the message from the file again
        lock.heartbeat()
    for error in (lost.value, again.value):
        assert "PC「PC\\x1b[2J」のユーザー「\\u202eサトウ」" in error.message_ja
        assert "\x1b" not in error.message_ja and "\u202e" not in error.message_ja


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_link_error_escapes_the_link_target(db: Path) -> None:
    path = lock_path_for(db)
    try:
        os.symlink("evil\x1b[2J\u202e", path)
    except OSError:  # pragma: no cover
        pytest.skip("cannot create symbolic links here")
    with pytest.raises(LockPathIsLinkError) as info:
        WriterLock(db).acquire()
    assert "evil\\x1b[2J\\u202e" in info.value.message_ja
    assert "\x1b" not in info.value.message_ja and "\u202e" not in info.value.message_ja


# --- a heartbeat that cannot be written ----------------------------------------------------------------------------


def _no_space(_fd: int, _data: bytes) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_heartbeat_on_a_full_disk_says_so_and_keeps_the_lock(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = WriterLock(db)
    lock.acquire()
    before = lock.path.read_bytes()
    monkeypatch.setattr(lockmod, "_write_all", _no_space)  # the temporary file is created, writing it fails
    for _ in range(2):  # says so every time, and is never mistaken for a takeover
        with pytest.raises(LockHeartbeatFailedError) as info:
            lock.heartbeat()
        error = info.value
        assert isinstance(error, StoreError) and not isinstance(error, LockLostError)
        assert error.path == lock.path and error.error.errno == errno.ENOSPC
        assert (
            f"ロックファイル「{lock.path}」を更新できませんでした（ディスクの空き容量が足りません（ENOSPC））"
            in error.message_ja
        )
        assert "ほかの soloit に書き込み権が移ったのではなく" in error.message_ja
        assert lock.held
        assert _names(db.parent) == [lock.path.name]  # no temporary file left behind
        assert lock.path.read_bytes() == before
    monkeypatch.undo()  # space is back
    info_before = json.loads(before)
    info_before["heartbeat_at"] = _iso(timedelta(hours=1))
    lock.path.write_text(json.dumps(info_before), encoding="utf-8")
    lock.heartbeat()
    assert datetime.now(UTC) - datetime.fromisoformat(lock.holder()["heartbeat_at"]) < timedelta(minutes=1)
    assert _names(db.parent) == [lock.path.name]
    lock.release()
    assert _names(db.parent) == []


def test_heartbeat_recreating_a_removed_lock_on_a_full_disk(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = WriterLock(db)
    lock.acquire()
    lock.path.unlink()
    monkeypatch.setattr(lockmod, "_write_all", _no_space)
    with pytest.raises(LockHeartbeatFailedError):
        lock.heartbeat()
    assert lock.held and _names(db.parent) == []
    monkeypatch.undo()
    lock.heartbeat()
    assert lock.holder()["pid"] == os.getpid()


def test_read_only_folder_during_heartbeat_simulated(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only folder refuses to create the temporary file (EROFS here; EACCES for a folder without write
    permission, checked for real below when not running as root)."""
    lock = WriterLock(db)
    lock.acquire()

    def read_only(path: Path) -> int:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(lockmod, "_open_new", read_only)
    with pytest.raises(LockHeartbeatFailedError) as info:
        lock.heartbeat()
    assert "読み取り専用の場所です（EROFS）" in info.value.message_ja and str(lock.path) in info.value.message_ja
    assert lock.held and _names(db.parent) == [lock.path.name]
    monkeypatch.undo()
    lock.heartbeat()


@pytest.mark.skipif(os.name != "posix" or IS_ROOT, reason="needs POSIX permissions that apply (not root)")
def test_read_only_folder_during_heartbeat_for_real(db: Path) -> None:  # pragma: no cover - skipped as root
    lock = WriterLock(db)
    lock.acquire()
    db.parent.chmod(0o500)
    try:
        with pytest.raises(LockHeartbeatFailedError) as info:
            lock.heartbeat()
        assert "アクセス権がありません" in info.value.message_ja
        assert lock.held and _names(db.parent) == [lock.path.name]
    finally:
        db.parent.chmod(0o700)
    lock.heartbeat()
    lock.release()


def test_unreadable_own_lock_during_heartbeat_is_a_heartbeat_failure(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = WriterLock(db)
    lock.acquire()

    def broken(_fd: int, _limit: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(lockmod, "_read_some", broken)
    with pytest.raises(LockHeartbeatFailedError) as info:
        lock.heartbeat()
    assert "（EIO）" in info.value.message_ja and lock.held
    monkeypatch.undo()
    lock.heartbeat()


def test_acquire_on_a_full_disk_leaves_nothing_behind(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lockmod, "_write_all", _no_space)
    lock = WriterLock(db)
    with pytest.raises(LockUnavailableError):
        lock.acquire()
    assert not lock.held and _names(db.parent) == []


def test_folder_put_in_place_of_a_held_lock_is_named_and_then_cleared(db: Path) -> None:
    lock = WriterLock(db)
    lock.acquire()
    lock.path.unlink()
    lock.path.mkdir()
    with pytest.raises(LockPathIsDirectoryError):
        lock.heartbeat()
    assert lock.held and lock.path.is_dir()
    lock.path.rmdir()
    lock.heartbeat()  # taken again once the folder is gone
    assert lock.holder()["pid"] == os.getpid()
