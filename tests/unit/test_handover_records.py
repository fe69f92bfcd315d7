"""引継ぎメモ and 連絡先: what they accept and refuse, how they read, and that an edited note keeps its old text."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.services.entities import CONTACT, NOTE, SYSTEM, spec
from soloit.services.errors import ValidationError


@pytest.mark.parametrize(
    "phone", ["0123-45-6789", "０１２３－４５－６７８９", "(0123) 45-6789 内線 123", "+81-3-1234-5678", "0120ー123ー456", "03-1234-5678 内線12"]
)
def test_phone_numbers_as_people_write_them_are_taken(phone):
    assert spec(CONTACT, "phone").clean(phone) == phone


@pytest.mark.parametrize("phone", ["おしらせください", "---", "0123-45-6789（総務）", "ext"])
def test_text_that_is_no_phone_number_is_refused(phone):
    with pytest.raises(ValidationError) as caught:
        spec(CONTACT, "phone").clean(phone)
    assert caught.value.field_label == "電話" and "数字とハイフン" in caught.value.message_ja


def test_mail_addresses(service):
    field = spec(CONTACT, "mail")
    assert field.clean("joho@town.example.lg.jp") == "joho@town.example.lg.jp"
    assert field.clean("ｊｏｈｏ＠ｅｘａｍｐｌｅ．ｊｐ") == "ｊｏｈｏ＠ｅｘａｍｐｌｅ．ｊｐ"  # 全角 as typed
    for bad in ("joho", "joho@", "joho@example", "jo ho@example.jp", "a@b@c.jp"):
        with pytest.raises(ValidationError):
            field.clean(bad)


def test_a_new_note_is_signed_and_dated_and_reads_its_subject(service, clock):
    clock.day = date(2027, 3, 1)
    services = service.services
    made = services.handover.add_note("住基の移行判定", "pending", subject="system:3", body="4月に最終判定。")
    [note] = services.handover.notes()
    assert int(made.created(NOTE)[0]) == note.id
    assert (note.author, note.note_date, note.category_label, note.pinned) == ("テスト 花子", date(2027, 3, 1), "未処理・未着手", False)
    assert note.subject_label == "システム『住民基本台帳』"
    for bad in ("system:abc", "nothing:1", "system", "ledger:1"):
        with pytest.raises(ValidationError) as caught:
            services.records.edit(NOTE, note.id, "subject", bad)
        assert caught.value.field_label == "関連するデータ"


def test_pinned_notes_come_first_then_the_newest(service, clock):
    services = service.services
    clock.day = date(2026, 10, 1)
    services.handover.add_note("古いメモ")
    clock.day = date(2026, 11, 1)
    services.handover.add_note("新しいメモ")
    clock.day = date(2026, 9, 1)
    services.handover.add_note("最も古いがピン留め", pinned=True)
    assert [n.title for n in services.handover.notes()] == ["最も古いがピン留め", "新しいメモ", "古いメモ"]
    assert [n.title for n in services.handover.notes("progress")] == ["最も古いがピン留め", "新しいメモ", "古いメモ"]
    assert services.handover.notes("policy") == []


def test_editing_a_note_keeps_the_previous_text_whole_in_the_journal(service):
    services = service.services
    long_text = "経過：" + "あ" * 3000
    note_id = int(services.handover.add_note("財務会計の経過", body=long_text).created(NOTE)[0])
    services.records.edit(NOTE, note_id, "body", "書き直した本文")
    [entry] = [e for e in services.journal.entries(entity=NOTE, key=str(note_id)) if e.field == "body" and e.old_value]
    assert entry.old_value == long_text and entry.new_value == "書き直した本文"


def test_a_note_about_a_deleted_record_reads_as_deleted(service):
    services = service.services
    system_id = int(services.records.create(SYSTEM, "グループウェア").created(SYSTEM)[0])
    services.handover.add_note("グループウェア更改", subject=f"system:{system_id}")
    services.records.delete(SYSTEM, system_id)  # a note never blocks a deletion
    assert services.handover.notes()[0].subject_label == f"（削除されたシステム {system_id}）"


def test_contacts_with_their_organisation_and_links(service):
    services = service.services
    vendor = int(services.organisations.add("株式会社サンプル情報", "vendor").created("organisation")[0])
    contact_id = int(services.handover.add_contact("サポートデスク", organisation_id=vendor, phone="0120-000-000").created(CONTACT)[0])
    services.records.set_links("contact_system", contact_id, [3, 1])
    [row] = services.handover.contacts()
    assert (row.name, row.organisation, row.phone, row.systems) == (
        "サポートデスク", "株式会社サンプル情報", "0120-000-000", "児童手当、住民基本台帳",
    )
    assert [c.id for c in services.handover.vendor_contacts({3})] == [contact_id]
    assert services.handover.vendor_contacts({5}) == []
