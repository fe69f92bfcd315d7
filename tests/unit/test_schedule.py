"""domain/schedule.py: when a step is late or due soon, on known days."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.domain.schedule import DUE_SOON, DUE_SOON_DAYS, LATE, lateness_phrase, step_lateness

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_planned_yesterday_and_not_done_is_late(status):
    assert step_lateness(status, date(2026, 12, 6), TODAY) is LATE
    assert step_lateness(status, date(2024, 11, 30), TODAY) is LATE


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_planned_today_is_due_soon_not_late(status):
    assert step_lateness(status, TODAY, TODAY) is DUE_SOON
    assert lateness_phrase(DUE_SOON, TODAY, TODAY) == "今日が予定日"


def test_due_soon_ends_after_thirty_days():
    assert DUE_SOON_DAYS == 30
    assert step_lateness("not_started", date(2027, 1, 6), TODAY) is DUE_SOON  # 30 days on
    assert step_lateness("not_started", date(2027, 1, 7), TODAY) is None  # 31 days on
    assert lateness_phrase(DUE_SOON, date(2026, 12, 10), TODAY) == "あと 3 日"


@pytest.mark.parametrize("status", ["done", "not_applicable"])
def test_done_or_not_applicable_is_never_late(status):
    assert step_lateness(status, date(2020, 1, 1), TODAY) is None
    assert step_lateness(status, TODAY, TODAY) is None
    assert step_lateness(status, date(2026, 12, 10), TODAY) is None


@pytest.mark.parametrize("status", ["not_started", "in_progress", "done", "not_applicable"])
def test_no_planned_date_is_never_late(status):
    assert step_lateness(status, None, TODAY) is None
    assert lateness_phrase(None, None, TODAY) == ""


def test_late_phrase():
    assert lateness_phrase(LATE, date(2024, 11, 30), TODAY) == "過ぎています・未完了"
    assert lateness_phrase(None, date(2027, 6, 1), TODAY) == ""
