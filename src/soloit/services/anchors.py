"""Anchors: a journal head recorded outside the database (a status pack's _meta, a backup, another copy of the
database, a handover file, or a code read off the printed 事務引継書), and whether the database still extends it.

The hash chain alone cannot show a journal rewritten and rehashed as a whole, or cut short with its head fixed up;
a head recorded elsewhere can: entry number `count` must still exist and its stored hash must equal the head
recorded then (and `verify` proves the stored hashes genuine). Reading a file never changes it."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from soloit.domain.anchor_code import AnchorCodeError, anchor_code, parse_anchor_code
from soloit.domain.clock import format_jst
from soloit.services.errors import FileImportError, ValidationError
from soloit.store import journal

PACK, BACKUP, DATABASE, HANDOVER, CODE = "pack", "backup", "database", "handover", "code"
EXTENDS, SHORTER, DIFFERS, OTHER_DATABASE = "extends", "shorter", "differs", "other-database"
_HEAD = re.compile(r"[0-9a-f]{64}")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Anchor:
    """A journal head recorded outside the database."""

    count: int  # entries in the journal when it was recorded
    head: str  # the hash of entry `count` (64 hex digits; a code read off paper carries the first 15)
    source_label_ja: str  # 「報告パック『pack.xlsx』（基準日 2026-11-22、出力 2026/11/22 10:31）」
    kind: str  # PACK | BACKUP | DATABASE | HANDOVER | CODE
    recorded_at: str | None = None  # ISO UTC: when it was recorded (the pack written, the backup made …)
    as_of: date | None = None  # a pack's 基準日
    identity: str | None = None  # the database it belongs to, when the file says

    @property
    def code(self) -> str:
        """The anchor as the 事務引継書 prints it (100375-BSRT-E3ZY-B2NG-S)."""
        return anchor_code(self.count, self.head)


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    ok: bool
    outcome: str  # EXTENDS | SHORTER | DIFFERS | OTHER_DATABASE
    anchor: Anchor
    live_count: int
    added: int  # entries added since the anchor (0 unless it extends)
    message_ja: str


def check_anchor(conn: sqlite3.Connection, anchor: Anchor, *, identity: str | None = None) -> AnchorCheck:
    """Does the journal on `conn` still extend `anchor`? (The caller verifies the chain: only then is the stored
    hash at `anchor.count` genuine.) `identity` is the database's; an anchor of another database is said so."""
    live = int(conn.execute("SELECT coalesce(max(id), 0) FROM journal").fetchone()[0])
    label = anchor.source_label_ja
    if identity and anchor.identity and identity != anchor.identity:
        return AnchorCheck(
            False, OTHER_DATABASE, anchor, live, 0,
            f"{label}は別のデータベースのものです（データベースの識別子が違います）。このデータベースとは比べられません。"
            "このデータベースの報告パック・バックアップ・引継ぎファイルを指定してください。",
        )
    if anchor.count > live:
        return AnchorCheck(
            False, SHORTER, anchor, live, 0,
            f"今のデータベースの変更記録は {live:,} 件しかありませんが、{label}には {anchor.count:,} 件が記録されています。"
            f"その後の {anchor.count - live:,} 件の変更記録が削除されたか、古い状態に戻されています。",
        )
    stored = journal.GENESIS_HASH if anchor.count == 0 else (journal.hash_at(conn, anchor.count) or "")
    if stored[: len(anchor.head)] != anchor.head:
        hint = "照合コードの読み違い・打ち間違いでないかも確かめてください。" if anchor.kind == CODE else ""
        return AnchorCheck(
            False, DIFFERS, anchor, live, 0,
            f"今のデータベースの変更記録の {anchor.count:,} 件目が、{label}に記録された内容と一致しません。"
            f"変更記録が書き換えられ、ハッシュが計算し直された跡です。{hint}",
        )
    added = live - anchor.count
    since = f"その後に追加された変更記録は {added:,} 件です。" if added else "その後の変更記録はありません。"
    return AnchorCheck(
        True, EXTENDS, anchor, live, added,
        f"{label}に記録された変更記録 {anchor.count:,} 件目まで一致しました（照合コード {anchor.code}）。{since}",
    )


# --- reading anchors -----------------------------------------------------------------------------------------------


def anchor_from_code(text: str) -> Anchor:
    """The anchor a code read off paper stands for; ValidationError (in Japanese) when it is not a code."""
    try:
        parsed = parse_anchor_code(text)
    except AnchorCodeError as exc:
        raise ValidationError("照合コード", exc.message_ja) from None
    return Anchor(parsed.count, parsed.head_prefix, f"照合コード「{parsed.text}」", CODE)


