"""What the 異動・引継ぎ wizard writes, as one operation for the GUI and the tests alike: the 事務引継書 as PDF and
as a workbook, and the handover file (.soloit-handover: a verified copy of the database with its manifest) the
successor opens on their own PC. Each writer refuses to replace a file that is not its own earlier output.

The writing needs only the built report (plain data) and the database's path, so the wizard runs it as a job off
the GUI thread (write_handover_report); write_handover_outputs builds the report first, for the CLI and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from soloit.domain.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from soloit.services.bundle import Services
    from soloit.services.handover_report import HandoverReport

PDF, XLSX, HANDOVER_FILE = "pdf", "xlsx", "handover"
STEP_LABELS = {PDF: "事務引継書（PDF）", XLSX: "事務引継書（Excel）", HANDOVER_FILE: "引継ぎファイル"}


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
    from soloit.services.errors import OutputError

    if not folder.is_dir():
        raise OutputError(f"保存先のフォルダー「{folder}」がありません。")
    report = services.handover_report.build(
        predecessor=predecessor, successor=successor, appointment_date=appointment_date, deadline=deadline, witness=witness
    )
    return write_handover_report(
        report, Path(services.store.path), folder, kinds, actor=services.context.actor, clock=services.context.clock
    )


def write_handover_report(
    report: HandoverReport,
    db_path: Path,
    folder: Path,
    kinds: set[str],
    *,
    actor: str,
    clock: Clock = SYSTEM_CLOCK,
    step: Callable[[int, int, str], None] | None = None,
) -> HandoverOutputs:
    """Write the chosen outputs of a built 事務引継書 into `folder`, from plain data and the database's path only
    (no open Store), so a job can run it on its own thread: the handover file copies the database on its own
    connection. `step(done, total, what)` is told before each file. Each file appears whole or not at all; a
    failure raises a typed error (OutputError, ValidationError) and leaves the files written before it."""
    from soloit.exchange.handover_document import write_handover_pdf, write_handover_xlsx
    from soloit.services.errors import OutputError
    from soloit.services.handover_file import write_handover_file

    if not folder.is_dir():
        raise OutputError(f"保存先のフォルダー「{folder}」がありません。")
    h = report.header
    names = output_names(h.municipality, h.appointment_date)
    chosen = [kind for kind in (PDF, XLSX, HANDOVER_FILE) if kind in kinds]
    written: dict[str, Path] = {}
    for done, kind in enumerate(chosen):
        if step is not None:
            step(done, len(chosen), STEP_LABELS[kind])
        target = folder / names[kind]
        if kind == PDF:
            written[PDF] = write_handover_pdf(report, target)
        elif kind == XLSX:
            written[XLSX] = write_handover_xlsx(report, target)
        else:
            write_handover_file(
                db_path, target, actor=actor, predecessor=h.predecessor, successor=h.successor,
                appointment_date=h.appointment_date.isoformat(), overwrite=True, clock=clock,
            )
            written[HANDOVER_FILE] = target
    if step is not None:
        step(len(chosen), len(chosen), "完了")
    return HandoverOutputs(written, h.anchor.code, h.anchor.count)
