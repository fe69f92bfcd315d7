"""Before SQLite opens a database whose -wal holds frames: keep a private copy of that -wal, and look at it.

SQLite's WAL recovery silently drops every committed transaction after a damaged frame, and the -wal is deleted
when the database is next closed. So the -wal is copied first (owner-only), analysed (store/wal.py), and the copy
is deleted only once every check at open has passed. When a check fails — or the analysis finds committed
changes SQLite would not read — the copy is kept beside the damaged-file copies (<db>.damaged-<time>-wal, with a
copy of the database file itself as <db>.damaged-<time>), so nothing can be lost by opening.

A -wal can also belong to another database (copied beside it by hand, left by a file restored over another): SQLite
checks frames only against the -wal's own header, so it would apply them. Before SQLite opens the file, the
identity and journal head of the database file alone (immutable: the -wal ignored) are compared with what the -wal
makes of it, on a private copy in the system's temporary folder (`view_with_wal`). A -wal that gives another
identity, or a journal that does not hold the file's own head, is foreign: it is moved aside as
<db>.foreign-<time>-wal (its bytes as they were) and the database opens without it. A -wal that ends inside a frame
(`WalReport.truncated`) is kept like a damaged one and reported with the entries its intact part holds.

`verify_view` gives `soloit verify` the database as it would be read, leaving nothing beside it: the file alone
(immutable) when there is no -wal, else a private copy in the temporary folder."""

from __future__ import annotations

import contextlib
import filecmp
import glob
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.durable import flush_file
from soloit.store.errors import StoreError, describe_os_error
from soloit.store.wal import WalReport, analyse_wal, wal_path

if TYPE_CHECKING:
    from soloit.store.backup import BackupInfo
    from soloit.store.db import DatabaseFacts

KEPT_SUFFIX = "-wal.kept"
FOREIGN_INFIX = ".foreign-"  # <db>.foreign-<time>-wal: a -wal that belonged to another database


@dataclass(frozen=True)
class WalView:
    """The database file alone, and the same file as SQLite reads it with the -wal applied."""

    main: DatabaseFacts | None  # the file alone (None: it cannot be read without its -wal)
    with_wal: DatabaseFacts | None  # with the -wal (None: that cannot be read)
    entries: int | None  # journal entries with the -wal applied (what its intact part holds)
    extends: bool  # with the -wal, the journal still holds the file's own head entry at its place

    @property
    def foreign(self) -> bool:
        """The -wal makes the file another database (another identity), or another copy of this one whose journal
        does not continue the file's own. Undecided (False) when either side cannot be read."""
        if self.main is None or self.with_wal is None:
            return False
        return self.main.identity != self.with_wal.identity or not self.extends


def _label(facts: DatabaseFacts) -> str:
    name = f"{facts.municipality}（{facts.lg_code}）" if facts.municipality else "団体名のないデータベース"
    return f"{name}・変更記録 {facts.journal_count:,} 件"


def _main_facts(db_path: Path) -> DatabaseFacts | None:
    from soloit.store.db import main_file_facts

    try:
        return main_file_facts(db_path)
    except (StoreError, sqlite3.Error):
        return None


def _read_with_wal(db_path: Path, wal_file: Path, folder: Path, main: DatabaseFacts | None) -> tuple[WalView, Path]:
    """Copy the database and `wal_file` into `folder` and let SQLite read them there (it applies the -wal and, on
    closing, writes it into the copy): (the view, the copy, now one self-contained file)."""
    from soloit.store.db import read_facts

    copy = folder / db_path.name
    try:
        shutil.copyfile(db_path, copy)
        shutil.copyfile(wal_file, wal_path(copy))
    except OSError as exc:
        raise StoreError(
            f"-wal ファイルがこのデータベースのものか確かめるための一時コピーを「{folder}」に作れません"
            f"（{describe_os_error(exc)}）。一時フォルダの空き容量を確認してください。データベースには何もしていません。"
        ) from exc
    with_wal, entries, extends = None, None, True
    try:
        conn = sqlite3.connect(copy)
        try:
            with_wal = read_facts(conn, copy)
            entries = int(conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0])
            if main is not None and main.journal_count > 0:
                row = conn.execute("SELECT hash FROM journal WHERE id = ?", (main.journal_count,)).fetchone()
                extends = row is not None and str(row[0]) == main.journal_head
        finally:
            conn.close()
    except (StoreError, sqlite3.Error):
        with_wal, entries, extends = None, None, True
    return WalView(main, with_wal, entries, extends), copy


