"""Dates typed by a person: 和暦 (令和9年1月4日, R9.1.4, 令和元年5月1日) and 西暦 (2026/1/4, 2026-01-04, 20260104) alike.

The era table lives here once; `fiscal` reads it for 年度 labels."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R, as in R9.1.4
    start: date  # first day
    end: date | None  # last day; None for the era in force


# Newest first. Only eras a ledger can meet: a date before 昭和 is refused.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
)
_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}

EXAMPLES_JA = "例: 令和9年1月4日、R9.1.4、2026/1/4"


class DateParseError(ValueError):
    """A typed date that cannot be read; `message_ja` says why, for the user."""

    def __init__(self, message_ja: str, text: str = "") -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja
        self.text = text


def era_of(day: date) -> Era:
    """The era in force on `day`; ValueError before 昭和."""
    for era in ERAS:
        if day >= era.start:
            return era
    raise ValueError(f"date before 昭和: {day}")


def era_year(day: date) -> tuple[Era, int]:
    """(era, year of the era) for `day`: 2019-05-01 → (令和, 1)."""
    era = era_of(day)
    return era, day.year - era.start.year + 1


def format_era_year(day: date) -> str:
    """The 和暦 year of `day`: 2027-01-04 → 令和9年, 2019-05-01 → 令和元年, 2019-04-30 → 平成31年."""
    era, n = era_year(day)
    return f"{era.name}{'元' if n == 1 else n}年"


def format_wareki(day: date) -> str:
    """2027-01-04 → 令和9年1月4日; the first year of an era is 元年 (2019-05-01 → 令和元年5月1日)."""
    return f"{format_era_year(day)}{day.month}月{day.day}日"


def format_both(day: date | None) -> str:
    """A date for a municipal reader: 2027-04-01 → 令和9年4月1日（2027/04/01）; empty for None. The one style
    wherever both calendars are shown (the 事務引継書, the pack's dates, tooltips of dates shown in 西暦)."""
    if day is None:
        return ""
    return f"{format_wareki(day)}（{day.isoformat().replace('-', '/')}）"


_SLASHED = re.compile(r"(?<!\d)(?<!日（)(\d{4})/(\d{2})/(\d{2})(?![\d/])", re.ASCII)


def with_wareki(text: str) -> str:
    """`text` with each 2027/04/01 in it given its 和暦 (令和9年4月1日（2027/04/01）); other text unchanged, a date
    already in both forms too."""

    def both(match: re.Match[str]) -> str:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
            return format_both(day)
        except ValueError:  # not a calendar day, or before 昭和
            return match[0]

    return _SLASHED.sub(both, text) if "/" in text else text


WEEKDAYS_JA = "月火水木金土日"


def weekday_ja(day: date) -> str:
    """The day of the week as one character: 2026-12-28 → 月."""
    return WEEKDAYS_JA[day.weekday()]


def format_with_weekday(day: date | None) -> str:
    """2026-12-28 → 2026/12/28（月）; empty for None."""
    if day is None:
        return ""
    return f"{day.isoformat().replace('-', '/')}（{WEEKDAYS_JA[day.weekday()]}）"


def _jp(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# After NFKC (full-width digits, letters, ．／－ and the ideographic space become ASCII; ㋿ becomes 令和), these
# dashes people type between numbers still differ from "-".
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))
_NUM = r"\s*(\d{1,2})\s*"
_SEP = r"[./-]"
_YMD_KANJI = rf"年{_NUM}月{_NUM}日?"
_YMD_SEP = rf"{_SEP}{_NUM}{_SEP}{_NUM}"
# re.ASCII: only 0-9 are digits (int() would also read Arabic-Indic and other digits NFKC leaves alone).
_WAREKI = re.compile(rf"(?P<era>[^\d\s元./-]+?)\s*(?P<year>\d{{1,3}}|元)\s*(?:{_YMD_KANJI}|{_YMD_SEP})", re.ASCII)
_SEIREKI = re.compile(rf"(\d{{4}})\s*(?:{_SEP}{_NUM}{_SEP}{_NUM}|{_YMD_KANJI})", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def _numbers(match: re.Match[str]) -> tuple[int, int]:
    """(month, day) from a match of either the 年月日 or the separated form (the last four groups of both patterns,
    of which exactly two took part)."""
    groups = [g for g in match.groups()[-4:] if g is not None]
    return int(groups[0]), int(groups[1])


def _calendar_date(year: int, month: int, day: int, label: str, text: str) -> date:
    """date(year, month, day), or a DateParseError saying why no such day exists."""
    if not 1 <= month <= 12:
        raise DateParseError(f"「{label}」の{month}月はありません。月は1から12で入力してください。", text)
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= last:
        raise DateParseError(f"「{label}」という日はありません。{year}年{month}月は{last}日までです。", text)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"「{label}」は日付として扱えません。{EXAMPLES_JA}", text) from None


