"""The handover file (.soloit-handover): what a predecessor gives the successor, who opens it on another PC.

A ZIP holding exactly two members: `manifest.json` (who, when, which database, its journal head and anchor code,
the database's SHA-256 and size) and `soloit.sqlite3` (a consistent copy made with SQLite's online backup, through
store/backup.py, and verified before it is written). Installing it extracts the database beside nothing the user
already has, checks its size, hash, chain and head against the manifest, and only then leaves it in place.

Only the two known member names are ever read (a name with a path in it is never used as a path), and a member
larger than the manifest says is refused before it is read."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soloit.domain.anchor_code import anchor_code
from soloit.domain.clock import SYSTEM_CLOCK, Clock, utc_text
from soloit.durable import flush_file
from soloit.services.errors import FileImportError, OutputError, StoreError, describe_os_error

FORMAT = "soloit-handover"
FORMAT_VERSION = 1
SUFFIX = ".soloit-handover"
MANIFEST = "manifest.json"
DATABASE = "soloit.sqlite3"
MAX_MANIFEST = 64 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


class HandoverFileError(FileImportError):
    """A handover file that cannot be read or installed; nothing was left behind. The message says what is wrong
    and what the user can do."""


@dataclass(frozen=True, slots=True)
class HandoverManifest:
    format: str
    format_version: int
    created_at: str  # ISO UTC
    created_by: str
    municipality: dict[str, str]  # {"name", "lg_code"}
    database_identity: str
    journal_count: int
    journal_head: str
    anchor_code: str
    db_sha256: str
    db_size: int
    predecessor: str | None = None
    successor: str | None = None
    appointment_date: str | None = None
    app_version: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


@dataclass(frozen=True, slots=True)
class InstalledHandover:
    path: Path  # the installed database
    manifest: HandoverManifest
    entries: int  # journal entries verified


# --- writing ---------------------------------------------------------------------------------------------------


def write_handover_file(
    store_or_path: Any,
    target: Path,
    *,
    actor: str,
    predecessor: str | None = None,
    successor: str | None = None,
    appointment_date: str | None = None,
    overwrite: bool = False,
    clock: Clock = SYSTEM_CLOCK,
) -> HandoverManifest:
    """Write a handover file of the database (an open Store or a database path) to `target`.

    The database is copied with SQLite's online backup, and the copy is checked and verified (chain, values, data
    against the journal) before anything is written: a database that does not verify is refused. An existing
    `target` is replaced only with `overwrite`, and only when it is itself a handover file. The file is written
    beside `target` under a temporary name and renamed into place: it appears whole or not at all."""
    import soloit
    from soloit.services.integrity import verify
    from soloit.store.backup import integrity_check, online_copy
    from soloit.store.db import facts_of, open_database

    db_path = Path(getattr(store_or_path, "path", store_or_path))
    target = Path(target)
    _check_target(target, overwrite)
    work = _temp_dir(target.parent)
    try:
        copy = work / DATABASE
        online_copy(db_path, copy, target_error=_output_error)
        problem = integrity_check(copy)
        if problem != "ok":
            raise OutputError(f"データベースのコピーの検査に失敗しました（{problem}）。引継ぎファイルは作成していません。")
        store = open_database(copy, readonly=True, check_location=False)
        try:
            report = verify(store)
        finally:
            store.close()
        if not report.ok:
            raise OutputError(
                "このデータベースは検証に合格しないため、引継ぎファイルを作成できません。"
                f"{report.summary_ja()} 検証に合格するバックアップに戻してから作成してください（soloit verify で確認できます）。"
            )
        facts = facts_of(copy)
        size, digest = _size_and_sha256(copy)
        manifest = HandoverManifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            created_at=utc_text(clock.now()),
            created_by=actor,
            municipality={"name": facts.municipality, "lg_code": facts.lg_code},
            database_identity=facts.identity,
            journal_count=facts.journal_count,
            journal_head=facts.journal_head,
            anchor_code=anchor_code(facts.journal_count, facts.journal_head),
            db_sha256=digest,
            db_size=size,
            predecessor=predecessor or None,
            successor=successor or None,
            appointment_date=appointment_date or None,
            app_version=str(soloit.__version__),
        )
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.partial")
        try:
            # a full copy of the database: readable by its owner only (0600), like the database itself
            fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_RDWR | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "w+b") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(MANIFEST, manifest.to_json())
                zf.write(copy, DATABASE)
            flush_file(partial)
            _check_target(target, overwrite)  # nothing appeared there while the copy was made
            os.replace(partial, target)
        except OSError as exc:
            raise _output_error(target.parent, exc) from exc
        finally:
            partial.unlink(missing_ok=True)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_target(target: Path, overwrite: bool) -> None:
    if target.is_dir():
        raise OutputError(f"「{target}」はフォルダです。引継ぎファイルの名前を指定してください。")
    if not target.exists():
        return
    if not overwrite:
        raise OutputError(f"「{target}」は既にあります。上書きはしません。別の名前を指定してください。")
    try:
        read_handover_manifest(target)
    except HandoverFileError:
        raise OutputError(
            f"「{target}」は soloit の引継ぎファイルではないため、上書きしません。別の名前を指定してください。"
        ) from None


def _temp_dir(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".soloit-handover-", dir=folder))
    except OSError as exc:
        raise _output_error(folder, exc) from exc


def _output_error(folder: Path, exc: BaseException) -> StoreError:
    reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
    return OutputError(
        f"引継ぎファイルを「{folder}」に書き込めません: {reason}。空き容量と書き込み権限を確認してください。"
        "データベースは変更していません。"
    )


def _size_and_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


# --- reading ---------------------------------------------------------------------------------------------------


def read_handover_manifest(path: Path) -> HandoverManifest:
    """The manifest of a handover file; HandoverFileError (in Japanese) when the file is not one soloit can read."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise HandoverFileError("ファイルが見つかりません。", file=name)
    try:
        with zipfile.ZipFile(path) as zf:
            members = {info.filename: info for info in zf.infolist()}
            info = members.get(MANIFEST)
            if info is None:
                raise HandoverFileError("soloit の引継ぎファイルではありません（manifest.json がありません）。", file=name)
            if info.file_size > MAX_MANIFEST:
                raise HandoverFileError("soloit の引継ぎファイルではありません（manifest.json が大きすぎます）。", file=name)
            raw = zf.read(MANIFEST)
            if DATABASE not in members:
                raise HandoverFileError(
                    "引継ぎファイルにデータベース（soloit.sqlite3）が入っていません。前任者に作り直してもらってください。", file=name
                )
    except (zipfile.BadZipFile, zlib.error, EOFError):  # not a ZIP, or its compressed data damaged
        raise HandoverFileError(
            "soloit の引継ぎファイルではありません（ZIP 形式ではないか、壊れています）。", file=name
        ) from None
    except OSError as exc:
        raise HandoverFileError(f"読み取れません（{describe_os_error(exc)}）。", file=name) from None
    return _parse_manifest(raw, name)


