"""契約: a contract with a vendor, its term, amount and the notice it needs before renewal or termination.
The document's location is kept as text (a path or an address); soloit never opens it.

A notice is handled by a decision (更新する / 解約する / 申出済み) and the day it was decided. The decision holds for
the term it was made for: `notice_for` keeps that term's 契約終了日, so a new term (the end date changed, as on a
renewal) makes the notice due again, while a decision cleared clears its day and term too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from soloit import reference
from soloit.services.entities.base import Entity
from soloit.services.entities.initiative import check_period
from soloit.services.fields import CHOICE, DATE, INT, REF, TEXT, YEN, FieldSpec, Option

MAX_NOTICE_DAYS = 730


def notice_decisions() -> tuple[Option, ...]:
    return reference.load().notice_decisions


def notice_handled(row: Any) -> bool:
    """The notice of the contract's present term has been handled (a decision made for this 契約終了日)."""
    return row.notice_decision is not None and row.end_date is not None and row.notice_for == row.end_date


class ContractEntity(Entity):
    name = "contract"
    label_ja = "契約"
    table = "contract"
    model_name = "Contract"
    area = "予算・契約"
    search_rank = 7
    subject_rank = 5
    views = ("budget",)
    name_field = "title"
    fields = (
        FieldSpec("title", "契約名", TEXT, max_len=200, required=True),
        FieldSpec("vendor_id", "契約先", REF, ref="organisation"),
        FieldSpec("start_date", "契約開始日", DATE),
        FieldSpec("end_date", "契約終了日", DATE),
        FieldSpec("amount", "契約金額", YEN, unit="円"),
        FieldSpec("notice_days", "更新・解約の申出期限（終了日の何日前）", INT, minimum=0, maximum=MAX_NOTICE_DAYS, unit="日"),
        FieldSpec("document", "契約書の保管場所", TEXT, max_len=500),
        FieldSpec("notes", "備考", TEXT, max_len=4000),
        FieldSpec("notice_decision", "申出期限の処理", CHOICE, options=notice_decisions),
        FieldSpec("notice_decided_on", "申出期限の処理日", DATE),
        FieldSpec("notice_for", "処理した契約期間の終了日", DATE, hidden=True),
    )

    def check(self, row: Any) -> None:
        check_period(row, "start_date", "end_date", "契約開始日", "契約終了日")

    def derive(self, row: Any, before: Mapping[str, Any], changed: frozenset[str], today: date) -> dict[str, Any]:
        """A decision made now is for the present term, on today unless a day is given; one cleared clears both."""
        if "notice_decision" not in changed:
            return {}
        derived: dict[str, Any] = {}
        if row.notice_decision is None:
            if "notice_decided_on" not in changed:
                derived["notice_decided_on"] = None
            if "notice_for" not in changed:
                derived["notice_for"] = None
            return derived
        if "notice_decided_on" not in changed:
            derived["notice_decided_on"] = today
        if "notice_for" not in changed:
            derived["notice_for"] = row.end_date
        return derived
