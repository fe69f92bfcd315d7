"""団体情報: the one municipality whose ledger the file is (key "1")."""

from __future__ import annotations

from typing import Any

from soloit import reference
from soloit.domain import lgcode
from soloit.services.entities.base import Entity, NameBook
from soloit.services.errors import ValidationError
from soloit.services.fields import CHOICE, TEXT, FieldSpec, Option

MUNICIPALITY_KEY = "1"


def _prefectures() -> tuple[Option, ...]:
    return tuple(Option(p.code, p.name_ja) for p in reference.load().prefectures)


class MunicipalityEntity(Entity):
    name = "municipality"
    label_ja = "団体情報"
    table = "municipality"
    model_name = "Municipality"
    area = "団体情報・組織"
    views = ("municipality",)
    fields = (
        FieldSpec("prefecture_code", "都道府県", CHOICE, required=True, options=_prefectures, default=""),
        FieldSpec("name", "団体名", TEXT, max_len=100, required=True),
        FieldSpec("lg_code", "団体コード", TEXT, max_len=6, required=True, default=""),
    )
    deletable = False

    def valid_key(self, key: object) -> bool:
        return key == MUNICIPALITY_KEY

    def check(self, row: Any) -> None:
        if row.prefecture_code not in reference.load().prefecture_by_code:
            raise ValidationError("都道府県", "一覧から選んでください。")
        problem = lgcode.problem(row.lg_code or "", row.prefecture_code)
        if problem:
            raise ValidationError("団体コード", problem)

    def subject(self, key: str, names: NameBook) -> str:
        return "団体情報"