def recorded_successor(path: Path) -> str:
    """The 後任者 a handover file names (what the successor's 設定 proposes as their name); '' for another file,
    one that cannot be read, or one that names no successor."""
    if Path(path).suffix.lower() != SUFFIX:
        return ""
    try:
        return (read_handover_manifest(path).successor or "").strip()
    except HandoverFileError:
        return ""


def _parse_manifest(raw: bytes, name: str) -> HandoverManifest:
    def refuse(what: str) -> HandoverFileError:
        return HandoverFileError(f"引継ぎファイルの manifest.json を読み取れません（{what}）。", file=name)

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("JSON ではありません") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HandoverFileError("soloit の引継ぎファイルではありません（manifest.json の形式が違います）。", file=name)
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise refuse("format_version がありません")
    if version != FORMAT_VERSION:
        if version > FORMAT_VERSION:
            raise HandoverFileError(
                f"この引継ぎファイルは新しい版の soloit（形式 {version}）で作られています。この soloit が読めるのは形式 "
                f"{FORMAT_VERSION} です。soloit を更新してから開いてください。", file=name,
            )
        raise refuse(f"不明な形式 {version}")

    def text(key: str, *, optional: bool = False) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise refuse(f"{key} がありません")
        return value

    def count(key: str, minimum: int) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise refuse(f"{key} が正しくありません")
        return value

    municipality = data.get("municipality")
    if not isinstance(municipality, dict) or not all(isinstance(municipality.get(k), str) for k in ("name", "lg_code")):
        raise refuse("municipality がありません")
    head, digest = text("journal_head"), text("db_sha256")
    if not _HEX64.fullmatch(head or ""):
        raise refuse("journal_head が正しくありません")
    if not _HEX64.fullmatch(digest or ""):
        raise refuse("db_sha256 が正しくありません")
    journal_count = count("journal_count", 0)
    code = text("anchor_code")
    assert head is not None and digest is not None and code is not None
    if code != anchor_code(journal_count, head):
        raise refuse("照合コードが件数・末尾ハッシュと一致しません")
    return HandoverManifest(
        format=FORMAT,
        format_version=version,
        created_at=text("created_at") or "",
        created_by=text("created_by") or "",
        municipality={"name": municipality["name"], "lg_code": municipality["lg_code"]},
        database_identity=text("database_identity") or "",
        journal_count=journal_count,
        journal_head=head,
        anchor_code=code,
        db_sha256=digest,
        db_size=count("db_size", 1),
        predecessor=text("predecessor", optional=True),
        successor=text("successor", optional=True),
        appointment_date=text("appointment_date", optional=True),
        app_version=text("app_version", optional=True) or "",
    )


# --- installing ------------------------------------------------------------------------------------------------


