"""Creating a new ledger: validated before any file is touched; 20 systems × 40 cells, all 未着手."""

from __future__ import annotations

import pytest

from soloit import reference
from soloit.services.errors import ValidationError
from soloit.services.integrity import verify
from soloit.services.setup import create_ledger, validate_profile
from tests.helpers import AllServices as LedgerService


def test_new_ledger_is_seeded(store):
    ref = reference.load()
    service = LedgerService(store, lambda: "テスト 花子")
    snapshot = service.snapshot()
    assert [row.business_code for row in snapshot.rows] == [b.code for b in ref.businesses]
    assert [row.name for row in snapshot.rows] == [b.name_ja for b in ref.businesses]
    assert all(len(row.cells) == 40 for row in snapshot.rows)
    assert {c.status for row in snapshot.rows for c in row.cells} == {"not_started"}
    assert [s.id for s in service.systems()] == list(range(1, 21))
    assert service.organisations() == []
    profile = service.municipality()
    assert (profile.prefecture_code, profile.prefecture_name, profile.name, profile.lg_code) == (
        "01",
        "北海道",
        "札幌市",
        "011002",
    )
    assert verify(store).ok


@pytest.mark.parametrize(
    ("prefecture", "name", "lg_code", "label"),
    [
        ("01", "札幌市", "011003", "団体コード"),
        ("13", "札幌市", "011002", "団体コード"),
        ("00", "札幌市", "011002", "都道府県"),
        ("01", "   ", "011002", "団体名"),
        ("01", "札幌市", "", "団体コード"),
    ],
)
def test_invalid_profile_leaves_no_file(tmp_path, prefecture, name, lg_code, label):
    path = tmp_path / "new.sqlite3"
    with pytest.raises(ValidationError) as caught:
        create_ledger(path, prefecture, name, lg_code, actor="テスト 花子")
    assert caught.value.field_label == label
    assert list(tmp_path.iterdir()) == []


def test_profile_is_cleaned():
    assert validate_profile("13", "  千代田区 ", "　１３１０１６ ") == ("13", "千代田区", "131016")


def test_existing_file_is_never_overwritten(store, db_path):
    store.close()
    before = db_path.read_bytes()
    from soloit.store.errors import StoreError

    with pytest.raises(StoreError):
        create_ledger(db_path, "01", "札幌市", "011002", actor="テスト 花子")
    assert db_path.read_bytes() == before
