"""What the 異動・引継ぎ wizard writes, as one operation for the GUI and the tests alike: the 事務引継書 as PDF and
as a workbook, and the handover file (.soloit-handover: a verified copy of the database with its manifest) the
successor opens on their own PC. Each writer refuses to replace a file that is not its own earlier output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soloit.services.bundle import Services

PDF, XLSX, HANDOVER_FILE = "pdf", "xlsx", "handover"


@dataclass(frozen=True)
class HandoverOutputs:
    written: dict[str, Path] = field(default_factory=dict)  # kind → the file written
    anchor_code: str = ""  # printed in the 事務引継書; the successor checks the database against it
    journal_count: int = 0


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in '\\/:*?"<>|').strip() or "団体"


def output_names(municipality: str, appointment_date: date) -> dict[str, str]:
    """The file names the wizard suggests: 事務引継書_みどり野町_20270401.pdf …"""
    stem = f"{_safe(municipality)}_{appointment_date:%Y%m%d}"
    return {
        PDF: f"事務引継書_{stem}.pdf",
        XLSX: f"事務引継書_{stem}.xlsx",
        HANDOVER_FILE: f"引継ぎ_{stem}.soloit-handover",
    }


def write_handover_outputs(
    services: Services,
    folder: Path,
    kinds: set[str],
    *,
    predecessor: str,
    successor: str,
    appointment_date: date,
    deadline: date,
    witness: str | None = None,
) -> HandoverOutputs:
    """Write the chosen outputs into `folder` (the handover file last: it is the slowest and verifies the
    database). A failure raises a typed error (OutputError, ValidationError) naming what was not written."""
    from soloit.exchange.handover_document import write_handover_pdf, write_handover_xlsx
    from soloit.services.errors import OutputError
    from soloit.services.handover_file import write_handover_file

    if not folder.is_dir():
        raise OutputError(f"保存先のフォルダー「{folder}」がありません。")
    profile = services.municipality.profile()
    names = output_names(profile.name if profile else "", appointment_date)
    report = services.handover_report.build(
        predecessor=predecessor, successor=successor, appointment_date=appointment_date, deadline=deadline, witness=witness
    )
    written: dict[str, Path] = {}
    if PDF in kinds:
        written[PDF] = write_handover_pdf(report, folder / names[PDF])
    if XLSX in kinds:
        written[XLSX] = write_handover_xlsx(report, folder / names[XLSX])
    if HANDOVER_FILE in kinds:
        target = folder / names[HANDOVER_FILE]
        write_handover_file(
            services.store, target, actor=services.context.actor, predecessor=predecessor, successor=successor,
            appointment_date=appointment_date.isoformat(), overwrite=True, clock=services.context.clock,
        )
        written[HANDOVER_FILE] = target
    anchor = report.header.anchor
    return HandoverOutputs(written, anchor.code, anchor.count)
