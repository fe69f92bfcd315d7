"""The plan sheets of the status pack (schema version 2 on): DX取組 (one row per KPI, the initiative's own cells on
its first row), 予算 (the lines of the pack's 年度, a 合計 row and the totals per funding source) and 契約 (the
contracts running in that 年度). Written with openpyxl through xlsx_safe.put, read back with python-calamine by
their headers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from soloit.domain.fiscal import fiscal_year_label
from soloit.exchange import xlsx_layout
from soloit.exchange.cell_values import date_of, decimal_of, int_of, text_of
from soloit.exchange.xlsx_layout import (
    DATE,
    HEADER,
    NUMBER,
    PERCENT,
    TEXT,
    TITLE,
    TOTAL_PERCENT,
    TOTAL_TEXT,
    TOTAL_YEN,
    WRAP,
    YEN,
)
from soloit.exchange.xlsx_safe import put
from soloit.services.errors import FileImportError
from soloit.services.plan_report import BudgetLine, ContractLine, InitiativeLine, KpiLine, PlanReport

INITIATIVES, BUDGET, CONTRACTS = "DX取組", "予算", "契約"
SHEETS = (INITIATIVES, BUDGET, CONTRACTS)
HEADER_ROW = 3
NO, TOTAL = "No", "合計"
NONE_REGISTERED = "（登録されていません）"

# (header, style, width): the columns of each sheet, in order; the reader finds each by its header
INITIATIVE_COLUMNS = (
    (NO, TEXT, 5), ("取組名", WRAP, 30), ("分類", WRAP, 26), ("状況", TEXT, 8), ("担当部署", WRAP, 14),
    ("開始日", DATE, 11), ("終了日", DATE, 11), ("関連システム", WRAP, 22), ("関連予算", WRAP, 22),
    ("KPI名", WRAP, 24), ("単位", TEXT, 6), ("目標値", NUMBER, 10), ("実績値", NUMBER, 10), ("達成率", PERCENT, 8),
    ("実績の時点", DATE, 11),
)
BUDGET_COLUMNS = (
    (NO, TEXT, 5), ("事業名", WRAP, 30), ("予算科目", WRAP, 22), ("区分", TEXT, 6), ("要求額", YEN, 14),
    ("予算額", YEN, 14), ("契約額", YEN, 14), ("執行額", YEN, 14), ("執行率", PERCENT, 8), ("財源", WRAP, 22),
    ("うち補助・交付金等", YEN, 14), ("関連システム", WRAP, 24),
)
CONTRACT_COLUMNS = (
    (NO, TEXT, 5), ("契約名", WRAP, 30), ("契約先", WRAP, 24), ("契約開始日", DATE, 11), ("契約終了日", DATE, 11),
    ("契約金額", YEN, 14), ("申出（終了日の何日前）", NUMBER, 10), ("更新・解約の申出期限", DATE, 12),
    ("申出の処理", WRAP, 16), ("契約書の保管場所", WRAP, 28), ("関連システム", WRAP, 24),
)
OPTIONAL = frozenset({"申出の処理"})  # headers a pack from an earlier soloit lacks (read as empty)
AMOUNTS = ("requested", "budget", "contracted", "spent", "subsidy")


def _header(ws: Any, title: str, note: str, columns: Sequence[tuple[str, str, int]]) -> None:
    from openpyxl.utils import get_column_letter

    put(ws, 1, 1, title, TITLE)
    put(ws, 2, 1, note)
    for column, (text, _style, width) in enumerate(columns, start=1):
        put(ws, HEADER_ROW, column, text, HEADER)
        ws.column_dimensions[get_column_letter(column)].width = width
    xlsx_layout.fit_row_height(ws, HEADER_ROW, [(text, width) for text, _style, width in columns])
    xlsx_layout.print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"C{HEADER_ROW + 1}")


def _row(ws: Any, row: int, columns: Sequence[tuple[str, str, int]], values: Sequence[Any]) -> None:
    for column, ((_text, style, _width), value) in enumerate(zip(columns, values, strict=True), start=1):
        put(ws, row, column, value, style)
    xlsx_layout.fit_row_height(
        ws, row, [(value, width) for (_t, style, width), value in zip(columns, values, strict=True) if style == WRAP]
    )


def _fraction(percent: Any) -> float | None:
    return None if percent is None else float(percent) / 100


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)


# --- writing ---------------------------------------------------------------------------------------------------


def write_initiatives(ws: Any, plan: PlanReport, heading: str) -> None:
    _header(ws, f"DX取組　{heading}", "KPIごとに1行。達成率 = 実績値 ÷ 目標値。", INITIATIVE_COLUMNS)
    row = HEADER_ROW + 1
    for number, item in enumerate(plan.initiatives, start=1):
        own = [str(number), item.title, item.category or None, item.status, item.department, item.start_date,
               item.end_date, item.systems or None, item.budget_lines or None]
        for i, kpi in enumerate(item.kpis or (None,)):
            first = own if i == 0 else [str(number), item.title] + [None] * (len(own) - 2)
            kpi_cells = (
                [kpi.name, kpi.unit, _number(kpi.target), _number(kpi.actual), _fraction(kpi.achievement), kpi.as_of]
                if kpi else [None] * 6
            )
            _row(ws, row, INITIATIVE_COLUMNS, first + kpi_cells)
            row += 1
    if not plan.initiatives:
        put(ws, row, 2, NONE_REGISTERED)


def write_budget(ws: Any, plan: PlanReport, heading: str) -> None:
    label = fiscal_year_label(plan.fiscal_year)
    _header(ws, f"予算　{label}　{heading}", f"{label}の予算。執行率 = 執行額 ÷ 予算額。", BUDGET_COLUMNS)
    row = HEADER_ROW + 1
    for number, line in enumerate(plan.budget_lines, start=1):
        _row(ws, row, BUDGET_COLUMNS, [
            str(number), line.name, line.account, line.kind or None, line.requested, line.budget, line.contracted,
            line.spent, _fraction(line.execution_rate), line.funding_source, line.subsidy, line.systems or None,
        ])
        row += 1
    if not plan.budget_lines:
        put(ws, row, 2, NONE_REGISTERED)
        return
    _totals_row(ws, row, f"{TOTAL}（{len(plan.budget_lines)}件）", plan.budget_lines, count=False)
    row += 2
    put(ws, row, 2, "財源別の集計", TITLE)
    row += 1
    for column, text in ((2, "財源"), (3, "件数"), (5, "要求額"), (6, "予算額"), (7, "契約額"), (8, "執行額"), (9, "執行率"), (11, "うち補助・交付金等")):
        put(ws, row, column, text, HEADER)
    sources: dict[str, list[BudgetLine]] = {}
    for line in plan.budget_lines:
        sources.setdefault(line.funding_source or "（財源未設定）", []).append(line)
    for name, lines in sources.items():
        row += 1
        _totals_row(ws, row, name, lines, style=False)
    _totals_row(ws, row + 1, TOTAL, plan.budget_lines)


def _totals_row(ws: Any, row: int, label: str, lines: Sequence[BudgetLine], *, style: bool = True, count: bool = True) -> None:
    from soloit.domain.amounts import rate

    sums = {field: sum(getattr(line, field) or 0 for line in lines) for field in AMOUNTS}
    text, yen, percent = (TOTAL_TEXT, TOTAL_YEN, TOTAL_PERCENT) if style else (TEXT, YEN, PERCENT)
    put(ws, row, 2, label, text)
    put(ws, row, 3, len(lines) if count else None, text)
    for column, field in ((5, "requested"), (6, "budget"), (7, "contracted"), (8, "spent"), (11, "subsidy")):
        put(ws, row, column, sums[field], yen)
    put(ws, row, 9, _fraction(rate(sums["spent"], sums["budget"])), percent)


def write_contracts(ws: Any, plan: PlanReport, heading: str) -> None:
    label = fiscal_year_label(plan.fiscal_year)
    _header(ws, f"契約　{label}　{heading}", f"{label}に契約期間がかかる契約。申出期限は閉庁日なら前の開庁日。", CONTRACT_COLUMNS)
    row = HEADER_ROW + 1
    for number, c in enumerate(plan.contracts, start=1):
        _row(ws, row, CONTRACT_COLUMNS, [
            str(number), c.title, c.vendor, c.start_date, c.end_date, c.amount, c.notice_days, c.notice_date,
            c.notice_handling or None, c.document, c.systems or None,
        ])
        row += 1
    if not plan.contracts:
        put(ws, row, 2, NONE_REGISTERED)


WRITERS: tuple[tuple[str, Callable[[Any, PlanReport, str], None]], ...] = (
    (INITIATIVES, write_initiatives), (BUDGET, write_budget), (CONTRACTS, write_contracts),
)


# --- reading ---------------------------------------------------------------------------------------------------


def _table(book: Any, name: str, columns: Sequence[tuple[str, str, int]], file: str) -> list[dict[str, Any]]:
    """The data rows (those numbered in column No) as {header: value}."""
    rows = book.rows(name)  # an xlsx_guard.GuardedBook: the sheet checked before calamine reads it
    if len(rows) < HEADER_ROW:
        raise FileImportError("表の見出しがありません。", file=file, sheet=name)
    index = {str(text): column for column, text in enumerate(rows[HEADER_ROW - 1]) if text}
    missing = [text for text, _style, _width in columns if text not in index and text not in OPTIONAL]
    if missing:
        raise FileImportError(f"見出し {'、'.join(missing)} がありません。", file=file, sheet=name)
    table = []
    for row in rows[HEADER_ROW:]:
        if not row or int_of(row[0]) is None:
            break
        table.append({
            text: (row[index[text]] if text in index and index[text] < len(row) else None) for text, _s, _w in columns
        })
    return table


def read_plan(book: Any, fiscal_year: int, file: str) -> PlanReport:
    initiatives: list[InitiativeLine] = []
    current: dict[str, Any] | None = None
    kpis: list[KpiLine] = []

    def close() -> None:
        if current is not None:
            initiatives.append(InitiativeLine(
                str(current["取組名"]), text_of(current["分類"]) or "", text_of(current["状況"]) or "",
                text_of(current["担当部署"]), date_of(current["開始日"]), date_of(current["終了日"]),
                text_of(current["関連システム"]) or "", text_of(current["関連予算"]) or "", tuple(kpis),
            ))

    for row in _table(book, INITIATIVES, INITIATIVE_COLUMNS, file):
        if current is None or row[NO] != current[NO]:
            close()
            current, kpis = row, []
        if text_of(row["KPI名"]):
            kpis.append(KpiLine(
                str(row["KPI名"]), text_of(row["単位"]), decimal_of(row["目標値"]), decimal_of(row["実績値"]),
                date_of(row["実績の時点"]),
            ))
    close()
    budget = tuple(
        BudgetLine(
            str(r["事業名"]), text_of(r["予算科目"]), text_of(r["区分"]) or "", int_of(r["要求額"]), int_of(r["予算額"]),
            int_of(r["契約額"]), int_of(r["執行額"]), text_of(r["財源"]), int_of(r["うち補助・交付金等"]),
            text_of(r["関連システム"]) or "",
        )
        for r in _table(book, BUDGET, BUDGET_COLUMNS, file)
    )
    contracts = tuple(
        ContractLine(
            str(r["契約名"]), text_of(r["契約先"]), date_of(r["契約開始日"]), date_of(r["契約終了日"]), int_of(r["契約金額"]),
            int_of(r["申出（終了日の何日前）"]), date_of(r["更新・解約の申出期限"]), text_of(r["契約書の保管場所"]),
            text_of(r["関連システム"]) or "", text_of(r["申出の処理"]) or "",
        )
        for r in _table(book, CONTRACTS, CONTRACT_COLUMNS, file)
    )
    return PlanReport(fiscal_year, tuple(initiatives), budget, contracts)
