"""A declaration carries everything about its kind: a throw-away kind of record (電子証明書 with an expiry date),
declared in a module of its own written by this test and registered at run time, is created, edited, undone,
deleted, verified, narrated, searched, filtered in 変更履歴, offered as a note's subject, brought forward by its
view, and its expiry date is due in やること and in the 年間スケジュール — without any other file of soloit naming it."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from soloit.services import entities
from soloit.services.bundle import open_services
from soloit.services.changes import Edit
from soloit.services.entities.subject import SUBJECT_KINDS, describe_subject, subject_problem
from soloit.services.fields import CREATE
from soloit.services.integrity import verify
from soloit.services.narrator import name_book, narrate
from soloit.services.search import SEARCHED
from soloit.services.tasks import AREA_LABELS
from soloit.services.timeline import AREAS, TimelineFilter
from soloit.store import journal
from tests.helpers import DayClock
from tests.throwaway_kind import declared_certificate

TODAY = date(2026, 12, 1)
ACTOR = "テスト 花子"


@pytest.fixture
def certificate(tmp_path, monkeypatch, store):
    with declared_certificate(store, tmp_path, monkeypatch) as kind:
        yield kind


def test_a_kind_declared_at_run_time_goes_everywhere_its_declaration_says(store, certificate):
    clock = DayClock(TODAY)
    services = open_services(store, lambda: ACTOR, clock)
    first_entry = store.query("SELECT count(*) FROM journal")[0][0] + 1

    # created and edited through the generic record service
    created = services.records.create("certificate", "職責証明書（情報政策課）", {"holder": "情報政策課長"})
    [key] = created.created("certificate")
    edited = services.records.edit("certificate", int(key), "expires_on", date(2026, 12, 10))
    assert store.query("SELECT name, holder, expires_on FROM certificate") == [
        ("職責証明書（情報政策課）", "情報政策課長", "2026-12-10")
    ]
    assert verify(store).ok, verify(store).summary_ja()

    # undone and redone
    services.changes.undo(edited)
    assert store.query("SELECT expires_on FROM certificate") == [(None,)]
    assert verify(store).ok
    services.changes.redo(edited)
    assert store.query("SELECT expires_on FROM certificate") == [("2026-12-10",)]
    assert verify(store).ok

    # verify sees a row changed behind soloit's back
    def behind_the_back(holder: str) -> None:
        conn = sqlite3.connect(store.path)
        try:
            conn.execute("UPDATE certificate SET holder = ? WHERE id = ?", (holder, int(key)))
            conn.commit()
        finally:
            conn.close()

    behind_the_back("改ざん")
    report = verify(store)
    assert not report.ok and "電子証明書" in report.summary_ja(), report.summary_ja()
    behind_the_back("情報政策課長")
    assert verify(store).ok

    # narrated in Japanese with its own names
    conn = store.raw()
    entries = list(journal.iter_entries(conn, "id >= ? AND entity = ?", (first_entry, "certificate")))
    sentences = [line.sentence() for line in narrate(entries, name_book(conn))]
    assert sentences[0] == "電子証明書『職責証明書（情報政策課）』を登録"
    assert any("有効期限" in s and "2026/12/10" in s for s in sentences), sentences

    # searched, in a group of its own after the kinds declared before it
    assert list(SEARCHED)[-1] == "certificate"
    groups = services.search.search("情報政策課長")
    [group] = [g for g in groups if g.area == "電子証明書"]
    assert [(h.entity, h.key, h.title) for h in group.hits] == [("certificate", key, "職責証明書（情報政策課）")]
    assert group.hits[0].snippet == "名義: 情報政策課長"

    # filtered in 変更履歴 by its own area
    assert AREAS["電子証明書"] == ("certificate",)
    assert list(AREAS)[-2:] == ["電子証明書", "データベース・報告"]
    wanted = TimelineFilter(area="電子証明書")
    timeline = services.timeline.timeline(wanted)
    assert services.timeline.count(wanted) == len(entries) == len(timeline.lines) == 5
    assert all(line.entity == "certificate" for line in timeline.lines)

    # a note may be about it
    assert "certificate" in SUBJECT_KINDS and SUBJECT_KINDS[-1] == "certificate"
    assert subject_problem(f"certificate:{key}") is None
    assert describe_subject(f"certificate:{key}", name_book(conn)) == "電子証明書『職責証明書（情報政策課）』"

    # its view brings it forward (the registry reads the declarations)
    assert entities.OPENED_BY["certificates"] == ("certificate",)

    # its expiry date is due in やること (and counted as needing attention) and in the 年間スケジュール
    agenda = [i for i in services.tasks.agenda(TODAY) if i.kind == "certificate"]
    assert [(i.title, i.due, i.bucket, i.about_key) for i in agenda] == [
        ("電子証明書の有効期限：職責証明書（情報政策課）", date(2026, 12, 10), "soon", key)
    ]
    assert AREA_LABELS["certificate"] == "電子証明書"
    before = services.tasks.attention_count(TODAY)
    services.records.edit("certificate", int(key), "expires_on", date(2027, 6, 30))
    assert services.tasks.attention_count(TODAY) == before - 1
    schedule = services.handover_report.build(
        predecessor="前任 太郎", successor="後任 三郎", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 7)
    ).schedule
    assert [(i.day, i.kind, i.title) for i in schedule.items if i.kind == "電子証明書の有効期限"] == [
        (date(2027, 6, 30), "電子証明書の有効期限", "職責証明書（情報政策課）")
    ]

    # deleted (and the deletion undone) like any record
    deleted = services.changes.delete("certificate", key, reason="失効のため")
    assert store.query("SELECT count(*) FROM certificate") == [(0,)]
    assert verify(store).ok
    assert (
        describe_subject(f"certificate:{key}", entities.current_names(store.raw())) == f"（削除された電子証明書 {key}）"
    )
    services.changes.undo(deleted)
    assert store.query("SELECT name FROM certificate") == [("職責証明書（情報政策課）",)]
    assert verify(store).ok
    assert services.changes.apply([Edit("certificate", key, CREATE, None)]).deleted("certificate") == [key]
    assert verify(store).ok


def test_without_the_declaration_nothing_names_the_kind():
    assert "certificate" not in entities.ENTITIES
    assert "電子証明書" not in AREAS and "certificate" not in SEARCHED and "certificate" not in SUBJECT_KINDS
    assert "certificates" not in entities.OPENED_BY and "certificate" not in AREA_LABELS