def view_with_wal(db_path: Path, wal_file: Path) -> WalView:
    """What `wal_file` would make of the database at `db_path`, read on a private copy in the system's temporary
    folder (removed afterwards); the user's files are only read."""
    main = _main_facts(db_path)
    try:
        temporary = tempfile.TemporaryDirectory(prefix="soloit-wal-")
    except OSError as exc:
        raise StoreError(
            f"-wal ファイルを確かめるための一時フォルダを作れません（{describe_os_error(exc)}）。"
            "一時フォルダの空き容量を確認してください。データベースには何もしていません。"
        ) from exc
    with temporary as folder:
        view, _copy = _read_with_wal(db_path, wal_file, Path(folder), main)
    return view


def foreign_notice_ja(db_path: Path, view: WalView, done_ja: str) -> str:
    """What was found beside the database, what was done (`done_ja`), what the user can do."""
    assert view.main is not None and view.with_wal is not None
    if view.main.identity != view.with_wal.identity:  # only the identity is sure: the other pages are a mixture
        whose = f"別のデータベース（ID {view.with_wal.identity[:12]}…。このデータベースの ID は {view.main.identity[:12]}…）のもの"
    else:
        whose = "同じデータベースの別のコピーのもの（変更記録がこのファイルの続きになっていません）"
    return (
        f"データベース「{db_path.name}」（{_label(view.main)}）の横にあった -wal ファイルは、{whose}でした。"
        f"{done_ja}本体には何もしていません。"
        "その -wal の変更が必要なら、持ち主のデータベースの横に戻してから、そのデータベースを開いてください。"
        "心当たりがなければ、控えとして保管しておけば十分です。"
    )


def newest_backup(root: Path | None, identity: str | None) -> BackupInfo | None:
    """The newest backup of `identity` under the backup root (as its sidecar recorded it, not checked)."""
    if root is None or not identity:
        return None
    from soloit.store.backup import backup_folder, list_backups

    try:
        found = list_backups(backup_folder(root, identity), identity)
    except (OSError, StoreError):
        return None
    return found[0] if found else None


def truncated_notice_ja(db_path: Path, view: WalView, newest: BackupInfo | None, aside: Path | None) -> str:
    """A -wal ending inside a frame: the entries its intact part holds, and what the newest backup recorded."""
    from soloit.domain.clock import format_jst

    holds = f"変更記録 {view.entries:,} 件" if view.entries is not None else "読み取れる変更記録"
    text = (
        f"データベース「{db_path.name}」の -wal ファイルは途中で切れています（最後のフレームが不完全です。"
        "コピーが途中で止まったか、書き込みの途中で soloit が止まったためです）。"
        f"切れる前の部分には{holds}が含まれています。"
    )
    if newest is not None:
        text += (
            f"このデータベースの最新のバックアップ（{format_jst(newest.created_at)}）には変更記録 "
            f"{newest.journal_count:,} 件（末尾ハッシュ {newest.journal_head[:12]}…）が記録されています。"
        )
    else:
        text += "このデータベースのバックアップは見つかりません。"
    if aside is not None:
        text += f"開く前の状態を「{aside.name}」と「{aside.name}-wal」に残しました（専門家が取り出せる可能性があります）。"
    return text


