"""年度 (April–March) and 和暦."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.domain.fiscal import fiscal_year, fiscal_year_label, format_date, wareki_year


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
        (date(2025, 4, 1), 2025),
    ],
)
def test_fiscal_year(day, fy):
    assert fiscal_year(day) == fy


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2026, "令和8年度（FY2026）"),
        (2025, "令和7年度（FY2025）"),
        (2019, "令和元年度（FY2019）"),
        (2020, "令和2年度（FY2020）"),
        (2018, "平成30年度（FY2018）"),
        (1989, "平成元年度（FY1989）"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


def test_wareki_year_switches_on_era_start():
    assert wareki_year(2019, 4, 30) == "平成31年"
    assert wareki_year(2019, 5, 1) == "令和元年"
    assert wareki_year(2026) == "令和8年"
    assert wareki_year(1989, 1, 7) == "昭和64年"
    assert wareki_year(1989, 1, 8) == "平成元年"
    with pytest.raises(ValueError):
        wareki_year(1900)


def test_format_date():
    assert format_date(date(2026, 3, 31)) == "2026/03/31（令和8年）"
    assert format_date(date(2019, 4, 30)) == "2019/04/30（平成31年）"
    assert format_date(date(2019, 5, 1)) == "2019/05/01（令和元年）"
    assert format_date(None) == ""
