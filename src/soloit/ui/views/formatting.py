"""How the record views show dates, amounts and rates in their tables (one place, so every table reads alike)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from soloit.domain.amounts import format_decimal, format_yen

FAR_FUTURE = date(9999, 12, 31)  # sorts an empty date last


def day(value: date | None) -> str:
    """2026/03/31 (isoformat is several times faster than strftime over 5,000 rows)."""
    return value.isoformat().replace("-", "/") if value else ""


def day_key(value: date | None) -> date:
    return value or FAR_FUTURE


def yen(value: int | None) -> str:
    return format_yen(value)


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{format_decimal(value)}%"


def number_key(value: int | Decimal | None) -> Decimal:
    return Decimal(-1) if value is None else Decimal(value)
