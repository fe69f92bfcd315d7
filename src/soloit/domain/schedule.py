"""Whether a step is late: the one rule the grid, the ledger's summary and the 事務引継書 share.

A step is LATE when its 予定日 is before today and its status does not count as complete (完了済み and 対象外 count as
complete, so they are never late). It is DUE_SOON when it is not complete and its 予定日 is today or within the next
DUE_SOON_DAYS days: a step planned for today is not late yet (the day is not over), it is due soon. A step without
a 予定日 is never either."""

from __future__ import annotations

from datetime import date
from enum import Enum

from soloit import reference

DUE_SOON_DAYS = 30


class Lateness(Enum):
    LATE = "late"  # 予定日を過ぎて未完了
    DUE_SOON = "due_soon"  # 予定日まで DUE_SOON_DAYS 日以内（今日を含む）で未完了


LATE = Lateness.LATE
DUE_SOON = Lateness.DUE_SOON


def step_lateness(status: str, planned: date | None, today: date) -> Lateness | None:
    """LATE, DUE_SOON or None for one step cell (its status code and 予定日) on `today`."""
    if planned is None:
        return None
    if reference.load().status_by_code[status].counts_as_complete:
        return None
    if planned < today:
        return LATE
    if (planned - today).days <= DUE_SOON_DAYS:
        return DUE_SOON
    return None


def lateness_phrase(lateness: Lateness | None, planned: date | None, today: date) -> str:
    """What a tooltip says after the 予定日: 過ぎています・未完了 / あと 3 日 / 今日が予定日 ('' otherwise)."""
    if lateness is None or planned is None:
        return ""
    if lateness is LATE:
        return "過ぎています・未完了"
    days = (planned - today).days
    return "今日が予定日" if days == 0 else f"あと {days} 日"
