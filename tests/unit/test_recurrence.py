"""Rules of recurring duties: stored text, Japanese, and the next date over business days (known calendars)."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.domain.fiscal import BusinessCalendar
from soloit.domain.recurrence import RuleError, describe, parse_rule, rule_problem

CAL = BusinessCalendar()


@pytest.mark.parametrize(
    ("text", "japanese", "after", "next_date"),
    [
        ("yearly 10-15", "毎年 10月15日", date(2026, 12, 7), date(2027, 10, 15)),
        ("yearly 10-15", "毎年 10月15日", date(2026, 10, 14), date(2026, 10, 15)),
        # 2028-10-15 is a Sunday: the duty moves to Friday the 13th
        ("yearly 10-15", "毎年 10月15日", date(2027, 10, 15), date(2028, 10, 13)),
        ("last_business_day 5", "毎年 5月の最終開庁日", date(2025, 12, 1), date(2026, 5, 29)),
        ("last_business_day *", "毎月の最終開庁日", date(2026, 12, 7), date(2026, 12, 28)),
        ("monthly 10", "毎月 10日", date(2026, 5, 10), date(2026, 6, 10)),
        ("monthly 31", "毎月 末日", date(2026, 1, 31), date(2026, 2, 27)),  # 2/28/2026 is a Saturday
        # 5 business days before 5/7/2026 crosses Golden Week: 5/1, 4/30, 4/28, 4/27, 4/24
        ("business_days_before 05-07 5", "毎年 5月7日の5開庁日前", date(2026, 1, 1), date(2026, 4, 24)),
        # 3 business days before 1/5/2027 crosses the new year: 1/4, 12/28, 12/25
        ("business_days_before 01-05 3", "毎年 1月5日の3開庁日前", date(2026, 12, 7), date(2026, 12, 25)),
    ],
)
def test_rules(text, japanese, after, next_date):
    rule = parse_rule(text)
    assert rule.text() == text
    assert rule.describe_ja() == describe(text) == japanese
    assert rule.next_after(after, CAL) == next_date


def test_dates_in_a_year():
    rule = parse_rule("last_business_day *")
    days = rule.dates_between(date(2026, 4, 1), date(2027, 3, 31), CAL)
    assert len(days) == 12 and days[0] == date(2026, 4, 30) and days[-1] == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yearly 02-30", "2月に30日はありません。"),
        ("yearly 13-01", "月は1〜12で指定してください。"),
        ("business_days_before 03-31 0", "何開庁日前かは1〜60で指定してください。"),
        ("weekly mon", "繰り返しの指定が読み取れません。一覧から選び直してください。"),
        ("", "繰り返しの指定が読み取れません。一覧から選び直してください。"),
    ],
)
def test_bad_rules_are_refused_in_japanese(text, message):
    assert rule_problem(text) == message
    with pytest.raises(RuleError):
        parse_rule(text)


def test_leap_day_rule_falls_back_in_common_years():
    rule = parse_rule("yearly 02-29")
    assert rule.next_after(date(2026, 12, 1), CAL) == date(2027, 2, 26)  # 2/28/2027 is a Sunday
    assert rule.next_after(date(2027, 12, 1), CAL) == date(2028, 2, 29)