@dataclass
class KeptWal:
    db_path: Path
    copy: Path
    report: WalReport
    aside: Path | None = None  # where the copies went when they were kept
    view: WalView | None = None  # set by inspect()

    def inspect(self) -> WalView:
        """Compare the database file alone with what this -wal makes of it (store/wal_guard.view_with_wal)."""
        if self.view is None:
            self.view = view_with_wal(self.db_path, self.copy)
        return self.view

    def set_aside_foreign(self, clock: Clock = SYSTEM_CLOCK) -> Path:
        """A -wal of another database: moved, as it is, to <db>.foreign-<time>-wal, so SQLite opens the database
        file alone. The private copy is deleted (the moved file holds the same bytes)."""
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        target = self.db_path.with_name(f"{self.db_path.name}{FOREIGN_INFIX}{stamp}-wal")
        n = 1
        while target.exists():
            n += 1
            target = self.db_path.with_name(f"{self.db_path.name}{FOREIGN_INFIX}{stamp}-{n}-wal")
        try:
            os.replace(wal_path(self.db_path), target)
        except OSError as exc:
            self.release()
            raise StoreError(
                f"データベース「{self.db_path}」の横に、別のデータベースの -wal ファイルがあります。"
                f"それを「{target.name}」に移せません（{describe_os_error(exc)}）。"
                f"「{self.db_path.parent}」の書き込み権限を確認するか、-wal ファイルを別の場所に移してから開いてください。"
                "データベースには何もしていません。"
            ) from exc
        with contextlib.suppress(OSError):
            self.copy.unlink(missing_ok=True)
        self.aside = target
        return target

    def release(self) -> None:
        """Every check passed: the private copy is not needed."""
        if self.aside is None:
            with contextlib.suppress(OSError):
                self.copy.unlink(missing_ok=True)

    def set_aside(self, clock: Clock = SYSTEM_CLOCK) -> Path:
        """Keep the copy beside the damaged-file copies, with a copy of the database file as it was before SQLite
        opened it (the two together hold every committed change). Returns the database copy's path."""
        if self.aside is not None:
            return self.aside
        earlier = self._kept_before()
        if earlier is not None:  # the same files were kept by an earlier open or verify: one copy is enough
            with contextlib.suppress(OSError):
                self.copy.unlink(missing_ok=True)
            self.aside = earlier
            return earlier
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        target = self.db_path.with_name(f"{self.db_path.name}.damaged-{stamp}")
        n = 1
        while target.exists() or Path(f"{target}-wal").exists():
            n += 1
            target = self.db_path.with_name(f"{self.db_path.name}.damaged-{stamp}-{n}")
        try:
            shutil.copy2(self.db_path, target)
            os.chmod(target, 0o600)
            flush_file(target)  # the kept copy holds committed changes: on the disk before the -wal is moved beside it
            os.replace(self.copy, Path(f"{target}-wal"))
        except OSError as exc:
            raise StoreError(
                f"壊れた -wal ファイルの控えを「{self.db_path.parent}」に残せません: {describe_os_error(exc)}。"
                "空き容量を確認してから、もう一度開いてください（データベースには何もしていません）。"
            ) from exc
        self.aside = target
        return target


    def _kept_before(self) -> Path | None:
        """A <db>.damaged-* copy (with its -wal) holding exactly these bytes, kept by an earlier attempt."""
        try:
            wal_size, db_size = self.copy.stat().st_size, self.db_path.stat().st_size
            candidates = sorted(self.db_path.parent.glob(glob.escape(self.db_path.name) + ".damaged-*-wal"))
        except OSError:
            return None
        for kept_wal in candidates:
            kept_db = Path(str(kept_wal)[: -len("-wal")])
            try:
                if (
                    kept_wal.stat().st_size == wal_size
                    and kept_db.is_file()
                    and kept_db.stat().st_size == db_size
                    and filecmp.cmp(kept_wal, self.copy, shallow=False)
                    and filecmp.cmp(kept_db, self.db_path, shallow=False)
                ):
                    return kept_db
            except OSError:
                continue
        return None


