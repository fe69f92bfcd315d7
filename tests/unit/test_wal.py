"""store.wal against real SQLite: a writer commits in WAL mode and is killed (so the -wal stays), the -wal is then
damaged in known ways, and the report is compared with what SQLite itself recovers from the same files.

Every scenario opens a copy of the files with the sqlite3 module and checks the rows SQLite shows, so the tests
prove the report matches SQLite's behaviour rather than re-stating the rule. Row n is written by the writer's n-th
transaction; the table exists in the database file before the writer starts, so the -wal holds exactly the writer's
transactions."""

from __future__ import annotations

import random
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soloit.store.wal import WalReport, analyse_wal, wal_path

N = 24  # transactions the writer commits
HEADER = 32
FRAME_HEADER = 24

WRITER = r"""
import os, random, sqlite3, sys, time
db, script = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("PRAGMA synchronous=FULL")
row = 0
for step in script.split(","):
    kind, _, arg = step.partition(":")
    if kind == "commit":  # arg transactions, one row each, of varied size (one to several pages)
        for _ in range(int(arg)):
            row += 1
            blob = random.Random(row).randbytes(200 + (row * 997) % 3000)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t(n, b) VALUES (?, ?)", (row, blob))
            conn.execute("COMMIT")
    elif kind == "restart":
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        assert busy == 0
    elif kind == "spill":  # an uncommitted transaction big enough to spill pages into the WAL
        conn.execute("PRAGMA cache_size=4")
        conn.execute("BEGIN IMMEDIATE")
        for i in range(int(arg)):
            conn.execute("INSERT INTO t(n, b) VALUES (?, ?)", (-1 - i, bytes(3000)))
    elif kind == "rollback":
        conn.execute("ROLLBACK")
        conn.execute("PRAGMA cache_size=-2000")
print("ready", flush=True)
time.sleep(120)
"""


@dataclass(frozen=True)
class Pristine:
    """A database and its -wal as a killed writer left them."""

    db: bytes
    wal: bytes
    page_size: int

    @property
    def frame_size(self) -> int:
        return self.page_size + FRAME_HEADER

    def frames(self, wal: bytes | None = None) -> list[tuple[int, int, bytes]]:
        """(page number, db size after commit, salts) of every complete frame."""
        wal = self.wal if wal is None else wal
        out = []
        for offset in range(HEADER, len(wal) - self.frame_size + 1, self.frame_size):
            page, commit, salts = struct.unpack_from(">II8s", wal, offset)
            out.append((page, commit, salts))
        return out

    def transactions(self) -> list[list[int]]:
        """The 1-based frame numbers of each committed transaction of the current generation, in order."""
        salts = self.wal[16:24]
        out, current = [], []
        for number, (_page, commit, frame_salts) in enumerate(self.frames(), 1):
            if frame_salts != salts:
                break
            current.append(number)
            if commit:
                out.append(current)
                current = []
        return out

    def offset(self, frame: int) -> int:
        return HEADER + (frame - 1) * self.frame_size


