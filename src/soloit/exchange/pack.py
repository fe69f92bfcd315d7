"""The prefecture status pack (県への報告パック): a StatusReport written as a workbook that opens cleanly in Excel and
LibreOffice and prints on A4 landscape, and read back (with python-calamine) into the same StatusReport.

Sheets, in order: 表紙, 進捗サマリ, 業務別ステップ別進捗一覧 (exactly the ministry's layout), スケジュール, その他システム,
DX取組, 予算, 契約 (since schema version 2, exchange/plan_sheets.py), 前回報告からの変更, and the hidden _meta. Adding a sheet bumps PACK_SCHEMA_VERSION; the reader keeps reading every
version released (tests/fixtures/packs holds one pack of each)."""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from soloit import reference
from soloit.domain.dates import format_both, format_wareki
from soloit.domain.fiscal import fiscal_year, fiscal_year_label
from soloit.domain.progress import Rates
from soloit.exchange import plan_sheets, print_layout, soumu_sheet, xlsx_cells, xlsx_guard, xlsx_layout
from soloit.exchange.cell_values import date_of as _date
from soloit.exchange.cell_values import int_of as _int
from soloit.exchange.cell_values import text_of as _text
from soloit.exchange.gc_pause import collection_paused
from soloit.exchange.xlsx_layout import DATE, GROUP, HEADER, PERCENT, TEXT, TITLE, TOTAL_PERCENT, TOTAL_TEXT, WRAP
from soloit.exchange.xlsx_safe import append_row, put
from soloit.services import entities
from soloit.services.errors import FileImportError
from soloit.services.plan_report import PlanReport
from soloit.services.report import ChangeLine, PreviousPack, StatusReport, StepRow, SystemLine

PACK_SCHEMA_VERSION = 2  # 2: the sheets DX取組, 予算 and 契約
PACK_FORMAT = "soloit-status-pack"
COVER, SUMMARY, STEPS, SCHEDULE, OTHERS, CHANGES, META = (
    "表紙", "進捗サマリ", soumu_sheet.SHEET_NAME, "スケジュール", "その他システム", "前回報告からの変更", "_meta",
)
SHEETS = (COVER, SUMMARY, STEPS, SCHEDULE, OTHERS, *plan_sheets.SHEETS, CHANGES, META)
SHEETS_V1 = (COVER, SUMMARY, STEPS, SCHEDULE, OTHERS, CHANGES, META)
FIRST_CHANGE = "初回の報告です"
NO_CHANGE = "前回の報告からの変更はありません。"
LAST_FISCAL_YEAR = 2030  # the schedule runs through 2030年度 (the 特定移行支援 horizon)

# 表紙: label → what it shows (read back by label)
COVER_MUNICIPALITY, COVER_CODE, COVER_PREFECTURE, COVER_AS_OF, COVER_AS_OF_ISO, COVER_BY, COVER_RATE = (
    "団体名", "団体コード", "都道府県", "基準日", "基準日（西暦）", "作成者", "全体の完了率",
)

# 進捗サマリ and その他システム: the system fields shown, by their declared labels, in groups
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("移行日程", ("planned_start", "planned_go_live", "actual_go_live")),
    ("", ("hosting",)),
    ("現行", ("current_vendor_id", "current_product")),
    ("移行先（標準準拠）", ("target_vendor_id", "target_product")),
    ("特定移行支援", ("tokutei", "tokutei_reason", "tokutei_reason_text", "tokutei_target_date")),
    ("", ("department_id", "notes")),
)
RATE_HEADERS = ("完了率", "作業中率", "未着手率")
TABLE_TOP = 4  # first data row of the system tables (title, groups, headers above)
SUMMARY_NAME, OTHERS_NAME, TOTAL_LABEL = "業務名", "システム名", "全体（20業務の平均）"
CHANGE_HEADERS = ("日時", "対象", "内容（変更前 → 変更後）", "理由", "変更者")

# the colours that carry meaning
RATE_DONE_FILL, RATE_LOW_FILL, RATE_MID_FILL = "C8E6C9", "FFCDD2", "FFF9C4"
LATE_FONT = "C62828"
PLANNED_FILL, GO_LIVE_FILL, ACTUAL_FILL, AS_OF_FILL, DEADLINE_COLOR = "BBDEFB", "1565C0", "2E7D32", "FFCC80", "D32F2F"
GO_LIVE_MARK, ACTUAL_MARK = "★", "●"


