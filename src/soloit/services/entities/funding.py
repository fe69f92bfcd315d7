"""財源: where a budget line's money comes from. The reference list (一般財源 … その他, made with the schema and
never deleted) and the user's own sources (a prefecture's own subsidy, say)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.services.entities.base import Entity
from soloit.services.fields import TEXT, FieldSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class FundingSourceEntity(Entity):
    name = "funding_source"
    label_ja = "財源"
    table = "funding_source"
    model_name = "FundingSource"
    area = "予算・契約"
    fields = (
        FieldSpec("name", "財源名", TEXT, max_len=200, required=True),
        FieldSpec("notes", "備考", TEXT, max_len=2000),
    )

    kept_in_order = True

    def creation_extras(self, session: Session) -> dict[str, Any]:
        return {"sort_order": self.next_sort_order(session), "code": None}

    def refuse_delete(self, row: Any) -> str | None:
        if row.code is not None:
            return "参照データの財源は削除できません（名前と備考は変更できます）。"
        return None

    def seeded(self, conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        return {str(order): {"name": source.label_ja} for order, source in enumerate(reference.load().funding_sources, 1)}

    def checks(self, conn: sqlite3.Connection) -> list[str]:
        present = {code: row_id for row_id, code in conn.execute("SELECT id, code FROM funding_source WHERE code IS NOT NULL")}
        problems = []
        for order, source in enumerate(reference.load().funding_sources, 1):
            if present.get(source.code) != order:
                problems.append(f"参照データの財源「{source.label_ja}」が記録にない方法で削除または変更されています。")
        return problems
