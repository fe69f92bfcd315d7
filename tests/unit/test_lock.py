"""store/lock.py: one writer per database through an OS lock held for the session, given back by the OS when its
process dies (500 SIGKILLs, none left blocking), who holds it named from the JSON beside it, never two winners."""

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
from soloit.store.errors import NetworkLocationError, StoreError
from soloit.store.lock import (
    LockHeldError,
    LockLostError,
    LockPathIsDirectoryError,
    LockPathIsLinkError,
    LockPathObstructedError,
    LockUnavailableError,
    WriterLock,
    held_by_running_writer,
    holder_path_for,
    lock_path_for,
)

HOST = socket.gethostname()
POSIX = os.name == "posix"

# A process that takes the lock, says so on stdout, and waits to be killed.
HOLDER = r"""
import sys, time
from pathlib import Path
from soloit.store.lock import WriterLock
WriterLock(Path(sys.argv[1]), user=sys.argv[2]).acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "soloit.sqlite3"


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _holding_process(db: Path, user: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), user], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _end(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_files_are_named_after_the_database(db: Path) -> None:
    assert lock_path_for(db) == db.with_name("soloit.sqlite3.lock")
    assert holder_path_for(db) == db.with_name("soloit.sqlite3.lock.json")
    lock = WriterLock(db)
    assert (lock.path, lock.info_path) == (lock_path_for(db), holder_path_for(db))


def test_acquire_says_who_and_release_gives_the_lock_back(db: Path) -> None:
    lock = WriterLock(db, user="山田 太郎")
    lock.acquire()
    assert lock.held and lock.left_behind is None
    info = json.loads(lock.info_path.read_text(encoding="utf-8"))
    assert (info["host"], info["user"], info["pid"]) == (HOST, "山田 太郎", os.getpid())
    assert datetime.fromisoformat(info["started_at"]).utcoffset() == timedelta(0)
    assert lock.holder() == info
    assert held_by_running_writer(db)
    lock.release()
    assert not lock.held
    assert _names(db.parent) == []  # the lock file this session made is gone with it
    assert not held_by_running_writer(db)
    lock.release()  # twice is harmless
    with WriterLock(db, user="次の人") as again:  # free again, for anyone
        assert again.holder()["user"] == "次の人"


def test_context_manager_and_no_leftovers(db: Path) -> None:
    with WriterLock(db) as lock:
        assert lock.held and _names(db.parent) == ["soloit.sqlite3.lock", "soloit.sqlite3.lock.json"]
        lock.check()
    assert not lock.held
    assert _names(db.parent) == []


def test_a_lock_file_found_there_stays_after_release(db: Path) -> None:
    """A lock file this session did not make (left by a soloit that was killed) is not removed: only the one
    a session made itself goes with it."""
    lock_path = db.with_name(db.name + ".lock")
    lock_path.write_bytes(b"")
    with WriterLock(db) as lock:
        assert lock.held
    assert _names(db.parent) == ["soloit.sqlite3.lock"]
    with WriterLock(db) as again:
        assert again.held


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_lock_files_are_private(db: Path) -> None:
    with WriterLock(db) as lock:
        assert os.stat(lock.path).st_mode & 0o777 == 0o600
        assert os.stat(lock.info_path).st_mode & 0o777 == 0o600


def test_a_second_writer_in_the_same_process_is_told_who_holds_it(db: Path) -> None:
    holder = WriterLock(db, user="佐藤 花子")
    holder.acquire()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db, user="鈴木 一郎").acquire()
    error = info.value
    assert isinstance(error, StoreError)
    assert (error.host, error.user, error.pid) == (HOST, "佐藤 花子", os.getpid())
    assert error.since is not None and abs(datetime.now(UTC) - error.since) < timedelta(minutes=1)
    assert f"PC「{HOST}」" in error.message_ja and "ユーザー「佐藤 花子」" in error.message_ja
    assert "使用中" in error.message_ja and "から" in error.message_ja
    assert holder.holder()["user"] == "佐藤 花子"  # untouched by the refused writer
    holder.release()


def test_the_time_in_the_message_is_japan_time(db: Path) -> None:
    WriterLock(db, host="JOHO-PC01", user="山田").acquire()
    info = json.loads(holder_path_for(db).read_text(encoding="utf-8"))
    info["started_at"] = "2026-11-22T23:30:00+00:00"
    holder_path_for(db).write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(LockHeldError) as error:
        WriterLock(db).acquire()
    assert "2026/11/23 08:30 から" in error.value.message_ja


def test_another_process_holds_it_until_killed_then_it_is_free(db: Path) -> None:
    proc = _holding_process(db, "前任 次郎")
    try:
        with pytest.raises(LockHeldError) as info:
            WriterLock(db).acquire()
        assert info.value.user == "前任 次郎" and info.value.pid == proc.pid
        assert held_by_running_writer(db)
    finally:
        _end(proc)  # SIGKILL: nothing of soloit's runs on the way out
    assert not held_by_running_writer(db)
    lock = WriterLock(db, user="後任 三郎")
    lock.acquire()
    assert lock.left_behind is not None and lock.left_behind["pid"] == proc.pid  # the dead holder's record
    assert lock.holder()["user"] == "後任 三郎"
    lock.release()


KILLER = r"""
import os, random, signal, sys, time
from pathlib import Path
from soloit.store.lock import LockHeldError, WriterLock
db, rounds = Path(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261208)
blocked = killed_holding = recovered = 0
for n in range(rounds):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        WriterLock(db, user="killed").acquire()
        os.write(w, b"x")
        while True:
            signal.pause()
    os.close(w)
    if n % 2 == 0:  # killed while holding the lock
        if os.read(r, 1) != b"x":
            raise SystemExit(f"round {n}: the child did not take the lock")
        killed_holding += 1
    else:  # killed at any moment: before, inside or after taking the lock and writing who holds it
        time.sleep(rng.uniform(0, 0.004))
    os.close(r)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    lock = WriterLock(db, user="next")
    try:
        lock.acquire()
    except LockHeldError:
        blocked += 1
        continue
    recovered += n % 2 == 0 and (lock.left_behind or {}).get("pid") == pid
    lock.release()