class ProgressLike(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...
    def check(self) -> None: ...


class _Quiet:
    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def check(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class PackMeta:
    schema_version: int
    identity: str
    lg_code: str
    as_of: date
    generated_at: str  # ISO 8601 UTC
    soloit_version: str
    demo: bool
    journal_count: int
    journal_head: str


@dataclass(frozen=True, slots=True)
class Pack:
    report: StatusReport
    meta: PackMeta


def _columns() -> list[tuple[str, str]]:
    """(group, field name) of the system columns after the name and the rates."""
    return [(group, name) for group, names in _GROUPS for name in names]


def _label(field: str) -> str:
    return entities.spec(entities.SYSTEM, field).label_ja


def _system_values(line: SystemLine) -> list[Any]:
    ref = reference.load()
    return [
        line.planned_start, line.planned_go_live, line.actual_go_live,
        ref.choice_label(ref.hosting_kinds, line.hosting) or None,
        line.current_vendor, line.current_product, line.target_vendor, line.target_product,
        "該当" if line.tokutei else None,
        ref.choice_label(ref.tokutei_reasons, line.tokutei_reason) or None,
        line.tokutei_reason_text, line.tokutei_target_date, line.department, line.notes,
    ]


# --- writing ---------------------------------------------------------------------------------------------------


def write_pack(
    report: StatusReport,
    path: Path,
    *,
    generated_at: str,
    soloit_version: str,
    progress: ProgressLike | None = None,
) -> None:
    """Write `report` as a pack at `path` (the caller chooses a temporary path and puts it in place)."""
    with collection_paused():
        _write_pack(report, path, generated_at=generated_at, soloit_version=soloit_version, progress=progress or _Quiet())


def _write_pack(report: StatusReport, path: Path, *, generated_at: str, soloit_version: str, progress: ProgressLike) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    xlsx_layout.add_styles(wb)
    wb.remove(wb.active)
    writers: list[tuple[str, Callable[[Any], None]]] = [
        (COVER, lambda ws: _cover(ws, report)),
        (SUMMARY, lambda ws: _summary(ws, report)),
        (STEPS, lambda ws: _steps(ws, report)),
        (SCHEDULE, lambda ws: _schedule(ws, report)),
        (OTHERS, lambda ws: _others(ws, report)),
        *((name, _plan_writer(write, report)) for name, write in plan_sheets.WRITERS),
        (CHANGES, lambda ws: _changes(ws, report)),
        (META, lambda ws: _meta(ws, report, generated_at, soloit_version)),
    ]
    for done, (name, write) in enumerate(writers):
        progress.check()
        progress.report(done, len(writers) + 1, name)
        write(wb.create_sheet(name))
    progress.check()
    progress.report(len(writers), len(writers) + 1, "保存")
    wb.properties.creator = "soloit"
    wb.properties.title = f"標準化の進捗状況 {report.municipality}（基準日 {report.as_of.isoformat()}）"
    fixed = datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    wb.properties.created = wb.properties.modified = fixed  # the file states its as-of date, not the clock
    print_layout.lay_out_workbook(wb)  # paper, scale and column groups: no text under 7 pt on paper
    xlsx_cells.install()  # the same bytes, several times faster without lxml
    wb.save(path)


def _plan_of(report: StatusReport) -> PlanReport:
    return report.plan if report.plan is not None else PlanReport(fiscal_year(report.as_of))


def _plan_writer(write: Callable[[Any, PlanReport, str], None], report: StatusReport) -> Callable[[Any], None]:
    heading = f"{report.municipality}（基準日 {_as_of_text(report.as_of)}）"
    return lambda ws: write(ws, _plan_of(report), heading)


def _as_of_text(day: date) -> str:
    return format_both(day)  # 令和8年11月22日（2026/11/22）, as the 事務引継書 writes a date


def _cover(ws: Any, report: StatusReport) -> None:
    put(ws, 1, 1, "標準化・共通化の進捗状況報告", TITLE)
    put(ws, 2, 1, "地方公共団体情報システムの標準化（標準化対象20業務・手順書の40ステップ）", None)
    rows = [
        (COVER_MUNICIPALITY, report.municipality),
        (COVER_CODE, report.lg_code),
        (COVER_PREFECTURE, report.prefecture),
        (COVER_AS_OF, format_wareki(report.as_of)),
        (COVER_AS_OF_ISO, report.as_of.isoformat()),
        (COVER_BY, report.prepared_by),
        (COVER_RATE, report.overall.complete),
    ]
    for offset, (label, value) in enumerate(rows):
        put(ws, 4 + offset, 1, label, HEADER)
        put(ws, 4 + offset, 2, value, PERCENT if label == COVER_RATE else TEXT)
    note = 4 + len(rows) + 1
    put(ws, note, 1, "完了率は（完了済み＋対象外）のステップ数 ÷ 40。全体は20業務の平均（総務省の算定方法）。", None)
    put(ws, note + 1, 1, f"{fiscal_year_label(fiscal_year(report.as_of))}の状況。内容は出力した時点の台帳のとおりです。", None)
    if report.demo:
        put(ws, note + 2, 1, "※ デモ用データベースから出力したものです（実在の団体のデータではありません）。", None)
    xlsx_layout.set_widths(ws, {"A": 18, "B": 48})
    xlsx_layout.print_setup(ws, title_rows=None)


def _table_header(ws: Any, title: str, name_header: str) -> None:
    put(ws, 1, 1, title, TITLE)
    put(ws, 2, 1, None, GROUP)
    put(ws, 2, 2, None, GROUP)
    put(ws, 2, 3, "進捗率", GROUP)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=5)
    column = 6
    for group, names in _GROUPS:
        put(ws, 2, column, group or None, GROUP)
        if len(names) > 1:
            ws.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + len(names) - 1)
        column += len(names)
    headers = ["No.", name_header, *RATE_HEADERS, *(_label(name) for _, name in _columns())]
    for column, text in enumerate(headers, start=1):
        put(ws, 3, column, text, HEADER)
    ws.row_dimensions[3].height = 42
    widths = [5, 18, 8, 8, 8, 11, 11, 11, 14, 16, 16, 16, 16, 8, 18, 20, 11, 14, 30]
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(column)].width = width


