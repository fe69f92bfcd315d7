"""団体コード: 6 digits, check digit = (11 − Σ digit×weight mod 11) mod 10 with weights 6,5,4,3,2."""

from __future__ import annotations

import re

import pytest

from soloit.domain import lgcode

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def rule(first_five: str) -> int:
    """The rule as PRODUCT.md states it, written independently of the code under test."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


@pytest.mark.parametrize(
    ("code", "prefecture", "name"),
    [("011002", "01", "札幌市"), ("131016", "13", "千代田区"), ("271004", "27", "大阪市"), ("109991", "10", "デモ")],
)
def test_known_codes_are_valid(code, prefecture, name):
    assert rule(code[:5]) == int(code[5]), name
    assert lgcode.check_digit(code[:5]) == int(code[5])
    assert lgcode.problem(code, prefecture) is None
    assert lgcode.problem(code, None) is None
    assert lgcode.is_valid(code, prefecture)
    assert lgcode.is_valid(code)


@pytest.mark.parametrize("first_five", ["00000", "01100", "13101", "27100", "47201", "99999", "12345", "10000"])
def test_check_digit_follows_the_rule(first_five):
    assert lgcode.check_digit(first_five) == rule(first_five)


def test_check_digit_edge_cases_of_the_modulus():
    assert lgcode.check_digit("00000") == 1  # Σ = 0: (11 − 0) mod 10 = 1
    assert lgcode.check_digit("00006") == 0  # Σ = 12 → 1: (11 − 1) mod 10 = 0
    assert lgcode.check_digit("00005") == 1  # Σ = 10 → 10: (11 − 10) mod 10 = 1
    assert lgcode.check_digit("10001") == 3  # Σ = 6 + 2 = 8: 11 − 8 = 3


@pytest.mark.parametrize("bad", ["0110", "011", "a1100", "０1100", "011002"])
def test_check_digit_requires_five_ascii_digits(bad):
    with pytest.raises(ValueError):
        lgcode.check_digit(bad)


def test_leading_zero_codes_stay_text():
    assert lgcode.normalise("011002") == "011002"
    assert lgcode.normalise(" 011002 ") == "011002"
    assert isinstance(lgcode.normalise("011002"), str)
    assert lgcode.is_valid(lgcode.normalise("011002"), "01")


def test_full_width_input_is_normalised():
    assert lgcode.normalise("０１１００２") == "011002"
    assert lgcode.normalise("　１３１０１６　") == "131016"
    assert lgcode.is_valid(lgcode.normalise("２７１００４"), "27")


def assert_japanese(message: str | None, *words: str) -> None:
    assert message is not None
    assert JAPANESE.search(message), message
    assert any(word in message for word in words), message


def test_wrong_check_digit():
    message = lgcode.problem("011003", "01")
    assert_japanese(message, "検査数字")
    assert "2" in message  # names the right check digit
    assert not lgcode.is_valid("011003")


def test_wrong_prefecture_prefix():
    message = lgcode.problem("131016", "01")
    assert_japanese(message, "都道府県")
    assert "13" in message and "01" in message
    assert not lgcode.is_valid("131016", "01")


@pytest.mark.parametrize("bad", ["", "01100", "0110021", "01100A", "01-002", "０１１００２", "011 02"])
def test_wrong_length_or_non_digits(bad):
    assert_japanese(lgcode.problem(bad, "01"), "団体コード")
    assert not lgcode.is_valid(bad)
