"""Exports and imports as whole operations, for the CLI, the GUI's jobs and the self-test alike: each takes an open
store (the job's own connection) and does everything — build, write to a temporary file, put it in place, record
— or raises a typed error having left nothing behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock, utc_text
from soloit.exchange.file_out import write_atomically
from soloit.exchange.pack import ProgressLike, read_meta, write_pack
from soloit.services.errors import FileImportError, OutputError, StoreError, ValidationError

if TYPE_CHECKING:
    from soloit.services.anchors import Anchor
    from soloit.services.bundle import Services
    from soloit.services.changes import ChangeSet
    from soloit.services.report import StatusReport
    from soloit.services.step_import import ImportPlan


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    report: StatusReport
    recorded: bool  # the export is in the journal (so the next pack lists the changes since)
    warning: str | None = None


def default_pack_name(municipality: str, as_of: date) -> str:
    safe = "".join(ch for ch in municipality if ch not in '\\/:*?"<>|').strip() or "団体"
    return f"報告パック_{safe}_{as_of:%Y%m%d}.xlsx"


def check_pack_target(out: Path, identity: str) -> None:
    """Refuse to replace a file that is not a pack of this same database (a user's file is sacred)."""
    if out.is_dir():
        raise OutputError(f"「{out}」はフォルダーです。ファイル名を指定してください。")
    if not out.exists():
        if not out.parent.is_dir():
            raise OutputError(f"保存先のフォルダー「{out.parent}」がありません。")
        return
    try:
        meta = read_meta(out)
    except FileImportError:
        raise OutputError(
            f"「{out}」は既にあり、soloit の報告パックではないため上書きしません。別の名前を指定してください。"
        ) from None
    if meta.get("database_identity") != identity:
        raise OutputError(
            f"「{out}」は別のデータベース（団体コード {meta.get('lg_code') or '不明'}）の報告パックのため上書きしません。"
            "別の名前を指定してください。"
        )


def export_pack(
    services: Services,
    out: Path,
    *,
    as_of: date,
    prepared_by: str,
    progress: ProgressLike | None = None,
    record: bool = True,
    clock: Clock = SYSTEM_CLOCK,
) -> ExportResult:
    """Write the status pack as of `as_of` to `out`, then record the export in the journal (unless `record` is
    False: a read-only database). A cancelled or failed export leaves no file and records nothing; `out` is
    replaced only when it is an earlier pack of this database."""
    import soloit
    from soloit.settings import display_name_problem

    prepared_by = prepared_by.strip()
    problem = display_name_problem(prepared_by) if prepared_by else None
    if problem:
        raise ValidationError("作成者", problem)
    report = services.report.status_report(as_of, prepared_by)
    out = out.absolute()
    check_pack_target(out, report.identity)

    def write(temp: Path) -> None:
        write_pack(report, temp, generated_at=utc_text(clock.now()), soloit_version=soloit.__version__, progress=progress)
        if progress is not None:
            progress.check()

    write_atomically(out, write, "報告パック")
    if not record:
        return ExportResult(out, report, False, "読み取り専用のため、この出力は変更記録に残していません。")
    try:
        services.report.record_export(report, out.name)
    except (StoreError, ValidationError) as exc:
        message = getattr(exc, "message_ja", str(exc))
        return ExportResult(out, report, False, f"報告パックは出力しましたが、変更記録に残せませんでした: {message}")
    return ExportResult(out, report, True)


def parse_municipality(text: str) -> tuple[str, str]:
    """「茨城県/さくら町」 → ("茨城県", "さくら町") (a full-width ／ too)."""
    parts = text.replace("／", "/").split("/")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise ValidationError("団体", f"「{text}」は「都道府県/市区町村」の形で指定してください（例: 東京都/府中市）。")
    return parts[0].strip(), parts[1].strip()


def preview_soumu_import(
    services: Services, path: Path, municipality: tuple[str, str] | None = None, *, progress: ProgressLike | None = None
) -> ImportPlan:
    """Read the ministry's sheet at `path` for `municipality` (default: the profile's) and say what would change."""
    from soloit.exchange.soumu_sheet import read_statuses

    if municipality is None:
        profile = services.municipality.profile()
        if profile is None:
            raise ValidationError("団体情報", "団体情報（都道府県・団体名）が未登録です。先に団体情報を登録してください。")
        municipality = (profile.prefecture_name, profile.name)
    if progress is not None:
        progress.report(0, 2, "読み込み")
    sheet = read_statuses(path, *municipality)
    if progress is not None:
        progress.check()
        progress.report(1, 2, "台帳との比較")
    return services.step_import.plan(sheet.statuses, source=path.name, prefecture=sheet.prefecture, municipality=sheet.municipality)


def apply_soumu_import(
    services: Services, plan: ImportPlan, *, backup_dir: Path | None, clock: Clock = SYSTEM_CLOCK
) -> ChangeSet:
    return services.step_import.apply(plan, backup_dir=backup_dir, clock=clock)




def read_anchor(path: Path) -> Anchor:
    """The journal head a file recorded, from any file soloit records one in: a status pack (its _meta), a backup or
    another copy of the database, or a handover file. FileImportError (in Japanese) for any other file or one that
    cannot be read; the file is never changed."""
    from soloit.services import anchors

    kind = anchors.sniff(path)
    if kind == anchors.DATABASE:
        return anchors.anchor_from_database(path)
    if kind == "zip":
        if anchors.is_handover_zip(path):
            return anchors.anchor_from_handover(path)
        return anchors.anchor_from_pack_meta(read_meta(path), path.name)
    from soloit.exchange import xlsx_guard

    if xlsx_guard.is_cfb(path):
        xlsx_guard.check_workbook(path)  # a password-protected (or old .xls) workbook: says so
    raise anchors.not_an_anchor(path)