def _system_row(ws: Any, row: int, number: int, line: SystemLine, *, rates: bool) -> None:
    put(ws, row, 1, number, TEXT)
    put(ws, row, 2, line.name, WRAP)
    shares = (line.rates.complete, line.rates.in_progress, line.rates.not_started) if rates and line.rates else (None,) * 3
    for offset, share in enumerate(shares):
        put(ws, row, 3 + offset, share, PERCENT)
    for offset, value in enumerate(_system_values(line)):
        put(ws, row, 6 + offset, value, DATE if isinstance(value, date) else WRAP)


def _summary(ws: Any, report: StatusReport) -> None:
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font, PatternFill

    _table_header(ws, f"進捗サマリ　{report.municipality}（基準日 {_as_of_text(report.as_of)}）", SUMMARY_NAME)
    for offset, line in enumerate(report.businesses):
        _system_row(ws, TABLE_TOP + offset, offset + 1, line, rates=True)
    last = TABLE_TOP + len(report.businesses) - 1
    total = last + 1
    put(ws, total, 1, None, TOTAL_TEXT)
    put(ws, total, 2, TOTAL_LABEL, TOTAL_TEXT)
    for offset, share in enumerate((report.overall.complete, report.overall.in_progress, report.overall.not_started)):
        put(ws, total, 3 + offset, share, TOTAL_PERCENT)
    live = sum(1 for line in report.businesses if line.actual_go_live)
    tokutei = sum(1 for line in report.businesses if line.tokutei)
    counts = {8: f"稼働 {live} 業務", 14: f"{tokutei} 業務"}
    for column in range(6, 6 + len(_columns())):
        put(ws, total, column, counts.get(column), TOTAL_TEXT)
    rates = f"C{TABLE_TOP}:C{last}"
    ws.conditional_formatting.add(rates, CellIsRule(operator="greaterThanOrEqual", formula=["1"],
                                                    fill=PatternFill("solid", bgColor=RATE_DONE_FILL)))
    ws.conditional_formatting.add(rates, CellIsRule(operator="lessThan", formula=["0.5"],
                                                    fill=PatternFill("solid", bgColor=RATE_LOW_FILL)))
    ws.conditional_formatting.add(rates, CellIsRule(operator="between", formula=["0.5", "0.99999"],
                                                    fill=PatternFill("solid", bgColor=RATE_MID_FILL)))
    as_of = report.as_of
    # a planned go-live already past on the as-of date, with no go-live recorded: red
    ws.conditional_formatting.add(
        f"G{TABLE_TOP}:G{last}",
        FormulaRule(formula=[f'AND(G{TABLE_TOP}<>"",H{TABLE_TOP}="",G{TABLE_TOP}<DATE({as_of.year},{as_of.month},{as_of.day}))'],
                    font=Font(color=LATE_FONT, bold=True)),
    )
    put(ws, total + 1, 2, "完了率の色: 緑 100%、黄 50%以上、赤 50%未満。本番稼働予定日の赤字: 基準日を過ぎて稼働の記録がない業務。", None)
    _rate_chart(ws, last, total + 3)
    xlsx_layout.print_setup(ws, title_rows="2:3", freeze=f"C{TABLE_TOP}")


