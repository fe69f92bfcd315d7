"""The whole grid on a laptop screen (1366×768, the offscreen screen of these tests): every step column visible,
each labelled with its step number, the layout remembered between starts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication

from soloit import reference
from soloit.settings import Settings
from soloit.ui.models.ledger_model import FIRST_STEP_COLUMN, NAME_COLUMN


def _fresh_window(qtbot, context, store, settings):
    from soloit.ui.app import open_window

    window = open_window(context, store, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        QApplication.processEvents()
    return window


def test_first_start_fills_the_screen(qtbot, context, store):
    window = _fresh_window(qtbot, context, store, Settings(display_name="テスト"))
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert window.isMaximized()
    assert window.width() >= available.width() - 8 and window.height() >= available.height() - 40  # less the frame


def test_all_forty_steps_fit_at_1366_by_768(qtbot, context, store, tmp_path):
    window = _fresh_window(qtbot, context, store, Settings(display_name="テスト"))
    ledger = window.ledger
    assert ledger.compact, "the compact layout is the default on a narrow screen"
    header = ledger.steps.horizontalHeader()
    viewport = ledger.steps.viewport().width()
    last = ledger.model.columnCount() - 1
    assert header.sectionViewportPosition(FIRST_STEP_COLUMN) == 0
    assert 0 < header.sectionViewportPosition(last) and header.sectionViewportPosition(last) + header.sectionSize(last) <= viewport
    assert ledger.steps.horizontalScrollBar().maximum() == 0, "no horizontal scrolling"
    assert window.detail_action.isChecked() and ledger.detail.width() >= 280, "the detail panel stays visible"
    # names and 完了率 are never cut
    metrics = ledger.names.fontMetrics()
    for row in range(ledger.model.rowCount()):
        text = str(ledger.model.index(row, NAME_COLUMN).data())
        assert metrics.horizontalAdvance(text) < ledger.names.columnWidth(NAME_COLUMN), text
    # the picture: step 40's column is drawn inside the window, in its status colour
    image = window.grab().toImage()
    image.save(str(tmp_path / "ledger-1366x768.png"))
    column_rect = ledger.steps.visualRect(ledger.model.index(0, last))
    centre = ledger.steps.viewport().mapTo(window, column_rect.center())
    assert 0 < centre.x() < image.width()
    status = ledger.model.cell(0, last).status
    expected = QColor(reference.load().status_by_code[status].color)
    # the selection frame aside, the cell's own pixels carry its status colour (row 0 is not the selected cell)
    found = QColor(image.pixel(centre.x() - column_rect.width() // 2 + 2, centre.y() - column_rect.height() // 2 + 3))
    assert found.rgb() in (expected.rgb(), QColor("#ffffff").rgb())


def test_every_column_is_labelled_with_its_step_number(qtbot, context, store):
    window = _fresh_window(qtbot, context, store, Settings(display_name="テスト"))
    ledger = window.ledger
    header = ledger.steps.horizontalHeader()
    ref = reference.load()
    for offset, step in enumerate(ref.steps):
        logical = FIRST_STEP_COLUMN + offset
        first, last = header._group_span(logical)
        width = header.sectionViewportPosition(last) + header.sectionSize(last) - header.sectionViewportPosition(first)
        group = header.group_text(logical, width - 4)
        sub = ledger.model.headerData(logical, Qt.Orientation.Horizontal)
        assert group.startswith(step.work_item_mark), (step.number, group)  # ①…⑱ above
        assert f"{group[0]}-{sub}" == step.number  # with the number below: ⑭-2
        tooltip = ledger.model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert step.work_item_label_ja in tooltip and step.name_ja in tooltip


def test_after_scrolling_right_the_group_still_says_which_it_is(qtbot, context, store):
    window = _fresh_window(qtbot, context, store, Settings(display_name="テスト"))
    window.set_column_mode("normal")
    QApplication.processEvents()
    ledger = window.ledger
    assert not ledger.compact and ledger.steps.horizontalScrollBar().maximum() > 0
    header = ledger.steps.horizontalHeader()
    step_5_1 = next(FIRST_STEP_COLUMN + i for i, s in enumerate(reference.load().steps) if s.number == "⑤-1")
    ledger.steps.horizontalScrollBar().setValue(header.sectionPosition(step_5_1) + header.sectionSize(step_5_1) // 2)
    QApplication.processEvents()
    visible_part = header.sectionViewportPosition(step_5_1 + 2) + header.sectionSize(step_5_1 + 2)
    assert header.sectionViewportPosition(step_5_1) < 0 < visible_part  # ⑤ is half out of view on the left
    assert header.group_text(step_5_1 + 1, visible_part - 4).startswith("⑤")


def test_layout_choices_are_remembered(qtbot, context, store, settings):
    window = _fresh_window(qtbot, context, store, settings)
    window.detail_action.trigger()  # F6: collapse the detail panel
    window.set_column_mode("normal")
    window.nav_action.trigger()  # show the navigation's labels
    QApplication.processEvents()
    assert window.ledger.splitter.sizes()[1] == 0
    window.resize(1200, 700)
    window.showNormal()
    window.close()
    saved = Settings.load(context.settings_path)
    again = _fresh_window(qtbot, context, window.commander.services.store, saved)
    assert not again.detail_action.isChecked() and again.ledger.splitter.sizes()[1] == 0
    assert again.column_mode() == "normal" and not again.ledger.compact
    assert again.nav_action.isChecked() and again.nav.item(0).text() == "標準化（20業務）"
