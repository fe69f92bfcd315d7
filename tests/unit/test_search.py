"""検索: 3+ characters through the trigram index, 1–2 characters by scanning, 全角/半角 and case folded, every word
required, results grouped by area; the index follows every change and notices a rewound or different database."""

from __future__ import annotations

import sqlite3

import pytest

from soloit.services.bundle import open_services
from soloit.services.entities import CONTACT, NOTE
from soloit.store.db import open_database


@pytest.fixture
def services(service, tmp_path):
    made = service.services
    made.search.attach_index(tmp_path / "index" / "search.sqlite3")
    made.handover.add_note("住基の移行判定", "pending", body="移行判定会議は1月8日。戸籍は特定移行支援。")
    made.handover.add_contact("サポートデスク", phone="027-000-1234", role="LGWAN-ASP の窓口")
    made.tasks.add("端末更新計画", notes="ＰＣ２００台を令和9年度に更新")
    yield made
    made.search.close()


def _found(groups) -> dict[str, list[str]]:
    return {group.area: [hit.title for hit in group.hits] for group in groups}


def test_three_characters_and_more_use_the_index(services):
    found = _found(services.search.search("移行判定"))
    assert found["引継ぎメモ"] == ["住基の移行判定"]
    groups = services.search.search("移行判定")
    assert groups[0].hits[0].snippet.startswith("件名: 住基の移行判定")
    assert [g.area for g in groups] == ["引継ぎメモ", "変更履歴"]
    journal = groups[-1]
    assert journal.total == 2 and journal.hits[0].entry_id is not None  # the note's title and its body


def test_one_and_two_characters_are_found_too(services):
    assert _found(services.search.search("戸籍"))["引継ぎメモ"] == ["住基の移行判定"]
    assert "戸籍" in _found(services.search.search("戸籍"))["システム"]
    one = _found(services.search.search("戸"))
    assert {"戸籍", "戸籍の附票"} <= set(one["システム"])


@pytest.mark.parametrize("query", ["ｌｇｗａｎ", "LGWAN", "lgwan", "Lgwan-asp"])
def test_zenkaku_hankaku_and_case_are_folded(services, query):
    assert _found(services.search.search(query))["連絡先"] == ["サポートデスク"]


def test_halfwidth_katakana_and_zenkaku_digits(services):
    assert _found(services.search.search("ｻﾎﾟｰﾄ"))["連絡先"] == ["サポートデスク"]
    assert _found(services.search.search("PC200"))["やること"] == ["端末更新計画"]
    assert _found(services.search.search("０２７"))["連絡先"] == ["サポートデスク"]


def test_every_word_must_appear(services):
    assert _found(services.search.search("移行 1月8日"))["引継ぎメモ"] == ["住基の移行判定"]
    assert "引継ぎメモ" not in _found(services.search.search("移行 2月"))
    assert services.search.search("   ") == []


def test_the_index_follows_every_change(services):
    [note] = services.handover.notes()
    services.records.edit(NOTE, note.id, "body", "判定は延期。次回は2月。")
    assert "引継ぎメモ" not in _found(services.search.search("1月8日"))
    assert _found(services.search.search("延期"))["引継ぎメモ"] == ["住基の移行判定"]
    assert "変更履歴" in _found(services.search.search("1月8日"))  # the old text is still in the journal
    contact = services.handover.contacts()[0]
    deleted = services.records.delete(CONTACT, contact.id)
    assert "連絡先" not in _found(services.search.search("サポート"))
    services.changes.undo(deleted)
    assert _found(services.search.search("サポート"))["連絡先"] == ["サポートデスク"]


def test_a_rewound_database_rebuilds_the_index(services, store, tmp_path):
    earlier = tmp_path / "earlier.sqlite3"
    source, copy = sqlite3.connect(store.path), sqlite3.connect(earlier)
    source.backup(copy)  # a consistent copy, as a backup is made
    source.close()
    copy.close()
    services.handover.add_note("後から書いたメモ")
    assert _found(services.search.search("後から書"))["引継ぎメモ"] == ["後から書いたメモ"]
    services.search.close()
    old = open_database(earlier)
    try:
        rewound = open_services(old, lambda: "テスト 花子")
        rewound.search.attach_index(tmp_path / "index" / "search.sqlite3")  # the same index file
        assert "引継ぎメモ" not in _found(rewound.search.search("後から書"))
        assert _found(rewound.search.search("移行判定"))["引継ぎメモ"] == ["住基の移行判定"]
        rewound.search.close()
    finally:
        old.close()


def test_a_damaged_index_file_is_replaced(services, tmp_path):
    services.search.search("移行")
    services.search.close()
    path = tmp_path / "index" / "search.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    services.search.attach_index(path)
    assert _found(services.search.search("移行判定"))["引継ぎメモ"] == ["住基の移行判定"]
