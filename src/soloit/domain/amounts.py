"""Numbers as a person types them in a Japanese office: 全角 digits and commas (１，２００，０００), a trailing 円,
a leading ¥, the units 万/千 (120万円, 1万5千円) — read to whole yen, or to a decimal for KPI values (45.5, ７０％)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_YEN = 10**13 - 1  # under 10 兆円: far beyond any municipal line, and exact in SQLite's integers
_YEN = re.compile(r"[+-]?\d+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class NumberError(ValueError):
    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


def _folded(text: str) -> str:
    """NFKC (全角 → 半角), the minus signs people paste (−, ー, ▲) as '-', and spaces removed."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"^[▲△−ー‐–—]", "-", text)
    return re.sub(r"\s+", "", text)


def parse_yen(text: str, *, maximum: int = MAX_YEN) -> int:
    """Whole yen from typed text: 1200000, 1,200,000, １，２００，０００, ¥1,200,000, 1200000円. Refuses negatives,
    fractions and anything else with a Japanese message."""
    folded = _folded(text).removesuffix("円").removeprefix("¥").removeprefix("\\")
    if not folded:
        raise NumberError("金額を入力してください。")
    if any(unit in folded for unit in _UNITS) and any(c.isdigit() for c in folded):
        return _checked_yen(_with_units(folded), maximum)
    if "," in folded and not _GROUPED.fullmatch(folded):
        raise NumberError("桁区切りのカンマの位置が正しくありません（例: 1,200,000）。")
    plain = folded.replace(",", "")
    if _DECIMAL.fullmatch(plain) and not _YEN.fullmatch(plain):
        raise NumberError("金額は1円単位の整数で入力してください。")
    if not _YEN.fullmatch(plain):
        raise NumberError("金額は数字で入力してください（例: 1,200,000）。")
    return _checked_yen(Decimal(plain), maximum)


def _checked_yen(value: Decimal, maximum: int) -> int:
    if value != value.to_integral_value():
        raise NumberError("金額は1円単位の整数で入力してください。")
    if value < 0:
        raise NumberError("マイナスの金額は入力できません。")
    if value > maximum:
        raise NumberError(f"{maximum:,}円以下で入力してください。")
    return int(value)


_UNITS = {"兆": 10**12, "億": 10**8, "万": 10**4, "千": 10**3, "百": 10**2}
_BIG = ("兆", "億", "万")
_TOKEN = re.compile(r"[+-]?[\d,.]+|.")
_UNREADABLE = "金額の書き方が読めません（例: 1,200,000、120万円、1万5千円）。"


def _with_units(text: str) -> Decimal:
    """120万 → 1200000, 1万5千 → 15000, 1億2千万 → 120000000, 12.5万 → 125000, 1,200千 → 1200000.
    The first number may be any size (and a decimal); each later part must be smaller than the unit above it,
    so 1万15000 or 万万 are refused rather than guessed."""
    tokens = _TOKEN.findall(text)
    total = Decimal(0)
    group = Decimal(0)  # the part under the next 兆/億/万
    in_group = False
    last_big = last_small = None  # the last unit seen (to keep units descending)
    first = True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        unit = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1] in _UNITS else None
        if token in _BIG and in_group:  # 2千万: a small group multiplied by a big unit
            number, unit, i = Decimal(0), token, i + 1
        elif token[-1:].isdigit() or token.endswith("."):
            number, i = _piece(token, first), i + (2 if unit else 1)
        else:
            raise NumberError(_UNREADABLE)
        limit = _UNITS[last_small] if last_small else (10**4 if last_big else None)
        if unit in ("千", "百"):
            if last_small is not None and _UNITS[unit] >= _UNITS[last_small]:
                raise NumberError(_UNREADABLE)
            if not first and number >= 10:
                raise NumberError(_UNREADABLE)
            group += number * _UNITS[unit]
            last_small, in_group = unit, True
        else:
            if limit is not None and number >= limit:
                raise NumberError(_UNREADABLE)
            group += number
            if unit is None:
                if i < len(tokens):
                    raise NumberError(_UNREADABLE)
                total += group
                break
            if last_big is not None and (_UNITS[unit] >= _UNITS[last_big] or group >= 10**4):
                raise NumberError(_UNREADABLE)
            total += group * _UNITS[unit]
            group, in_group, last_small, last_big = Decimal(0), False, None, unit
        first = False
    else:
        total += group
    return total


def _piece(token: str, first: bool) -> Decimal:
    whole, dot, _ = token.partition(".")
    if token.startswith(("+", "-")) and not first:
        raise NumberError(_UNREADABLE)
    if dot and not first:
        raise NumberError(_UNREADABLE)
    if "," in whole and not _GROUPED.fullmatch(whole):
        raise NumberError("桁区切りのカンマの位置が正しくありません（例: 1,200,000）。")
    plain = token.replace(",", "")
    if not _DECIMAL.fullmatch(plain):
        raise NumberError(_UNREADABLE)
    return Decimal(plain)


def parse_whole(text: str, *, minimum: int, maximum: int, unit: str = "") -> int:
    """A whole number in [minimum, maximum] (days, a 年度 …) typed in 全角 or 半角."""
    folded = _folded(text).removesuffix(unit) if unit else _folded(text)
    if not _YEN.fullmatch(folded):
        raise NumberError("整数で入力してください。")
    value = int(folded)
    if not minimum <= value <= maximum:
        raise NumberError(f"{minimum}〜{maximum}の範囲で入力してください。")
    return value


def parse_decimal(text: str) -> Decimal:
    """A decimal (KPI target or actual): 45.5, ４５．５, 1,200, 70%. Negative values are allowed (a change can be one)."""
    folded = _folded(text).removesuffix("%").replace(",", "")
    if not folded:
        raise NumberError("数値を入力してください。")
    if not _DECIMAL.fullmatch(folded):
        raise NumberError("数値で入力してください（例: 45.5）。")
    try:
        value = Decimal(folded)
    except InvalidOperation:
        raise NumberError("数値で入力してください（例: 45.5）。") from None
    if abs(value) >= Decimal(10) ** 12 or -value.as_tuple().exponent > 4:
        raise NumberError("12桁以内、小数点以下4桁以内で入力してください。")
    return canonical(value)


def canonical(value: Decimal) -> Decimal:
    """One form per number (1.50 → 1.5, 1E+2 → 100), so the journal and the row agree."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        normal = normal.quantize(Decimal(1))
    return normal if normal != 0 else Decimal(0)


def format_yen(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def format_decimal(value: Decimal | None) -> str:
    """12345.5 → 12,345.5 (digits grouped, the decimals as stored)."""
    if value is None:
        return ""
    whole, _, frac = format(value, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}" + (f".{frac}" if frac else "")


def rate(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """part / whole as a percentage rounded to 0.1 (None when either is missing or whole is 0)."""
    if part is None or whole is None or whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