def run_writer(workdir: Path, script: str, page_size: int = 4096) -> Pristine:
    """Run the writer on a new database, SIGKILL it once it has done `script`, return the files it left."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA page_size={page_size}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, b BLOB NOT NULL)")
    conn.commit()
    conn.close()  # checkpointed: the table is in the database file, the -wal is gone
    assert not wal_path(db).exists()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.kill()  # SIGKILL: no checkpoint, the -wal stays as it is
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    return Pristine(db.read_bytes(), wal_path(db).read_bytes(), page_size)


def materialise(pristine: Pristine, where: Path, wal: bytes | None) -> Path:
    """Write the database and (unless `wal` is None) a -wal into a new directory; no -shm, as after a reboot."""
    where.mkdir(parents=True)
    db = where / "ledger.sqlite3"
    db.write_bytes(pristine.db)
    if wal is not None:
        wal_path(db).write_bytes(wal)
    return db


def sqlite_rows(db: Path) -> list[int]:
    """The rows SQLite shows when it opens a copy of `db` and its -wal (recovery runs on the copy)."""
    copy_dir = Path(tempfile.mkdtemp(dir=db.parent, prefix="opened-"))
    copy = copy_dir / db.name
    shutil.copyfile(db, copy)
    if wal_path(db).exists():
        shutil.copyfile(wal_path(db), wal_path(copy))
    conn = sqlite3.connect(copy)
    try:
        return [n for (n,) in conn.execute("SELECT n FROM t ORDER BY id")]
    finally:
        conn.close()


def analyse(pristine: Pristine, where: Path, wal: bytes | None) -> tuple[WalReport, list[int]]:
    db = materialise(pristine, where, wal)
    report = analyse_wal(wal_path(db))
    return report, sqlite_rows(db)


def flip(wal: bytes, offset: int, length: int = 16, xor: int = 0xFF) -> bytes:
    data = bytearray(wal)
    for i in range(offset, offset + length):
        data[i] ^= xor
    return bytes(data)


@pytest.fixture(scope="module", params=[512, 4096, 65536], ids=lambda size: f"page{size}")
def committed(request, tmp_path_factory) -> Pristine:
    """N committed transactions, writer killed."""
    page_size = request.param
    return run_writer(tmp_path_factory.mktemp(f"committed{page_size}"), f"commit:{N}", page_size)


@pytest.fixture(scope="module")
def committed4k(tmp_path_factory) -> Pristine:
    return run_writer(tmp_path_factory.mktemp("committed4k"), f"commit:{N}")


# (a) an intact WAL


def test_intact_wal_recovers_every_commit(committed, tmp_path):
    report, rows = analyse(committed, tmp_path / "a", committed.wal)
    assert rows == list(range(1, N + 1))  # SQLite reads all N transactions
    assert len(committed.transactions()) == N
    assert not report.damaged
    assert report.header_ok and report.page_size == committed.page_size
    assert report.recovered_commits == N and report.lost_commits == 0
    assert report.frames == report.recovered_frames == len(committed.frames())
    assert report.first_bad_frame is None and not report.truncated
    assert report.checksum_order == ("little" if committed.wal[3] == 0x82 else "big")
    assert "異常はありません" in report.describe_ja()


# (b) a damaged frame drops every later commit, exactly as SQLite does

WHERE = {
    "page data of its first frame": (0, lambda p: FRAME_HEADER + p.page_size // 2),
    "page data of its commit frame": (-1, lambda p: FRAME_HEADER + p.page_size // 3),
    "start of the page of its first frame": (0, lambda p: FRAME_HEADER),
    "stored checksum of its first frame": (0, lambda p: 16),
    "stored checksum of its commit frame": (-1, lambda p: 16),
    "salts of its commit frame": (-1, lambda p: 8),
}


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("k", [1, 2, N // 2, N - 1])
def test_damaged_frame_loses_the_commits_sqlite_drops(committed, tmp_path, k, where):
    which, offset_in_frame = WHERE[where]
    frame = committed.transactions()[k - 1][which]
    length = 8 if "salts" in where or "checksum" in where else 16
    wal = flip(committed.wal, committed.offset(frame) + offset_in_frame(committed), length)
    report, rows = analyse(committed, tmp_path / "b", wal)
    assert rows == list(range(1, k))  # SQLite silently stops before transaction k
    assert report.damaged
    assert report.first_bad_frame == frame
    assert report.recovered_commits == k - 1
    assert report.recovered_frames == (committed.transactions()[k - 2][-1] if k > 1 else 0)
    assert report.lost_commits == N - (k - 1)  # transactions k..N: committed, in the file, not read
    assert report.describe_ja() == (
        f"-wal ファイルの {frame} 番目のフレームが壊れているため、確定済みの変更 {N - k + 1} 件を SQLite が読み込めません。"
    )


def test_two_damaged_frames_still_count_every_lost_commit(committed4k, tmp_path):
    txns = committed4k.transactions()
    wal = committed4k.wal
    for k in (5, 15):
        wal = flip(wal, committed4k.offset(txns[k - 1][0]) + FRAME_HEADER + 100)
    report, rows = analyse(committed4k, tmp_path / "b2", wal)
    assert rows == list(range(1, 5))
    assert report.recovered_commits == 4 and report.lost_commits == N - 4


def test_damaged_last_commit_frame_is_read_as_a_torn_tail(committed4k, tmp_path):
    """The last commit frame damaged, nothing after it: indistinguishable from a commit cut short by a crash
    (no later write proves it was complete), so it is not reported as loss. SQLite drops that transaction."""
    last = committed4k.transactions()[-1][-1]
    wal = flip(committed4k.wal, committed4k.offset(last) + FRAME_HEADER + 10)
    report, rows = analyse(committed4k, tmp_path / "last", wal)
    assert rows == list(range(1, N))
    assert not report.damaged
    assert report.recovered_commits == N - 1 and report.first_bad_frame == last


# (c) a torn tail after the last commit is not loss


def test_wal_truncated_inside_its_last_frame_is_not_damage(committed4k, tmp_path):
    last = len(committed4k.frames())
    wal = committed4k.wal[: committed4k.offset(last) + FRAME_HEADER + committed4k.page_size // 2]
    report, rows = analyse(committed4k, tmp_path / "c", wal)
    assert rows == list(range(1, N))  # the last transaction lost its commit frame: SQLite drops it
    assert not report.damaged
    assert report.frames == last - 1 and report.recovered_commits == N - 1
    assert report.truncated  # ends inside a frame: kept and reported at open (store/wal_guard.py)


@pytest.mark.parametrize("written", [FRAME_HEADER - 10, FRAME_HEADER, FRAME_HEADER + 1000, "whole, stale page"])
def test_partly_written_frame_after_the_last_commit_is_not_damage(committed4k, tmp_path, written):
    """A crash while the next transaction's commit frame was being written: its header (salts right, commit flag
    set, checksum of the page that was meant to follow) and part of the page, or a stale page in its place."""
    last = len(committed4k.frames())
    header = bytearray(committed4k.wal[committed4k.offset(last) : committed4k.offset(last) + FRAME_HEADER])
    header[0:8] = struct.pack(">II", 3, 999)  # page 3, a commit frame
    header[16:24] = bytes(range(8))  # the checksum of a page never written
    page = random.Random(7).randbytes(committed4k.page_size)
    tail = (bytes(header) + page)[:written] if isinstance(written, int) else bytes(header) + page
    report, rows = analyse(committed4k, tmp_path / "c2", committed4k.wal + tail)
    assert rows == list(range(1, N + 1))
    assert not report.damaged and report.recovered_commits == N
    assert report.truncated == isinstance(written, int)  # a whole frame, however stale, is not a cut file


def test_uncommitted_transaction_spilled_into_the_wal_is_not_damage(tmp_path):
    pristine = run_writer(tmp_path / "w", "commit:6,spill:40")
    report, rows = analyse(pristine, tmp_path / "c3", pristine.wal)
    assert rows == list(range(1, 7))
    assert report.frames > report.recovered_frames  # the spilled frames are there, valid, never committed
    assert report.first_bad_frame is None
    assert not report.damaged and report.recovered_commits == 6


def test_frames_of_a_rolled_back_transaction_left_beyond_new_commits_are_not_damage(tmp_path):
    pristine = run_writer(tmp_path / "w", "commit:6,spill:40,rollback:,commit:2")
    report, rows = analyse(pristine, tmp_path / "c4", pristine.wal)
    assert rows == list(range(1, 9))
    assert report.first_bad_frame is not None and report.frames > report.recovered_frames
    assert not report.damaged and report.recovered_commits == 8


# (d) frames of an older WAL generation are not loss


@pytest.fixture(scope="module")
def restarted(tmp_path_factory) -> Pristine:
    """N commits, a checkpoint that restarts the WAL, three commits over the start of the old frames."""
    return run_writer(tmp_path_factory.mktemp("restarted"), f"commit:{N},restart:,commit:3")


def test_frames_of_an_older_generation_are_not_damage(restarted, tmp_path):
    report, rows = analyse(restarted, tmp_path / "d", restarted.wal)
    assert not analyse(restarted, tmp_path / "d-cut", restarted.wal[:-100])[0].truncated  # a cut old generation
    assert rows == list(range(1, N + 4))  # N from the database file, 3 from the new WAL generation
    salts = {frame_salts for _page, _commit, frame_salts in restarted.frames()}
    assert len(salts) == 2  # old-generation frames are really there
    assert report.first_bad_frame == report.recovered_frames + 1
    assert not report.damaged
    assert report.recovered_commits == 3 and report.lost_commits == 0


def test_damage_in_the_new_generation_counts_only_its_commits(restarted, tmp_path):
    first_of_second = restarted.transactions()[1][0]
    wal = flip(restarted.wal, restarted.offset(first_of_second) + FRAME_HEADER + 50)
    report, rows = analyse(restarted, tmp_path / "d2", wal)
    assert rows == list(range(1, N + 2))
    assert report.recovered_commits == 1 and report.lost_commits == 2


# (e) a damaged header with frames: SQLite ignores the whole WAL


HEADER_DAMAGE = {
    "magic": (0, 0xFF),
    "magic byte order bit": (3, 0x01),
    "page size": (8, 0xFF),
    "page size still valid": (10, 0x30),  # 4096 becomes 8192 (or 512 becomes 4096...)
    "checkpoint sequence": (12, 0xFF),
    "salt-1": (16, 0xFF),
    "salt-2": (23, 0x01),
    "checksum-1": (24, 0xFF),
    "checksum-2": (31, 0x80),
}


@pytest.mark.parametrize("field", list(HEADER_DAMAGE))
def test_damaged_header_with_frames_is_damage_of_unknown_extent(committed4k, tmp_path, field):
    offset, xor = HEADER_DAMAGE[field]
    wal = flip(committed4k.wal, offset, 1, xor)
    report, rows = analyse(committed4k, tmp_path / "e", wal)
    assert rows == []  # SQLite ignored every frame
    assert not report.header_ok
    assert report.damaged and report.lost_commits is None
    assert report.recovered_commits == 0
    assert "ヘッダー" in report.describe_ja()


def test_unknown_wal_version_is_damage_sqlite_refuses_to_open(committed4k, tmp_path):
    header = bytearray(committed4k.wal[:HEADER])
    header[4:8] = struct.pack(">I", 3007001)
    header[24:32] = struct.pack(">2I", *reference_checksum(bytes(header[:24]), big_endian=False))
    db = materialise(committed4k, tmp_path / "e2", bytes(header) + committed4k.wal[HEADER:])
    report = analyse_wal(wal_path(db))
    assert report.damaged and report.lost_commits is None and not report.header_ok
    with pytest.raises(sqlite3.Error):
        sqlite_rows(db)


@pytest.mark.parametrize("extra", [0, FRAME_HEADER + 100])
def test_damaged_header_without_a_whole_frame_is_not_damage(committed4k, tmp_path, extra):
    wal = flip(committed4k.wal[: HEADER + extra], 20, 1)
    report, rows = analyse(committed4k, tmp_path / "e3", wal)
    assert rows == []
    assert not report.header_ok and not report.damaged


# (f) nothing to read


@pytest.mark.parametrize("content", [None, b"", b"\x37\x7f\x06\x82" + bytes(20), "header only"])
def test_missing_empty_or_frameless_wal_is_clean(committed4k, tmp_path, content):
    wal = committed4k.wal[:HEADER] if content == "header only" else content
    report, rows = analyse(committed4k, tmp_path / "f", wal)
    assert rows == []
    assert not report.damaged
    assert report.frames == report.recovered_commits == report.lost_commits == 0
    assert report.size == (0 if wal is None else len(wal))
    assert report.describe_ja() == "-wal ファイルに異常はありません。"


# (g) checksums over big-endian words


def reference_checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """walChecksumBytes, straight from the file format document (independent of the module under test)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def rewrite_checksums(pristine: Pristine, big_endian: bool) -> bytes:
    """The same WAL with its magic and every checksum (header, then each frame of the chain) recomputed over words
    in the other byte order."""
    wal = bytearray(pristine.wal)
    wal[0:4] = struct.pack(">I", 0x377F0683 if big_endian else 0x377F0682)
    cksum = reference_checksum(bytes(wal[:24]), big_endian)
    wal[24:32] = struct.pack(">2I", *cksum)
    for number in range(1, len(pristine.frames()) + 1):
        at = pristine.offset(number)
        content = bytes(wal[at : at + 8] + wal[at + FRAME_HEADER : at + pristine.frame_size])
        cksum = reference_checksum(content, big_endian, *cksum)
        wal[at + 16 : at + 24] = struct.pack(">2I", *cksum)
    return bytes(wal)


