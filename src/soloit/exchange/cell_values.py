"""Cell values as python-calamine reads them (floats for numbers, date or datetime for dates, '' for empty), turned
into the values a report holds. Shared by every reader of soloit's own workbooks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def int_of(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def text_of(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def date_of(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def decimal_of(value: Any) -> Decimal | None:
    """A number cell as the Decimal it was written from (46.5, not 46.49999…; 80.0 → 80)."""
    from soloit.domain.amounts import canonical

    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return canonical(Decimal(str(value)))
    except InvalidOperation:
        return None
