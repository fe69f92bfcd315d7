"""Amounts typed the way people type them (全角, commas, 円), and the refusals."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("120万円", 1_200_000),
        ("１２０万", 1_200_000),
        ("3千円", 3_000),
        ("1万5千円", 15_000),
        ("1万5000円", 15_000),
        ("12.5万", 125_000),
        ("1億2千万", 120_000_000),
        ("2千万円", 20_000_000),
        ("1,200千円", 1_200_000),
        ("￥120万", 1_200_000),
        ("５千３百円", 5_300),
    ],
)
def test_yen_in_man_and_sen(text, value):
    assert parse_yen(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("万万", "金額は数字で入力してください（例: 1,200,000）。"),
        ("1万万", "金額の書き方が読めません（例: 1,200,000、120万円、1万5千円）。"),
        ("1万15000", "金額の書き方が読めません（例: 1,200,000、120万円、1万5千円）。"),
        ("3千千", "金額の書き方が読めません（例: 1,200,000、120万円、1万5千円）。"),
        ("1万2億", "金額の書き方が読めません（例: 1,200,000、120万円、1万5千円）。"),
        ("1.23456万", "金額は1円単位の整数で入力してください。"),
        ("▲3万", "マイナスの金額は入力できません。"),
        ("1,20万", "桁区切りのカンマの位置が正しくありません（例: 1,200,000）。"),
        ("1000兆", "9,999,999,999,999円以下で入力してください。"),
    ],
)
def test_bad_yen_in_man(text, message):
    with pytest.raises(NumberError) as caught:
        parse_yen(text)
    assert caught.value.message_ja == message


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_man_form_reads_back(value):
    """Any amount written the way a person says it (1億2345万6789円) reads back to the same yen."""
    oku, rest = divmod(value, 10**8)
    man, yen = divmod(rest, 10**4)
    text = (f"{oku}億" if oku else "") + (f"{man}万" if man else "") + (f"{yen}" if yen or not value else "") + "円"
    assert parse_yen(text) == value
    assert parse_yen(unicodedata.normalize("NFKC", text).translate(_FULL)) == value


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
