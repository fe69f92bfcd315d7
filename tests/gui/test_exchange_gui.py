"""出力・取り込み in the window: the status pack and the ministry's sheet as jobs, through the seams for the file
dialogs and questions; cancel writes nothing; the last folder is remembered; an import is undoable."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from soloit.exchange.pack import read_pack
from soloit.services.backups import list_backups
from soloit.ui.dialogs.import_preview_dialog import ImportPreviewDialog
from soloit.ui.dialogs.pack_dialog import PackDialog
from tests.exchange.test_soumu_sheet import make_sheet, municipality_rows, sheet_order
from tests.gui.test_backup_gui import _session_window


def _answer_export(window, out, asked):
    exchange = window.exchange
    exchange.ask_as_of = lambda _parent, today, by: asked.append(("as_of", today, by)) or (date(2026, 11, 22), "情報政策課 花子")
    exchange.choose_save_path = lambda _parent, suggested: asked.append(("save", suggested)) or out
    exchange.offer_open_folder = lambda _parent, text: asked.append(("offer", text)) or True
    exchange.open_folder = lambda folder: asked.append(("open", folder))


def test_export_pack_from_the_menu_runs_as_a_job_and_remembers_the_folder(qtbot, store, context, settings, messages, tmp_path):
    window, session = _session_window(qtbot, store, context, settings, messages)
    out_dir = tmp_path / "報告"
    out_dir.mkdir()
    asked: list = []
    _answer_export(window, out_dir / "pack.xlsx", asked)
    window.export_pack_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert messages == []
    pack = read_pack(out_dir / "pack.xlsx")
    assert pack.report.municipality == "札幌市" and pack.report.prepared_by == "情報政策課 花子"
    assert pack.report.as_of == date(2026, 11, 22) and pack.report.previous is None
    assert asked[0][0] == "as_of" and asked[0][2] == "テスト 花子"  # 作成者 defaults to the display name
    assert asked[1][1].name == "報告パック_札幌市_20261122.xlsx"
    assert asked[2][0] == "offer" and "初回の報告です" in asked[2][1] and asked[3] == ("open", out_dir)
    assert settings.ui_state["last_export_dir"] == str(out_dir)
    assert window.commander.services.journal.history(limit=1)[0].sentence() == "県への報告パックを出力（基準日 2026/11/22）"

    asked.clear()
    window.commander.services.ledger.set_statuses([("koseki", 1)], "done", reason="確認済み")
    window.export_pack_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert asked[1][1].parent == out_dir  # the remembered folder
    assert "前回の報告からの変更 2 件" in asked[2][1]
    assert [c.what for c in read_pack(out_dir / "pack.xlsx").report.changes][-1] == "ステータス: 未着手 → 完了済み"
    session.close(backup=False)


def test_a_cancelled_export_leaves_no_file_and_no_record(qtbot, store, context, settings, messages, tmp_path, monkeypatch):
    from soloit.exchange import pack

    window, session = _session_window(qtbot, store, context, settings, messages)
    asked: list = []
    out = tmp_path / "cancel.xlsx"
    _answer_export(window, out, asked)
    gate = threading.Event()
    original = pack._cover
    monkeypatch.setattr(pack, "_cover", lambda ws, report: (gate.wait(10), original(ws, report)))
    count = window.commander.services.store.facts().journal_count
    window.export_pack_action.trigger()
    qtbot.waitUntil(lambda: window.jobs.busy)
    handle = next(h for h in window.jobs._running if not h.done)
    handle.cancel()  # as the progress dialog's キャンセル does
    gate.set()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert not out.exists() and [p for p in tmp_path.iterdir() if "soloit-tmp" in p.name] == []
    assert window.commander.services.store.facts().journal_count == count
    assert "取り消しました" in window.statusBar().currentMessage()
    assert [a[0] for a in asked] == ["as_of", "save"] and messages == []
    session.close(backup=False)


def test_a_refused_target_is_one_japanese_message(qtbot, store, context, settings, messages, tmp_path):
    window, session = _session_window(qtbot, store, context, settings, messages)
    theirs = tmp_path / "予算.xlsx"
    theirs.write_bytes(b"user data")
    _answer_export(window, theirs, [])
    window.export_pack_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert theirs.read_bytes() == b"user data"
    assert len(messages) == 1 and messages[0][0] == "ファイルを書き込めません" and "上書きしません" in messages[0][1]
    session.close(backup=False)


def _sapporo(tmp_path):
    rows = municipality_rows("北海道", "札幌市", "未")
    koseki = next(i for i, b in enumerate(sheet_order()) if b.code == "koseki")
    rows[koseki][3:5] = ["完了済み", "作業中"]
    return make_sheet(tmp_path / "進捗_札幌.xlsx", rows)


def test_import_soumu_sheet_previews_applies_and_undoes(qtbot, store, context, settings, messages, tmp_path):
    window, session = _session_window(qtbot, store, context, settings, messages)
    sheet = _sapporo(tmp_path)
    previews: list = []
    window.exchange.choose_open_path = lambda _parent, folder: sheet
    window.exchange.confirm_import = lambda _parent, plan: previews.append(plan) or True
    window.import_soumu_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.exchange.last_import is not None, timeout=20000)
    assert messages == []
    assert [(u.business_code, u.seq, u.new) for u in previews[0].updates] == [("koseki", 1, "done"), ("koseki", 2, "in_progress")]
    ledger = window.commander.services.ledger
    assert ledger.cell("koseki", 1).status == "done" and ledger.cell("koseki", 1).actual_date is not None
    row = next(r for r in range(window.ledger.model.rowCount()) if window.ledger.model.business_row(r).business_code == "koseki")
    assert window.ledger.model.business_row(row).cells[0].status == "done"  # the grid shows it
    assert [b.kind for b in list_backups(session.backup_dir)] == ["pre-import"]
    assert settings.ui_state["last_import_dir"] == str(tmp_path)
    assert "2 セルを取り込みました" in window.statusBar().currentMessage()
    window.commander.undo_stack.undo()  # Ctrl+Z undoes the whole import
    assert ledger.cell("koseki", 1).status == "not_started" and ledger.cell("koseki", 2).status == "not_started"
    assert ledger.cell("koseki", 1).actual_date is None
    session.close(backup=False)


def test_a_declined_preview_changes_nothing_and_a_bad_file_is_explained(qtbot, store, context, settings, messages, tmp_path):
    window, session = _session_window(qtbot, store, context, settings, messages)
    sheet = _sapporo(tmp_path)
    count = window.commander.services.store.facts().journal_count
    window.exchange.choose_open_path = lambda _parent, folder: sheet
    window.exchange.confirm_import = lambda _parent, plan: False
    window.import_soumu_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert "取りやめました" in window.statusBar().currentMessage()
    bad = make_sheet(tmp_path / "bad.xlsx", [r[:3] + ["済み？"] + r[4:] for r in municipality_rows("北海道", "札幌市")])
    window.exchange.choose_open_path = lambda _parent, folder: bad
    window.import_soumu_action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy and bool(messages), timeout=20000)
    assert messages[0][0] == "ファイルを取り込めません"
    assert "「bad.xlsx」のシート「業務別ステップ別進捗一覧」の 2 行目・D 列（4 列目）" in messages[0][1]
    assert window.commander.services.store.facts().journal_count == count
    session.close(backup=False)


def test_preview_dialog_lists_each_changed_cell(qtbot, store, tmp_path):
    from soloit.exchange.operations import preview_soumu_import
    from soloit.services.bundle import open_services

    plan = preview_soumu_import(open_services(store, lambda: "x"), _sapporo(tmp_path))
    dialog = ImportPreviewDialog(plan)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in range(4)] == ["戸籍", "①-1 推進体制案の作成", "未着手", "完了済み"]
    assert [table.item(1, c).text() for c in (0, 2, 3)] == ["戸籍", "未着手", "作業中"]
    assert table.item(0, 3).background().color().name() == "#2e7d32" and dialog.apply_button.isEnabled()


def test_pack_dialog_takes_a_date_and_a_name_typed_through_the_ime(qtbot):
    dialog = PackDialog(date(2026, 12, 6), "")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.wareki.text() == "令和8年12月6日"
    dialog.date_edit.setDate(QDate(2027, 1, 4))
    assert dialog.as_of() == date(2027, 1, 4) and dialog.wareki.text() == "令和9年1月4日"
    dialog.by_edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString("情報政策課 山田")
    QApplication.sendEvent(dialog.by_edit, event)
    assert dialog.by_edit.text() == "情報政策課 山田"


def test_pack_dialog_lists_every_sheet_the_written_pack_holds(qtbot, store, tmp_path):
    from openpyxl import load_workbook

    from soloit.exchange.operations import export_pack
    from soloit.services.bundle import open_services

    out = tmp_path / "pack.xlsx"
    export_pack(open_services(store, lambda: "テスト 花子"), out, as_of=date(2026, 11, 22), prepared_by="テスト 花子")
    book = load_workbook(out, read_only=True)
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    book.close()
    assert len(visible) >= 9  # 表紙 … 契約, 前回報告からの変更
    dialog = PackDialog(date(2026, 11, 22), "テスト 花子")
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.intro.text()
    assert all(name in text for name in visible), [name for name in visible if name not in text]
    assert f"次の {len(visible)} 枚のシート" in text and "_meta" not in text
