"""年度 (April–March), 和暦 and business days (weekends, national holidays by jpholiday, 12/29–1/3 and the
user's own closed days)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

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


# --- 年度 bounds ------------------------------------------------------------------------------------------------------


def fiscal_year_start(fy: int) -> date:
    return date(fy, 4, 1)


def fiscal_year_end(fy: int) -> date:
    return date(fy + 1, 3, 31)


def fiscal_year_short(fy: int) -> str:
    """令和8年度 (without the western year), as a table cell says it."""
    return f"{wareki_year(fy).removesuffix('年')}年度"


# --- business days ----------------------------------------------------------------------------------------------------


def is_year_end_closure(day: date) -> bool:
    """12/29–1/3: the closing days of municipal offices (地方自治法 第4条の2, 休日を定める条例)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_national_holiday(day: date) -> bool:
    import jpholiday

    return jpholiday.is_holiday(day)


class BusinessCalendar:
    """Days the office is open: not a weekend, a national holiday (jpholiday), 12/29–1/3 or one of the user's own
    closed days (an office's 閉庁日 such as a 創立記念日)."""

    def __init__(self, closed_days: frozenset[date] | set[date] = frozenset()) -> None:
        self.closed_days = frozenset(closed_days)

    def is_business_day(self, day: date) -> bool:
        return not (
            day.weekday() >= 5 or is_year_end_closure(day) or day in self.closed_days or is_national_holiday(day)
        )

    def why_closed(self, day: date) -> str | None:
        """Why `day` is not a business day, in Japanese (None when it is one)."""
        import jpholiday

        if day.weekday() == 5:
            return "土曜日"
        if day.weekday() == 6:
            return "日曜日"
        if is_year_end_closure(day):
            return "年末年始（12/29〜1/3）"
        name = jpholiday.is_holiday_name(day)
        if name:
            return f"祝日（{name}）"
        if day in self.closed_days:
            return "閉庁日"
        return None

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th business day after `day` (n > 0) or before it (n < 0); `day` itself is not counted."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def on_or_before(self, day: date) -> date:
        """`day` when it is a business day, else the last business day before it."""
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def last_business_day(self, year: int, month: int) -> date:
        return self.on_or_before(date(year, month, monthrange(year, month)[1]))

    def first_business_day(self, year: int, month: int) -> date:
        return self.on_or_after(date(year, month, 1))
