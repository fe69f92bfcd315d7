"""既存のデータを開く with a handover file: the successor's soloit takes the verified database in as its own, the
same ledger continued (its identity and journal head kept); a damaged file is refused and leaves nothing."""

from __future__ import annotations

import pytest

from soloit.services.errors import StoreError
from soloit.services.session import adopt_existing
from soloit.store.db import facts_of
from tests.unit.test_cli import demo_file  # noqa: F401
from tests.unit.test_handover_file import DATABASE, handover, members, rewrite  # noqa: F401 - fixtures


def test_a_handover_file_opens_as_the_same_ledger(handover, tmp_path):  # noqa: F811
    db, out, manifest = handover
    target = tmp_path / "successor-pc" / "soloit.sqlite3"
    store = adopt_existing(out, target)
    try:
        facts = store.facts()
        assert (facts.identity, facts.journal_count, facts.journal_head) == (
            facts_of(db).identity, manifest.journal_count, manifest.journal_head
        )
        assert store.query("SELECT name FROM municipality")[0][0] == "みどり野町（デモ）"
    finally:
        store.close()


def test_a_damaged_handover_file_is_refused_as_a_store_error(handover, tmp_path):  # noqa: F811
    _db, out, _manifest = handover
    inside = bytearray(members(out)[DATABASE])
    inside[len(inside) // 3] ^= 0x01
    rewrite(out, db=bytes(inside))
    target = tmp_path / "successor-pc" / "soloit.sqlite3"
    with pytest.raises(StoreError) as caught:
        adopt_existing(out, target)
    assert "SHA-256" in caught.value.message_ja and not target.exists()
    assert [p.name for p in target.parent.iterdir()] == []


def test_a_file_that_only_looks_like_a_handover_file_is_refused(tmp_path):
    fake = tmp_path / "引継ぎ.soloit-handover"
    fake.write_text("これは引継ぎファイルではありません", encoding="utf-8")
    target = tmp_path / "successor-pc" / "soloit.sqlite3"
    with pytest.raises(StoreError) as caught:
        adopt_existing(fake, target)
    assert "ZIP" in caught.value.message_ja and not target.exists()
    assert fake.read_text(encoding="utf-8") == "これは引継ぎファイルではありません"  # the source is never touched
