"""変更履歴 driven as a person does: filters chosen and typed (和暦 too), a row double-clicked to open its record,
one record's history, a rewritten note shown whole, and the filtered history exported as CSV."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from soloit.services.entities import NOTE
from tests.helpers import choose, ime_type


def _open(window):
    row = [spec.key for spec in window.specs].index("history")
    window.nav.setCurrentRow(row)
    view = window.views["history"]
    assert window.stack.currentWidget() is view
    return view


def _rows(view) -> list[list[str]]:
    model = view.table.view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_filter_open_and_export(qtbot, window, tmp_path, monkeypatch):
    services = window.commander.services
    long_body = "経過：" + "い" * 200
    note = int(services.handover.add_note("住基の移行判定", body=long_body).created(NOTE)[0])
    services.records.edit(NOTE, note, "body", "判定会議で決定", reason="会議の結果")
    view = _open(window)
    assert view.table.model.rowCount() == services.store.query("SELECT count(*) FROM journal")[0][0]
    newest = _rows(view)[0]
    assert newest[1:] == ["テスト 花子", "変更", "引継ぎメモ『住基の移行判定』", "本文", long_body[:59] + "…", "判定会議で決定", "会議の結果"]

    # the newest row's full text: the previous body whole
    view.table.view.selectRow(0)
    assert long_body in view.detail.toPlainText() and "会議の結果" in view.detail.toPlainText()

    choose(view.area, "引継ぎ")
    assert {row[3] for row in _rows(view)} == {"引継ぎメモ『住基の移行判定』"}
    choose(view.area, "")
    choose(view.actor, "テスト 花子")
    assert {row[1] for row in _rows(view)} == {"テスト 花子"}
    choose(view.actor, "")

    # a range of days typed in 和暦: nothing before 令和8年 … the test's entries are made today (real time)
    view.until.setFocus()
    ime_type(view.until, "R7.3.31")
    qtbot.keyClick(view.until, Qt.Key.Key_Return)
    assert view.until.text() == "2025/03/31" and _rows(view) == [] and view.count.text() == "条件に合う記録 0 件"
    view.until.clear()
    ime_type(view.until, "R7.2.30")  # no such day
    qtbot.keyClick(view.until, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage().startswith("期間の終了:")
    view.until.clear()
    qtbot.keyClick(view.until, Qt.Key.Key_Return)
    assert view.table.model.rowCount() > 0

    # one record's history
    view.filter_record(NOTE, str(note))
    assert view.record_label.text() == "対象: 引継ぎメモ『住基の移行判定』"
    assert [row[4] for row in _rows(view)] == ["本文", "記入日", "記入者", "本文", "登録"]  # 区分 stayed at its default

    # exported: what the filters select, with hashes
    out = tmp_path / "履歴.csv"
    monkeypatch.setattr(view, "choose_path", lambda suggested, suffix: out)
    qtbot.mouseClick(view.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_export is not None, timeout=10_000)  # a job on a worker thread
    with open(out, encoding="utf-8-sig", newline="") as fh:
        exported = list(csv.DictReader(fh))
    assert [r["項目"] for r in exported] == ["*", "body", "author", "note_date", "body"]
    assert exported[-1]["ハッシュ"] == services.store.query("SELECT hash FROM journal ORDER BY id DESC LIMIT 1")[0][0]
    assert window.statusBar().currentMessage() == f"変更履歴 5 件を「{out}」に出力しました。"

    # double-click opens the note in 引継ぎ
    view.table.view.selectRow(0)
    index = view.table.view.model().index(0, 3)
    where = view.table.view.visualRect(index).center()
    qtbot.mouseClick(view.table.view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double click starts with a press
    qtbot.mouseDClick(view.table.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    handover = window.views["handover"]
    assert window.stack.currentWidget() is handover and handover.note_form.record_id == note


def test_a_deleted_record_says_so_and_a_step_opens_in_the_grid(qtbot, window):
    services = window.commander.services
    services.ledger.edit_cell("koseki", 5, "note", "戸籍の附票と同時に移行")
    note = int(services.handover.add_note("消すメモ").created(NOTE)[0])
    services.records.delete(NOTE, note)
    view = _open(window)
    view.table.view.selectRow(0)
    assert _rows(view)[0][3:5] == ["引継ぎメモ『消すメモ』", "削除"]
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is view
    assert "削除された" in window.statusBar().currentMessage()
    assert window.open_record("cell", "koseki/5")
    ledger = window.views["ledger"]
    assert window.stack.currentWidget() is ledger and ledger.selected_cells() == [("koseki", 5)]


def test_every_kind_of_record_opens_in_its_view(qtbot, window, clock):
    services = window.commander.services
    made = {
        "task": ("tasks", services.tasks.add("端末更新").created("task")[0]),
        "initiative": ("initiatives", services.initiatives.add("書かない窓口").created("initiative")[0]),
        "budget_line": ("budget", services.budget.add_line(2027, "移行経費").created("budget_line")[0]),
        "contract": ("budget", services.contracts.add("保守委託").created("contract")[0]),
        "contact": ("handover", services.handover.add_contact("サポートデスク").created("contact")[0]),
        "organisation": ("municipality", services.organisations.add("株式会社サンプル", "vendor").created("organisation")[0]),
        "system": ("municipality", services.ledger.add_system("グループウェア").created("system")[0]),
    }
    kpi = services.initiatives.add_kpi(int(made["initiative"][1]), "利用率").created("kpi")[0]
    for entity, (view_key, key) in made.items():
        assert window.open_record(entity, key), entity
        assert window.stack.currentWidget() is window.views[view_key], entity
    budget = window.views["budget"]
    assert budget.fiscal_year == 2027 and budget.contracts.current_id() == int(made["contract"][1])
    assert window.open_record("kpi", kpi) and window.views["initiatives"].kpi_table.current_id() == int(kpi)
    assert window.open_record("system", "3") and window.stack.currentWidget() is window.views["ledger"]
    assert window.views["ledger"].detail.system_id == 3


def test_a_record_s_history_from_its_form_and_from_a_row(qtbot, window):
    from soloit.services.entities import CONTRACT

    services = window.commander.services
    contract = int(services.contracts.add("保守委託").created(CONTRACT)[0])
    services.records.edit(CONTRACT, contract, "amount", 990000, reason="見積のとおり")
    view = _open(window)
    choose(view.area, "やること")  # a filter the record's history must not be hidden by
    window.open_record(CONTRACT, str(contract))
    budget = window.views["budget"]
    qtbot.mouseClick(budget.contract_form.history_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is view and view.area.currentData() == ""
    assert view.record_label.text() == "対象: 契約『保守委託』"
    assert [row[4:7] for row in _rows(view)] == [["契約金額", "（なし）", "990,000円"], ["登録", "", ""]]

    qtbot.mouseClick(view.clear_record, Qt.MouseButton.LeftButton)
    assert view.record_label.text() == "" and view.table.model.rowCount() > 2
    view.table.view.selectRow(0)  # the newest: the amount
    qtbot.mouseClick(view.only_button, Qt.MouseButton.LeftButton)
    assert view.record_label.text() == "対象: 契約『保守委託』" and view.table.model.rowCount() == 2


def test_the_filter_box_finds_an_entry_older_than_the_lines_shown(qtbot, window, monkeypatch, tmp_path):
    from soloit.services import timeline

    monkeypatch.setattr(timeline, "SHOWN_LIMIT", 40)  # a journal larger than what the view shows
    services = window.commander.services
    services.ledger.edit_cell("koseki", 1, "note", "金庫の鍵は総務課の台帳", reason="前任者の申し送り")
    for i in range(60):
        services.ledger.edit_cell("jido_teate", 1 + i % 40, "note", f"定例確認{i}")
    view = _open(window)
    total = services.store.query("SELECT count(*) FROM journal")[0][0]
    assert view.table.model.rowCount() == 40
    assert view.count.text() == f"条件に合う記録 {total:,} 件のうち新しい 40 件を表示しています（すべては「出力」で）。"
    assert not any("金庫" in row[6] for row in _rows(view))

    ime_type(view.table.filter, "金庫")
    qtbot.waitUntil(lambda: len(_rows(view)) == 1, timeout=5_000)
    assert _rows(view)[0][3:] == ["戸籍 ステップ①-1", "メモ", "（なし）", "金庫の鍵は総務課の台帳", "前任者の申し送り"]
    assert view.count.text() == "条件に合う記録 1 件"
    out = tmp_path / "金庫.csv"  # the export holds what the filter box found
    monkeypatch.setattr(view, "choose_path", lambda suggested, suffix: out)
    qtbot.mouseClick(view.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_export is not None, timeout=10_000)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        exported = list(csv.DictReader(fh))
    assert [(r["項目"], r["変更後（記録値）"]) for r in exported] == [("note", "金庫の鍵は総務課の台帳")]
    view.table.filter.clear()
    qtbot.waitUntil(lambda: view.table.model.rowCount() == 40, timeout=5_000)
