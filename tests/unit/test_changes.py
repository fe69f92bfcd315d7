"""Edge cases of applying and undoing change sets."""

from __future__ import annotations

import pytest

from soloit.services.errors import ValidationError


def test_undoing_the_creation_of_an_organisation_still_in_use_is_refused_cleanly(service):
    first = service.set_system_organisation(1, "current_vendor_id", "株式会社テスト", "vendor")
    service.set_system_organisation(2, "current_vendor_id", "株式会社テスト", "vendor")  # now used twice
    before = len(service.journal(limit=10_000))
    with pytest.raises(ValidationError) as caught:
        service.undo(first)  # out of order: system 2 still points at the organisation
    assert "使われているため削除できません" in caught.value.message_ja
    assert "子ども・子育て支援（現行ベンダ）" in caught.value.message_ja  # names what still uses it
    assert len(service.journal(limit=10_000)) == before
    assert service.system(1).current_vendor == "株式会社テスト"  # rolled back whole


def test_a_datetime_is_taken_as_its_date(service):
    from datetime import date, datetime

    service.edit_system(3, "planned_go_live", datetime(2027, 1, 4, 9, 30))
    assert service.system(3).planned_go_live == date(2027, 1, 4)


# --- rows that can never be created or deleted ---------------------------------------------------------------------


def _dump(store) -> list[str]:
    return [line for line in store.raw().iterdump()]


def _refused(store, action):
    """`action` raises a ValidationError in Japanese and leaves the database (journal included) as it was."""
    before = _dump(store)
    with pytest.raises(ValidationError) as caught:
        action()
    assert _dump(store) == before
    return caught.value


def test_the_20_business_systems_are_never_deleted(store, service):
    from soloit import reference

    for business in reference.load().businesses:
        error = _refused(store, lambda b=business: service.changes.delete("system", str(b.order)))
        assert (error.field_label, error.message_ja) == ("システム", "標準化対象の20業務のシステムは削除できません。")


def test_a_refused_deletion_says_why_before_anything_else(store, service):
    """The municipality cannot be deleted: the message says so, not that 都道府県 could not be emptied on the way."""
    error = _refused(store, lambda: service.changes.delete("municipality", "1"))
    assert (error.field_label, error.message_ja) == ("団体情報", "この種類のデータは削除できません。")


def test_an_organisation_in_use_is_refused_before_its_fields_are_touched(store, service):
    service.set_system_organisation(1, "current_vendor_id", "株式会社テスト", "department")
    [org] = service.organisations()
    error = _refused(store, lambda: service.changes.delete("organisation", str(org.id)))
    assert error.message_ja.startswith("この組織は次のシステムで使われているため削除できません：児童手当（現行ベンダ）")


def test_a_cell_is_never_created_or_deleted_one_by_one(store, service):
    """A cell has no name to create it with: asking is a ValidationError in Japanese, never a ValueError."""
    from soloit.services.changes import Edit
    from soloit.services.fields import CREATE

    for edit, message in (
        (Edit("cell", "koseki/1", CREATE, None), "この種類のデータは削除できません。"),
        (Edit("cell", "koseki/41", CREATE, "新しいステップ"), "この種類のデータは追加できません。"),
    ):
        error = _refused(store, lambda e=edit: service.changes.apply([e]))
        assert (error.field_label, error.message_ja) == ("ステップ", message)
    error = _refused(store, lambda: service.changes.delete("cell", "koseki/1"))
    assert (error.field_label, error.message_ja) == ("ステップ", "この種類のデータは削除できません。")


def test_a_deleted_rows_number_is_never_given_to_a_new_row(store, service):
    """Old journal entries that name a deleted organisation keep meaning it, and undoing its deletion still works
    after another organisation was added."""
    service.set_system_organisation(1, "current_vendor_id", "株式会社旧", "vendor")
    [old] = service.organisations()
    service.edit_system(1, "current_vendor_id", None)
    deleted = service.services.organisations.delete(old.id)
    service.add_organisation("株式会社新", "vendor")
    [new] = service.organisations()
    assert new.id != old.id
    service.undo(deleted)
    assert sorted((o.id, o.name) for o in service.organisations()) == [(old.id, "株式会社旧"), (new.id, "株式会社新")]
    history = [line.sentence() for line in service.services.journal.history()]
    assert "システム『児童手当』 現行ベンダ: （なし） → 株式会社旧" in history
    assert not any("株式会社新" in line and "児童手当" in line for line in history)
