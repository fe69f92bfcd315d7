"""Inspect a SQLite `-wal` file before SQLite opens the database: would committed transactions be lost?

SQLite's WAL recovery walks the frames from the start and stops, without any error, at the first frame whose
salts differ from the header's or whose cumulative checksum fails; the last valid commit frame before that point
ends what it recovers, and everything later is ignored (and the `-wal` is deleted when the last connection closes).
One damaged frame in the middle of a `-wal` therefore silently drops every transaction committed after it.

`analyse_wal` reads the `-wal` (streaming, standard library only) and reports what SQLite will recover and whether
committed transactions lie beyond the point where recovery stops. Format:
https://www.sqlite.org/fileformat2.html#wal_file_format

Telling loss from harmless leftovers. Each frame's checksum is seeded by the checksum stored in the frame before it,
so frames after a damaged one can still be checked on their own, using the damaged frame's stored checksum (or, when
the damage hit that stored checksum, the one computed from its content). After the first frame SQLite rejects:
  - a valid commit frame with the header's salts is a committed transaction SQLite will not read: loss;
  - a rejected frame whose header marks a commit is a lost commit too when the next frame chains from it (from its
    stored checksum, or from the one computed from its content): later writes followed it, so it was complete;
  - frames of an older WAL generation (other salts, left beyond the new frames after a checkpoint restarted the
    WAL), a torn or garbage tail after the last commit, and frames of a rolled-back transaction are not loss.
A header that fails its own checksum (or has a bad magic number or page size) makes SQLite ignore the whole WAL:
when the file holds frames it is reported as damaged with an unknown loss. A header with an unknown format version
makes SQLite refuse to open the database (an error, not silent loss); it is reported the same way.

Speed: the checksum is linear over the integers modulo 2**32, so each frame's checksum is (fixed 2×2 matrix) × (seed)
+ (the checksum of the frame with a zero seed). The zero-seed checksums of a chunk of frames are computed together,
one frame per 64-bit lane of a Python integer (a few big-integer additions per 8-byte word position of a frame),
then combined with the seeds frame by frame.

Use, before the database is opened:

    report = analyse_wal(wal_path(db_path))
    if report.damaged:
        warn(report.describe_ja())  # e.g. keep a copy of the database and its -wal before SQLite touches them"""

from __future__ import annotations

import os
import struct
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

__all__ = ["WalReport", "analyse_wal", "wal_checksum", "wal_path"]

MAGIC_LITTLE = 0x377F0682  # checksums over little-endian 32-bit words
MAGIC_BIG = 0x377F0683  # checksums over big-endian 32-bit words
WAL_VERSION = 3007000
HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
MIN_PAGE_SIZE = 512
MAX_PAGE_SIZE = 65536
DEFAULT_CHUNK_BYTES = 8 << 20

_M32 = 0xFFFFFFFF
_HEADER = struct.Struct(">IIII8sII")  # magic, version, page size, checkpoint seq, salt-1 + salt-2, checksum-1, -2
_FRAME = struct.Struct(">II8sII")  # page number, db size after commit (0: not a commit), salts, checksum-1, checksum-2


@dataclass(frozen=True)
class WalReport:
    """What SQLite's recovery will make of a `-wal` file, and what it would lose.

    Frames are numbered from 1 in file order; only complete frames count (SQLite ignores a partial last frame)."""

    size: int  # bytes in the file (0 when it is missing)
    page_size: int | None  # from the header; None when the file has no usable header
    header_ok: bool  # the header is valid (True for a file too short to hold one, which SQLite ignores)
    frames: int  # complete frames in the file
    recovered_frames: int  # frames SQLite keeps: up to and including the last valid commit frame
    recovered_commits: int  # committed transactions SQLite will read
    lost_commits: int | None  # committed transactions in the file SQLite will not read; None: unknown
    first_bad_frame: int | None  # the frame SQLite's recovery stops at (None: it reads every complete frame)
    checksum_order: Literal["little", "big"] | None = None  # byte order of the checksummed words (from the magic)
    # The file ends inside a frame of the generation SQLite reads: every complete frame is valid and the partial
    # one after them has the header's salts (or is too short to tell). SQLite ignores the partial frame; whether
    # committed changes followed it (a copy cut short) or not (a crash while writing it) cannot be known.
    truncated: bool = False

    @property
    def damaged(self) -> bool:
        """Committed transactions would be (or may be) lost if SQLite opened the database now."""
        return self.lost_commits != 0

    def describe_ja(self) -> str:
        """One sentence for the user, in Japanese."""
        if not self.header_ok and self.damaged:
            return (
                "-wal ファイルの先頭 (ヘッダー) が壊れているため、SQLite は -wal の内容をすべて無視します。"
                "確定済みの変更が失われるおそれがあります。"
            )
        if self.damaged:
            return (
                f"-wal ファイルの {self.first_bad_frame} 番目のフレームが壊れているため、"
                f"確定済みの変更 {self.lost_commits} 件を SQLite が読み込めません。"
            )
        if self.recovered_commits:
            return f"-wal ファイルに異常はありません (確定済みの変更 {self.recovered_commits} 件を読み込めます)。"
        return "-wal ファイルに異常はありません。"


