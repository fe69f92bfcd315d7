"""A ledger with known contents for the exchange tests, and helpers to export and read packs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from soloit.services.bundle import open_services
from tests.helpers import DayClock

AS_OF = date(2026, 11, 22)


def known_ledger(store, clock: DayClock | None = None):
    """札幌市 with known facts: 戸籍 steps 1–10 完了済み and 11–12 作業中 (25% / 5% / 70%), 住民基本台帳 all 40 完了済み
    with a go-live, 印鑑登録 1–4 対象外, vendors and a 特定移行支援 flag on 戸籍, and one other system."""
    services = open_services(store, lambda: "テスト 花子", clock or DayClock(date(2026, 11, 1)))
    ledger = services.ledger
    ledger.set_statuses([("koseki", s) for s in range(1, 11)], "done", reason="第1回会議で確認")
    ledger.set_statuses([("koseki", 11), ("koseki", 12)], "in_progress")
    ledger.set_statuses([("jumin_kihon_daicho", s) for s in range(1, 41)], "done")
    ledger.set_statuses([("inkan_toroku", s) for s in range(1, 5)], "not_applicable")
    koseki = next(s for s in ledger.systems() if s.business_code == "koseki")
    jumin = next(s for s in ledger.systems() if s.business_code == "jumin_kihon_daicho")
    ledger.set_system_organisation(koseki.id, "current_vendor_id", "株式会社北海情報", "vendor")
    ledger.edit_system(koseki.id, "current_product", "戸籍総合V5")
    ledger.set_system_organisation(koseki.id, "target_vendor_id", "標準システム株式会社", "vendor")
    ledger.edit_system(koseki.id, "target_product", "標準戸籍クラウド")
    ledger.edit_system(koseki.id, "hosting", "gov_cloud")
    ledger.edit_system(koseki.id, "planned_start", date(2026, 4, 1))
    ledger.edit_system(koseki.id, "planned_go_live", date(2027, 1, 4))
    ledger.edit_system(koseki.id, "tokutei", True)
    ledger.edit_system(koseki.id, "tokutei_reason", "custom_built")
    ledger.edit_system(koseki.id, "tokutei_target_date", date(2028, 3, 31))
    ledger.edit_system(jumin.id, "planned_start", date(2025, 4, 1))
    ledger.edit_system(jumin.id, "planned_go_live", date(2026, 1, 4))
    ledger.edit_system(jumin.id, "actual_go_live", date(2026, 1, 4))
    ledger.add_system("財務会計", hosting="on_premises", notes="=HYPERLINK(\"http://x\",\"y\")")
    ledger.edit_system(jumin.id, "notes", "@SUM(1)")
    return services


@pytest.fixture
def known(store):
    return known_ledger(store)


def export(services, out: Path, as_of: date = AS_OF, **kw):
    from soloit.exchange.operations import export_pack

    return export_pack(services, out, as_of=as_of, prepared_by=kw.pop("prepared_by", "情報政策課 テスト 花子"), **kw)
