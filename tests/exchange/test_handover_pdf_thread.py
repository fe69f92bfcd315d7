"""The 事務引継書 PDF drawn on a worker thread (the 異動・引継ぎ wizard writes it as a job): QPdfWriter, QPainter and
the fonts work there, and the PDF reads back as the one drawn on the GUI thread does — Japanese text present and
copied as the ideographs drawn (not the radicals sharing their glyphs), the Japanese font embedded — for every PDF
of the session, also after the thread that drew the first one has ended."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler

from soloit.exchange import handover_document
from soloit.exchange.handover_document import write_handover_pdf
from soloit.services.bundle import open_services
from soloit.services.demo import create_demo
from tests.helpers import DayClock

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils are not installed"
)


def _radicals(text: str) -> list[str]:
    return [ch for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF or ch == "\u2027"]


def _on_a_thread(function, *args):
    """Run `function` on a new thread and wait for that thread to end; its result (or its error, raised here)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = function(*args)
        except BaseException as exc:  # raised on the test's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]


@needs_poppler
def test_pdfs_drawn_on_worker_threads_read_back_like_the_gui_threads(qapp, tmp_path):
    clock = DayClock(date(2026, 12, 1))
    store = create_demo(tmp_path / "demo.sqlite3", clock=clock)
    warnings: list[str] = []
    previous = qInstallMessageHandler(
        lambda kind, _context, message: warnings.append(message) if kind != QtMsgType.QtDebugMsg else None
    )
    try:
        services = open_services(store, lambda: "デモ 太郎", clock)
        report = services.handover_report.build(
            predecessor="デモ 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7),
            witness="総務課長 立会 四郎",
        )
        for cached in vars(handover_document).values():  # as in a new session: nothing drawn or measured yet
            if callable(getattr(cached, "cache_clear", None)):
                cached.cache_clear()
        written = [
            _on_a_thread(write_handover_pdf, report, tmp_path / "1_thread.pdf"),  # the session's first PDF
            _on_a_thread(write_handover_pdf, report, tmp_path / "2_thread.pdf"),  # the first thread has ended
            write_handover_pdf(report, tmp_path / "3_gui.pdf"),
        ]
    finally:
        qInstallMessageHandler(previous)
        store.close()
    texts = []
    for pdf in written:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "群馬県" in flat and "事務引継書" in flat and "後任三郎" in flat and "総務課長立会四郎" in flat, pdf.name
        assert "方針・意見" in flat, pdf.name
        assert _radicals(text) == [], pdf.name
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(row[-5] == "yes" for row in rows), fonts  # embedded
        assert any("CJK" in row[0] or "Gothic" in row[0] for row in rows), fonts
        texts.append(text)
    assert texts[0] == texts[1] == texts[2]
    assert warnings == []
