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
