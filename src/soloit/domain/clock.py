"""Time: stored as timezone-aware UTC, shown and grouped in Japan time.

Japan keeps no daylight saving, so Japan time is the fixed offset UTC+09:00 (Windows has no time-zone database of
its own; a fixed offset needs none). Everything that asks "what time / what day is it" gets it from one Clock, so
tests can set it and no naive local time creeps in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


class Clock:
    """The one source of 'now' and 'today'. Tests pass a FixedClock."""

    def now(self) -> datetime:
        """Now, aware, in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today in Japan (the JST day starts at 15:00 UTC)."""
        return self.now().astimezone(JST).date()

    def __call__(self) -> date:  # a Clock can stand where a `today` callable is expected
        return self.today()


class FixedClock(Clock):
    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)


SYSTEM_CLOCK = Clock()


def utc_text(moment: datetime) -> str:
    """An aware moment as ISO 8601 UTC with milliseconds: 2026-11-22T23:30:00.000+00:00."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_utc(text: str) -> datetime | None:
    """ISO 8601 text back to an aware datetime (text without an offset is taken as UTC); None when unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def to_jst(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(JST)


def jst_day(moment: datetime) -> date:
    """The Japanese calendar day of a moment (08:30 JST on the 23rd is 23:30 UTC on the 22nd: the 23rd)."""
    return to_jst(moment).date()


def format_jst(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """2026/11/23 08:30 in Japan time; '' for None or unreadable text."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        parsed = parse_utc(moment)
        if parsed is None:
            return ""
        moment = parsed
    return to_jst(moment).strftime("%Y/%m/%d %H:%M:%S" if seconds else "%Y/%m/%d %H:%M")
