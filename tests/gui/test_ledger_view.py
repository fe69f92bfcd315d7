"""The ledger grid driven like a person: clicks, keys, the context menu, ranges, undo."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from soloit.services.fields import cell_key
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN


def _click_cell(qtbot, window, row: int, seq: int) -> None:
    table = window.ledger.steps
    index = window.ledger.model.index(row, FIRST_STEP_COLUMN + seq - 1)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def _journal(window, key: str):
    return window.commander.services.journal.entries(entity="cell", key=key)


def test_grid_shows_20_businesses_by_40_steps(window):
    model = window.ledger.model
    assert model.rowCount() == 20
    assert model.columnCount() == 42
    assert model.index(0, 0).data() == "児童手当"
    assert model.index(2, 0).data() == "住民基本台帳"
    header = model.headerData(FIRST_STEP_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "推進体制案の作成" in header
    assert window.rate_label.text().startswith("全体の完了率 0.0%")


def test_click_only_selects_then_key_sets_status(qtbot, window, service):
    _click_cell(qtbot, window, 2, 5)  # 住民基本台帳, step 5
    assert service.cell("jumin_kihon_daicho", 5).status == "not_started"  # a click changes nothing
    assert window.ledger.selected_cells() == [("jumin_kihon_daicho", 5)]
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_3)
    cell = service.cell("jumin_kihon_daicho", 5)
    assert cell.status == "done"
    assert cell.actual_date == date(2026, 11, 20)  # today filled in because it was empty
    entries = _journal(window, cell_key("jumin_kihon_daicho", 5))
    assert {(e.field, e.old_value, e.new_value) for e in entries} == {
        ("status", "not_started", "done"),
        ("actual_date", None, "2026-11-20"),
        ("actual_date_auto", "false", "true"),  # so that leaving 完了済み clears it again
    }
    assert all(e.actor == "テスト 花子" for e in entries)
    # the grid and the rates followed
    model = window.ledger.model
    assert model.index(2, FIRST_STEP_COLUMN + 4).data() == "●"
    assert model.index(2, 1).data() == "2.5%"
    assert "0.1%" in window.rate_label.text()


def test_keys_1_to_4_and_space_cycle(qtbot, window, service):
    _click_cell(qtbot, window, 0, 1)
    for key, expected in ((Qt.Key.Key_2, "in_progress"), (Qt.Key.Key_4, "not_applicable"), (Qt.Key.Key_1, "not_started")):
        qtbot.keyClick(window.ledger.steps, key)
        assert service.cell("jido_teate", 1).status == expected
    seen = []
    for _ in range(4):
        qtbot.keyClick(window.ledger.steps, Qt.Key.Key_Space)
        seen.append(service.cell("jido_teate", 1).status)
    assert seen == ["in_progress", "done", "not_applicable", "not_started"]


def test_completed_keeps_an_existing_actual_date(qtbot, window, service):
    service.edit_cell("koseki", 3, "actual_date", date(2025, 4, 1))
    window.ledger.load()
    _click_cell(qtbot, window, 10, 3)
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_3)
    assert service.cell("koseki", 3).actual_date == date(2025, 4, 1)


def test_context_menu_offers_four_statuses_and_reason(qtbot, window, service):
    _click_cell(qtbot, window, 6, 10)  # 固定資産税, step 10
    menu = window.ledger.build_context_menu()
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert [label.split(" ", 1)[1].split("(")[0] for label in labels[:4]] == ["未着手", "作業中", "完了済み", "対象外"]
    assert labels[4].startswith("理由を付けて変更")
    menu.actions()[1].trigger()  # 作業中
    assert service.cell("kotei_shisanzei", 10).status == "in_progress"

    window.ledger.reason_dialog = lambda _parent, current, count: ("not_applicable", "県の確認で対象外と判断")
    menu = window.ledger.build_context_menu()
    next(a for a in menu.actions() if a.text().startswith("理由を付けて変更")).trigger()
    assert service.cell("kotei_shisanzei", 10).status == "not_applicable"
    newest = _journal(window, cell_key("kotei_shisanzei", 10))[0]
    assert (newest.field, newest.new_value, newest.reason) == ("status", "not_applicable", "県の確認で対象外と判断")


def test_range_is_set_in_one_step_and_undone_in_one_step(qtbot, window, service):
    model = window.ledger.model
    table = window.ledger.steps
    _click_cell(qtbot, window, 3, 1)
    selection = QItemSelection(model.index(3, FIRST_STEP_COLUMN), model.index(5, FIRST_STEP_COLUMN + 9))  # 3 × 10
    table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert len(window.ledger.selected_cells()) == 30
    before = len(service.journal(limit=10_000))
    qtbot.keyClick(table, Qt.Key.Key_2)
    snapshot = service.snapshot()
    assert all(snapshot.rows[r].cells[s].status == "in_progress" for r in range(3, 6) for s in range(10))
    assert snapshot.rows[6].cells[0].status == "not_started"
    entries = service.journal(limit=10_000)
    assert len(entries) == before + 30
    newest = entries[:30]
    assert len({e.batch for e in newest}) == 1  # one command, one journal batch
    assert entries[30].batch != newest[0].batch
    assert sorted((e.entity_key, e.field, e.new_value) for e in newest) == sorted(
        (cell_key(service.snapshot().rows[r].business_code, s + 1), "status", "in_progress")
        for r in range(3, 6)
        for s in range(10)
    )
    assert window.commander.undo_stack.count() == 1

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    snapshot = service.snapshot()
    assert all(snapshot.rows[r].cells[s].status == "not_started" for r in range(3, 6) for s in range(10))
    undo_entries = service.journal(limit=10_000)[:30]
    assert len(service.journal(limit=10_000)) == before + 60  # undo wrote new, reversing entries
    assert {e.action for e in undo_entries} == {"undo"}
    assert model.index(3, FIRST_STEP_COLUMN).data() == "○"

    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert service.snapshot().rows[5].cells[9].status == "in_progress"
    assert service.journal(limit=1)[0].action == "redo"


def test_selecting_a_business_opens_its_detail_panel(qtbot, window):
    names = window.ledger.names
    index = window.ledger.model.index(10, 0)
    qtbot.mouseClick(names.viewport(), Qt.MouseButton.LeftButton, pos=names.visualRect(index).center())
    assert window.ledger.detail.title.text() == "戸籍"
    assert window.ledger.detail.system_id == 11
    QApplication.processEvents()


def _stored_cell(service, code: str, seq: int) -> tuple[str, date | None, bool]:
    """(status, 実績日, filled automatically) exactly as stored."""
    [(status, actual, auto)] = service.store.query(
        "SELECT c.status, c.actual_date, c.actual_date_auto FROM step_cell c JOIN system s ON s.id = c.system_id "
        "WHERE s.business_code = ? AND c.step_seq = ?",
        (code, seq),
    )
    return status, date.fromisoformat(actual) if actual else None, bool(auto)


def test_space_four_times_on_kaigo_step_40_leaves_no_date(qtbot, window, service):
    row = window.ledger.model.row_of("kaigo_hoken")
    _click_cell(qtbot, window, row, 40)
    seen = []
    for _ in range(4):
        qtbot.keyClick(window.ledger.steps, Qt.Key.Key_Space)
        seen.append(_stored_cell(service, "kaigo_hoken", 40))
    assert seen == [
        ("in_progress", None, False),
        ("done", date(2026, 11, 20), True),
        ("not_applicable", None, False),
        ("not_started", None, False),
    ]
    tooltip = window.ledger.model.index(row, FIRST_STEP_COLUMN + 39).data(Qt.ItemDataRole.ToolTipRole)
    assert "状態: 未着手" in tooltip and "実績日" not in tooltip  # the grid shows what is stored


def test_keys_3_then_1_leave_no_date_and_undo_redo_restore_exactly(qtbot, window, service):
    row = window.ledger.model.row_of("kaigo_hoken")
    _click_cell(qtbot, window, row, 40)
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_3)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("done", date(2026, 11, 20), True)
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_1)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("not_started", None, False)

    window.commander.services.context.clock.day = date(2026, 12, 1)  # undo and redo on a later day
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("done", date(2026, 11, 20), True)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("not_started", None, False)
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("done", date(2026, 11, 20), True)
    tooltip = window.ledger.model.index(row, FIRST_STEP_COLUMN + 39).data(Qt.ItemDataRole.ToolTipRole)
    assert "実績日: 2026/11/20" in tooltip
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("not_started", None, False)


def test_a_typed_date_survives_keys_3_and_1(qtbot, window, service):
    service.edit_cell("kaigo_hoken", 40, "actual_date", date(2026, 4, 1))
    window.ledger.load()
    row = window.ledger.model.row_of("kaigo_hoken")
    _click_cell(qtbot, window, row, 40)
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_3)
    qtbot.keyClick(window.ledger.steps, Qt.Key.Key_1)
    assert _stored_cell(service, "kaigo_hoken", 40) == ("not_started", date(2026, 4, 1), False)
