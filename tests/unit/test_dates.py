"""Dates typed by a person: 和暦 and 西暦, checked against the real era boundaries.

Known values: 昭和 began 1926-12-25 and ended 1989-01-07 (昭和64年1月7日); 平成 began 1989-01-08 and ended
2019-04-30 (平成31年4月30日); 令和 began 2019-05-01 (令和元年5月1日)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soloit.domain.dates import DateParseError, era_of, format_era_year, format_wareki, parse_date

EXAMPLES = "例: 令和9年1月4日、R9.1.4、2026/1/4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和9年1月4日", date(2027, 1, 4)),
        ("R9.1.4", date(2027, 1, 4)),
        ("R9/1/4", date(2027, 1, 4)),
        ("r9-1-4", date(2027, 1, 4)),
        ("R9年1月4日", date(2027, 1, 4)),
        ("令和9.1.4", date(2027, 1, 4)),
        ("令和8年3月31日", date(2026, 3, 31)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h31/4/30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H元.1.8", date(1989, 1, 8)),
        ("平成12年2月29日", date(2000, 2, 29)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和2年1月1日", date(1927, 1, 1)),
        ("令和９年１月４日", date(2027, 1, 4)),
        ("Ｒ９．１．４", date(2027, 1, 4)),
        ("ｒ９／１／４", date(2027, 1, 4)),
        ("Ｈ３１－４－３０", date(2019, 4, 30)),
        ("㋿9年1月4日", date(2027, 1, 4)),  # the one-character era sign some input methods offer
        ("2026/1/4", date(2026, 1, 4)),
        ("2026-01-04", date(2026, 1, 4)),
        ("2026.1.4", date(2026, 1, 4)),
        ("2026年1月4日", date(2026, 1, 4)),
        ("2026年01月04日", date(2026, 1, 4)),
        ("20260104", date(2026, 1, 4)),
        ("２０２６／１／４", date(2026, 1, 4)),
        ("２０２６年１月４日", date(2026, 1, 4)),
        ("２０２６０１０４", date(2026, 1, 4)),
        ("2026ー1ー4", date(2026, 1, 4)),  # long-vowel mark typed for a dash
        ("2026−1−4", date(2026, 1, 4)),  # minus sign
        ("20240229", date(2024, 2, 29)),
        ("2000/2/29", date(2000, 2, 29)),
        (" 2026/1/4 ", date(2026, 1, 4)),
        ("\u3000令和9年1月4日\u3000", date(2027, 1, 4)),
        ("\tR9.1.4\n", date(2027, 1, 4)),
        ("R9. 1. 4", date(2027, 1, 4)),
        ("令和 9年 1月 4日", date(2027, 1, 4)),
    ],
)
def test_accepted(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 昭和 → 平成
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        # 平成 → 令和
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        # the first day of 昭和, the oldest era soloit knows
        ("昭和元年12月25日", date(1926, 12, 25)),
    ],
)
def test_era_boundaries_inside(text, expected):
    assert parse_date(text) == expected
    assert format_wareki(expected) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "令和元年4月30日",
            "「令和元年4月30日」という日はありません。令和は2019年5月1日に始まりました。この日は「平成31年4月30日」です。",
        ),
        (
            "平成31年5月1日",
            "「平成31年5月1日」という日はありません。平成は2019年4月30日で終わりました。この日は「令和元年5月1日」です。",
        ),
        (
            "平成元年1月7日",
            "「平成元年1月7日」という日はありません。平成は1989年1月8日に始まりました。この日は「昭和64年1月7日」です。",
        ),
        (
            "昭和64年1月8日",
            "「昭和64年1月8日」という日はありません。昭和は1989年1月7日で終わりました。この日は「平成元年1月8日」です。",
        ),
        (
            "S64.1.8",
            "「昭和64年1月8日」という日はありません。昭和は1989年1月7日で終わりました。この日は「平成元年1月8日」です。",
        ),
        (
            "H32.1.1",
            "「平成32年1月1日」という日はありません。平成は2019年4月30日で終わりました。この日は「令和2年1月1日」です。",
        ),
        (
            "昭和元年12月24日",
            "「昭和元年12月24日」という日はありません。昭和は1926年12月25日に始まりました。1926年12月25日より前の日付は入力できません。",
        ),
    ],
)
def test_era_boundaries_outside(text, message):
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert caught.value.message_ja == message
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026/2/30", "「2026/2/30」という日はありません。2026年2月は28日までです。"),
        ("2026/02/29", "「2026/02/29」という日はありません。2026年2月は28日までです。"),
        ("2100/2/29", "「2100/2/29」という日はありません。2100年2月は28日までです。"),  # not a leap year
        ("20230229", "「20230229」という日はありません。2023年2月は28日までです。"),
        ("2026/4/31", "「2026/4/31」という日はありません。2026年4月は30日までです。"),
        ("2026/1/0", "「2026/1/0」という日はありません。2026年1月は31日までです。"),
        ("2026/13/1", "「2026/13/1」の13月はありません。月は1から12で入力してください。"),
        ("2026年0月1日", "「2026年0月1日」の0月はありません。月は1から12で入力してください。"),
        ("令和8年2月29日", "「令和8年2月29日」という日はありません。2026年2月は28日までです。"),
        ("R8.2.30", "「令和8年2月30日」という日はありません。2026年2月は28日までです。"),
        ("令和0年1月1日", "令和0年はありません。元号の最初の年は「令和元年」（1年）です。"),
        ("R0.5.1", "令和0年はありません。元号の最初の年は「令和元年」（1年）です。"),
        ("平成0年1月8日", "平成0年はありません。元号の最初の年は「平成元年」（1年）です。"),
        (
            "大正15年1月1日",
            f"「大正」は使える元号ではありません。使える元号は令和（R）・平成（H）・昭和（S）です。{EXAMPLES}",
        ),
        (
            "M45.1.1",
            f"「M」は使える元号ではありません。使える元号は令和（R）・平成（H）・昭和（S）です。{EXAMPLES}",
        ),
        (
            "X9.1.4",
            f"「X」は使える元号ではありません。使える元号は令和（R）・平成（H）・昭和（S）です。{EXAMPLES}",
        ),
        (
            "1900/1/1",
            "「1900/1/1」は扱えません。1926年12月25日（昭和元年12月25日）より前の日付は入力できません。",
        ),
        ("", f"日付が入力されていません。{EXAMPLES}"),
        ("\u3000 ", f"日付が入力されていません。{EXAMPLES}"),
        ("hello", f"「hello」は日付として読めません。{EXAMPLES}"),
        ("明日", f"「明日」は日付として読めません。{EXAMPLES}"),
        ("26/1/4", f"「26/1/4」は日付として読めません。{EXAMPLES}"),
        ("2026/1", f"「2026/1」は日付として読めません。{EXAMPLES}"),
        ("2026/1/4/5", f"「2026/1/4/5」は日付として読めません。{EXAMPLES}"),
        ("R9.1", f"「R9.1」は日付として読めません。{EXAMPLES}"),
        ("令和9年", f"「令和9年」は日付として読めません。{EXAMPLES}"),
        ("2026014", f"「2026014」は日付として読めません。{EXAMPLES}"),
        (" 2026/1/4x ", f"「2026/1/4x」は日付として読めません。{EXAMPLES}"),
        ("٢٠٢٦/1/4", f"「٢٠٢٦/1/4」は日付として読めません。{EXAMPLES}"),  # Arabic-Indic digits are not 0-9
    ],
)
def test_refused_with_a_reason(text, message):
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert caught.value.message_ja == message
    assert caught.value.text == text


def test_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_date("2026/2/30")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2027, 1, 4), "令和9年1月4日"),
        (date(2026, 3, 31), "令和8年3月31日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
    ],
)
def test_format_wareki(day, text):
    assert format_wareki(day) == text


def test_format_era_year_and_era_of():
    assert format_era_year(date(2019, 4, 30)) == "平成31年"
    assert format_era_year(date(2019, 5, 1)) == "令和元年"
    assert era_of(date(1989, 1, 7)).name == "昭和"
    assert era_of(date(1989, 1, 8)).name == "平成"
    with pytest.raises(ValueError):
        era_of(date(1926, 12, 24))


days = st.dates(min_value=date(1989, 1, 8), max_value=date(2099, 12, 31))


@given(days)
def test_wareki_round_trip(day):
    assert parse_date(format_wareki(day)) == day


@given(days)
def test_seireki_round_trip(day):
    assert parse_date(f"{day:%Y/%m/%d}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day:%Y%m%d}") == day


def test_a_day_with_its_weekday():
    from soloit.domain.dates import format_with_weekday, weekday_ja

    assert format_with_weekday(date(2026, 12, 28)) == "2026/12/28（月）"
    assert [weekday_ja(date(2027, 1, d)) for d in range(4, 11)] == list("月火水木金土日")
    assert format_with_weekday(None) == ""


def test_both_calendars_in_one_style():
    from soloit.domain.dates import format_both, with_wareki

    assert format_both(date(2027, 4, 1)) == "令和9年4月1日（2027/04/01）"
    assert format_both(date(2019, 5, 1)) == "令和元年5月1日（2019/05/01）"
    assert format_both(date(2019, 4, 30)) == "平成31年4月30日（2019/04/30）"
    assert format_both(None) == ""
    assert with_wareki("2026/12/28（月）") == "令和8年12月28日（2026/12/28）（月）"
    assert with_wareki("実績日: （なし） → 2025/06/12") == "実績日: （なし） → 令和7年6月12日（2025/06/12）"
    assert with_wareki("申出済み（2027/01/05 処理）") == "申出済み（令和9年1月5日（2027/01/05） 処理）"
    assert with_wareki("2026/11/20 10:04 デモ 太郎") == "令和8年11月20日（2026/11/20） 10:04 デモ 太郎"
    for unchanged in ("2026/13/45", "1900/01/01", "令和9年4月1日（2027/04/01）", "12026/01/011", "要求額 1,200", ""):
        assert with_wareki(unchanged) == unchanged
