"""Does the live database still extend what its backups recorded? Kept light (sqlite3 and the backup file names
only): it runs at every start, before the grid is shown."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from soloit.domain.clock import format_jst, parse_utc
from soloit.store import backup as backup_files
from soloit.store import journal
from soloit.store.backup import BackupInfo, backup_folder, list_backups
from soloit.store.db import IDENTITY_KEY, DatabaseFacts, derived_identity

DATABASE_ENTITY = "database"
REBASE_FIELDS = ("restore", "accept")  # journal entries after which older backups no longer bind the database

KIND_LABELS = {
    "manual": "手動",
    "start": "起動時",
    "exit": "終了時",
    "pre-restore": "復元前",
    "pre-import": "取込前",
}


# whether the database a backup was copied from passed its verify (the sidecar's source_verified; None: not
# checked, or a backup made before soloit recorded it)
VERDICT_LABELS: dict[bool | None, str] = {True: "検証済み", False: "不合格", None: "未検証"}


def kind_label(kind: str) -> str:
    if kind.startswith("pre-upgrade"):
        return "更新前"
    return KIND_LABELS.get(kind, kind)


def backup_label(info: BackupInfo) -> str:
    """How every prompt names a backup: 「みどり野町（109991）2026/11/23 10:31 の起動時バックアップ（変更記録 123 件）」."""
    who = f"{info.municipality}（{info.lg_code}）" if info.lg_code else (info.municipality or "団体名不明")
    return f"{who} {format_jst(info.created_at)} の{kind_label(info.kind)}バックアップ（変更記録 {info.journal_count:,} 件）"


def database_label(facts: DatabaseFacts) -> str:
    return f"{facts.municipality}（{facts.lg_code}）" if facts.lg_code else (facts.municipality or "団体名不明")



def backups_of(root: Path, identity: str) -> list[BackupInfo]:
    """The backups of the database `identity`, newest first (older flat backups of it are moved into its folder)."""
    backup_files.adopt_legacy(root, identity)
    return list_backups(backup_folder(root, identity), identity)


@dataclass(frozen=True)
class Divergence:
    """The live database does not extend what a backup recorded."""

    backup: BackupInfo
    live_count: int
    shorter: bool  # the live journal has fewer entries than the backup recorded

    def describe_ja(self) -> str:
        if self.shorter:
            what = (
                f"今のデータベースの変更記録は {self.live_count:,} 件しかありませんが、"
                f"{backup_label(self.backup)}には {self.backup.journal_count:,} 件が記録されています。"
                "確定済みの変更が失われたか、古い状態に戻されています。"
            )
        else:
            what = (
                f"今のデータベースの変更記録の {self.backup.journal_count:,} 件目が、{backup_label(self.backup)}"
                "に記録された内容と一致しません。変更記録がまるごと書き換えられた跡です。"
            )
        return what + f"（バックアップ: {self.backup.path.name}）"


@dataclass(frozen=True)
class HeadCheck:
    """How the live journal compares with the heads its backups recorded."""

    divergences: list[Divergence]
    compared: int  # backups whose recorded head was compared
    before_rebase: int  # backups made before the newest restore or acknowledged loss (no longer binding)

    def describe_ja(self) -> str:
        if self.compared == 0 and self.before_rebase == 0:
            return "比較できるバックアップはありません。"
        text = f"バックアップ {self.compared} 個に記録された変更記録の末尾と比較しました"
        text += "（一致しないものがあります）。" if self.divergences else "（すべて一致）。"
        if self.before_rebase:
            text += f"復元または喪失の了承より前のバックアップ {self.before_rebase} 個は比較していません。"
        return text


def check_heads(conn: sqlite3.Connection, folder: Path) -> HeadCheck:
    """Compare the live journal with the backups in the database's own folder. Only file names are read (and the
    sidecar of a backup whose name disagrees, to skip another database's backup put into this folder): at every
    start, even with the backups on a file server. Backups made before the newest restore or acknowledged loss
    recorded in the live journal no longer bind it."""
    count, _head = journal.raw_head(conn)
    rebase = conn.execute(
        f"SELECT max(recorded_at) FROM journal WHERE entity = ? AND field IN ({', '.join('?' for _ in REBASE_FIELDS)})",
        (DATABASE_ENTITY, *REBASE_FIELDS),
    ).fetchone()[0]
    since = parse_utc(rebase) if rebase else None
    identity: str | None = None  # the live database's, read only when a backup's name disagrees with the journal
    found, compared, before = [], 0, 0
    for named in backup_files.scan_names(folder):
        if since is not None and named.created_at <= since:
            before += 1
            continue
        if named.journal_count == 0:
            continue
        shorter = named.journal_count > count
        if not shorter and (journal.hash_at(conn, named.journal_count) or "").startswith(named.head_prefix):
            compared += 1
            continue
        info = backup_files.read_backup(named.path)
        if info is None:
            continue
        if identity is None:
            identity = _live_identity(conn)
        if info.identity and info.identity != identity:
            continue  # another database's backup put into this folder (by hand): it binds nothing here
        compared += 1
        found.append(Divergence(info, count, shorter))
    return HeadCheck(found, compared, before)


def divergences(conn: sqlite3.Connection, folder: Path) -> list[Divergence]:
    """The backups whose recorded head the live journal does not extend, newest first (see check_heads)."""
    return check_heads(conn, folder).divergences


def _live_identity(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (IDENTITY_KEY,)).fetchone()
    return str(row[0]) if row and row[0] else derived_identity(journal.hash_at(conn, 1))
