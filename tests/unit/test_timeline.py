"""変更履歴: the journal filtered by area, record, person and Japan-time days; exported as CSV (UTF-8 with BOM)
and xlsx carrying every entry's stored values and hashes, so the chain can be recomputed from the file."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pytest

from soloit.domain.clock import FixedClock
from soloit.exchange.history_export import HEADERS, write_history
from soloit.services.bundle import open_services
from soloit.services.entities import NOTE, TASK
from soloit.services.errors import OutputError
from soloit.services.timeline import AREAS, TimelineFilter
from soloit.store import journal


@pytest.fixture
def services(store):
    who = {"name": "前任 次郎"}
    made = open_services(store, lambda: who["name"], FixedClock(datetime(2026, 11, 22, 14, 59, tzinfo=UTC)))
    # 14:59 UTC is 23:59 on 11/22 in Japan; 15:00 UTC is already 11/23
    made.tasks.add("端末更新の計画")
    made.context.clock = FixedClock(datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    who["name"] = "後任 花子"
    note = int(made.handover.add_note("住基の移行判定", body="=1+1 は数式ではない").created(NOTE)[0])
    made.ledger.edit_system(3, "notes", "移行判定は1月")
    made.records.edit(NOTE, note, "body", "判定会議で決定", reason="会議の結果")
    return made


def _subjects(timeline) -> list[str]:
    return [line.sentence() for line in timeline.lines]


def test_every_entity_belongs_to_an_area():
    from soloit.services.entities import ENTITIES

    assert {name for name in ENTITIES} <= {kind for kinds in AREAS.values() for kind in kinds}


def test_filters_by_area_record_person_and_japan_days(services):
    timeline = services.timeline
    everything = timeline.timeline(TimelineFilter())
    assert everything.total == len(everything.lines) == services.store.query("SELECT count(*) FROM journal")[0][0]
    assert everything.lines[0].what == "本文: =1+1 は数式ではない → 判定会議で決定"  # newest first
    assert everything.lines[0].reason == "会議の結果"
    assert (everything.lines[0].label, everything.lines[0].old, everything.lines[0].new) == (
        "本文", "=1+1 は数式ではない", "判定会議で決定"
    )

    handover = timeline.timeline(TimelineFilter(area="引継ぎ"))
    assert {line.entity for line in handover.lines} == {NOTE}
    assert timeline.timeline(TimelineFilter(area="やること")).lines[0].sentence() == "やること『端末更新の計画』を登録"
    system = timeline.timeline(TimelineFilter(entity="system", key="3"))
    assert _subjects(system) == ["システム『住民基本台帳』 備考: （なし） → 移行判定は1月"]
    assert {line.actor for line in timeline.timeline(TimelineFilter(actor="前任 次郎")).lines} == {"前任 次郎"}
    actors = timeline.actors()
    assert {"前任 次郎", "後任 花子"} <= set(actors) and actors == sorted(actors)

    on_22nd = timeline.timeline(TimelineFilter(since=date(2026, 11, 22), until=date(2026, 11, 22)))
    on_23rd = timeline.timeline(TimelineFilter(since=date(2026, 11, 23), until=date(2026, 11, 23)))
    assert {line.actor for line in on_22nd.lines} == {"前任 次郎"} and on_22nd.lines[-1].entity == TASK
    assert {line.actor for line in on_23rd.lines} == {"後任 花子"}
    assert on_22nd.total == 1 and on_23rd.total == len(on_23rd.lines) == 6  # note: 7 fields; system: 1; edit: 1
    assert timeline.timeline(TimelineFilter(since=date(2026, 11, 24), until=date(2026, 11, 30))).total == 0


def test_the_csv_has_a_bom_japanese_headers_and_hashes_that_recompute(services, tmp_path):
    out = tmp_path / "変更履歴.csv"
    written = write_history(services.timeline.export_rows(TimelineFilter()), out, facts={})
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + "記録番号,日時（日本時間）".encode())
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    stored = list(journal.iter_entries(services.store.raw()))
    assert written == len(rows) == len(stored)
    assert [r["ハッシュ"] for r in rows] == [e.hash for e in stored]
    last = rows[-1]
    assert (last["対象"], last["内容"], last["理由"], last["担当者"]) == (
        "引継ぎメモ『住基の移行判定』", "本文: =1+1 は数式ではない → 判定会議で決定", "会議の結果", "後任 花子"
    )
    assert last["変更前（記録値）"] == "'=1+1 は数式ではない"  # formula-like text is kept text for Excel
    # the stored values and the previous hash in the file give the entry's hash again
    for row in rows[-3:]:
        values = {
            "id": int(row["記録番号"]), "recorded_at": row["記録日時（UTC）"], "actor": row["担当者"], "batch": row["一括番号"],
            "action": next(e.action for e in stored if e.id == int(row["記録番号"])), "entity": row["種別"],
            "entity_key": row["キー"], "field": row["項目"],
            "old_value": (row["変更前（記録値）"].removeprefix("'") or None),
            "new_value": (row["変更後（記録値）"].removeprefix("'") or None),
            "reason": next(e.reason for e in stored if e.id == int(row["記録番号"])), "prev_hash": row["前の記録のハッシュ"],
        }
        assert journal.entry_hash(values) == row["ハッシュ"]


def test_the_xlsx_reads_back_with_its_meta(services, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "変更履歴.xlsx"
    wanted = TimelineFilter(area="引継ぎ")
    written = write_history(services.timeline.export_rows(wanted), out, facts={"団体": "札幌市", "条件": "引継ぎ"})
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name("変更履歴").to_python()
    assert rows[0] == list(HEADERS) and len(rows) - 1 == written == services.timeline.timeline(wanted).total
    assert rows[-1][6] == "本文: =1+1 は数式ではない → 判定会議で決定" and rows[-1][11] == "=1+1 は数式ではない"
    meta = dict(tuple(r[:2]) for r in book.get_sheet_by_name("_meta").to_python())
    assert meta["format"] == "soloit-history" and meta["団体"] == "札幌市" and meta["rows"] == str(written)


def test_a_file_that_is_not_a_history_export_is_never_replaced(services, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    mine = folder / "予算.csv"
    mine.write_text("大事な表\n", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_history(services.timeline.export_rows(TimelineFilter()), mine, facts={})
    assert "上書きしません" in caught.value.message_ja and mine.read_text(encoding="utf-8") == "大事な表\n"
    earlier = folder / "履歴.csv"
    write_history(services.timeline.export_rows(TimelineFilter(area="やること")), earlier, facts={})
    assert write_history(services.timeline.export_rows(TimelineFilter()), earlier, facts={}) > 1  # its own: replaced
    assert sorted(p.name for p in folder.iterdir()) == ["予算.csv", "履歴.csv"]  # no temporary file left


def test_a_cancelled_export_leaves_no_file(services, tmp_path):
    from soloit.services.bulk import apply_batch
    from soloit.services.changes import Edit
    from soloit.ui.jobs import JobCancelled
    from soloit.ui.views.history_view import export_history

    apply_batch(services.store, [Edit("cell", "koseki/1", "note", f"メモ{i}") for i in range(1500)], actor="テスト", action="import", reason=None)

    class CancelAtOnce:
        def check(self) -> None:
            raise JobCancelled

        def report(self, *_args) -> None:
            raise AssertionError("reported after cancelling")

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(JobCancelled):
        export_history(services.store, TimelineFilter(), folder / "履歴.xlsx", {}, CancelAtOnce(), 1500)
    assert list(folder.iterdir()) == []


def test_a_text_is_searched_in_the_whole_journal_not_only_the_newest_lines(services):
    """A journal longer than the lines shown: the oldest note is still found, by its words, by a name the narrator
    gives (not stored in the journal), with 全角/半角 folded and every word required."""
    services.ledger.edit_cell("koseki", 1, "note", "金庫の鍵は総務課ＡＢＣ台帳", reason="前任者の申し送り")
    for i in range(60):
        services.ledger.edit_cell("jido_teate", 1 + i % 40, "note", f"定例確認{i}")
    total = services.store.query("SELECT count(*) FROM journal")[0][0]
    newest = services.timeline.timeline(TimelineFilter(), limit=50)
    assert (len(newest.lines), newest.total, newest.complete) == (50, total, False)
    assert not any("金庫" in line.new for line in newest.lines)  # beyond the lines a view shows

    found = services.timeline.timeline(TimelineFilter(text="金庫"), limit=50)
    assert [line.new for line in found.lines] == ["金庫の鍵は総務課ＡＢＣ台帳"] and (found.total, found.complete) == (1, True)
    assert [line.new for line in services.timeline.timeline(TimelineFilter(text="戸籍 abc"), limit=50).lines] == [
        "金庫の鍵は総務課ＡＢＣ台帳"  # 戸籍: the narrated subject; abc: ＡＢＣ folded
    ]
    assert services.timeline.timeline(TimelineFilter(text="申し送り"), limit=50).total == 1  # the reason
    assert services.timeline.timeline(TimelineFilter(text="金庫 児童手当"), limit=50).total == 0  # every word
    many = services.timeline.timeline(TimelineFilter(text="定例確認"), limit=50)
    assert (len(many.lines), many.total, many.complete) == (50, 60, False)
    assert many.lines[0].new == "定例確認59"  # newest first
    assert services.timeline.timeline(TimelineFilter(area="引継ぎ", text="金庫"), limit=50).total == 0  # with the filters


def test_the_export_with_a_text_holds_the_entries_of_the_lines_that_contain_it(services):
    services.ledger.edit_cell("koseki", 1, "note", "金庫の鍵は総務課", reason="前任者の申し送り")
    services.ledger.set_statuses([("koseki", 2)], "done", reason="金庫の確認済み")  # status, 実績日 and its flag
    for i in range(30):
        services.ledger.edit_cell("jido_teate", 1 + i, "note", f"定例確認{i}")
    rows = list(services.timeline.export_rows(TimelineFilter(text="金庫")))
    fields = [(row.entry.entity_key, row.entry.field) for row in rows]
    assert fields[0] == ("koseki/1", "note")
    assert {field for key, field in fields[1:]} >= {"status", "actual_date"} and {k for k, _f in fields[1:]} == {"koseki/2"}
    assert all(row.entry.reason in ("前任者の申し送り", "金庫の確認済み") for row in rows)
    assert list(services.timeline.export_rows(TimelineFilter(text="金庫 児童手当"))) == []
