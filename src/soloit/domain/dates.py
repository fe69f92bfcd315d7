"""Dates typed by a person (placeholder: 西暦 only; replaced by the full 和暦 parser)."""

from __future__ import annotations

from datetime import date


class DateParseError(ValueError):
    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


def parse_date(text: str) -> date:
    normalised = text.strip().translate({ord("０") + i: ord("0") + i for i in range(10)})
    for sep in ("/", ".", "／"):
        normalised = normalised.replace(sep, "-")
    try:
        y, m, d = (int(part) for part in normalised.split("-"))
        return date(y, m, d)
    except (ValueError, TypeError):
        raise DateParseError(f"「{text}」は日付として読めません（例: 2026/03/31）。") from None
