"""予算: one line of the IT budget of a 年度, amounts in whole yen, with its funding source."""

from __future__ import annotations

from typing import Any

from soloit import reference
from soloit.domain.fiscal import fiscal_year_label
from soloit.services.entities.base import Entity
from soloit.services.errors import ValidationError
from soloit.services.fields import CHOICE, INT, REF, TEXT, YEN, FieldSpec, Option


def _kinds() -> tuple[Option, ...]:
    return reference.load().budget_kinds


def _fiscal_year(text: str) -> str:
    return fiscal_year_label(int(text))


class BudgetLineEntity(Entity):
    name = "budget_line"
    label_ja = "予算"
    table = "budget_line"
    model_name = "BudgetLine"
    area = "予算・契約"
    search_rank = 8
    subject_rank = 4
    views = ("budget",)
    fields = (
        FieldSpec("name", "事業名", TEXT, max_len=200, required=True),
        FieldSpec("fiscal_year", "年度", INT, minimum=2000, maximum=2099, describe=_fiscal_year),
        FieldSpec("account", "予算科目", TEXT, max_len=200),
        FieldSpec("kind", "区分", CHOICE, options=_kinds),
        FieldSpec("requested", "要求額", YEN, unit="円"),
        FieldSpec("budget", "予算額", YEN, unit="円"),
        FieldSpec("contracted", "契約額", YEN, unit="円"),
        FieldSpec("spent", "執行額", YEN, unit="円"),
        FieldSpec("funding_source_id", "財源", REF, ref="funding_source"),
        FieldSpec("subsidy", "うち補助・交付金等", YEN, unit="円"),
        FieldSpec("notes", "備考", TEXT, max_len=4000),
    )

    def check(self, row: Any) -> None:
        if row.subsidy is not None and row.budget is not None and row.subsidy > row.budget:
            raise ValidationError(
                "うち補助・交付金等", f"予算額（{row.budget:,}円）を超える額は設定できません（{row.subsidy:,}円）。"
            )
