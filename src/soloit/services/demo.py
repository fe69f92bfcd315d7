"""A realistic demo municipality (fictional) in its own database file, never mixed with real data."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from soloit import reference
from soloit.services import fields
from soloit.services.changes import Edit
from soloit.services.fields import CELL, CREATE, ORGANISATION, SYSTEM
from soloit.services.setup import create_ledger
from soloit.store.db import Store

DEMO_PREFECTURE = "10"  # 群馬県
DEMO_NAME = "みどり野町（デモ）"
DEMO_LG_CODE = "109991"  # fictional; valid check digit and prefecture
DEMO_ACTOR = "デモ 太郎"

_VENDORS = ("北関東情報システム株式会社", "株式会社ミドリ電算", "日本標準ソリューションズ株式会社")
_DEPARTMENTS = {
    "jido_teate": "こども課",
    "kodomo_kosodate": "こども課",
    "jumin_kihon_daicho": "住民課",
    "koseki_fuhyo": "住民課",
    "inkan_toroku": "住民課",
    "senkyonin_meibo": "選挙管理委員会事務局",
    "kotei_shisanzei": "税務課",
    "kojin_juminzei": "税務課",
    "hojin_juminzei": "税務課",
    "kei_jidoshazei": "税務課",
    "koseki": "住民課",
    "shugaku": "教育委員会 学校教育課",
    "kenko_kanri": "健康推進課",
    "jido_fuyo_teate": "こども課",
    "seikatsu_hogo": "福祉課",
    "shogaisha_fukushi": "福祉課",
    "kaigo_hoken": "介護高齢課",
    "kokumin_kenko_hoken": "住民課",
    "koki_koreisha_iryo": "住民課",
    "kokumin_nenkin": "住民課",
}
# Businesses that are late (特定移行支援) and how far every business has come (steps fully done).
_TOKUTEI = {
    "kaigo_hoken": ("vendor_resources", None, date(2028, 3, 31)),
    "koseki": ("custom_built", None, date(2029, 3, 31)),
}
_EXTRA_SYSTEMS = (
    ("財務会計システム", "on_premises", "財務課", "令和9年度に更新予定。標準化対象外。"),
    ("人事給与システム", "other", "総務課", "クラウドサービス（SaaS）で運用。"),
    ("共通機能（宛名管理・統合収納）", "gov_cloud", "情報政策係", "標準準拠システムと同時に移行。"),
)
_REASONS = (
    "ベンダ定例会（10月）で確認",
    "課長決裁済み",
    "県のヒアリングで報告済み",
    "RFP回答の受領を確認",
    "原課との打合せで合意",
    "議会の予算議決を受けて",
    "テスト結果報告書を受領",
    "PIA評価書を個人情報保護委員会に提出",
    "データ移行リハーサル完了",
    "研修を2回実施",
    "条例改正案が可決",
    "本番稼働を確認",
)


def create_demo(path: Path, *, seed: int = 2026) -> Store:
    """A new demo database at `path`: mixed progress, 2 特定移行支援 systems, 3 extra systems, reasons in the journal."""
    from soloit.services.bulk import apply_batch
    from soloit.services.migration import LedgerService

    store = create_ledger(path, DEMO_PREFECTURE, DEMO_NAME, DEMO_LG_CODE, actor=DEMO_ACTOR)
    ref = reference.load()
    rng = random.Random(seed)
    edits: list[Edit] = []
    org_ids: dict[str, int] = {}

    def org(name: str, kind: str) -> int:
        if name not in org_ids:
            key = str(len(org_ids) + 1)  # a new ledger has no organisations yet
            edits.extend([Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)])
            org_ids[name] = int(key)
        return org_ids[name]

    org("群馬県 デジタル戦略課（市町村支援）", "prefecture")
    for business in ref.businesses:
        key = str(business.order)
        vendor = org(_VENDORS[business.order % 2], "vendor")
        target = org(_VENDORS[2] if business.order % 3 == 0 else _VENDORS[business.order % 2], "vendor")
        edits += [
            Edit(SYSTEM, key, "current_vendor_id", vendor),
            Edit(SYSTEM, key, "current_product", "総合行政システム V7" if business.order % 2 else "MIDORI-ERP"),
            Edit(SYSTEM, key, "target_vendor_id", target),
            Edit(SYSTEM, key, "target_product", "標準準拠パッケージ 2025"),
            Edit(SYSTEM, key, "hosting", "gov_cloud"),
            Edit(SYSTEM, key, "department_id", org(_DEPARTMENTS[business.code], "department")),
            Edit(SYSTEM, key, "planned_start", date(2023, 4, 1)),
        ]
        if business.code in _TOKUTEI:
            reason, text, target_date = _TOKUTEI[business.code]
            edits += [
                Edit(SYSTEM, key, "tokutei", True),
                Edit(SYSTEM, key, "tokutei_reason", reason),
                Edit(SYSTEM, key, "tokutei_reason_text", text),
                Edit(SYSTEM, key, "tokutei_target_date", target_date),
                Edit(SYSTEM, key, "planned_go_live", target_date.replace(month=1, day=4)),
            ]
            done_upto = rng.randint(8, 14)
        else:
            done_upto = rng.choice((24, 25, 25, 27, 29, 33, 36, 40, 40))
            edits.append(Edit(SYSTEM, key, "planned_go_live", date(2026, 1, 4)))
            if done_upto == 40:
                edits.append(Edit(SYSTEM, key, "actual_go_live", date(2026, 1, 4)))
        edits += _cell_edits(business.code, done_upto, rng)
    for n, (name, hosting, department, note) in enumerate(_EXTRA_SYSTEMS, start=len(ref.businesses) + 1):
        key = str(n)
        edits += [
            Edit(SYSTEM, key, CREATE, name),
            Edit(SYSTEM, key, "hosting", hosting),
            Edit(SYSTEM, key, "department_id", org(department, "department")),
            Edit(SYSTEM, key, "notes", note),
        ]
    apply_batch(store, edits, actor=DEMO_ACTOR, action="import", reason="デモデータの作成")
    # A dozen later changes, each with its reason, as a user would have made them.
    service = LedgerService(store, lambda: DEMO_ACTOR)
    for i, reason in enumerate(_REASONS):
        business = ref.businesses[(i * 7) % 20]
        service.edit_cell(business.code, 26 + i % 10, "note", f"{reason}。", reason=reason)
    return store


def _cell_edits(code: str, done_upto: int, rng: random.Random) -> list[Edit]:
    edits = []
    day = date(2023, 4, 10)
    for seq in range(1, 41):
        key = fields.cell_key(code, seq)
        day += timedelta(days=rng.randint(10, 30))
        if seq <= done_upto:
            status = "not_applicable" if seq in (16, 37) and rng.random() < 0.5 else "done"
            edits.append(Edit(CELL, key, "status", status))
            if status == "done":
                edits.append(Edit(CELL, key, "actual_date", min(day, date(2026, 10, 30))))
        elif seq <= done_upto + rng.randint(1, 3):
            edits += [Edit(CELL, key, "status", "in_progress"), Edit(CELL, key, "planned_date", day)]
        else:
            edits.append(Edit(CELL, key, "planned_date", day))
    return edits
