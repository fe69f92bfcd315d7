"""The 事務引継書 as files: a PDF to print, sign and file (drawn with QtGui's QPdfWriter and QPainter, A4 portrait, a
Japanese font embedded), and a workbook (openpyxl, one sheet per table, printable on A4). Both are written to a
temporary file beside the target, synced and put in place; an existing file is replaced only when it is an earlier
soloit 事務引継書 (a user's file is sacred).

The PDF is laid out first (every line measured and placed on its page), then painted, so each page can say
「n / N ページ」 and the contents list can give each section's page."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from soloit.domain.dates import with_wareki
from soloit.domain.progress import format_percent
from soloit.exchange.file_out import check_target, write_atomically
from soloit.exchange.gc_pause import collection_paused
from soloit.gil import Breather
from soloit.services.errors import OutputError
from soloit.services.handover_report import (
    FORMAT,
    PREDECESSOR,
    SECTION_CONTACTS,
    SECTION_DOCUMENTS,
    SECTION_OVERVIEW,
    SECTION_PENDING,
    SECTION_POLICY,
    SECTION_PROGRESS,
    SECTION_SCHEDULE,
    SECTION_SIGNATURES,
    SECTIONS,
    SUCCESSOR,
    WITNESS,
    HandoverReport,
    NoteItem,
    wareki_and_iso,
)

META_SHEET = "_meta"
NONE_REGISTERED = "（登録されていません）"
NO_BODY = "（本文なし）"
SIGN_OFF = "上記のとおり事務の引継ぎを行いました。"
DATE_BLANK = "令和　　年　　月　　日"
# Japanese families in the order they are tried: what Debian's fonts-noto-cjk installs, then what Windows has.
JAPANESE_FAMILIES = (
    "Noto Sans CJK JP", "Source Han Sans JP", "Yu Gothic", "游ゴシック", "Meiryo", "メイリオ", "MS Gothic",
    "ＭＳ ゴシック", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic",
)
NO_FONT = (
    "日本語のフォントが見つからないため、事務引継書の PDF を作成できません。"
    "日本語フォント（例: Noto Sans CJK JP、游ゴシック、メイリオ）をインストールしてから、もう一度出力してください。"
)


# --- writing a file whole or not at all ---------------------------------------------------------------------------


def _write_atomically(out: Path, write: Callable[[Path], None], is_ours: Callable[[Path], bool], kind: str) -> Path:
    out = out.absolute()
    check_target(out, is_ours, f"soloit の事務引継書（{kind}）ではない")
    write_atomically(out, write, f"事務引継書（{kind}）")
    return out


def is_handover_pdf(path: Path) -> bool:
    """True when `path` is a PDF this module wrote (its metadata names the format; read from the ends only)."""
    marker = f'CreatorTool="{FORMAT}'.encode()
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
            if not head.startswith(b"%PDF-"):
                return False
            if marker in head:
                return True
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - 65536))
            return marker in fh.read()
    except OSError:
        return False


def is_handover_xlsx(path: Path) -> bool:
    """True when `path` is a workbook this module wrote (its _meta sheet says so)."""
    try:
        from soloit.exchange import xlsx_guard

        book = xlsx_guard.open_workbook(path)  # a hostile file at the target is refused, not read whole
        if META_SHEET not in book.sheet_names:
            return False
        rows = book.rows(META_SHEET)
        return bool(rows) and [str(v) for v in rows[0][:2]] == ["format", FORMAT]
    except Exception:  # any file that cannot be read as a workbook is not ours
        return False


# --- shared text ----------------------------------------------------------------------------------------------------


def _yen(value: int | None) -> str:
    return "" if value is None else f"{value:,} 円"


def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _kpi_text(report_kpi: Any) -> str:
    unit = report_kpi.unit or ""
    achieved = report_kpi.achievement
    parts = f"{report_kpi.name}: 実績 {_number(report_kpi.actual) or '—'}{unit} / 目標 {_number(report_kpi.target) or '—'}{unit}"
    return parts + (f"（達成率 {achieved}%）" if achieved is not None else "")


def _period(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return ""
    return f"{wareki_and_iso(start) if start else ''}〜{wareki_and_iso(end) if end else ''}"


def _dates_by_year(days: Sequence[date]) -> str:
    """2027年: 4/9、5/10 … 2028年: 1/7 (the dates of a duty, compactly)."""
    groups: dict[int, list[str]] = {}
    for day in days:
        groups.setdefault(day.year, []).append(f"{day.month}/{day.day}")
    return "\n".join(f"{year}年: {'、'.join(values)}" for year, values in groups.items()) or "（この期間にはありません）"


_note_day = cache(wareki_and_iso)  # thousands of notes share a few hundred dates


def _note_meta(note: NoteItem) -> str:
    parts = [f"記入日 {_note_day(note.note_date)}" if note.note_date else "記入日 未記入"]
    parts.append(f"記入者 {note.author or '未記入'}")
    if note.subject:
        parts.append(f"関連 {note.subject}")
    return "　".join(parts)


def _cover_rows(report: HandoverReport) -> list[tuple[str, str]]:
    h = report.header
    return [
        ("都道府県", h.prefecture),
        ("団体名", h.municipality),
        ("団体コード", h.lg_code),
        (PREDECESSOR, h.predecessor),
        (SUCCESSOR, h.successor),
        (WITNESS, h.witness or ""),
        ("発令日", wareki_and_iso(h.appointment_date)),
        ("引継期限", wareki_and_iso(h.deadline)),
        ("作成日", wareki_and_iso(h.made_on)),
        ("変更記録の件数", f"{h.anchor.count:,} 件"),
        ("変更記録の末尾ハッシュ", h.anchor.head),
        ("照合コード", h.anchor.code),
    ]


def _business_rows(report: HandoverReport) -> list[list[str]]:
    rows = []
    for n, b in enumerate(report.progress.businesses, start=1):
        tokutei = ""
        if b.tokutei:
            tokutei = "対象" + (f"\n{b.tokutei_reason}" if b.tokutei_reason else "")
            if b.tokutei_target_date:
                tokutei += f"\n目標 {wareki_and_iso(b.tokutei_target_date)}"
        rows.append([
            str(n), b.name, f"{b.complete_steps}/{b.total_steps}\n{format_percent(b.rates.complete)}",
            wareki_and_iso(b.planned_go_live), wareki_and_iso(b.actual_go_live), _target(b), tokutei,
        ])
    return rows


def _target(b: Any) -> str:
    """移行先: the vendor, then the product on a line of its own."""
    return "\n".join(part for part in (b.target_vendor, b.target_product) if part) or "（未定）"


def _current_step_text(b: Any) -> str:
    step = b.current_step
    if step is None:
        return "全ステップ完了"
    planned = f"\n予定日 {wareki_and_iso(step.planned_date)}" if step.planned_date else ""
    return f"{step.number} {step.name}（{step.status}）{planned}"


def _last_reason_text(b: Any) -> str:
    last = b.last_reason
    if last is None:
        return "（理由の付いた変更はありません）"
    day = wareki_and_iso(last.day) if last.day else ""
    change = with_wareki(last.change)  # the dates the narrator wrote (予定日: （なし） → 2025/07/12) in both forms
    return f"「{last.reason}」\n{day} {last.actor}: {change}".strip()


def _late_business_rows(report: HandoverReport) -> list[list[str]]:
    return [
        [x.business, f"{x.count}", wareki_and_iso(x.oldest),
         f"{x.first.step_number} {x.first.step_name}（{x.first.status}・予定日 {wareki_and_iso(x.first.planned_date)}）"]
        for x in report.pending.late_businesses
    ]


# --- the PDF ----------------------------------------------------------------------------------------------------


def japanese_font_family() -> str:
    """A font family that draws Japanese (fonts in resources/fonts are loaded first); OutputError when there is none.
    Needs a QGuiApplication."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF

    from soloit.paths import resources_dir

    fonts = resources_dir() / "fonts"
    if fonts.is_dir():
        for file in sorted(fonts.iterdir()):
            if file.suffix.lower() in (".ttf", ".otf", ".ttc"):
                QFontDatabase.addApplicationFont(str(file))
    available = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
    candidates = [f for f in JAPANESE_FAMILIES if f in available]
    candidates += [f for f in available if f not in candidates and "mono" not in f.lower()]
    for family in candidates:
        metrics = QFontMetricsF(QFont(family))
        if all(metrics.inFontUcs4(ord(ch)) for ch in "事務引継書令和"):
            return family
    raise OutputError(NO_FONT)


