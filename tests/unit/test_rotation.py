"""異動・引継ぎ recorded as one change: people added when new, the predecessor's period ended the day before the
発令日 and the successor's begun on it; refused for the same person twice or a deadline before the 発令日."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.services.entities import STAFF
from soloit.services.errors import ValidationError
from soloit.services.rotation import handover_deadline


def test_a_handover_between_new_people(service):
    services = service.services
    made = services.rotation.record(
        predecessor="山田 太郎", successor="佐藤 花子", appointment_date=date(2027, 4, 1),
        deadline=handover_deadline(date(2027, 4, 1)), witness="総務課長 鈴木",
    )
    staff = {s.name: s for s in services.rotation.staff()}
    assert (staff["山田 太郎"].start_date, staff["山田 太郎"].end_date) == (None, date(2027, 3, 31))
    assert (staff["佐藤 花子"].start_date, staff["佐藤 花子"].end_date) == (date(2027, 4, 1), None)
    [rotation] = services.rotation.rotations()
    assert (rotation.label, rotation.predecessor, rotation.successor, rotation.deadline, rotation.witness) == (
        "山田 太郎 → 佐藤 花子（2027/04/01 発令）", "山田 太郎", "佐藤 花子", date(2027, 4, 8), "総務課長 鈴木"
    )
    assert [s.name for s in services.rotation.staff()] == ["佐藤 花子", "山田 太郎"]  # the one in charge first
    services.changes.undo(made)  # one change: one undo takes it all back
    assert services.rotation.staff() == [] and services.rotation.rotations() == []


def test_known_people_are_reused_and_their_periods_kept(service):
    services = service.services
    services.records.create(STAFF, "山田 太郎", {"start_date": date(2024, 4, 1)})
    services.rotation.record(predecessor="山田 太郎", successor="佐藤 花子", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 8))
    services.rotation.record(predecessor="佐藤 花子", successor="山田 太郎", appointment_date=date(2029, 4, 1), deadline=date(2029, 4, 5))
    staff = {s.name: s for s in services.rotation.staff()}
    assert len(services.rotation.staff()) == 2
    assert (staff["山田 太郎"].start_date, staff["山田 太郎"].end_date) == (date(2024, 4, 1), None)  # back in charge
    assert (staff["佐藤 花子"].start_date, staff["佐藤 花子"].end_date) == (date(2027, 4, 1), date(2029, 3, 31))


@pytest.mark.parametrize(
    ("kwargs", "label", "words"),
    [
        ({"predecessor": "山田", "successor": "山田"}, "後任者", "同じ人"),
        ({"predecessor": "", "successor": "佐藤"}, "前任者", "入力"),
        ({"predecessor": "山田", "successor": "佐藤", "deadline": date(2027, 3, 1)}, "引継期限", "より前"),
    ],
)
def test_refusals_save_nothing(service, kwargs, label, words):
    services = service.services
    values = {"appointment_date": date(2027, 4, 1), "deadline": date(2027, 4, 8), **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.rotation.record(**values)
    assert caught.value.field_label == label and words in caught.value.message_ja
    assert services.rotation.staff() == []