def _rate_chart(ws: Any, last: int, anchor_row: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = "業務別の完了率"
    chart.style = 10
    chart.legend = None
    chart.add_data(Reference(ws, min_col=3, min_row=TABLE_TOP - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=TABLE_TOP, max_row=last))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.orientation = "maxMin"  # the first business at the top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.gapWidth = 40
    chart.x_axis.tickLblSkip = 1  # every business named, not every other one
    chart.width, chart.height = 26, 15
    ws.add_chart(chart, f"B{anchor_row}")


def _steps(ws: Any, report: StatusReport) -> None:
    entry = soumu_sheet.SheetEntry(report.prefecture, report.municipality, {s.business_code: s.statuses for s in report.steps})
    soumu_sheet.write_sheet(ws, [entry])


def _months(as_of: date) -> list[date]:
    """The first day of every month from April of the as-of date's 年度 through March of 2030年度's end."""
    start = fiscal_year(as_of)
    return [date(y + (1 if m < 4 else 0), m, 1) for y in range(start, max(start, LAST_FISCAL_YEAR) + 1)
            for m in (*range(4, 13), 1, 2, 3)]


def _month_end(first: date) -> date:
    from datetime import timedelta

    following = date(first.year + (first.month // 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _schedule(ws: Any, report: StatusReport) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ref = reference.load()
    months = _months(report.as_of)
    first_month = 5  # column E
    put(ws, 1, 1, f"移行スケジュール　{report.municipality}（基準日 {_as_of_text(report.as_of)}）", TITLE)
    deadlines = (ref.standardization_deadline, ref.tokutei_deadline)
    put(ws, 2, 1, (
        f"凡例: 水色＝移行作業期間（予定：開始予定日〜本番稼働予定日）　{GO_LIVE_MARK}＝本番稼働予定　{ACTUAL_MARK}＝本番稼働（実績）　"
        f"橙の見出し＝基準日の月　赤線＝{deadlines[0].isoformat()}（原則の移行期限）・{deadlines[1].isoformat()}"
        "（特定移行支援システムの移行完了目安）　太線＝年度の区切り"
    ), None)
    headers = ["業務・システム", _label("planned_start"), _label("planned_go_live"), _label("actual_go_live")]
    for column, text in enumerate(headers, start=1):
        put(ws, 3, column, None, GROUP)
        put(ws, 4, column, text, HEADER)
    as_of_month = date(report.as_of.year, report.as_of.month, 1)
    red = Side(style="thick", color=DEADLINE_COLOR)
    year_line = Side(style="medium", color="000000")
    thin = Side(style="thin", color="C0C0C0")

    def border(index: int) -> Border:
        month = months[index]
        left = year_line if month.month == 4 else thin
        right = thin
        for deadline in deadlines:
            if _month_end(month) == deadline:
                right = red
            if index == 0 and deadline < month and (month - deadline).days == 1:
                left = red  # the deadline is the day before the chart starts
        return Border(left=left, right=right, top=thin, bottom=thin)

    borders = [border(i) for i in range(len(months))]
    header_font = Font(name=xlsx_layout.FONT_NAME, size=9, bold=True)
    centre = Alignment(horizontal="center", vertical="center")
    as_of_fill = PatternFill("solid", fgColor=AS_OF_FILL)
    header_fill = PatternFill("solid", fgColor=xlsx_layout.HEADER_FILL)
    for index, month in enumerate(months):
        column = first_month + index
        if month.month == 4:
            put(ws, 3, column, fiscal_year_label(month.year), GROUP)
            ws.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 11)
        cell = put(ws, 4, column, f"{month.month}")
        cell.font, cell.alignment, cell.border = header_font, centre, borders[index]
        cell.fill = as_of_fill if month == as_of_month else header_fill
        ws.column_dimensions[_letter(column)].width = 3.6
    planned = PatternFill("solid", fgColor=PLANNED_FILL)
    go_live = PatternFill("solid", fgColor=GO_LIVE_FILL)
    actual = PatternFill("solid", fgColor=ACTUAL_FILL)
    white = Font(name=xlsx_layout.FONT_NAME, size=9, color="FFFFFF", bold=True)
    lines = [*report.businesses, *report.others]
    styled: dict[tuple[int, str], Any] = {}  # (month, look) → the style ids of a cell with that look
    for offset, line in enumerate(lines):
        row = 5 + offset
        put(ws, row, 1, line.name, TEXT)
        for column, value in ((2, line.planned_start), (3, line.planned_go_live), (4, line.actual_go_live)):
            put(ws, row, column, value, DATE)
        for index, month in enumerate(months):
            cell = ws.cell(row=row, column=first_month + index)
            end = _month_end(month)
            if line.actual_go_live and month <= line.actual_go_live <= end:
                kind = "actual"
                cell.value = ACTUAL_MARK
            elif line.planned_go_live and month <= line.planned_go_live <= end:
                kind = "go_live"
                cell.value = GO_LIVE_MARK
            elif line.planned_start and line.planned_go_live and line.planned_start <= end and month <= line.planned_go_live:
                kind = "planned"
            else:
                kind = ""
            prototype = styled.get((index, kind))
            if prototype is None:  # the first cell of its look: styled once, the others share its style ids
                cell.border = borders[index]
                if kind == "actual":
                    cell.fill, cell.font, cell.alignment = actual, white, centre
                elif kind == "go_live":
                    cell.fill, cell.font, cell.alignment = go_live, white, centre
                elif kind == "planned":
                    cell.fill = planned
                styled[(index, kind)] = cell._style
            else:
                cell._style = copy(prototype)
    xlsx_layout.set_widths(ws, {"A": 18, "B": 11, "C": 11, "D": 11})
    ws.row_dimensions[4].height = 18
    xlsx_layout.print_setup(ws, title_rows="3:4", freeze="E5")


def _others(ws: Any, report: StatusReport) -> None:
    _table_header(ws, f"その他システム（標準化対象外）　{report.municipality}（基準日 {_as_of_text(report.as_of)}）", OTHERS_NAME)
    for offset, line in enumerate(report.others):
        _system_row(ws, TABLE_TOP + offset, offset + 1, line, rates=False)
    if not report.others:
        put(ws, TABLE_TOP, 2, "（登録されているシステムはありません）", None)
    xlsx_layout.print_setup(ws, title_rows="2:3", freeze=f"C{TABLE_TOP}")


def _changes(ws: Any, report: StatusReport) -> None:
    put(ws, 1, 1, f"前回報告からの変更　{report.municipality}（基準日 {_as_of_text(report.as_of)}）", TITLE)
    previous = report.previous
    if previous is None:
        put(ws, 2, 1, f"{FIRST_CHANGE}（このデータベースから出力した報告パックはこれまでにありません）。", None)
    else:
        put(ws, 2, 1, (
            f"前回の報告: 基準日 {format_wareki(previous.as_of)}（{previous.exported_at} に {previous.actor} が出力）。"
            f"それ以降の変更 {len(report.changes)} 件（新しい順）。"
        ), None)
    for column, text in enumerate(CHANGE_HEADERS, start=1):
        put(ws, 3, column, text, HEADER)
    if previous is not None and not report.changes:
        put(ws, 4, 1, NO_CHANGE, None)
    for change in report.changes:
        append_row(ws, [change.when, change.subject, change.what, change.reason or None, change.actor])
    xlsx_layout.set_widths(ws, {"A": 17, "B": 30, "C": 54, "D": 36, "E": 14})  # one A4 width at 7 pt and more
    xlsx_layout.print_setup(ws, title_rows="3:3", freeze="A4")


def _meta_rows(report: StatusReport, generated_at: str, soloit_version: str) -> list[tuple[str, Any]]:
    previous = report.previous
    return [
        ("format", PACK_FORMAT),
        ("pack_schema_version", PACK_SCHEMA_VERSION),
        ("database_identity", report.identity),
        ("lg_code", report.lg_code),
        ("as_of", report.as_of.isoformat()),
        ("generated_at", generated_at),
        ("soloit_version", soloit_version),
        ("demo", "true" if report.demo else "false"),
        ("journal_count", report.journal_count),
        ("journal_head", report.journal_head),
        ("previous_as_of", previous.as_of.isoformat() if previous else None),
        ("previous_exported_at", previous.exported_at if previous else None),
        ("previous_actor", previous.actor if previous else None),
        ("previous_journal_count", previous.journal_count if previous else None),
        ("plan_fiscal_year", _plan_of(report).fiscal_year),
    ]


def _meta(ws: Any, report: StatusReport, generated_at: str, soloit_version: str) -> None:
    for row, (key, value) in enumerate(_meta_rows(report, generated_at, soloit_version), start=1):
        put(ws, row, 1, key)
        put(ws, row, 2, value)
    ws.sheet_state = "hidden"
    xlsx_layout.set_widths(ws, {"A": 24, "B": 70})
    xlsx_layout.print_setup(ws, title_rows=None)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


# --- reading ---------------------------------------------------------------------------------------------------


def read_meta(path: Path) -> dict[str, Any]:
    """The _meta sheet of a pack as a dict; FileImportError when `path` is not a soloit pack."""
    book = _book(path)
    if META not in book.sheet_names:
        raise FileImportError("soloit の報告パックではありません（_meta シートがありません）。", file=path.name)
    values = {str(r[0]): (r[1] if len(r) > 1 else None) for r in book.rows(META) if r and r[0]}
    book.close()
    if values.get("format") != PACK_FORMAT:
        raise FileImportError("soloit の報告パックではありません（_meta の形式が違います）。", file=path.name)
    version = _int(values.get("pack_schema_version"))
    if version is None or version < 1:
        raise FileImportError("報告パックの版を読み取れません。", file=path.name, sheet=META)
    if version > PACK_SCHEMA_VERSION:
        raise FileImportError(
            f"この報告パックは新しい版の soloit（形式 {version}）で作られています。この soloit が読めるのは形式 "
            f"{PACK_SCHEMA_VERSION} までです。soloit を更新してください。", file=path.name,
        )
    return values


def read_pack(path: Path) -> Pack:
    """Read a pack written by any released version of write_pack."""
    meta_values = read_meta(path)
    book = _book(path)
    version = int(meta_values["pack_schema_version"])
    missing = [name for name in (SHEETS_V1 if version == 1 else SHEETS) if name not in book.sheet_names]
    if missing:
        raise FileImportError(f"シート {'、'.join(missing)} がありません。", file=path.name)
    meta = PackMeta(
        schema_version=version,
        identity=str(meta_values.get("database_identity") or ""),
        lg_code=str(meta_values.get("lg_code") or ""),
        as_of=date.fromisoformat(str(meta_values.get("as_of"))),
        generated_at=str(meta_values.get("generated_at") or ""),
        soloit_version=str(meta_values.get("soloit_version") or ""),
        demo=meta_values.get("demo") == "true",
        journal_count=_int(meta_values.get("journal_count")) or 0,
        journal_head=str(meta_values.get("journal_head") or ""),
    )
    cover = {str(r[0]): r[1] for r in _rows(book, COVER) if len(r) > 1 and r[0]}
    summary = _rows(book, SUMMARY)
    businesses, overall = _read_businesses(summary, path)
    others = _read_systems(_rows(book, OTHERS), rates=False)
    prefecture, municipality = _text(cover.get(COVER_PREFECTURE)) or "", _text(cover.get(COVER_MUNICIPALITY)) or ""
    previous = None
    if meta_values.get("previous_as_of"):
        previous = PreviousPack(
            as_of=date.fromisoformat(str(meta_values["previous_as_of"])),
            exported_at=str(meta_values.get("previous_exported_at") or ""),
            actor=str(meta_values.get("previous_actor") or ""),
            journal_count=_int(meta_values.get("previous_journal_count")) or 0,
        )
    changes = _read_changes(_rows(book, CHANGES))
    plan = None
    if version >= 2:
        plan_year = _int(meta_values.get("plan_fiscal_year"))
        if plan_year is None:
            raise FileImportError("報告パックの年度（plan_fiscal_year）を読み取れません。", file=path.name, sheet=META)
        plan = plan_sheets.read_plan(book, plan_year, path.name)
    book.close()  # before the step sheet is read through a workbook of its own: one copy of the shared strings at a time
    sheet = soumu_sheet.read_statuses(path, prefecture, municipality)
    ref = reference.load()
    steps = tuple(StepRow(b.code, sheet.statuses[b.code]) for b in ref.businesses)
    report = StatusReport(
        prefecture=prefecture,
        municipality=municipality,
        lg_code=_text(cover.get(COVER_CODE)) or meta.lg_code,
        as_of=meta.as_of,
        prepared_by=_text(cover.get(COVER_BY)) or "",
        overall=overall,
        businesses=businesses,
        steps=steps,
        others=others,
        previous=previous,
        changes=changes,
        identity=meta.identity,
        demo=meta.demo,
        journal_count=meta.journal_count,
        journal_head=meta.journal_head,
        plan=plan,
    )
    return Pack(report, meta)


def _book(path: Path) -> xlsx_guard.GuardedBook:
    """The workbook at `path`, its ZIP directory and each sheet checked by xlsx_guard before calamine reads it."""
    return xlsx_guard.open_workbook(path)


def _rows(book: xlsx_guard.GuardedBook, name: str) -> list[list[Any]]:
    return book.rows(name)


def _share(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _header_index(rows: list[list[Any]]) -> dict[str, int]:
    return {str(text): column for column, text in enumerate(rows[TABLE_TOP - 2]) if text}


def _read_systems(rows: list[list[Any]], *, rates: bool, count: int | None = None) -> tuple[SystemLine, ...]:
    ref = reference.load()
    index = _header_index(rows)
    hosting = {c.label_ja: c.code for c in ref.hosting_kinds}
    reasons = {c.label_ja: c.code for c in ref.tokutei_reasons}
    name_column = index.get(SUMMARY_NAME, index.get(OTHERS_NAME, 1))
    lines = []
    for row in rows[TABLE_TOP - 1 :]:
        if count is not None and len(lines) >= count:
            break
        if len(row) <= name_column or not row[name_column] or not isinstance(row[0], (int, float)) or row[0] == "":
            break

        def get(field: str, row: list[Any] = row) -> Any:
            column = index.get(_label(field))
            return row[column] if column is not None and column < len(row) else None

        shares = [_share(row[index[h]]) if h in index else None for h in RATE_HEADERS]
        lines.append(
            SystemLine(
                name=str(row[name_column]),
                business_code=None,
                rates=Rates(*shares) if rates and None not in shares else None,  # type: ignore[arg-type]
                planned_start=_date(get("planned_start")),
                planned_go_live=_date(get("planned_go_live")),
                actual_go_live=_date(get("actual_go_live")),
                hosting=hosting.get(_text(get("hosting")) or ""),
                current_vendor=_text(get("current_vendor_id")),
                current_product=_text(get("current_product")),
                target_vendor=_text(get("target_vendor_id")),
                target_product=_text(get("target_product")),
                tokutei=bool(_text(get("tokutei"))),
                tokutei_reason=reasons.get(_text(get("tokutei_reason")) or ""),
                tokutei_reason_text=_text(get("tokutei_reason_text")),
                tokutei_target_date=_date(get("tokutei_target_date")),
                department=_text(get("department_id")),
                notes=_text(get("notes")),
            )
        )
    return tuple(lines)


def _read_businesses(rows: list[list[Any]], path: Path) -> tuple[tuple[SystemLine, ...], Rates]:
    from dataclasses import replace

    ref = reference.load()
    lines = _read_systems(rows, rates=True, count=len(ref.businesses))
    if len(lines) != len(ref.businesses):
        raise FileImportError(f"20 業務の行がそろっていません（{len(lines)} 行）。", file=path.name, sheet=SUMMARY)
    lines = tuple(replace(line, business_code=b.code) for line, b in zip(lines, ref.businesses, strict=True))
    total = rows[TABLE_TOP - 1 + len(ref.businesses)]
    index = _header_index(rows)
    overall = Rates(*(float(total[index[h]]) for h in RATE_HEADERS))
    return lines, overall


def _read_changes(rows: list[list[Any]]) -> tuple[ChangeLine, ...]:
    changes = []
    for row in rows[3:]:
        if not row or not row[0] or str(row[0]) == NO_CHANGE:
            continue
        cells = [(_text(v) or "") for v in (*row, "", "", "", "", "")[:5]]
        changes.append(ChangeLine(*cells))
    return tuple(changes)