def _shifted(op: tuple, dy: float) -> tuple:
    """A placed op moved down by `dy` (to the top of the next page)."""
    if op[0] in ("t", "p", "r"):  # kind, x, y, …
        return (*op[:2], op[2] + dy, *op[3:])
    return (*op[:3], op[3] + dy, *op[4:])  # "l": kind, x1, x2, y, …


# Characters a line of which is as wide as their advances added up: Latin, kana, kanji, full-width forms and their
# punctuation (no combining marks, joiners, variation selectors or scripts that are shaped).
_SIMPLE_TEXT = re.compile(
    "[\u0020-\u007e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u2100-\u23ff\u2460-\u27bf\u2e80-\u3029"
    "\u3030-\u3098\u309b-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*"
)


class _Advances(dict):
    """Character → its advance in one font, measured on first use."""

    def __init__(self, metrics: Any) -> None:
        super().__init__()
        self.metrics = metrics

    def __missing__(self, ch: str) -> float:
        value = self[ch] = self.metrics.horizontalAdvance(ch)
        return value


class _Layout:
    """Places text, rules and boxes on pages (in device pixels inside the margins); paints them afterwards."""

    BODY, SMALL, BOLD, TABLE, TABLE_BOLD, HEADING, SUBHEADING, TITLE, NOTE_TITLE = range(9)
    SIZES: ClassVar[dict[int, float]] = {BODY: 9.5, SMALL: 7.5, BOLD: 9.5, TABLE: 8, TABLE_BOLD: 8, HEADING: 13, SUBHEADING: 10.5, TITLE: 26,
             NOTE_TITLE: 9.5}
    BOLDS: ClassVar[frozenset[int]] = frozenset({BOLD, TABLE_BOLD, HEADING, SUBHEADING, TITLE, NOTE_TITLE})

    def __init__(self, device: Any, family: str, width: float, height: float, dpi: int) -> None:
        from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption

        self.device = device
        self.dpi = dpi
        self.width = width
        self.fonts: dict[int, Any] = {}
        self.metrics: dict[int, Any] = {}
        self.advances: dict[int, _Advances] = {}
        self._text_layout = QTextLayout
        self._wrap_option = QTextOption()
        self._wrap_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        for key, size in self.SIZES.items():
            font = QFont(family)
            font.setPointSizeF(size)
            font.setBold(key in self.BOLDS)
            font.setKerning(False)
            # Noto Sans CJK's 'locl' swaps digits after Latin letters (R8-03) for glyphs no code point maps to, which
            # a PDF reader then cannot copy or search: the digits of the cmap are used instead
            font.setFeature(QFont.Tag("locl"), 0)
            # nor ligatures: the ff of a hash (末尾ハッシュ) would copy as the one character ﬀ
            font.setFeature(QFont.Tag("liga"), 0)
            self.fonts[key] = font
            self.metrics[key] = QFontMetricsF(font, device)
            self.advances[key] = _Advances(self.metrics[key])
        self.line_spacings = {key: metrics.lineSpacing() for key, metrics in self.metrics.items()}
        self.ascents = {key: metrics.ascent() for key, metrics in self.metrics.items()}
        self.header_height = self.metrics[self.SMALL].height() + self.mm(3)
        self.footer_height = self.metrics[self.SMALL].height() + self.mm(3)
        self.top = self.header_height
        self.bottom = height - self.footer_height
        self.height = height
        self.pages: list[list[tuple]] = [[]]
        self.y = self.top
        self.anchors: dict[str, int] = {}  # section → its page (0-based)
        # a heading not yet followed by what it heads: (page, first op, y at its top); a new page takes it along
        self.keep: tuple[int, int, float] | None = None
        self.breathe = Breather()  # on a job's thread, the window gets its turn (soloit/gil.py)

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def line_height(self, font: int) -> float:
        return self.line_spacings[font]

    # --- measuring --------------------------------------------------------------------------------------------

    def wrap(self, text: str, font: int, width: float) -> list[str]:
        """`text` broken into lines no wider than `width` (Japanese breaks anywhere the line-break rules allow)."""
        metrics = self.metrics[font]
        advance = self.advances[font].__getitem__
        lines: list[str] = []
        for paragraph in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            paragraph = paragraph.replace("\t", "    ")
            if not paragraph:
                lines.append(paragraph)
                continue
            if _SIMPLE_TEXT.fullmatch(paragraph):
                # the sum of the characters' advances is the line's (no kerning, no shaping in these scripts) to a
                # rounding; only a line within a pixel of the width is measured whole
                estimate = sum(map(advance, paragraph))
                if estimate <= width - 1:
                    fits = True
                elif estimate > width + 1:
                    fits = False
                else:
                    fits = metrics.horizontalAdvance(paragraph) <= width
            else:
                fits = metrics.horizontalAdvance(paragraph) <= width
            if fits:
                lines.append(paragraph)
                continue
            layout = self._text_layout(paragraph, self.fonts[font], self.device)
            layout.setTextOption(self._wrap_option)
            layout.beginLayout()
            spans = []
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                spans.append((line.textStart(), line.textLength()))
            layout.endLayout()
            if max(paragraph) > "\uffff":  # Qt counts UTF-16 units, Python code points
                units = paragraph.encode("utf-16-le")
                lines += [units[2 * s : 2 * (s + n)].decode("utf-16-le", "replace") for s, n in spans]
            else:
                lines += [paragraph[s : s + n] for s, n in spans]
        return lines

    # --- placing ----------------------------------------------------------------------------------------------

    def new_page(self) -> None:
        moved: list[tuple] = []
        keep = self.keep
        self.keep = None
        if (keep is not None and keep[0] == len(self.pages) - 1 and keep[2] > self.top
                and self.y - keep[2] < (self.bottom - self.top) / 2):
            _page, first, top = keep  # no heading alone at the foot of a page: it goes with what it heads
            moved = [_shifted(op, self.top - top) for op in self.pages[-1][first:]]
            del self.pages[-1][first:]
            for section, page in self.anchors.items():
                if page == len(self.pages) - 1 and section in {op[3] for op in moved if op[0] == "t"}:
                    self.anchors[section] = page + 1
            self.y = self.top + (self.y - top)
        else:
            self.y = self.top
        self.pages.append(moved)

    def hold(self) -> None:
        """What is placed from here on (a heading and its lead) stays with the first row or note that follows."""
        if self.keep is None or self.keep[0] != len(self.pages) - 1:
            self.keep = (len(self.pages) - 1, len(self.pages[-1]), self.y)

    def release(self) -> None:
        self.keep = None

    def ensure(self, needed: float) -> None:
        if self.y + needed > self.bottom and self.y > self.top:
            self.new_page()

    def text(self, x: float, baseline: float, text: str, font: int, color: str = "#000000") -> None:
        self.pages[-1].append(("t", x, baseline, text, font, color))

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, border: str | None = "#808080") -> None:
        self.pages[-1].append(("r", x, y, w, h, fill, border))

    def rule(self, x1: float, x2: float, y: float, color: str = "#000000", width: float = 2.0) -> None:
        self.pages[-1].append(("l", x1, x2, y, color, width))

    def space(self, mm: float) -> None:
        self.y += self.mm(mm)

    def paragraph(self, text: str, font: int | None = None, indent: float = 0, color: str = "#000000",
                  after: float = 1.5) -> None:
        font = self.BODY if font is None else font
        lh = self.line_spacings[font]
        ascent = self.ascents[font]
        for line in self.wrap(text, font, self.width - indent):
            if self.y + lh > self.bottom:
                self.new_page()
            self.pages[-1].append(("t", indent, self.y + ascent, line, font, color))  # self.text, inline
            self.y += lh
        self.space(after)

    def heading(self, text: str, *, new_page: bool = False) -> None:
        lh = self.line_height(self.HEADING)
        if new_page and self.y > self.top:
            self.release()
            self.new_page()
        else:
            self.ensure(lh + self.mm(4) + 4 * self.line_height(self.TABLE))
        self.hold()
        self.anchors.setdefault(text, len(self.pages) - 1)
        self.text(0, self.y + self.metrics[self.HEADING].ascent(), text, self.HEADING)
        self.y += lh + self.mm(0.8)
        self.rule(0, self.width, self.y, "#1f4e79", self.mm(0.5))
        self.y += self.mm(3)

    def subheading(self, text: str) -> None:
        lh = self.line_height(self.SUBHEADING)
        self.ensure(lh + 4 * self.line_height(self.TABLE))
        self.hold()
        self.space(1)
        self.text(0, self.y + self.metrics[self.SUBHEADING].ascent(), text, self.SUBHEADING, "#1f4e79")
        self.y += lh + self.mm(1.2)

    def table(self, columns: Sequence[tuple[str, float] | tuple[str, float, str]], rows: Sequence[Sequence[str]], *, header: bool = True,
              first_bold: bool = False, colors: Sequence[str | None] | None = None,
              bold_rows: frozenset[int] = frozenset()) -> None:
        """A table whose columns take the given shares of the width; rows break across pages (the header row is
        repeated on every page), and a row taller than what is left of a page is split by lines. A column given as
        (header, share, "r") is aligned right (amounts)."""
        total = sum(column[1] for column in columns)
        widths = [self.width * column[1] / total for column in columns]
        right = [len(column) > 2 and column[2] == "r" for column in columns]
        lefts = [sum(widths[:i]) for i in range(len(widths))]
        pad = self.mm(1.2)
        lh = self.line_height(self.TABLE)
        head = [self.wrap(column[0], self.TABLE_BOLD, w - 2 * pad) for column, w in zip(columns, widths, strict=True)]
        head_height = max(len(lines) for lines in head) * lh + 2 * pad

        def draw_header() -> None:
            if header:
                self._row(lefts, widths, head, head_height, self.TABLE_BOLD, "#dde7f0", pad, None, right=None)
                self.y += head_height

        if not rows:
            self.paragraph(NONE_REGISTERED, self.TABLE)
            self.release()
            return
        capacity = int((self.bottom - self.top - (head_height if header else 0) - 2 * pad) // lh)
        first_lines = max(
            max(1, len(self.wrap(text, self.TABLE_BOLD if first_bold and n == 0 else self.TABLE, w - 2 * pad)))
            for n, (text, w) in enumerate(zip(rows[0], widths, strict=True))
        )
        # the header and the first row together (so the header, and a heading above it, never stand alone)
        self.ensure((head_height if header else 0) + min(first_lines, capacity // 3 or 1) * lh + 2 * pad)
        draw_header()
        for index, row in enumerate(rows):
            self.breathe()
            font = self.TABLE_BOLD if index in bold_rows else self.TABLE
            cells = []
            for column, (text, w) in enumerate(zip(row, widths, strict=True)):
                cell_font = self.TABLE_BOLD if first_bold and column == 0 else font
                cells.append(self.wrap(text, cell_font, w - 2 * pad))
            color = colors[index] if colors else None
            fills = "#f2f2f2" if (first_bold or index in bold_rows) else None
            while True:
                need = max(1, max(len(c) for c in cells))
                fits = int((self.bottom - self.y - 2 * pad) // lh)
                if need <= fits:
                    self._row(lefts, widths, cells, need * lh + 2 * pad, font, None, pad, color, first_bold, fills, right)
                    self.y += need * lh + 2 * pad
                    self.release()
                    break
                if fits < 2 or need <= capacity:  # move the whole row to the next page when it fits there
                    self.new_page()
                    draw_header()
                    continue
                self._row(lefts, widths, [c[:fits] for c in cells], fits * lh + 2 * pad, font, None, pad, color,
                          first_bold, fills, right)
                cells = [c[fits:] for c in cells]
                self.new_page()
                draw_header()
        self.space(2.5)

    def _row(self, lefts: list[float], widths: list[float], cells: list[list[str]], height: float, font: int,
             fill: str | None, pad: float, color: str | None, first_bold: bool = False,
             first_fill: str | None = None, right: list[bool] | None = None) -> None:
        ascent = self.metrics[font].ascent()
        lh = self.line_height(self.TABLE)
        for column, (left, w, lines) in enumerate(zip(lefts, widths, cells, strict=True)):
            cell_fill = first_fill if first_bold and column == 0 else fill
            self.rect(left, self.y, w, height, cell_fill)
            cell_font = self.TABLE_BOLD if first_bold and column == 0 else font
            metrics = self.metrics[cell_font]
            for n, line in enumerate(lines):
                if line:
                    x = left + w - pad - metrics.horizontalAdvance(line) if right and right[column] else left + pad
                    self.text(x, self.y + pad + n * lh + ascent, line, cell_font, color or "#000000")

    def note(self, note: NoteItem) -> None:
        title = ("【ピン留め】" if note.pinned else "") + note.title
        needed = self.line_height(self.NOTE_TITLE) + self.line_height(self.SMALL) + 2 * self.line_height(self.BODY)
        self.ensure(needed)
        self.paragraph(f"■ {title}", self.NOTE_TITLE, after=0.3)
        self.paragraph(_note_meta(note), self.SMALL, indent=self.mm(4), color="#555555", after=0.6)
        self.paragraph(note.body.strip() or NO_BODY, self.BODY, indent=self.mm(4), after=3)
        self.release()

    def notes(self, notes: Sequence[NoteItem], label: str) -> None:
        self.subheading(label)
        if not notes:
            self.paragraph(NONE_REGISTERED, self.TABLE)
            self.release()
            return
        for item in notes:
            self.breathe()
            self.note(item)

    # --- painting ---------------------------------------------------------------------------------------------

    def paint(self, writer: Any, running_header: str, footer_left: str) -> None:
        from PySide6.QtCore import QPointF, QRectF
        from PySide6.QtGui import QBrush, QColor, QPainter, QPen

        painter = QPainter()
        if not painter.begin(writer):
            raise OutputError("PDF を作成できません（描画を開始できませんでした）。")
        try:
            total = len(self.pages)
            colors: dict[str, Any] = {}

            def color(name: str) -> Any:
                if name not in colors:
                    colors[name] = QColor(name)
                return colors[name]

            thin = QPen(color("#808080"))
            thin.setWidthF(self.mm(0.2))
            current_font: int | None = None
            current_pen: str | None = None
            small = self.metrics[self.SMALL]
            label_x = self.width - small.horizontalAdvance("事務引継書")
            fonts, draw_text = self.fonts, painter.drawText
            for number, ops in enumerate(self.pages):
                self.breathe()
                if number:
                    writer.newPage()
                painter.setFont(self.fonts[self.SMALL])
                current_font, current_pen = self.SMALL, "#555555"
                painter.setPen(color("#555555"))
                painter.drawText(QPointF(0, small.ascent()), running_header)
                painter.drawText(QPointF(label_x, small.ascent()), "事務引継書")
                rule = QPen(color("#808080"))
                rule.setWidthF(self.mm(0.2))
                painter.setPen(rule)
                painter.drawLine(QPointF(0, small.height() + self.mm(1)), QPointF(self.width, small.height() + self.mm(1)))
                painter.setPen(color("#555555"))
                footer = f"{number + 1} / {total} ページ"
                base = self.height - small.descent()
                painter.drawText(QPointF((self.width - small.horizontalAdvance(footer)) / 2, base), footer)
                painter.drawText(QPointF(0, base), footer_left)
                current_pen = "#555555"
                for op in ops:
                    kind = op[0]
                    if kind == "t":
                        _, x, y, text, font, ink = op
                        if font != current_font:
                            painter.setFont(fonts[font])
                            current_font = font
                        if ink != current_pen:
                            painter.setPen(color(ink))
                            current_pen = ink
                        draw_text(QPointF(x, y), text)
                    elif kind == "r":
                        _, x, y, w, h, fill, border = op
                        if fill:
                            painter.fillRect(QRectF(x, y, w, h), QBrush(color(fill)))
                        if border:
                            painter.setPen(thin)
                            painter.setBrush(QBrush())
                            painter.drawRect(QRectF(x, y, w, h))
                            current_pen = None
                    elif kind == "l":
                        _, x1, x2, y, ink, width = op
                        pen = QPen(color(ink))
                        pen.setWidthF(width)
                        painter.setPen(pen)
                        painter.drawLine(QPointF(x1, y), QPointF(x2, y))
                        current_pen = None
                    elif kind == "p":  # a page number from the contents list
                        _, x, y, section, font = op
                        text = f"{self.anchors.get(section, 0) + 1} ページ"
                        if font != current_font:
                            painter.setFont(self.fonts[font])
                            current_font = font
                        if current_pen != "#000000":
                            painter.setPen(color("#000000"))
                            current_pen = "#000000"
                        painter.drawText(QPointF(x - self.metrics[font].horizontalAdvance(text), y), text)
        finally:
            painter.end()


def write_handover_pdf(report: HandoverReport, out: Path) -> Path:
    """Write the 事務引継書 as an A4 PDF at `out` (replacing only an earlier soloit 事務引継書); the path written.
    Needs a QGuiApplication (the GUI's, or an offscreen one); OutputError (Japanese) when no Japanese font exists,
    when `out` is someone else's file or cannot be written."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        raise RuntimeError("write_handover_pdf needs a QGuiApplication (QT_QPA_PLATFORM=offscreen without a screen)")
    family = japanese_font_family()
    with collection_paused():
        return _write_atomically(out, lambda temp: _draw_pdf(report, temp, family), is_handover_pdf, "PDF")


def _draw_pdf(report: HandoverReport, path: Path, family: str) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    h = report.header
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{h.title} {h.prefecture} {h.municipality}")
    writer.setCreator(FORMAT)
    area = writer.pageLayout().paintRectPixels(writer.resolution())
    layout = _Layout(writer, family, area.width(), area.height(), writer.resolution())
    _lay_out(layout, report)
    running = f"{h.prefecture}　{h.municipality}（団体コード {h.lg_code}）"
    layout.paint(writer, running, f"照合コード {h.anchor.code}")
    layout.device = None
    del writer  # the PDF is complete and closed once the writer is gone
    drawn = set("".join(op[3] for page in layout.pages for op in page if op[0] == "t"))
    drawn |= set(running + "事務引継書照合コード0123456789ページ /")
    fix_to_unicode(path, radical_fixes(family, drawn))


# --- what a reader copies out of the PDF ---------------------------------------------------------------------------
# Qt's PDF engine writes each embedded font's ToUnicode map from the font's cmap, taking for a glyph the lowest code
# point that maps to it. CJK fonts give one glyph to 見 and the Kangxi radical ⾒ (U+2F92), 長 and ⻑ (U+2ED1), ・ and
# ‧ (U+2027), so the PDF would copy and search as those. The map is corrected afterwards, in place: the characters
# actually drawn replace the lower code points of the same glyph (four hex digits for four, so no offset moves).


def _raw_font(family: str, bold: bool) -> Any:
    """The face as a QRawFont of the calling thread (never cached: a raw font made on a job's thread stops mapping
    glyphs once that thread has ended, and every later PDF would then copy as radicals)."""
    from PySide6.QtGui import QFont, QRawFont

    font = QFont(family)
    font.setBold(bold)
    return QRawFont.fromFont(font)


@cache
def _lowest_glyph_points(family: str, bold: bool) -> dict[int, int]:
    """glyph → the lowest BMP code point the font maps to it (what Qt writes); plain numbers, so any thread reads them."""
    raw = _raw_font(family, bold)
    points = [c for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    lowest: dict[int, int] = {}
    for c, g in zip(points, raw.glyphIndexesForString("".join(map(chr, points))), strict=False):
        if g and g not in lowest:
            lowest[g] = c
    return lowest


def _lowest_code_points(family: str, bold: bool) -> tuple[dict[int, int], Any]:
    """glyph → the lowest BMP code point the font maps to it (what Qt writes), and the raw font of this thread."""
    return _lowest_glyph_points(family, bold), _raw_font(family, bold)


def radical_fixes(family: str, drawn: set[str]) -> dict[int, int]:
    """code point Qt would write → the drawn character of the same glyph, over the regular and the bold face."""
    wanted = sorted(ch for ch in drawn if 0x80 <= ord(ch) <= 0xFFFF and not 0xD800 <= ord(ch) <= 0xDFFF)
    fixes: dict[int, int] = {}
    for bold in (False, True):
        lowest, raw = _lowest_code_points(family, bold)
        for ch, g in zip(wanted, raw.glyphIndexesForString("".join(wanted)), strict=False):
            low = lowest.get(g)
            if low is not None and low != ord(ch):
                fixes.setdefault(low, ord(ch))
    return fixes


def fix_to_unicode(path: Path, fixes: dict[int, int]) -> None:
    """Rewrite the destination code points of the PDF's ToUnicode maps per `fixes`, byte for byte in place."""
    if not fixes:
        return
    data = bytearray(path.read_bytes())
    hexcode = re.compile(rb"<([0-9A-Fa-f]{4})>")

    def patch(start: int, end: int) -> None:
        for m in hexcode.finditer(data, start, end):
            value = int(m.group(1), 16)
            if value in fixes:
                data[m.start(1) : m.end(1)] = b"%04X" % fixes[value]

    for cmap in re.finditer(rb"begincmap(.*?)endcmap", data, re.S):
        for block in re.finditer(rb"begin(bfrange|bfchar)\n(.*?)\nend\1", cmap.group(0), re.S):
            base = cmap.start() + block.start(2)
            for line in re.finditer(rb"[^\n]+", block.group(2)):
                lo, hi = base + line.start(), base + line.end()
                codes = list(hexcode.finditer(data, lo, hi))
                if block.group(1) == b"bfchar":
                    if len(codes) > 1:
                        patch(codes[1].start(), hi)
                elif b"[" in line.group(0):
                    patch(lo + line.group(0).index(b"["), hi)
                elif len(codes) > 2:
                    patch(codes[2].start(), hi)
    with open(path, "r+b") as fh:
        fh.write(data)


def _lay_out(doc: _Layout, report: HandoverReport) -> None:
    h = report.header
    # 表紙
    doc.space(18)
    title = doc.metrics[doc.TITLE]
    doc.text((doc.width - title.horizontalAdvance(h.title)) / 2, doc.y + title.ascent(), h.title, doc.TITLE)
    doc.y += title.lineSpacing()
    doc.space(4)
    subtitle = f"{h.prefecture}　{h.municipality}"
    sub = doc.metrics[doc.SUBHEADING]
    doc.text((doc.width - sub.horizontalAdvance(subtitle)) / 2, doc.y + sub.ascent(), subtitle, doc.SUBHEADING)
    doc.y += sub.lineSpacing()
    doc.space(10)
    doc.table([("項目", 1), ("内容", 3)], [list(r) for r in _cover_rows(report)], header=False, first_bold=True)
    doc.paragraph(h.anchor.sentence, doc.SMALL, after=5)
    doc.subheading("目次")
    lh = doc.line_height(doc.BODY)
    ascent = doc.metrics[doc.BODY].ascent()
    for section in SECTIONS:
        doc.text(doc.mm(4), doc.y + ascent, section, doc.BODY)
        doc.pages[-1].append(("p", doc.width - doc.mm(4), doc.y + ascent, section, doc.BODY))
        doc.y += lh
    # 1 担当事務の概要
    doc.heading(SECTION_OVERVIEW, new_page=True)
    for sentence in report.overview.summary:
        doc.paragraph(f"・{sentence}", indent=doc.mm(2), after=0.8)
    doc.space(2)
    doc.notes(report.overview.notes, "その他のメモ")
    # 2 経過及び現況
    p = report.progress
    doc.heading(SECTION_PROGRESS)
    doc.subheading("(1) 標準化対象事務の進捗（全体）")
    doc.paragraph(
        f"手順書の進捗率（完了済み＋対象外）{format_percent(p.overall.complete)}　作業中 {format_percent(p.overall.in_progress)}"
        f"　未着手 {format_percent(p.overall.not_started)}（{len(p.businesses)}業務の平均、作成日時点）"
    )
    doc.subheading("(2) 業務ごとの状況")
    doc.table(
        [("No", 0.5, "r"), ("業務", 1.9), ("完了ステップ・進捗率", 1.4, "r"), ("本番移行予定日", 2), ("本番移行日", 2),
         ("移行先（ベンダ・製品）", 2.6), ("特定移行支援", 2.2)],
        _business_rows(report),
    )
    doc.subheading("(3) 業務ごとの現在のステップと最後に理由が付いた変更")
    doc.paragraph("現在のステップは、作業中のうち手順書で最初のもの（作業中がなければ最初の未着手）です。", doc.SMALL)
    doc.table(
        [("業務", 1.6), ("現在のステップ", 3.6), ("最後に理由が付いた変更（理由・日付・変更者・内容）", 5.4)],
        [[b.name, _current_step_text(b), _last_reason_text(b)] for b in p.businesses],
    )
    doc.subheading("(4) 特定移行支援システム")
    doc.table(
        [("業務", 2), ("事由", 4), ("移行完了の目標", 2.2), ("進捗率", 1, "r")],
        [[b.name, b.tokutei_reason, wareki_and_iso(b.tokutei_target_date), format_percent(b.rates.complete)]
         for b in p.tokutei],
    )
    doc.subheading("(5) 自治体DXの取組")
    doc.table(
        [("取組", 2.4), ("状況", 0.8), ("担当", 1.1), ("期間", 2.2), ("KPI（実績／目標・達成率）", 3.6)],
        [[i.title, i.status, i.department or "", _period(i.start_date, i.end_date),
          "\n".join(_kpi_text(k) for k in i.kpis) or "（KPIなし）"] for i in p.initiatives],
    )
    number = 6
    for budget in p.budgets:
        doc.subheading(f"({number}) 予算の執行状況（{budget.fiscal_year_label}・{budget.why}）")
        number += 1
        total = budget.total
        budget_rows = [[b.name, _yen(b.budget), _yen(b.contracted), _yen(b.spent), _rate(b.execution_rate)]
                       for b in budget.lines]
        if budget_rows:
            budget_rows.append(["合計", _yen(total.budget), _yen(total.contracted), _yen(total.spent),
                                _rate(total.execution_rate)])
        doc.table([("事業名", 3), ("予算額", 1.6, "r"), ("契約額", 1.6, "r"), ("支出額", 1.6, "r"), ("執行率", 0.9, "r")],
                  budget_rows,
                  bold_rows=frozenset({len(budget_rows) - 1}) if budget_rows else frozenset())
    doc.notes(p.notes, f"({number}) 経過・現況のメモ")
    # 3 方針・意見
    doc.heading(SECTION_POLICY)
    doc.notes(report.policy.notes, "方針・意見のメモ")
    # 4 年間スケジュール
    s = report.schedule
    doc.heading(SECTION_SCHEDULE)
    doc.paragraph(f"発令日から12か月（{wareki_and_iso(s.start)}〜{wareki_and_iso(s.end)}）の予定です。"
                  "定例業務の日付は繰り返しの規則から開庁日で求めています。")
    doc.subheading("(1) 定例業務")
    doc.table([("業務", 3.2), ("繰り返し", 2), ("12か月の日付", 3.6)],
              [[d.title, d.rule, _dates_by_year(d.dates)] for d in s.duties])
    doc.subheading("(2) 期日の一覧")
    doc.table([("日付", 2.8), ("区分", 1.2), ("件名", 3.6), ("備考", 2.4)],
              [[wareki_and_iso(i.day), i.kind, i.title, i.detail] for i in s.items])
    doc.notes(s.notes, "(3) 年間スケジュールのメモ")
    # 5 未処理・未着手事項
    pending = report.pending
    doc.heading(SECTION_PENDING)
    doc.subheading("(1) 未完了のタスク（期限切れを先に）")
    doc.table(
        [("期限", 2.6), ("状況", 1.2), ("件名", 3.4), ("関連", 1.6), ("繰り返し", 1.6)],
        [[wareki_and_iso(t.due) or "期限なし", ("期限切れ・" if t.overdue else "") + t.status, t.title, t.about,
          t.recurrence] for t in pending.tasks],
        colors=["#b71c1c" if t.overdue else None for t in pending.tasks],
    )
    doc.subheading("(2) 予定日を過ぎた未完了のステップ（業務ごと）")
    if pending.late_steps:
        doc.paragraph(
            f"予定日を過ぎて完了していないステップは {len(pending.late_steps):,} 件（{len(pending.late_businesses)} 業務）です。"
            "業務ごとに件数、最も古い予定日、手順書で最初の遅れているステップを示します。"
            "全件の一覧は Excel 版の事務引継書（シート「5 遅れているステップ」）にあります。", doc.SMALL,
        )
    doc.table(
        [("業務", 1.6), ("件数", 0.6, "r"), ("最も古い予定日", 2.2), ("最初の遅れているステップ", 5.6)],
        _late_business_rows(report),
    )
    doc.notes(pending.notes, "(3) 未処理・未着手のメモ")
    # 6 書類の所在
    d = report.documents
    doc.heading(SECTION_DOCUMENTS)
    doc.notes(d.notes, "(1) 書類の所在のメモ")
    doc.subheading("(2) 契約書の保管場所")
    doc.table([("契約名", 3), ("契約先", 2.4), ("契約終了日", 2.2), ("契約書の保管場所", 3.2)],
              [[c.title, c.vendor, wareki_and_iso(c.end_date), c.document or "（未記入）"] for c in d.contracts])
    # 7 連絡先
    doc.heading(SECTION_CONTACTS)
    doc.table([("氏名", 1.7), ("所属・会社", 1.9), ("役割", 1.9), ("電話", 1.5), ("メール", 2.6), ("関連システム", 1.6),
               ("関連契約", 1.9)],
              [[c.name, c.organisation, c.role, c.phone, c.mail, c.systems, c.contracts] for c in report.contacts])
    # 署名欄
    _signatures(doc, report)


def _signatures(doc: _Layout, report: HandoverReport) -> None:
    box = doc.mm(18)
    needed = doc.line_height(doc.HEADING) + doc.mm(8) + doc.line_height(doc.BODY) * 2 + box * (len(report.signatures) + 1)
    if doc.y + needed > doc.bottom:
        doc.new_page()
    doc.heading(SECTION_SIGNATURES)
    doc.paragraph(f"{SIGN_OFF}（引継期限 {wareki_and_iso(report.header.deadline)}）", after=3)
    widths = [doc.mm(22), doc.width - doc.mm(22 + 30 + 62), doc.mm(30), doc.mm(62)]
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    heads = ["区分", "氏名", "印", "日付"]
    head_h = doc.line_height(doc.TABLE_BOLD) + doc.mm(2.4)
    ascent = doc.metrics[doc.TABLE_BOLD].ascent()
    for left, w, text in zip(lefts, widths, heads, strict=True):
        doc.rect(left, doc.y, w, head_h, "#dde7f0")
        doc.text(left + doc.mm(1.2), doc.y + doc.mm(1.2) + ascent, text, doc.TABLE_BOLD)
    doc.y += head_h
    body = doc.metrics[doc.BODY]
    for signature in report.signatures:
        middle = doc.y + box / 2 + body.ascent() / 2 - body.descent() / 2
        for left, w in zip(lefts, widths, strict=True):
            doc.rect(left, doc.y, w, box, None)
        doc.text(lefts[0] + doc.mm(2), middle, signature.role, doc.BOLD)
        if signature.name:
            doc.text(lefts[1] + doc.mm(2), middle, signature.name, doc.BODY)
        doc.text(lefts[2] + (widths[2] - body.horizontalAdvance("印")) / 2, middle, "印", doc.BODY, "#9e9e9e")
        doc.text(lefts[3] + doc.mm(2), middle, DATE_BLANK, doc.BODY)
        doc.y += box
    doc.space(3)


# --- the workbook -----------------------------------------------------------------------------------------------


def write_handover_xlsx(report: HandoverReport, out: Path) -> Path:
    """Write the 事務引継書 as a workbook at `out` (replacing only an earlier soloit 事務引継書); the path written."""
    with collection_paused():
        return _write_atomically(out, lambda temp: _write_book(report, temp), is_handover_xlsx, "Excel")


def _sheet(wb: Any, running: str, name: str, title: str, note: str, columns: Sequence[tuple[str, str, float]],
           rows: Sequence[Sequence[Any]], *, total: Sequence[Any] | None = None, landscape: bool = False) -> Any:
    from openpyxl.utils import get_column_letter

    from soloit.exchange import xlsx_layout
    from soloit.exchange.xlsx_layout import HEADER, TITLE, TOTAL_TEXT, TOTAL_YEN, WRAP, YEN
    from soloit.exchange.xlsx_safe import put

    ws = wb.create_sheet(name)
    put(ws, 1, 1, title, TITLE)
    put(ws, 2, 1, note)
    header_row = 3
    for column, (text, _style, width) in enumerate(columns, start=1):
        put(ws, header_row, column, text, HEADER)
        ws.column_dimensions[get_column_letter(column)].width = width
    xlsx_layout.fit_row_height(ws, header_row, [(text, width) for text, _s, width in columns])
    row = header_row
    for values in rows:
        row += 1
        for column, ((_t, style, _w), value) in enumerate(zip(columns, values, strict=True), start=1):
            put(ws, row, column, value, style)
        xlsx_layout.fit_row_height(
            ws, row, [(v, w) for (_t, st, w), v in zip(columns, values, strict=True) if st == WRAP]
        )
    if not rows:
        row += 1
        put(ws, row, 1, NONE_REGISTERED)
    if total is not None and rows:
        row += 1
        for column, ((_t, style, _w), value) in enumerate(zip(columns, total, strict=True), start=1):
            put(ws, row, column, value, TOTAL_YEN if style == YEN else TOTAL_TEXT)
    xlsx_layout.print_setup(ws, title_rows=f"{header_row}:{header_row}")
    if not landscape:
        ws.page_setup.orientation = "portrait"
    ws.print_area = f"A1:{get_column_letter(len(columns))}{row}"
    ws.oddHeader.left.text = running
    ws.oddHeader.right.text = "事務引継書"
    return ws


NOTE_COLUMNS = (("件名", "soloit-wrap", 30), ("記入日", "soloit-date", 11), ("記入者", "soloit-wrap", 12),
                ("関連", "soloit-wrap", 18), ("本文", "soloit-wrap", 60))


def _note_rows(notes: Sequence[NoteItem]) -> list[list[Any]]:
    return [[("【ピン留め】" if n.pinned else "") + n.title, n.note_date, n.author, n.subject, n.body] for n in notes]


def _write_book(report: HandoverReport, path: Path) -> None:
    from openpyxl import Workbook

    from soloit import __version__
    from soloit.exchange import xlsx_layout
    from soloit.exchange.xlsx_layout import DATE, HEADER, NUMBER, PERCENT, TEXT, TITLE, WRAP, YEN
    from soloit.exchange.xlsx_safe import put

    h = report.header
    wb = Workbook()
    xlsx_layout.add_styles(wb)
    running = f"{h.prefecture} {h.municipality}（{h.lg_code}）"
    cover = wb.active
    cover.title = "表紙"
    put(cover, 1, 1, h.title, TITLE)
    put(cover, 2, 1, f"{h.prefecture}　{h.municipality}")
    row = 3
    for label, value in _cover_rows(report):
        row += 1
        put(cover, row, 1, label, HEADER)
        for column in (2, 3, 4):  # the value spans B:D (the 64-digit head needs the width)
            put(cover, row, column, value if column == 2 else None, WRAP)
        cover.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    row += 2
    put(cover, row, 1, h.anchor.sentence, WRAP)
    cover.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    xlsx_layout.fit_row_height(cover, row, [(h.anchor.sentence, 100)])
    row += 2
    put(cover, row, 1, SECTION_SIGNATURES, TITLE)
    row += 1
    put(cover, row, 1, f"{SIGN_OFF}（引継期限 {wareki_and_iso(h.deadline)}）")
    row += 1
    for column, text in enumerate(("区分", "氏名", "印", "日付"), start=1):
        put(cover, row, column, text, HEADER)
    for signature in report.signatures:
        row += 1
        put(cover, row, 1, signature.role, HEADER)
        put(cover, row, 2, signature.name, TEXT)
        put(cover, row, 3, "印", TEXT)
        put(cover, row, 4, DATE_BLANK, TEXT)
        cover.row_dimensions[row].height = 48
    xlsx_layout.set_widths(cover, {"A": 22, "B": 44, "C": 10, "D": 26})
    xlsx_layout.print_setup(cover, title_rows=None)
    cover.page_setup.orientation = "portrait"
    cover.print_area = f"A1:D{row}"

    # 1
    o = report.overview
    _sheet(wb, running, "1 概要", SECTION_OVERVIEW, "作成日時点の台帳から作成した概要です。", (("概要", WRAP, 86),),
                [[s] for s in o.summary])
    _sheet(wb, running, "1 その他のメモ", f"{SECTION_OVERVIEW}　その他のメモ", "", NOTE_COLUMNS, _note_rows(o.notes))
    # 2
    p = report.progress
    rates_note = (f"手順書の進捗率（完了済み＋対象外）{format_percent(p.overall.complete)}　作業中 "
                  f"{format_percent(p.overall.in_progress)}　未着手 {format_percent(p.overall.not_started)}（20業務の平均）")
    _sheet(
        wb, running, "2 業務ごとの状況", f"{SECTION_PROGRESS}　業務ごとの状況", rates_note,
        (("No", NUMBER, 4), ("業務", WRAP, 16), ("完了ステップ", NUMBER, 7), ("総ステップ", NUMBER, 7),
         ("進捗率", PERCENT, 7), ("本番移行予定日", DATE, 11), ("本番移行日", DATE, 11), ("特定移行支援", WRAP, 7),
         ("事由", WRAP, 20), ("移行完了の目標", DATE, 11), ("移行先ベンダ", WRAP, 14), ("移行先製品", WRAP, 14)),
        [[n, b.name, b.complete_steps, b.total_steps, b.rates.complete, b.planned_go_live, b.actual_go_live,
          "対象" if b.tokutei else "", b.tokutei_reason, b.tokutei_target_date, b.target_vendor, b.target_product]
         for n, b in enumerate(p.businesses, start=1)],
        landscape=True,
    )
    _sheet(
        wb, running, "2 現在のステップと理由", f"{SECTION_PROGRESS}　業務ごとの現在のステップと最後に理由が付いた変更",
        "現在のステップは、作業中のうち手順書で最初のもの（作業中がなければ最初の未着手）です。",
        (("業務", WRAP, 14), ("ステップ", TEXT, 7), ("作業", WRAP, 30), ("状況", TEXT, 7), ("予定日", DATE, 11),
         ("最後の理由", WRAP, 26), ("理由の日付", DATE, 11), ("変更者", WRAP, 10), ("変更の内容", WRAP, 32)),
        [[b.name, *((b.current_step.number, b.current_step.name, b.current_step.status, b.current_step.planned_date)
                    if b.current_step else ("", "全ステップ完了", "", None)),
          *((b.last_reason.reason, b.last_reason.day, b.last_reason.actor, b.last_reason.change)
            if b.last_reason else ("", None, "", ""))]
         for b in p.businesses],
        landscape=True,
    )
    _sheet(wb, running, "2 特定移行支援", f"{SECTION_PROGRESS}　特定移行支援システム", "",
           (("業務", WRAP, 22), ("事由", WRAP, 44), ("移行完了の目標", DATE, 14), ("進捗率", PERCENT, 9)),
           [[b.name, b.tokutei_reason, b.tokutei_target_date, b.rates.complete] for b in p.tokutei])
    _sheet(wb, running, "2 DXの取組", f"{SECTION_PROGRESS}　自治体DXの取組", "",
           (("取組", WRAP, 30), ("状況", TEXT, 9), ("担当", WRAP, 14), ("開始日", DATE, 11), ("終了日", DATE, 11),
            ("KPI（実績／目標・達成率）", WRAP, 50)),
           [[i.title, i.status, i.department or "", i.start_date, i.end_date,
             "\n".join(_kpi_text(k) for k in i.kpis) or "（KPIなし）"] for i in p.initiatives],
           landscape=True)
    for n, budget in enumerate(p.budgets):
        t = budget.total
        _sheet(wb, running, "2 予算の執行" if n == 0 else f"2 予算の執行（{budget.why}）",
               f"{SECTION_PROGRESS}　予算の執行状況（{budget.fiscal_year_label}・{budget.why}）", "",
               (("事業名", WRAP, 30), ("予算額", YEN, 15), ("契約額", YEN, 15), ("支出額", YEN, 15), ("執行率", PERCENT, 9)),
               [[b.name, b.budget, b.contracted, b.spent, _fraction(b.execution_rate)] for b in budget.lines],
               total=["合計", t.budget, t.contracted, t.spent, _fraction(t.execution_rate)])
    _sheet(wb, running, "2 経過・現況のメモ", f"{SECTION_PROGRESS}　経過・現況のメモ", "ピン留めしたメモが先です。", NOTE_COLUMNS,
           _note_rows(p.notes), landscape=True)
    # 3
    _sheet(wb, running, "3 方針・意見", SECTION_POLICY, "", NOTE_COLUMNS, _note_rows(report.policy.notes), landscape=True)
    # 4
    s = report.schedule
    period = f"発令日から12か月（{wareki_and_iso(s.start)}〜{wareki_and_iso(s.end)}）"
    _sheet(wb, running, "4 定例業務", f"{SECTION_SCHEDULE}　定例業務", period,
           (("業務", WRAP, 40), ("繰り返し", WRAP, 24), ("12か月の日付", WRAP, 40)),
           [[d.title, d.rule, _dates_by_year(d.dates)] for d in s.duties])
    _sheet(wb, running, "4 期日の一覧", f"{SECTION_SCHEDULE}　期日の一覧", period,
           (("日付", DATE, 12), ("区分", TEXT, 14), ("件名", WRAP, 44), ("備考", WRAP, 36)),
           [[i.day, i.kind, i.title, i.detail] for i in s.items])
    _sheet(wb, running, "4 スケジュールのメモ", f"{SECTION_SCHEDULE}　年間スケジュールのメモ", "", NOTE_COLUMNS,
           _note_rows(s.notes), landscape=True)
    # 5
    pd = report.pending
    _sheet(wb, running, "5 未完了のタスク", f"{SECTION_PENDING}　未完了のタスク", "期限切れのものが先です。",
           (("期限", DATE, 12), ("期限切れ", TEXT, 9), ("状況", TEXT, 9), ("件名", WRAP, 40), ("関連", WRAP, 18),
            ("繰り返し", WRAP, 18)),
           [[x.due, "期限切れ" if x.overdue else "", x.status, x.title, x.about, x.recurrence] for x in pd.tasks])
    _sheet(wb, running, "5 遅れているステップ", f"{SECTION_PENDING}　予定日を過ぎた未完了のステップ", "",
           (("業務", WRAP, 18), ("ステップ", TEXT, 9), ("作業", WRAP, 50), ("予定日", DATE, 12), ("状況", TEXT, 9)),
           [[x.business, x.step_number, x.step_name, x.planned_date, x.status] for x in pd.late_steps])
    _sheet(wb, running, "5 遅れているステップ（業務別）", f"{SECTION_PENDING}　予定日を過ぎた未完了のステップ（業務ごと）", "",
           (("業務", WRAP, 18), ("件数", NUMBER, 7), ("最も古い予定日", DATE, 13), ("最初のステップ", TEXT, 9),
            ("作業", WRAP, 44), ("予定日", DATE, 12), ("状況", TEXT, 9)),
           [[x.business, x.count, x.oldest, x.first.step_number, x.first.step_name, x.first.planned_date, x.first.status]
            for x in pd.late_businesses], landscape=True)
    _sheet(wb, running, "5 未処理・未着手のメモ", f"{SECTION_PENDING}　未処理・未着手のメモ", "", NOTE_COLUMNS,
           _note_rows(pd.notes), landscape=True)
    # 6
    d = report.documents
    _sheet(wb, running, "6 書類の所在のメモ", f"{SECTION_DOCUMENTS}　書類の所在のメモ", "", NOTE_COLUMNS, _note_rows(d.notes),
           landscape=True)
    _sheet(wb, running, "6 契約書の保管場所", f"{SECTION_DOCUMENTS}　契約書の保管場所", "",
           (("契約名", WRAP, 34), ("契約先", WRAP, 26), ("契約終了日", DATE, 12), ("契約書の保管場所", WRAP, 40)),
           [[c.title, c.vendor, c.end_date, c.document] for c in d.contracts])
    # 7
    _sheet(wb, running, "7 連絡先", SECTION_CONTACTS, "",
           (("氏名", WRAP, 20), ("所属・会社", WRAP, 22), ("役割", WRAP, 22), ("電話", WRAP, 14), ("メール", WRAP, 26),
            ("関連システム", WRAP, 20), ("関連契約", WRAP, 24)),
           [[c.name, c.organisation, c.role, c.phone, c.mail, c.systems, c.contracts] for c in report.contacts],
           landscape=True)
    # _meta
    meta = wb.create_sheet(META_SHEET)
    for n, (key, value) in enumerate(
        (
            ("format", FORMAT), ("soloit_version", __version__), ("prefecture", h.prefecture),
            ("municipality", h.municipality), ("lg_code", h.lg_code), ("made_on", h.made_on.isoformat()),
            ("appointment_date", h.appointment_date.isoformat()), ("deadline", h.deadline.isoformat()),
            ("predecessor", h.predecessor), ("successor", h.successor), ("witness", h.witness or ""),
            ("journal_count", h.anchor.count), ("journal_head", h.anchor.head), ("anchor_code", h.anchor.code),
        ),
        start=1,
    ):
        put(meta, n, 1, key)
        put(meta, n, 2, value)
    meta.sheet_state = "hidden"
    wb.properties.title = f"{h.title} {h.municipality}"
    wb.properties.creator = "soloit"
    from soloit.exchange import print_layout, xlsx_cells

    print_layout.lay_out_workbook(wb)  # paper, scale and column groups: no text under 7 pt on paper
    xlsx_cells.install()  # the same bytes, several times faster without lxml
    wb.save(path)


def _fraction(percent: Decimal | None) -> float | None:
    return None if percent is None else float(percent) / 100
