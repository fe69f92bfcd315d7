"""検索 (Ctrl+F) as a person uses it: from any view, words typed through the IME, results grouped by area, Enter
opening a note in 引継ぎ and a change of a deleted note opening its history."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from soloit.services.entities import NOTE
from soloit.ui.dialogs.search_dialog import PREPARING_FIRST
from tests.gui.frozen import SEARCH_NOTES, TickGaps, assert_kept_ticking, copy_of_large_ledger
from tests.helpers import ime_type


def _search(qtbot, window, text: str, before_enter=None):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.focusWidget() is dialog.query  # (offscreen, the dialog is never the active window)
    ime_type(dialog.query, text)
    if before_enter is not None:
        before_enter()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # search now, the first result selected
    return dialog


def test_ctrl_f_finds_and_opens_a_note(qtbot, window, context):
    services = window.commander.services
    note = int(services.handover.add_note("住基の移行判定", body="判定会議は1月8日").created(NOTE)[0])
    services.handover.add_contact("サポートデスク", role="ＬＧＷＡＮの窓口")
    window.nav.setCurrentRow(2)  # from another view
    dialog = _search(qtbot, window, "移行判定")
    groups = [label for label, _hit in dialog.hits()]
    assert groups[0] == "引継ぎメモ（1件）" and groups[-1].startswith("変更履歴")
    assert dialog.results.currentItem().text(0) == "住基の移行判定"
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    handover = window.views["handover"]
    assert window.stack.currentWidget() is handover and handover.note_form.record_id == note
    assert (context.data_dir / "search-index" / f"{services.store.facts().identity}.sqlite3").exists()

    dialog = _search(qtbot, window, "lgwan")  # 全角 in the data, 半角 typed
    assert [hit.title for label, hit in dialog.hits() if label.startswith("連絡先")] == ["サポートデスク"]
    dialog = _search(qtbot, window, "戸籍")  # two characters
    assert [hit.title for label, hit in dialog.hits() if label.startswith("システム")][:2] == ["戸籍", "戸籍の附票"]
    dialog = _search(qtbot, window, "見つからない言葉")
    assert dialog.hits() == [] and "見つかりませんでした" in dialog.status.text()


def test_a_change_of_a_deleted_note_opens_its_history(qtbot, window):
    services = window.commander.services
    note = int(services.handover.add_note("消したメモ", body="古い経過").created(NOTE)[0])
    services.records.delete(NOTE, note)
    dialog = _search(qtbot, window, "古い経過")
    found = dialog.hits()
    assert [label for label, _hit in found] == ["変更履歴（2件）"] * 2  # written, and taken away with the note
    hit = found[0][1]
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    history = window.views["history"]
    assert window.stack.currentWidget() is history
    assert history.record_label.text() == "対象: 引継ぎメモ『消したメモ』"  # named as it was, though deleted
    assert history.table.current_id() == hit.entry_id


class TestOnALargeLedger:
    """The demo ledger with 8,000 more notes (≈ 42,000 journal entries): the first search builds its index for
    about a second — as a job, while the dialog says so and the window goes on answering."""

    @pytest.fixture
    def store(self, db_path, tmp_path_factory):
        from soloit.store.db import open_database

        opened = open_database(copy_of_large_ledger(tmp_path_factory, db_path, SEARCH_NOTES))
        yield opened
        opened.close()

    def test_the_first_search_builds_its_index_as_a_job_and_then_searches(self, qtbot, window, context):
        services = window.commander.services
        statuses: list[str] = []
        gaps = TickGaps(lambda: statuses.append(window.search_dialog.status.text()))

        def settled_then_start() -> None:
            qtbot.wait(300)  # the window behind repaints as the dialog takes the focus: not what is measured
            gaps.start()

        dialog = _search(qtbot, window, "引継ぎメモ 1999", settled_then_start)  # Enter: the first hit is selected
        assert dialog.preparing is not None and dialog.status.text() == PREPARING_FIRST
        assert dialog.query.isEnabled() and dialog.results.topLevelItemCount() == 0
        ime_type(dialog.query, "：")  # typing goes on while the index is built: the search uses the words of then
        qtbot.waitUntil(lambda: dialog.preparing is None, timeout=120_000)
        gaps.stop()
        assert PREPARING_FIRST in statuses  # shown while the job ran, not only at the start
        assert dialog.query.text() == "引継ぎメモ 1999："
        assert dialog.results.currentItem().text(0).startswith("引継ぎメモ 1999：")
        assert "件見つかりました" in dialog.status.text()
        index = context.data_dir / "search-index" / f"{services.store.facts().identity}.sqlite3"
        assert index.exists()
        assert services.search.pending() == (0, False)  # the built index is the one in use
        assert_kept_ticking(gaps)

        services.handover.add_note("会議メモ 移行判定の結果", body="判定会議は1月8日")  # after the build: at once
        qtbot.mouseClick(dialog.query, Qt.MouseButton.LeftButton)  # back in the dialog's field, the words replaced
        qtbot.keyClick(dialog.query, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        ime_type(dialog.query, "移行判定の結果")
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
        assert dialog.preparing is None
        assert dialog.results.currentItem().text(0) == "会議メモ 移行判定の結果"

    def test_an_index_file_that_cannot_be_written_still_searches(self, qtbot, window, context, monkeypatch):
        from soloit.store import search_index

        """A full disk while the job writes the index file: the search still runs, from an index in memory."""
        update = search_index.SearchIndex.update

        def full_disk(self, *args, **kwargs):
            if self.path is not None:
                raise sqlite3.OperationalError("database or disk is full")
            return update(self, *args, **kwargs)

        monkeypatch.setattr(search_index.SearchIndex, "update", full_disk)
        dialog = _search(qtbot, window, "引継ぎメモ 1999")
        qtbot.waitUntil(lambda: dialog.preparing is None, timeout=120_000)
        assert dialog.results.currentItem().text(0).startswith("引継ぎメモ 1999")
        assert "件見つかりました" in dialog.status.text()
        assert window.commander.services.search.index.path is None  # searching from memory this session
