"""The official rates: (完了済み + 対象外) / 40 per business; the municipality's rate is the mean of its 20."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soloit import reference
from soloit.domain.progress import Rates, business_rates, format_percent, municipality_rate

CODES = ("done", "in_progress", "not_started", "not_applicable")


def statuses(done=0, in_progress=0, not_started=0, not_applicable=0) -> list[str]:
    result = ["done"] * done + ["in_progress"] * in_progress + ["not_started"] * not_started
    result += ["not_applicable"] * not_applicable
    assert len(result) == 40
    return result


def test_formula_done_and_not_applicable_count_as_complete():
    rates = business_rates(statuses(done=30, not_applicable=10))
    assert rates == Rates(complete=1.0, in_progress=0.0, not_started=0.0)
    assert rates.complete_percent == 100.0


def test_all_not_applicable_is_complete():
    rates = business_rates(["not_applicable"] * 40)
    assert rates.complete == 1.0
    assert rates.in_progress == 0.0
    assert rates.not_started == 0.0


def test_all_not_started():
    rates = business_rates(["not_started"] * 40)
    assert rates.complete == 0.0
    assert rates.in_progress == 0.0
    assert rates.not_started == 1.0
    assert rates.complete_percent == 0.0


def test_mixed_case_exact_numbers():
    rates = business_rates(statuses(done=10, not_applicable=6, in_progress=14, not_started=10))
    assert rates.complete == 16 / 40 == 0.4
    assert rates.in_progress == 14 / 40 == 0.35
    assert rates.not_started == 10 / 40 == 0.25
    assert rates.complete_percent == 40.0


def test_order_does_not_matter():
    codes = statuses(done=25, in_progress=3, not_started=12)
    assert business_rates(codes) == business_rates(list(reversed(codes)))
    assert business_rates(iter(codes)) == business_rates(codes)  # any iterable


def test_complete_percent_rounds_to_one_decimal():
    rates = business_rates(statuses(done=1, not_started=39))  # 2.5 %
    assert rates.complete_percent == 2.5
    assert Rates(complete=1 / 3, in_progress=0, not_started=2 / 3).complete_percent == 33.3


def test_municipality_rate_is_mean_of_twenty():
    ref = reference.load()
    per_business = {}
    for i, business in enumerate(ref.businesses):
        per_business[business.code] = business_rates(statuses(done=2 * i, not_started=40 - 2 * i))
    rates = municipality_rate(per_business)
    # done counts 0, 2, …, 38 → mean 19 of 40
    assert rates.complete == pytest.approx(19 / 40)
    assert rates.not_started == pytest.approx(21 / 40)
    assert rates.in_progress == 0.0


def test_municipality_rate_half_complete():
    ref = reference.load()
    per_business = {
        b.code: business_rates(["done"] * 40 if b.order <= 10 else ["in_progress"] * 40) for b in ref.businesses
    }
    rates = municipality_rate(per_business)
    assert rates.complete == pytest.approx(0.5)
    assert rates.in_progress == pytest.approx(0.5)
    assert rates.not_started == 0.0


@pytest.mark.parametrize("count", [0, 39, 41])
def test_wrong_number_of_statuses_raises(count):
    with pytest.raises(ValueError, match="40"):
        business_rates(["done"] * count)


def test_unknown_status_code_raises():
    with pytest.raises(ValueError, match="finished"):
        business_rates(["done"] * 39 + ["finished"])
    with pytest.raises(ValueError):
        business_rates(["完了済み"] * 40)  # labels are not codes


def test_municipality_rate_without_businesses_raises():
    with pytest.raises(ValueError):
        municipality_rate({})


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.625, "62.5%"), (1.0, "100.0%"), (0.0, "0.0%"), (1 / 3, "33.3%"), (0.025, "2.5%"), (0.4, "40.0%")],
)
def test_format_percent(share, text):
    assert format_percent(share) == text


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CODES), min_size=40, max_size=40))
def test_rates_sum_to_one_and_complete_is_whole_steps(codes):
    rates = business_rates(codes)
    assert math.isclose(rates.complete + rates.in_progress + rates.not_started, 1.0, abs_tol=1e-12)
    steps = rates.complete * 40
    assert math.isclose(steps, round(steps), abs_tol=1e-9)
    assert round(steps) == codes.count("done") + codes.count("not_applicable")
    assert 0.0 <= rates.complete <= 1.0