print(blocked, killed_holding, recovered, flush=True)
"""


@pytest.mark.skipif(not POSIX or not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX")
def test_500_sigkills_leave_no_lock_blocking(db: Path) -> None:
    """500 processes killed with SIGKILL, half of them holding the lock (the others at any moment of taking it):
    after every kill the lock is free at once for the next writer, which sees the killed holder's record."""
    done = subprocess.run([sys.executable, "-c", KILLER, str(db), "500"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    blocked, killed_holding, recovered = map(int, done.stdout.split())
    assert blocked == 0
    assert killed_holding == 250 and recovered == 250
    assert _names(db.parent) == ["soloit.sqlite3.lock"]  # no record, no temporary file left


RACER = r"""
import sys, time
from pathlib import Path
from soloit.store.lock import LockHeldError, WriterLock
won = []
for line in sys.stdin:
    db, start = line.split("\t")
    lock = WriterLock(Path(db))
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        lock.acquire()
        won.append(lock)  # kept: a winner goes on holding its lock
        print("won", flush=True)
    except LockHeldError:
        print("held", flush=True)
"""


@pytest.mark.parametrize("killed_holder", [False, True], ids=["free", "killed-holder"])
def test_racing_processes_never_both_win(tmp_path: Path, killed_holder: bool) -> None:
    """Three processes take the same lock at the same instant, 20 times over: exactly one wins each time (with the
    record of a killed holder in place too). Winners keep holding, so a loser cannot mistake one for gone."""
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    try:
        for round_no in range(20):
            db = tmp_path / f"r{round_no}" / "soloit.sqlite3"
            db.parent.mkdir()
            if killed_holder and round_no < 3:
                _end(_holding_process(db, "killed"))
            start = time.time() + 0.05
            for racer in racers:
                racer.stdin.write(f"{db}\t{start}\n")
                racer.stdin.flush()
            results = sorted(racer.stdout.readline().strip() for racer in racers)
            assert results == ["held", "held", "won"], f"round {round_no}: {results}"
            assert json.loads(holder_path_for(db).read_text(encoding="utf-8"))["pid"] in {r.pid for r in racers}
            assert _names(db.parent) == ["soloit.sqlite3.lock", "soloit.sqlite3.lock.json"]
    finally:
        for racer in racers:
            racer.stdin.close()
            racer.wait(timeout=10)
            racer.stdout.close()


def test_an_old_lock_file_with_content_does_not_block(db: Path) -> None:
    """A lock file an earlier soloit wrote (its JSON inside, of a process long gone) is only a file: locked as is,
    left as is."""
    old = json.dumps({"host": HOST, "user": "旧版", "pid": 999999, "started_at": "2020-01-01T00:00:00+00:00"})
    lock_path_for(db).write_text(old, encoding="utf-8")
    with WriterLock(db, user="新版") as lock:
        assert lock.holder()["user"] == "新版"
    assert lock_path_for(db).read_text(encoding="utf-8") == old


def test_without_the_holder_record_the_message_says_who_is_unknown(db: Path) -> None:
    holder = WriterLock(db)
    holder.acquire()
    holder.info_path.unlink()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert info.value.user is None and "使用者を確認できません" in info.value.message_ja
    holder.info_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert "使用者を確認できません" in info.value.message_ja
    holder.release()
    assert holder.info_path.exists()  # not ours: left alone
    WriterLock(db).acquire()  # and no obstacle


def test_a_holder_record_that_cannot_be_written_leaves_the_lock_held(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk full while saying who holds it: the lock is ours anyway; a second writer is refused, saying it cannot
    tell who holds it (never naming a holder who left, whose record is removed)."""

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    holder_path_for(db).write_text(json.dumps({"host": "OLD-PC", "user": "去った人", "pid": 1}), encoding="utf-8")
    monkeypatch.setattr(lockmod, "write_json", full)
    lock = WriterLock(db, user="今の人")
    lock.acquire()
    assert lock.held and lock.left_behind["user"] == "去った人"
    assert not holder_path_for(db).exists()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert "使用者を確認できません" in info.value.message_ja
    lock.release()


def test_unwritable_folder_is_a_store_error(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "missing-folder" / "soloit.sqlite3")
    with pytest.raises(LockUnavailableError) as info:
        lock.acquire()
    assert isinstance(info.value, StoreError)
    assert f"フォルダー「{tmp_path / 'missing-folder'}」がありません" in info.value.message_ja
    assert not lock.held


@pytest.mark.skipif(
    not POSIX or (hasattr(os, "geteuid") and os.geteuid() == 0), reason="POSIX modes; root writes anyway"
)
def test_read_only_folder_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LockUnavailableError) as info:
            WriterLock(folder / "soloit.sqlite3").acquire()
        assert "作成できません" in info.value.message_ja
    finally:
        folder.chmod(0o700)


def test_a_network_folder_is_refused_before_any_lock(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lockmod, "is_network_path", lambda path: Path(path) == db)
    with pytest.raises(NetworkLocationError) as info:
        WriterLock(db).acquire()
    assert "ネットワーク上のフォルダ" in info.value.message_ja
    assert _names(db.parent) == []


def test_a_folder_at_the_lock_path_is_named_and_never_deleted(db: Path) -> None:
    folder = lock_path_for(db)
    folder.mkdir()
    (folder / "inside.txt").write_text("keep")
    with pytest.raises(LockPathIsDirectoryError) as info:
        WriterLock(db).acquire()
    assert isinstance(info.value, LockPathObstructedError) and "フォルダー" in info.value.message_ja
    assert (folder / "inside.txt").read_text() == "keep"


@pytest.mark.skipif(not POSIX, reason="symbolic links need privileges on Windows")
def test_a_link_at_the_lock_path_is_neither_followed_nor_deleted(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    lock_path_for(db).symlink_to(target)
    with pytest.raises(LockPathIsLinkError) as info:
        WriterLock(db).acquire()
    assert "存在しません" in info.value.message_ja  # dangling
    assert lock_path_for(db).is_symlink() and not target.exists()  # not created through the link
    target.write_text("theirs")
    with pytest.raises(LockPathIsLinkError):
        WriterLock(db).acquire()
    assert target.read_text() == "theirs"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_at_the_lock_path_is_named_without_hanging(db: Path) -> None:
    os.mkfifo(lock_path_for(db))
    with pytest.raises(LockPathObstructedError) as info:
        WriterLock(db).acquire()
    assert "パイプ" in info.value.message_ja
    assert not held_by_running_writer(db)


def test_names_from_the_record_are_escaped(db: Path) -> None:
    WriterLock(db, host="PC\x1b[31m", user="悪意\u202eある").acquire()
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    text = info.value.message_ja
    assert "\x1b" not in text and "\u202e" not in text
    assert "PC\\x1b[31m" in text and "悪意\\u202eある" in text


def test_held_by_running_writer_creates_nothing(db: Path) -> None:
    assert not held_by_running_writer(db)
    assert _names(db.parent) == []


@pytest.mark.skipif(not POSIX, reason="Windows does not let an open lock file be removed")
def test_a_removed_lock_file_is_locked_again_by_its_holder(db: Path) -> None:
    lock = WriterLock(db, user="山田")
    lock.acquire()
    lock.path.unlink()
    lock.check()  # nobody else: the new file is ours
    with pytest.raises(LockHeldError) as info:
        WriterLock(db).acquire()
    assert info.value.user == "山田"
    lock.release()


@pytest.mark.skipif(not POSIX, reason="Windows does not let an open lock file be removed")
def test_a_removed_lock_file_locked_by_another_soloit_is_a_lost_lock(db: Path) -> None:
    lock = WriterLock(db, user="山田")
    lock.acquire()
    lock.path.unlink()
    other = WriterLock(db, host="OTHER\x1b-PC", user="後任 三郎")
    other.acquire()
    with pytest.raises(LockLostError) as info:
        lock.check()
    assert "後任 三郎" in info.value.message_ja and "\x1b" not in info.value.message_ja
    assert not lock.held
    with pytest.raises(LockLostError):
        lock.check()  # a lost lock stays lost
    lock.release()
    assert other.holder()["user"] == "後任 三郎"  # the other's record is not ours to remove
    other.release()


def test_check_before_acquire_is_a_bug(db: Path) -> None:
    with pytest.raises(RuntimeError):
        WriterLock(db).check()


def test_the_selftest_proves_a_second_process_is_refused(tmp_path: Path) -> None:
    """The check the Windows build runs under Wine: a real session holds the lock; a second writer in this process
    and `soloit demo --replace` in another process are refused naming the PC; free again after closing."""
    from soloit.ui.selftest import _lock

    detail = _lock(tmp_path)
    assert f"PC「{HOST}」" in detail and "終了コード 2" in detail
    assert not held_by_running_writer(tmp_path / "selftest-session" / "soloit.sqlite3")