@pytest.fixture(scope="module")
def big_endian(committed) -> tuple[Pristine, bytes]:
    native_big = committed.wal[3] == 0x83
    return committed, rewrite_checksums(committed, big_endian=not native_big)


def test_checksums_in_the_other_byte_order_are_read(big_endian, tmp_path):
    pristine, wal = big_endian
    report, rows = analyse(pristine, tmp_path / "g", wal)
    assert rows == list(range(1, N + 1))  # SQLite accepts the rewritten WAL: the rewrite is right
    assert report.checksum_order == ("little" if pristine.wal[3] == 0x83 else "big")  # the other one
    assert not report.damaged and report.recovered_commits == N


@pytest.mark.parametrize("k", [3, N - 2])
def test_damage_with_checksums_in_the_other_byte_order(big_endian, tmp_path, k):
    pristine, wal = big_endian
    frame = pristine.transactions()[k - 1][0]
    report, rows = analyse(pristine, tmp_path / "g2", flip(wal, pristine.offset(frame) + FRAME_HEADER + 64))
    assert rows == list(range(1, k))
    assert report.first_bad_frame == frame
    assert report.recovered_commits == k - 1 and report.lost_commits == N - k + 1


# Streaming: the chunk size changes nothing


@pytest.mark.parametrize("damaged_txn", [None, 7])
def test_chunk_size_does_not_change_the_report(committed, tmp_path, damaged_txn):
    wal = committed.wal
    if damaged_txn:
        wal = flip(wal, committed.offset(committed.transactions()[damaged_txn - 1][0]) + FRAME_HEADER + 8)
    path = materialise(committed, tmp_path / "s", wal)
    reports = {analyse_wal(wal_path(path), chunk_bytes=size) for size in (1, 3 * committed.frame_size, 1 << 30)}
    assert len(reports) == 1
    assert reports.pop() == analyse_wal(wal_path(path))


