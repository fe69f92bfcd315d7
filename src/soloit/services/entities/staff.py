"""担当者 (staff who have been responsible for the work, with their periods) and 異動・引継ぎ (one handover from a
predecessor to a successor: the appointment date 発令日 and the deadline of the handover 引継期限)."""

from __future__ import annotations

from typing import Any

from soloit.services.entities.base import Entity
from soloit.services.entities.initiative import check_period
from soloit.services.errors import ValidationError
from soloit.services.fields import DATE, REF, TEXT, FieldSpec


class StaffEntity(Entity):
    name = "staff"
    label_ja = "担当者"
    table = "staff"
    model_name = "Staff"
    area = "引継ぎ"
    fields = (
        FieldSpec("name", "氏名", TEXT, max_len=100, required=True),
        FieldSpec("title", "所属・職名", TEXT, max_len=200),
        FieldSpec("start_date", "担当開始日", DATE),
        FieldSpec("end_date", "担当終了日", DATE),
        FieldSpec("notes", "備考", TEXT, max_len=2000),
    )

    def check(self, row: Any) -> None:
        check_period(row, "start_date", "end_date", "担当開始日", "担当終了日")


class RotationEntity(Entity):
    name = "rotation"
    label_ja = "異動・引継ぎ"
    table = "rotation"
    model_name = "Rotation"
    area = "引継ぎ"
    name_field = "label"
    fields = (
        FieldSpec("label", "件名", TEXT, max_len=300, required=True),
        FieldSpec("predecessor_id", "前任者", REF, ref="staff"),
        FieldSpec("successor_id", "後任者", REF, ref="staff"),
        FieldSpec("appointment_date", "発令日", DATE),
        FieldSpec("deadline", "引継期限", DATE),
        FieldSpec("witness", "立会人", TEXT, max_len=100),
        FieldSpec("notes", "備考", TEXT, max_len=2000),
    )

    def check(self, row: Any) -> None:
        check_period(row, "appointment_date", "deadline", "発令日", "引継期限")
        if row.predecessor_id is not None and row.predecessor_id == row.successor_id:
            raise ValidationError("後任者", "前任者と同じ人は選べません。")
