"""年度 (April–March) and 和暦."""

from __future__ import annotations

from datetime import date

from soloit.domain.dates import format_era_year


def fiscal_year(day: date) -> int:
    """The 年度 a day belongs to, as its starting calendar year (2026-03-31 → 2025)."""
    return day.year if day.month >= 4 else day.year - 1


def wareki_year(year: int, month: int = 12, day: int = 31) -> str:
    """Calendar year in 和暦 for the given day, e.g. 2026 → 令和8年, 2019 → 令和元年."""
    return format_era_year(date(year, month, day))


def fiscal_year_label(fy: int) -> str:
    """令和8年度（FY2026）; FY2019 is 令和元年度, as the ministries write it (the era in force at the year's end)."""
    return f"{wareki_year(fy).removesuffix('年')}年度（FY{fy}）"


def format_date(day: date | None) -> str:
    """2026-03-31 → 2026/03/31 (令和8年); empty for None."""
    if day is None:
        return ""
    return f"{day:%Y/%m/%d}（{wareki_year(day.year, day.month, day.day)}）"
