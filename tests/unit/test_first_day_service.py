"""はじめの日's lists as the service gives them: 最近の判断 holds only changes with a reason a person gave (not undo,
redo or the creation of the database, not changes without a reason), and the vendor contacts only contacts of a
vendor (not a department's or the prefecture's contact linked to the same system)."""

from __future__ import annotations

from soloit.services.entities import CONTACT


def test_recent_decisions_are_the_reasons_people_gave(service):
    services = service.services
    ledger = services.ledger
    ledger.edit_cell("koseki", 5, "note", "条例改正", reason="議会で可決")
    unexplained = ledger.edit_cell("koseki", 6, "note", "理由なしの変更")
    explained = ledger.edit_cell("jumin_kihon_daicho", 1, "note", "仮の値", reason="ベンダ回答待ち")
    undone = services.changes.undo(explained)  # 「元に戻す：ベンダ回答待ち」
    services.changes.redo(explained)  # 「やり直し：ベンダ回答待ち」
    services.changes.undo(unexplained)  # 「元に戻す」
    services.changes.undo(undone)
    later = ledger.edit_cell("kokumin_kenko_hoken", 2, "note", "後で理由を付ける")
    services.journal.annotate(later, "課長決裁済み")

    decisions = services.first_day.decisions()
    assert [d.reason.split("［")[0] for d in decisions] == ["課長決裁済み", "ベンダ回答待ち", "議会で可決"]
    assert decisions[0].reason.endswith("テスト 花子 が追記］")  # the reason given afterwards, signed
    assert not any(d.reason.startswith(("元に戻す", "やり直し")) or d.reason == "新規作成" for d in decisions)
    assert all(d.line.action not in ("undo", "redo") for d in decisions)


def test_a_fresh_ledger_has_no_decisions(service):
    assert service.services.first_day.decisions() == ()  # the database's creation is soloit's, not a decision


def test_vendor_contacts_are_contacts_of_vendors_only(service):
    services = service.services
    orgs = services.organisations
    vendor = int(orgs.add("株式会社サンプル情報", "vendor").created("organisation")[0])
    target_vendor = int(orgs.add("移行先システム株式会社", "vendor").created("organisation")[0])
    department = int(orgs.add("住民課", "department").created("organisation")[0])
    prefecture = int(orgs.add("〇〇県", "prefecture").created("organisation")[0])
    services.ledger.set_system_organisation(3, "target_vendor_id", "移行先システム株式会社", "vendor")

    def contact(name: str, organisation: int | None, *systems: int) -> int:
        values = {"organisation_id": organisation} if organisation else {}
        made = int(services.handover.add_contact(name, phone="0120-000-000", **values).created(CONTACT)[0])
        if systems:
            services.records.set_links("contact_system", made, list(systems))
        return made

    support = contact("サポートデスク", vendor, 3)
    sales = contact("営業担当", target_vendor)  # not linked, but of the system's 移行先 vendor
    contact("住民課 担当", department, 3)
    contact("県 市町村課", prefecture, 3)
    contact("個人の連絡先", None, 3)
    assert {c.id for c in services.handover.vendor_contacts({3})} == {support, sales}
    assert services.handover.vendor_contacts({5}) == []