def anchor_from_pack_meta(values: dict[str, Any], name: str) -> Anchor:
    """The anchor a status pack's _meta records (read by exchange.pack.read_meta, which proves it a pack)."""
    count = values.get("journal_count")
    head = str(values.get("journal_head") or "")
    if isinstance(count, float) and count.is_integer():  # Excel keeps numbers as floats
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0 or not _HEAD.fullmatch(head):
        raise FileImportError("報告パックの変更記録の件数・末尾ハッシュ（_meta）を読み取れません。", file=name, sheet="_meta")
    as_of = None
    try:
        as_of = date.fromisoformat(str(values.get("as_of")))
    except ValueError:
        pass
    generated = str(values.get("generated_at") or "") or None
    details = [f"基準日 {as_of.isoformat()}" if as_of else "", f"出力 {format_jst(generated)}" if generated else ""]
    shown = "、".join(d for d in details if d)
    return Anchor(
        count, head, f"報告パック「{name}」" + (f"（{shown}）" if shown else ""), PACK,
        recorded_at=generated, as_of=as_of, identity=str(values.get("database_identity") or "") or None,
    )


def anchor_from_database(path: Path) -> Anchor:
    """The head a soloit database file or backup records (read-only, after proving it soloit's own); the head must
    be that file's own newest entry. FileImportError when it is not a soloit database or cannot be read."""
    from soloit.services.divergence import backup_label
    from soloit.store.backup import read_backup
    from soloit.store.db import facts_of
    from soloit.store.errors import StoreError
    from soloit.store.uri import file_uri

    try:
        facts = facts_of(path)
        conn = sqlite3.connect(file_uri(path), uri=True)
        try:
            own = journal.GENESIS_HASH if facts.journal_count == 0 else journal.hash_at(conn, facts.journal_count)
        finally:
            conn.close()
    except StoreError as exc:
        raise FileImportError(exc.message_ja, file=path.name) from None
    except sqlite3.Error as exc:
        raise FileImportError(f"soloit のデータベースとして読み取れません（{exc}）。", file=path.name) from None
    if own != facts.journal_head:
        raise FileImportError(
            "このファイル自体の変更記録の件数・末尾が食い違っています（壊れているか、書き換えられています）。比べる基準にはできません。",
            file=path.name,
        )
    info = read_backup(path)
    if info is not None:
        return Anchor(
            facts.journal_count, facts.journal_head, f"{backup_label(info)}「{path.name}」", BACKUP,
            recorded_at=info.created_at.isoformat(), identity=facts.identity,
        )
    who = f"{facts.municipality}（{facts.lg_code}）" if facts.lg_code else (facts.municipality or "団体名不明")
    last = f"、最終変更 {format_jst(facts.last_change)}" if facts.last_change else ""
    return Anchor(
        facts.journal_count, facts.journal_head, f"データベース「{path.name}」（{who}{last}）", DATABASE,
        recorded_at=facts.last_change or None, identity=facts.identity,
    )


def anchor_from_handover(path: Path) -> Anchor:
    """The head a handover file's manifest records (services.handover_file)."""
    from soloit.services.handover_file import read_handover_manifest

    manifest = read_handover_manifest(path)
    people = " → ".join(p for p in (manifest.predecessor, manifest.successor) if p)
    details = "、".join(d for d in (f"作成 {format_jst(manifest.created_at)}", people) if d)
    return Anchor(
        manifest.journal_count, manifest.journal_head, f"引継ぎファイル「{path.name}」（{details}）", HANDOVER,
        recorded_at=manifest.created_at, identity=manifest.database_identity or None,
    )


def sniff(path: Path) -> str:
    """What kind of anchor file `path` looks like from its first bytes: DATABASE (SQLite), "zip" (a pack or a
    handover file) or "" (neither). FileImportError when it cannot be read at all."""
    if not path.exists():
        raise FileImportError("ファイルが見つかりません。", file=path.name)
    if path.is_dir():
        raise FileImportError("ファイルではなくフォルダです。報告パック・バックアップ・引継ぎファイルを指定してください。", file=path.name)
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        from soloit.services.errors import describe_os_error

        raise FileImportError(f"読み取れません（{describe_os_error(exc)}）。", file=path.name) from None
    if header.startswith(b"SQLite format 3\x00"):
        return DATABASE
    if header.startswith(_ZIP_MAGIC):
        return "zip"
    return ""


def not_an_anchor(path: Path) -> FileImportError:
    return FileImportError(
        "soloit の報告パック（.xlsx）・バックアップ（.sqlite3）・引継ぎファイル（.soloit-handover）ではありません。"
        "このファイルには何もしていません。",
        file=path.name,
    )


def is_handover_zip(path: Path) -> bool:
    """A ZIP holding a handover manifest (rather than an Excel workbook)."""
    import zipfile

    from soloit.services.handover_file import MANIFEST

    try:
        with zipfile.ZipFile(path) as zf:
            return MANIFEST in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