def _check_supported(day: date, label: str, text: str) -> date:
    oldest = ERAS[-1]
    if day < oldest.start:
        raise DateParseError(
            f"「{label}」は扱えません。{_jp(oldest.start)}（{oldest.name}元年12月25日）より前の日付は入力できません。",
            text,
        )
    return day


def _from_wareki(era_text: str, year_text: str, month: int, day: int, text: str) -> date:
    era = _BY_NAME.get(era_text) or _BY_NAME.get(era_text.upper())
    if era is None:
        names = "・".join(f"{e.name}（{e.letter}）" for e in ERAS)
        raise DateParseError(f"「{era_text}」は使える元号ではありません。使える元号は{names}です。{EXAMPLES_JA}", text)
    n = 1 if year_text == "元" else int(year_text)
    label = f"{era.name}{year_text}年{month}月{day}日"
    if n == 0:
        raise DateParseError(f"{era.name}0年はありません。元号の最初の年は「{era.name}元年」（1年）です。", text)
    result = _calendar_date(era.start.year + n - 1, month, day, label, text)
    if result < era.start:
        message = f"「{label}」という日はありません。{era.name}は{_jp(era.start)}に始まりました。"
        if result >= ERAS[-1].start:
            message += f"この日は「{format_wareki(result)}」です。"
        else:
            message += f"{_jp(ERAS[-1].start)}より前の日付は入力できません。"
        raise DateParseError(message, text)
    if era.end is not None and result > era.end:
        raise DateParseError(
            f"「{label}」という日はありません。{era.name}は{_jp(era.end)}で終わりました。"
            f"この日は「{format_wareki(result)}」です。",
            text,
        )
    return result


def parse_date(text: str) -> date:
    """A date typed by a person, in 和暦 or 西暦; DateParseError (with `message_ja`) when it is not one.

    Accepted: 令和9年1月4日, 令和元年5月1日, R9.1.4, R9/1/4, r9-1-4, R元.5.1, H31.4.30, S64.1.7, 2026/1/4,
    2026-01-04, 2026.1.4, 2026年1月4日, 20260104; full-width digits and letters and surrounding spaces too.
    Refused with a reason: days that do not exist (2026/2/30), days outside their era (令和元年4月30日,
    平成31年5月1日), 令和0年, eras other than 令和, 平成 and 昭和, and days before 昭和."""
    shown = text.strip()
    normalised = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not normalised:
        raise DateParseError(f"日付が入力されていません。{EXAMPLES_JA}", text)
    if match := _COMPACT.fullmatch(normalised):
        year, month, day = (int(g) for g in match.groups())
        return _check_supported(_calendar_date(year, month, day, shown, text), shown, text)
    if match := _SEIREKI.fullmatch(normalised):
        month, day = _numbers(match)
        return _check_supported(_calendar_date(int(match.group(1)), month, day, shown, text), shown, text)
    if match := _WAREKI.fullmatch(normalised):
        month, day = _numbers(match)
        return _from_wareki(match.group("era"), match.group("year"), month, day, text)
    raise DateParseError(f"「{shown}」は日付として読めません。{EXAMPLES_JA}", text)

