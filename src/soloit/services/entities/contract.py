"""契約: a contract with a vendor, its term, amount and the notice it needs before renewal or termination.
The document's location is kept as text (a path or an address); soloit never opens it."""

from __future__ import annotations

from typing import Any

from soloit.services.entities.base import Entity
from soloit.services.entities.initiative import check_period
from soloit.services.fields import DATE, INT, REF, TEXT, YEN, FieldSpec

MAX_NOTICE_DAYS = 730


class ContractEntity(Entity):
    name = "contract"
    label_ja = "契約"
    table = "contract"
    model_name = "Contract"
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
    )

    def check(self, row: Any) -> None:
        check_period(row, "start_date", "end_date", "契約開始日", "契約終了日")
