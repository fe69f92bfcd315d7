"""閉庁日: a day the office is closed besides weekends, national holidays and 12/29–1/3 (business days skip it)."""

from __future__ import annotations

from soloit.services.entities.base import Entity
from soloit.services.fields import DATE, TEXT, FieldSpec


class ClosedDayEntity(Entity):
    name = "closed_day"
    label_ja = "閉庁日"
    table = "closed_day"
    model_name = "ClosedDay"
    area = "やること"
    fields = (
        FieldSpec("name", "名称", TEXT, max_len=200, required=True),
        FieldSpec("day", "日付", DATE),
    )
