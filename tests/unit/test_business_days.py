"""年度 and 和暦 at their boundaries, and business days across Golden Week and the new year (known calendars)."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.domain.dates import format_era_year
from soloit.domain.fiscal import (
    BusinessCalendar,
    fiscal_year,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_short,
    fiscal_year_start,
)

CAL = BusinessCalendar()


def test_the_era_changes_between_2019_04_30_and_2019_05_01():
    assert format_era_year(date(2019, 4, 30)) == "平成31年"
    assert format_era_year(date(2019, 5, 1)) == "令和元年"
    # FY2019 began under 平成 but is written 令和元年度; FY2018 is 平成30年度
    assert fiscal_year(date(2019, 4, 30)) == fiscal_year(date(2019, 5, 1)) == 2019
    assert fiscal_year_label(2019) == "令和元年度（FY2019）"
    assert fiscal_year_short(2019) == "令和元年度"
    assert fiscal_year_short(2018) == "平成30年度"


def test_fiscal_year_bounds():
    assert fiscal_year(date(2027, 3, 31)) == 2026 and fiscal_year(date(2027, 4, 1)) == 2027
    assert (fiscal_year_start(2026), fiscal_year_end(2026)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert fiscal_year_short(2026) == "令和8年度"


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 4, 29), "祝日（昭和の日）"),
        (date(2026, 5, 3), "日曜日"),
        (date(2026, 5, 4), "祝日（みどりの日）"),
        (date(2026, 5, 5), "祝日（こどもの日）"),
        (date(2026, 5, 6), "祝日（憲法記念日 振替休日）"),  # 5/3 was a Sunday
        (date(2026, 12, 29), "年末年始（12/29〜1/3）"),
        (date(2027, 1, 1), "年末年始（12/29〜1/3）"),
        (date(2027, 1, 2), "土曜日"),
        (date(2027, 1, 11), "祝日（成人の日）"),
    ],
)
def test_closed_days_say_why(day, why):
    assert not CAL.is_business_day(day)
    assert CAL.why_closed(day) == why


@pytest.mark.parametrize("day", [date(2026, 4, 30), date(2026, 5, 1), date(2026, 5, 7), date(2026, 12, 28), date(2027, 1, 4)])
def test_open_days(day):
    assert CAL.is_business_day(day) and CAL.why_closed(day) is None


def test_business_days_across_golden_week():
    assert CAL.add_business_days(date(2026, 5, 1), 1) == date(2026, 5, 7)
    assert CAL.add_business_days(date(2026, 5, 7), -1) == date(2026, 5, 1)
    assert CAL.add_business_days(date(2026, 4, 28), 3) == date(2026, 5, 7)


def test_business_days_across_the_new_year():
    assert CAL.add_business_days(date(2026, 12, 28), 1) == date(2027, 1, 4)
    assert CAL.add_business_days(date(2027, 1, 4), -1) == date(2026, 12, 28)
    assert CAL.first_business_day(2027, 1) == date(2027, 1, 4)
    assert CAL.last_business_day(2026, 12) == date(2026, 12, 28)


def test_last_business_day_of_a_month():
    assert CAL.last_business_day(2026, 5) == date(2026, 5, 29)  # 5/31 is a Sunday
    assert CAL.last_business_day(2027, 3) == date(2027, 3, 31)


def test_the_offices_own_closed_days_are_skipped():
    own = BusinessCalendar({date(2026, 5, 7)})
    assert own.why_closed(date(2026, 5, 7)) == "閉庁日"
    assert own.add_business_days(date(2026, 5, 1), 1) == date(2026, 5, 8)
