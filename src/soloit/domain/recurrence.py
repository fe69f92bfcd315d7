"""Rules of recurring duties: "every year on 10月15日", "the last business day of May", "5 business days before
3月31日", "every month on the 10th". A rule is stored as short text (`yearly 10-15`, `last_business_day 5`,
`business_days_before 03-31 5`, `monthly 10`, `last_business_day *`) and shown in Japanese. A date that falls on a
closed day moves to the business day before it (an office does its duties on days it is open)."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from soloit.domain.fiscal import BusinessCalendar

YEARLY, MONTHLY, LAST_BUSINESS_DAY, BUSINESS_DAYS_BEFORE = "yearly", "monthly", "last_business_day", "business_days_before"
KINDS = {
    YEARLY: "毎年 決まった日",
    MONTHLY: "毎月 決まった日",
    LAST_BUSINESS_DAY: "月の最終開庁日",
    BUSINESS_DAYS_BEFORE: "決まった日の○開庁日前",
}
MAX_DAYS_BEFORE = 60


class RuleError(ValueError):
    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    month: int | None = None  # None: every month (monthly, last_business_day *)
    day: int | None = None
    days_before: int | None = None

    # --- text forms ---------------------------------------------------------------------------------------------

    def text(self) -> str:
        if self.kind == YEARLY:
            return f"{YEARLY} {self.month:02d}-{self.day:02d}"
        if self.kind == MONTHLY:
            return f"{MONTHLY} {self.day}"
        if self.kind == LAST_BUSINESS_DAY:
            return f"{LAST_BUSINESS_DAY} {self.month if self.month else '*'}"
        return f"{BUSINESS_DAYS_BEFORE} {self.month:02d}-{self.day:02d} {self.days_before}"

    def describe_ja(self) -> str:
        if self.kind == YEARLY:
            return f"毎年 {self.month}月{self.day}日"
        if self.kind == MONTHLY:
            return f"毎月 {self.day}日" if self.day and self.day < 31 else "毎月 末日"
        if self.kind == LAST_BUSINESS_DAY:
            return f"毎年 {self.month}月の最終開庁日" if self.month else "毎月の最終開庁日"
        return f"毎年 {self.month}月{self.day}日の{self.days_before}開庁日前"

    # --- dates --------------------------------------------------------------------------------------------------

    def occurrence(self, year: int, month: int, calendar: BusinessCalendar) -> date | None:
        """The rule's date in that month (None when the rule has no date in it)."""
        if self.month is not None and self.month != month:
            return None
        if self.kind == LAST_BUSINESS_DAY:
            return calendar.last_business_day(year, month)
        day = date(year, month, min(self.day or 1, monthrange(year, month)[1]))
        if self.kind == BUSINESS_DAYS_BEFORE:
            return calendar.add_business_days(day, -(self.days_before or 0))
        return calendar.on_or_before(day)

    def next_after(self, after: date, calendar: BusinessCalendar) -> date:
        """The first date of the rule strictly after `after`."""
        year, month = after.year, after.month
        # a date "N business days before" early in a month can fall in the month before: start one month early
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        for _ in range(40):
            found = self.occurrence(year, month, calendar)
            if found is not None and found > after:
                return found
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        raise AssertionError(f"no occurrence of {self.text()} after {after}")

    def dates_between(self, start: date, end: date, calendar: BusinessCalendar) -> list[date]:
        """Every date of the rule from `start` through `end`."""
        found: list[date] = []
        day = self.next_after(date.fromordinal(start.toordinal() - 1), calendar)
        while day <= end:
            found.append(day)
            day = self.next_after(day, calendar)
        return found


_PATTERNS = {
    YEARLY: re.compile(r"(\d{1,2})-(\d{1,2})"),
    MONTHLY: re.compile(r"(\d{1,2})"),
    LAST_BUSINESS_DAY: re.compile(r"(\d{1,2}|\*)"),
    BUSINESS_DAYS_BEFORE: re.compile(r"(\d{1,2})-(\d{1,2}) (\d{1,2})"),
}


def parse_rule(text: str) -> Rule:
    """A rule from its stored text (RuleError in Japanese when it is not one)."""
    kind, _, rest = (text or "").strip().partition(" ")
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(rest) if pattern else None
    if match is None:
        raise RuleError("繰り返しの指定が読み取れません。一覧から選び直してください。")
    groups = match.groups()
    if kind == YEARLY:
        rule = Rule(kind, int(groups[0]), int(groups[1]))
    elif kind == MONTHLY:
        rule = Rule(kind, None, int(groups[0]))
    elif kind == LAST_BUSINESS_DAY:
        rule = Rule(kind, None if groups[0] == "*" else int(groups[0]))
    else:
        rule = Rule(kind, int(groups[0]), int(groups[1]), int(groups[2]))
    check_rule(rule)
    return rule


def check_rule(rule: Rule) -> None:
    if rule.month is not None and not 1 <= rule.month <= 12:
        raise RuleError("月は1〜12で指定してください。")
    if rule.kind in (YEARLY, BUSINESS_DAYS_BEFORE):
        if rule.month is None or rule.day is None:
            raise RuleError("月と日を指定してください。")
        if not 1 <= rule.day <= monthrange(2024, rule.month)[1]:  # 2024: 2月29日 is allowed (moves to the 28th)
            raise RuleError(f"{rule.month}月に{rule.day}日はありません。")
    if rule.kind == MONTHLY and (rule.day is None or not 1 <= rule.day <= 31):
        raise RuleError("日は1〜31で指定してください。")
    if rule.kind == BUSINESS_DAYS_BEFORE and (rule.days_before is None or not 1 <= rule.days_before <= MAX_DAYS_BEFORE):
        raise RuleError(f"何開庁日前かは1〜{MAX_DAYS_BEFORE}で指定してください。")


def rule_problem(text: str) -> str | None:
    """Why `text` is not a rule (Japanese), or None."""
    try:
        parse_rule(text)
    except RuleError as exc:
        return exc.message_ja
    return None


def describe(text: str | None) -> str:
    """The stored rule as a person reads it (the text itself when it cannot be read)."""
    if not text:
        return "（なし）"
    try:
        return parse_rule(text).describe_ja()
    except RuleError:
        return text
