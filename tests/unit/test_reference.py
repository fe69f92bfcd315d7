"""Reference facts from resources/reference/*.json: the 20 businesses, 40 steps, 4 statuses, 47 prefectures."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from soloit import reference

EXPECTED_BUSINESS_CODES = (
    "jido_teate",
    "kodomo_kosodate",
    "jumin_kihon_daicho",
    "koseki_fuhyo",
    "inkan_toroku",
    "senkyonin_meibo",
    "kotei_shisanzei",
    "kojin_juminzei",
    "hojin_juminzei",
    "kei_jidoshazei",
    "koseki",
    "shugaku",
    "kenko_kanri",
    "jido_fuyo_teate",
    "seikatsu_hogo",
    "shogaisha_fukushi",
    "kaigo_hoken",
    "kokumin_kenko_hoken",
    "koki_koreisha_iryo",
    "kokumin_nenkin",
)


@pytest.fixture(scope="module")
def ref() -> reference.Reference:
    return reference.load()


def test_twenty_businesses_in_seirei_order(ref):
    assert len(ref.businesses) == 20
    assert [b.order for b in ref.businesses] == list(range(1, 21))
    assert tuple(b.code for b in ref.businesses) == EXPECTED_BUSINESS_CODES
    assert ref.businesses[0].name_ja == "児童手当"
    assert ref.businesses[2].name_ja == "住民基本台帳"
    assert ref.businesses[19].name_ja == "国民年金"
    assert all(b.name_ja and b.name_en and b.ministry for b in ref.businesses)
    assert len({b.name_ja for b in ref.businesses}) == 20
    assert set(ref.business_by_code) == set(EXPECTED_BUSINESS_CODES)
    assert all(ref.business_by_code[b.code] is b for b in ref.businesses)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("住民記録", "jumin_kihon_daicho"),
        ("住民基本台帳", "jumin_kihon_daicho"),
        ("住基", "jumin_kihon_daicho"),
        ("戸籍附票", "koseki_fuhyo"),
        ("戸籍の附票", "koseki_fuhyo"),
        ("戸籍", "koseki"),
        ("国保", "kokumin_kenko_hoken"),
        ("  住民記録 ", "jumin_kihon_daicho"),
        ("kaigo_hoken", "kaigo_hoken"),
    ],
)
def test_business_by_label_knows_aliases(ref, label, code):
    business = ref.business_by_label(label)
    assert business is not None
    assert business.code == code


def test_business_by_label_unknown_is_none(ref):
    assert ref.business_by_label("財務会計") is None
    assert ref.business_by_label("") is None


def test_forty_steps(ref):
    assert ref.step_count == 40
    assert [s.seq for s in ref.steps] == list(range(1, 41))
    assert ref.steps[0].number == "①-1"
    assert ref.steps[0].work_item == 1
    assert ref.steps[-1].number == "⑱-1"
    assert ref.steps[-1].work_item == 18
    for step in ref.steps:
        assert step.name_ja
        assert step.name_ja_as_published
        assert step.work_item_label_ja
        assert step.phase_ja
        assert step.number.startswith(step.work_item_mark)
        assert ref.step_by_seq[step.seq] is step
    assert len({s.number for s in ref.steps}) == 40
    # work items never go backwards
    items = [s.work_item for s in ref.steps]
    assert items == sorted(items)


def test_eighteen_work_items(ref):
    groups = ref.work_items()
    assert len(groups) == 18
    assert [n for n, _label, _steps in groups] == list(range(1, 19))
    assert sum(len(steps) for _n, _label, steps in groups) == 40
    for n, label, steps in groups:
        assert label
        assert all(step.work_item == n for step in steps)


def test_four_statuses_with_official_labels(ref):
    labels = {s.code: s.label_ja for s in ref.statuses}
    assert labels == {"done": "完了済み", "in_progress": "作業中", "not_started": "未着手", "not_applicable": "対象外"}
    complete = {s.code for s in ref.statuses if s.counts_as_complete}
    assert complete == {"done", "not_applicable"}
    assert set(ref.status_key_order) == set(labels)
    assert ref.default_status.code == "not_started"
    for status in ref.statuses:
        assert status.symbol
        assert status.color.startswith("#")
        assert status.pattern in ("solid", "diagonal")


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("未", "not_started"),
        ("未着手", "not_started"),
        ("not_started", "not_started"),
        ("完了", "done"),
        ("済", "done"),
        ("完了済み", "done"),
        ("着手", "in_progress"),
        ("実施中", "in_progress"),
        ("該当なし", "not_applicable"),
        (" 対象外 ", "not_applicable"),
    ],
)
def test_status_by_label_aliases(ref, label, code):
    status = ref.status_by_label(label)
    assert status is not None
    assert status.code == code


def test_status_by_label_unknown_is_none(ref):
    assert ref.status_by_label("終わった") is None


def test_forty_seven_prefectures(ref):
    assert len(ref.prefectures) == 47
    assert [p.code for p in ref.prefectures] == [f"{n:02d}" for n in range(1, 48)]
    assert ref.prefecture_by_code["01"].name_ja == "北海道"
    assert ref.prefecture_by_code["13"].name_ja == "東京都"
    assert ref.prefecture_by_code["47"].name_ja == "沖縄県"


def test_deadlines_and_choices(ref):
    assert ref.standardization_deadline == date(2026, 3, 31)
    assert ref.tokutei_deadline == date(2031, 3, 31)
    assert "gov_cloud" in {c.code for c in ref.hosting_kinds}
    assert ref.tokutei_reason_other in {c.code for c in ref.tokutei_reasons}
    assert ref.choice_label(ref.hosting_kinds, "gov_cloud") == "ガバメントクラウド"
    assert ref.choice_label(ref.hosting_kinds, None) == ""
    assert {"vendor", "prefecture", "department", "other"} <= {c.code for c in ref.organisation_kinds}


def test_objects_are_immutable(ref):
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.businesses[0].code = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.steps[0].name_ja = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.statuses[0].label_ja = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.businesses = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        ref.business_by_code["new"] = ref.businesses[0]  # type: ignore[index]
    with pytest.raises(TypeError):
        ref.status_by_code["done"] = ref.statuses[0]  # type: ignore[index]
    with pytest.raises(TypeError):
        del ref.step_by_seq[1]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        ref.prefecture_by_code["48"] = ref.prefectures[0]  # type: ignore[index]
    assert isinstance(ref.businesses, tuple)
    assert isinstance(ref.businesses[0].aliases, tuple)


def test_load_is_cached(ref):
    assert reference.load() is ref
    assert reference.load() is reference.load()


def test_circled_numbers():
    assert reference.circled(1) == "①"
    assert reference.circled(18) == "⑱"
    assert reference.circled(20) == "⑳"
    for bad in (0, 21):
        with pytest.raises(ValueError):
            reference.circled(bad)