def test_largest_words_do_not_overflow_the_checksum_lanes(committed, tmp_path):
    """Pages of 0xFF bytes (the largest 32-bit words) with checksums rewritten by the plain reference: every frame
    still checks out. (Arithmetic only: the pages are not a database, SQLite is not asked.)"""
    wal = bytearray(committed.wal)
    for number in range(1, len(committed.frames()) + 1):
        at = committed.offset(number) + FRAME_HEADER
        wal[at : at + committed.page_size] = b"\xff" * committed.page_size
    native_big = committed.wal[3] == 0x83
    for big in (native_big, not native_big):
        rewritten = rewrite_checksums(Pristine(committed.db, bytes(wal), committed.page_size), big)
        db = materialise(committed, tmp_path / f"ff-{big}", rewritten)
        report = analyse_wal(wal_path(db))
        assert report.first_bad_frame is None and report.recovered_commits == N


# Property: one changed byte anywhere in a frame before the last commit frame


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_changed_byte_before_the_last_commit_matches_sqlite(committed4k, data):
    pristine = committed4k
    last_commit = pristine.transactions()[-1][-1]
    frame = data.draw(st.integers(1, last_commit - 1), label="frame")
    at = data.draw(st.integers(0, pristine.frame_size - 1), label="byte in frame")
    xor = data.draw(st.integers(1, 255), label="xor")
    wal = bytearray(pristine.wal)
    wal[pristine.offset(frame) + at] ^= xor
    with tempfile.TemporaryDirectory() as where:
        report, rows = analyse(pristine, Path(where) / "p", bytes(wal))
    recovered = len(rows)
    assert rows == list(range(1, recovered + 1))
    assert report.damaged
    assert report.first_bad_frame == frame
    assert report.recovered_commits == recovered
    assert report.lost_commits is not None and report.lost_commits >= 1
    if 4 <= at < 8:
        # The changed byte is in the frame's "database size after commit" field: it may have turned a plain frame
        # into one that looks like a commit frame, or (a database under 256 pages) a commit frame into a plain one.
        assert abs(report.lost_commits - (N - recovered)) <= 1
    else:
        assert report.lost_commits == N - recovered