def install_handover_file(path: Path, target_db: Path) -> InstalledHandover:
    """Put the database of the handover file `path` at `target_db` (which must not exist: a user's data is sacred).

    The database is extracted under a temporary name beside `target_db`, its size and SHA-256 are checked against
    the manifest, it is opened read-only and verified in full, and its journal head must be the manifest's; only
    then is it put at `target_db`. On any failure only the file this function extracted is removed, and the
    HandoverFileError says what was wrong and what the user can do."""
    from soloit.services.integrity import verify
    from soloit.store.db import facts_of, open_database

    path, target_db = Path(path), Path(target_db)
    name = path.name
    manifest = read_handover_manifest(path)
    _refuse_existing(target_db, name)
    folder = target_db.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise HandoverFileError(f"「{folder}」に書き込めません（{describe_os_error(exc)}）。", file=name) from None
    if free < manifest.db_size:
        raise HandoverFileError(
            f"「{folder}」の空き容量が足りません（必要 {manifest.db_size / 1e6:,.1f} MB、空き {free / 1e6:,.1f} MB）。"
            "空きを作ってから、もう一度開いてください。", file=name,
        )
    staging = target_db.with_name(f".{target_db.name}.{uuid.uuid4().hex[:12]}.handover")
    try:
        _extract(path, manifest, staging)
        try:
            store = open_database(staging, readonly=True, check_location=False)
        except StoreError as exc:
            raise _damaged(name, f"データベースを開けません: {exc.message_ja}") from None
        try:
            report = verify(store)
        finally:
            store.close()
        if not report.ok:
            raise _damaged(name, f"データベースが検証に合格しません: {report.summary_ja()}")
        facts = facts_of(staging)
        if (facts.journal_count, facts.journal_head) != (manifest.journal_count, manifest.journal_head):
            raise _damaged(
                name,
                f"データベースの変更記録（{facts.journal_count:,} 件）の末尾が、manifest.json に記録された "
                f"{manifest.journal_count:,} 件目（照合コード {manifest.anchor_code}）と一致しません",
            )
        if manifest.database_identity and facts.identity != manifest.database_identity:
            raise _damaged(name, "データベースの識別子が manifest.json の記録と一致しません")
        _refuse_existing(target_db, name)
        _put_in_place(staging, target_db, name)
    finally:
        _remove_own(staging)
    return InstalledHandover(target_db, manifest, report.entries)


def _refuse_existing(target_db: Path, name: str) -> None:
    for candidate in (target_db, Path(f"{target_db}-wal"), Path(f"{target_db}-shm"), Path(f"{target_db}-journal")):
        if candidate.exists():
            raise HandoverFileError(
                f"「{candidate}」は既にあります。今あるデータを守るため、上書きはしません。"
                "別の場所を指定するか、今のファイルを別の場所に移してから、もう一度開いてください。", file=name,
            )


def _damaged(name: str, what: str) -> HandoverFileError:
    return HandoverFileError(
        f"{what}。引継ぎファイルが壊れているか、作成後に書き換えられています。何も取り込んでいません。"
        "前任者に引継ぎファイルを作り直してもらってください。", file=name,
    )


def _extract(path: Path, manifest: HandoverManifest, staging: Path) -> None:
    """Copy the database member to `staging` (a new private file), refusing more bytes than the manifest says and
    checking size and SHA-256 against it."""
    name = path.name
    digest = hashlib.sha256()
    written = 0
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(DATABASE)
            if info.file_size != manifest.db_size:
                raise _damaged(
                    name, f"データベースの大きさ（{info.file_size:,} バイト）が manifest.json の記録（{manifest.db_size:,} バイト）と違います"
                )
            fd = os.open(staging, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as out, zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    written += len(chunk)
                    if written > manifest.db_size:
                        raise _damaged(name, "データベースが manifest.json に記録された大きさより大きくなっています")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a damaged member (CRC or deflate data)
        raise _damaged(name, f"ZIP の中身を読み取れません（{exc}）") from None
    except OSError as exc:
        raise HandoverFileError(
            f"データベースを「{staging.parent}」に取り出せません（{describe_os_error(exc)}）。空き容量と書き込み権限を確認してください。",
            file=name,
        ) from None
    if written != manifest.db_size or digest.hexdigest() != manifest.db_sha256:
        raise _damaged(name, "データベースの内容（SHA-256）が manifest.json の記録と一致しません")


def _put_in_place(staging: Path, target_db: Path, name: str) -> None:
    """`staging` becomes `target_db`, never replacing a file that appeared there meanwhile."""
    try:
        os.link(staging, target_db)  # fails if target_db exists
    except FileExistsError:
        _refuse_existing(target_db, name)
        raise
    except OSError:
        try:  # a file system without hard links: rename, after checking once more
            _refuse_existing(target_db, name)
            os.rename(staging, target_db)
        except OSError as exc:
            raise HandoverFileError(
                f"データベースを「{target_db}」に置けません（{describe_os_error(exc)}）。", file=name
            ) from None


def _remove_own(staging: Path) -> None:
    """Remove the extracted file and what SQLite may have made beside it (all named after it, so all ours)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)
