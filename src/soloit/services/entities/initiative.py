"""DX取組 (an initiative of the municipality's DX plan) and its KPIs."""

from __future__ import annotations

from typing import Any

from soloit import reference
from soloit.services.entities.base import Entity
from soloit.services.errors import ValidationError
from soloit.services.fields import CHOICE, DATE, DECIMAL, REF, TEXT, FieldSpec, Option


def _categories() -> tuple[Option, ...]:
    return reference.load().dx_categories


def _statuses() -> tuple[Option, ...]:
    return reference.load().initiative_statuses


def check_period(row: Any, start: str, end: str, start_label: str, end_label: str) -> None:
    """An end date before its start date is refused (in either order of typing: the message says which)."""
    first, last = getattr(row, start), getattr(row, end)
    if first is not None and last is not None and last < first:
        raise ValidationError(end_label, f"{start_label}（{first:%Y/%m/%d}）より前の日付は設定できません。")


class InitiativeEntity(Entity):
    name = "initiative"
    label_ja = "DX取組"
    table = "initiative"
    model_name = "Initiative"
    area = "DX取組"
    search_rank = 4
    subject_rank = 3
    views = ("initiatives",)
    name_field = "title"
    fields = (
        FieldSpec("title", "取組名", TEXT, max_len=200, required=True),
        FieldSpec("category", "分類", CHOICE, options=_categories),
        FieldSpec("status", "状況", CHOICE, required=True, options=_statuses, default="idea"),
        FieldSpec("department_id", "担当部署", REF, ref="organisation"),
        FieldSpec("start_date", "開始日", DATE),
        FieldSpec("end_date", "終了日", DATE),
        FieldSpec("description", "内容", TEXT, max_len=4000),
    )

    def check(self, row: Any) -> None:
        check_period(row, "start_date", "end_date", "開始日", "終了日")


class KpiEntity(Entity):
    name = "kpi"
    label_ja = "KPI"
    table = "kpi"
    model_name = "Kpi"
    area = "DX取組"
    views = ("initiatives",)
    fields = (
        FieldSpec("name", "KPI名", TEXT, max_len=200, required=True),
        FieldSpec("initiative_id", "DX取組", REF, ref="initiative"),
        FieldSpec("unit", "単位", TEXT, max_len=20),
        FieldSpec("target", "目標値", DECIMAL),
        FieldSpec("actual", "実績値", DECIMAL),
        FieldSpec("as_of", "実績の時点", DATE),
    )