def wal_path(database: Path) -> Path:
    """The `-wal` file SQLite uses beside `database`."""
    return database.with_name(database.name + "-wal")


def wal_checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's walChecksumBytes over `data` (a multiple of 8 bytes), seeded with (s0, s1). Plain and slow: for the
    32-byte header and for checking the fast path."""
    if len(data) % 8:
        raise ValueError("the WAL checksum runs over a multiple of 8 bytes")
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & _M32
        s1 = (s1 + words[i + 1] + s0) & _M32
    return s0, s1


def _matrix_power(pairs: int) -> tuple[int, int, int, int]:
    """(a, b, c, d) with [[a, b], [c, d]] = A**pairs mod 2**32, A = [[1, 1], [1, 2]]: one 8-byte step of the checksum
    maps the seed (s0, s1) to A·(s0, s1) plus a term that depends on the data only."""
    result = (1, 0, 0, 1)
    base = (1, 1, 1, 2)
    while pairs:
        if pairs & 1:
            result = _mul(result, base)
        base = _mul(base, base)
        pairs >>= 1
    return result


def _mul(x: tuple[int, int, int, int], y: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    a, b, c, d = x
    e, f, g, h = y
    return ((a * e + b * g) & _M32, (a * f + b * h) & _M32, (c * e + d * g) & _M32, (c * f + d * h) & _M32)


def _zero_seed_checksums(data: memoryview, frames: int, frame_size: int, big_endian: bool) -> list[tuple[int, int]]:
    """The checksum of each of `frames` whole frames in `data`, seeded with (0, 0): over the first 8 bytes of the
    frame header, then the page. All frames at once, one per 64-bit lane of a big integer."""
    if big_endian:  # make every 32-bit word little-endian, whatever this machine's byte order
        swapped = array("I")
        swapped.frombytes(data)
        swapped.byteswap()
        data = memoryview(swapped).cast("B")
    words = data.cast("Q")  # 8-byte items: (x, y) word pairs, x in the low half when read little-endian
    stride = frame_size // 8
    low = int.from_bytes(b"\xff\xff\xff\xff\x00\x00\x00\x00" * frames, "little")
    s0 = s1 = 0
    # Lanes are 64 bits and hold values below 2**32 after masking; one step multiplies the size by at most
    # about 2.62 (the larger eigenvalue of A), so masking every 16 steps keeps every lane below 2**64.
    positions = [0, *range(FRAME_HEADER_SIZE // 8, stride)]
    for step, position in enumerate(positions, 1):
        pair = int.from_bytes(words[position::stride].tobytes(), "little")
        x = pair & low
        s0 = s0 + s1 + x
        s1 = s1 + s0 + ((pair - x) >> 32)
        if step % 16 == 0:
            s0 &= low
            s1 &= low
    lanes0 = array("Q")
    lanes0.frombytes((s0 & low).to_bytes(8 * frames, "little"))
    lanes1 = array("Q")
    lanes1.frombytes((s1 & low).to_bytes(8 * frames, "little"))
    if sys.byteorder == "big":
        lanes0.byteswap()
        lanes1.byteswap()
    return list(zip(lanes0, lanes1, strict=True))


def _valid_page_size(value: int) -> bool:
    return MIN_PAGE_SIZE <= value <= MAX_PAGE_SIZE and value & (value - 1) == 0


def analyse_wal(path: Path, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> WalReport:
    """Read the `-wal` file at `path` as SQLite's recovery would and report what it keeps and what it would lose.

    A missing or empty file gives a clean report. Reads `chunk_bytes` at a time (at least one frame). Errors other
    than a missing file (permissions, I/O) propagate as OSError."""
    try:
        with open(path, "rb") as handle:
            return _analyse(handle, os.fstat(handle.fileno()).st_size, chunk_bytes)
    except FileNotFoundError:
        return WalReport(0, None, True, 0, 0, 0, 0, None)


def _analyse(handle: BinaryIO, size: int, chunk_bytes: int) -> WalReport:
    header = handle.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:  # no header yet: SQLite ignores the file, and nothing in it was committed
        return WalReport(size, None, True, 0, 0, 0, 0, None)
    magic, version, page_size, _checkpoint_seq, salts, ck1, ck2 = _HEADER.unpack(header)
    frame_size = page_size + FRAME_HEADER_SIZE
    usable_page_size = _valid_page_size(page_size)
    frames = (size - HEADER_SIZE) // frame_size if usable_page_size else 0
    big_endian = bool(magic & 1)
    order: Literal["little", "big"] = "big" if big_endian else "little"
    seed = wal_checksum(header[:24], big_endian)
    if (magic & 0xFFFFFFFE) != MAGIC_LITTLE or not usable_page_size or seed != (ck1, ck2) or version != WAL_VERSION:
        # SQLite ignores the whole WAL (or, for an unknown version, refuses to open the database).
        if usable_page_size:
            holds_frames = frames > 0
        else:
            holds_frames = size >= HEADER_SIZE + FRAME_HEADER_SIZE + MIN_PAGE_SIZE
        return WalReport(
            size,
            page_size if usable_page_size else None,
            False,
            frames,
            0,
            0,
            None if holds_frames else 0,
            None,
            order if (magic & 0xFFFFFFFE) == MAGIC_LITTLE else None,
        )
    walk = _Walk(salts, seed, _matrix_power(1 + page_size // 8))
    per_chunk = max(1, min(chunk_bytes // frame_size, frames))
    buffer = bytearray(per_chunk * frame_size)
    view = memoryview(buffer)
    remaining = frames
    while remaining:
        count = min(per_chunk, remaining)
        length = count * frame_size
        got = handle.readinto(view[:length])
        if got != length:  # the file shrank while being read
            count = got // frame_size
            length = count * frame_size
            remaining = count
        if not count:
            break
        chunk = view[:length]
        sums = _zero_seed_checksums(chunk, count, frame_size, big_endian)
        for index in range(count):
            walk.frame(_FRAME.unpack_from(buffer, index * frame_size), sums[index])
        remaining -= count
    truncated = False
    tail = size - HEADER_SIZE - walk.index * frame_size
    if walk.first_bad is None and tail > 0 and walk.index == frames:
        handle.seek(HEADER_SIZE + walk.index * frame_size)
        partial = handle.read(16)
        truncated = len(partial) < 16 or partial[8:16] == salts
    return WalReport(
        size,
        page_size,
        True,
        walk.index,
        walk.recovered_frames,
        walk.recovered_commits,
        walk.lost_commits,
        walk.first_bad,
        order,
        truncated,
    )


class _Walk:
    """Frame-by-frame state: SQLite's recovery walk, then the search for committed frames beyond it."""

    def __init__(self, salts: bytes, header_checksum: tuple[int, int], step: tuple[int, int, int, int]) -> None:
        self.salts = salts
        self.step = step
        self.index = 0
        self.in_prefix = True  # still inside what SQLite's recovery accepts
        self.recovered_frames = 0
        self.recovered_commits = 0
        self.first_bad: int | None = None
        self.lost_commits = 0
        self.prev_stored = header_checksum  # the stored checksum of the frame before (the header's, at first)
        self.prev_computed = header_checksum  # its checksum computed from its content and its own predecessor
        self.pending_commit = False  # the frame before was a rejected commit frame: lost if this one chains from it

    def _seeded(self, seed: tuple[int, int], zero_seeded: tuple[int, int]) -> tuple[int, int]:
        a, b, c, d = self.step
        return (a * seed[0] + b * seed[1] + zero_seeded[0]) & _M32, (c * seed[0] + d * seed[1] + zero_seeded[1]) & _M32

    def frame(self, fields: tuple[int, int, bytes, int, int], zero_seeded: tuple[int, int]) -> None:
        page, commit, salts, ck1, ck2 = fields
        self.index += 1
        stored = (ck1, ck2)
        computed = self._seeded(self.prev_stored, zero_seeded)
        ours = salts == self.salts and page != 0  # what SQLite checks before the checksum
        chains = ours and computed == stored  # valid, seeded by the previous frame's stored checksum
        if self.in_prefix:
            if chains:
                if commit:
                    self.recovered_frames = self.index
                    self.recovered_commits += 1
            else:
                self.in_prefix = False
                self.first_bad = self.index
        if not self.in_prefix:
            valid = chains or (ours and self._seeded(self.prev_computed, zero_seeded) == stored)
            if self.pending_commit and valid:
                self.lost_commits += 1
            if valid and commit:
                self.lost_commits += 1
            self.pending_commit = commit != 0 and not valid
        self.prev_stored = stored
        self.prev_computed = computed
