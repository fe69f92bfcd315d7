"""Amounts typed the way people type them (全角, commas, 円), and the refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from soloit.domain.amounts import NumberError, format_decimal, parse_decimal, parse_whole, parse_yen, rate


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("１，２００，０００", 1200000),
        ("1,200,000", 1200000),
        ("1200000", 1200000),
        ("¥1,200,000", 1200000),
        ("１２００円", 1200),
        (" 0 ", 0),
        ("１　２００", 1200),
    ],
)
def test_yen(text, value):
    assert parse_yen(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-500", "マイナスの金額は入力できません。"),
        ("▲500", "マイナスの金額は入力できません。"),
        ("－５００", "マイナスの金額は入力できません。"),
        ("12.5", "金額は1円単位の整数で入力してください。"),
        ("百万円", "金額は数字で入力してください（例: 1,200,000）。"),
        ("1,20,000", "桁区切りのカンマの位置が正しくありません（例: 1,200,000）。"),
        ("", "金額を入力してください。"),
        ("10000000000000", "9,999,999,999,999円以下で入力してください。"),
    ],
)
def test_bad_yen(text, message):
    with pytest.raises(NumberError) as caught:
        parse_yen(text)
    assert caught.value.message_ja == message


def test_decimal_and_whole():
    assert parse_decimal("４５．５０％") == Decimal("45.5")
    assert parse_decimal("1,200") == Decimal("1200")
    assert str(parse_decimal("1E2".replace("E2", "00"))) == "100"
    assert parse_whole("９０日", minimum=0, maximum=730, unit="日") == 90
    with pytest.raises(NumberError):
        parse_whole("800", minimum=0, maximum=730)
    assert format_decimal(Decimal("12345.5")) == "12,345.5" and format_decimal(Decimal("-1234")) == "-1,234"
    assert rate(750, 1000) == Decimal("75.0") and rate(1, 3) == Decimal("33.3") and rate(5, 0) is None
