"""システム: each of the 20 standard businesses' systems (seeded with the ledger, never deleted) and any other
system the office runs (財務会計, 人事給与, 共通機能 …)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.services.entities.base import Entity
from soloit.services.fields import BOOL, CHOICE, DATE, REF, TEXT, FieldSpec, Option

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _hosting() -> tuple[Option, ...]:
    return reference.load().hosting_kinds


def _tokutei_reasons() -> tuple[Option, ...]:
    return reference.load().tokutei_reasons


def _tokutei_deadline() -> date:
    return reference.load().tokutei_deadline


class SystemEntity(Entity):
    name = "system"
    label_ja = "システム"
    table = "system"
    model_name = "System"
    area = "標準化（20業務）"
    search_rank = 2
    subject_rank = 1
    views = ("ledger", "municipality")
    fields = (
        FieldSpec("name", "システム名", TEXT, max_len=200, required=True),
        FieldSpec("current_vendor_id", "現行ベンダ", REF, ref="organisation"),
        FieldSpec("current_product", "現行製品", TEXT, max_len=200),
        FieldSpec("target_vendor_id", "移行先（標準準拠）ベンダ", REF, ref="organisation"),
        FieldSpec("target_product", "移行先（標準準拠）製品", TEXT, max_len=200),
        FieldSpec("hosting", "稼働環境", CHOICE, options=_hosting),
        FieldSpec("planned_start", "移行作業開始予定日", DATE),
        FieldSpec("planned_go_live", "本番稼働予定日", DATE),
        FieldSpec("actual_go_live", "本番稼働日（実績）", DATE, happened="本番稼働予定日"),
        FieldSpec("tokutei", "特定移行支援システム", BOOL, default=False),
        FieldSpec("tokutei_reason", "特定移行支援の事由", CHOICE, options=_tokutei_reasons),
        FieldSpec("tokutei_reason_text", "事由の内容（その他）", TEXT, max_len=500),
        FieldSpec("tokutei_target_date", "移行完了目標日", DATE, latest=_tokutei_deadline),
        FieldSpec("department_id", "所管部署（原課）", REF, ref="organisation"),
        FieldSpec("notes", "備考", TEXT, max_len=4000),
    )

    kept_in_order = True

    def creation_extras(self, session: Session) -> dict[str, Any]:
        return {"sort_order": self.next_sort_order(session), "business_code": None}

    def refuse_delete(self, row: Any) -> str | None:
        if row.business_code is not None:
            return "標準化対象の20業務のシステムは削除できません。"
        return None

    def seeded(self, conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        return {str(b.order): {"name": b.name_ja} for b in reference.load().businesses}

    def checks(self, conn: sqlite3.Connection) -> list[str]:
        ref = reference.load()
        rows = conn.execute("SELECT id, business_code FROM system WHERE business_code IS NOT NULL").fetchall()
        present = {code: system_id for system_id, code in rows}
        problems = []
        for business in ref.businesses:
            if business.code not in present:
                problems.append(f"標準化対象業務「{business.name_ja}」のシステムが記録にない方法で削除されています。")
            elif present[business.code] != business.order:
                problems.append(f"標準化対象業務「{business.name_ja}」のシステムの番号が記録にない方法で変更されています。")
        for extra in sorted(set(present) - set(ref.business_by_code), key=str):
            problems.append(f"不明な業務コード「{extra}」のシステムが記録にない方法で追加されています。")
        return problems