def keep_wal(db_path: Path) -> KeptWal | None:
    """Copy <db>-wal privately and analyse the copy; None when there is no -wal or it is empty."""
    wal = wal_path(db_path)
    try:
        if not wal.is_file() or wal.stat().st_size == 0:
            return None
    except OSError:
        return None
    copy = Path(f"{db_path}{KEPT_SUFFIX}")
    try:
        copy.unlink(missing_ok=True)
        fd = os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out, open(wal, "rb") as source:
            shutil.copyfileobj(source, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            copy.unlink(missing_ok=True)
        raise StoreError(
            f"データベースを開く前に -wal ファイルの控えを作れません（{describe_os_error(exc)}）。"
            f"「{db_path.parent}」の空き容量と書き込み権限を確認してください。データベースには何もしていません。"
        ) from exc
    return KeptWal(db_path, copy, analyse_wal(copy))


# --- verify: the database as it would be read, nothing left beside it --------------------------------------------


@dataclass(frozen=True)
class VerifyView:
    """What `soloit verify` opens read-only: `path` (the user's file, or a private copy with the -wal applied)."""

    path: Path
    immutable: bool  # the file alone, any -wal ignored
    finding: str | None = None  # what is wrong with the -wal beside the database (None: nothing)
    fatal: bool = False  # the -wal would lose committed changes: nothing else is worth verifying


@contextlib.contextmanager
def verify_view(db_path: Path, root_for: Callable[[bool], Path] | None = None) -> Iterator[VerifyView]:
    """The database as soloit would read it, for a read-only verify that leaves no -wal, -shm or copy beside it:
      - a soloit on this PC has it open (its lock, its -wal and -shm; the GUI's own ファイル → データベースを検証):
        read in place with mode=ro, which adds no file and sees the writer's latest commit;
      - no -wal (or an empty one): the file alone, immutable, in place;
      - otherwise a private copy of the file and its -wal in the system's temporary folder (removed afterwards):
        a foreign -wal is reported and the file alone verified; a damaged one is reported (fatal); a truncated
        one is reported and its intact part verified.
    `root_for(demo)` gives the backup root, for the newest backup a truncated -wal is compared with."""
    from soloit.store.db import prove_soloit
    from soloit.store.lock import held_by_running_writer

    prove_soloit(db_path)
    wal = wal_path(db_path)
    if wal.is_file() and Path(f"{db_path}-shm").is_file() and held_by_running_writer(db_path):
        yield VerifyView(db_path, immutable=False)
        return
    try:
        has_wal = wal.is_file() and wal.stat().st_size > 0
    except OSError:
        has_wal = False
    if not has_wal:
        yield VerifyView(db_path, immutable=True)
        return
    try:
        temporary = tempfile.TemporaryDirectory(prefix="soloit-verify-")
    except OSError as exc:
        raise StoreError(
            f"検証のための一時フォルダを作れません（{describe_os_error(exc)}）。一時フォルダの空き容量を確認してください。"
        ) from exc
    with temporary as name:
        folder = Path(name)
        wal_copy = folder / "kept-wal"
        try:
            shutil.copyfile(wal, wal_copy)
        except OSError as exc:
            raise StoreError(f"-wal ファイルを読み取れません（{describe_os_error(exc)}）。") from exc
        report = analyse_wal(wal_copy)
        main = _main_facts(db_path)
        view, copy = _read_with_wal(db_path, wal_copy, folder, main)
        if view.foreign:
            done = (
                "データベース本体だけを検証しました（-wal ファイルはそのままです。soloit で開くと、"
                f"この -wal は「{db_path.name}{FOREIGN_INFIX}日時-wal」として残され、本体だけで開きます）。"
            )
            yield VerifyView(db_path, True, foreign_notice_ja(db_path, view, done))
        elif report.damaged:
            yield VerifyView(copy, False, (
                f"データベース「{db_path}」の -wal ファイルが壊れています。{report.describe_ja()}"
                "soloit で開くと、開く前の状態を別名で残してから、バックアップに戻すか・読み取り専用で見るか・"
                "失われた変更を了承して開くかを選べます（この検証では何も変更していません）。"
            ), fatal=True)
        elif report.truncated:
            known = main or view.with_wal
            root = root_for(known.demo) if root_for is not None and known is not None else None
            newest = newest_backup(root, known.identity if known is not None else None)
            yield VerifyView(copy, False, truncated_notice_ja(db_path, view, newest, None)
                             + "その部分を検証しました。soloit で開くと、開く前の状態を別名で残します。")
        else:
            yield VerifyView(copy, False)
