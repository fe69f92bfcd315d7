"""Before SQLite opens a database whose -wal holds frames: keep a private copy of that -wal, and look at it.

SQLite's WAL recovery silently drops every committed transaction after a damaged frame, and the -wal is deleted
when the database is next closed. So the -wal is copied first (owner-only), analysed (store/wal.py), and the copy
is deleted only once every check at open has passed. When a check fails — or the analysis finds committed
changes SQLite would not read — the copy is kept beside the damaged-file copies (<db>.damaged-<time>-wal, with a
copy of the database file itself as <db>.damaged-<time>), so nothing can be lost by opening."""

from __future__ import annotations

import contextlib
import filecmp
import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.store.errors import StoreError, describe_os_error
from soloit.store.wal import WalReport, analyse_wal, wal_path

KEPT_SUFFIX = "-wal.kept"


@dataclass
class KeptWal:
    db_path: Path
    copy: Path
    report: WalReport
    aside: Path | None = None  # where the copies went when they were kept

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
