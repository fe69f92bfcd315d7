"""ヘルプ → 使い方 (F1): the offline manual with its pictures; 最初にやること: the checklist above the views of a new
ledger, each step done through the screens a person uses and seen ticked; the manual ships in the bundles."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QPushButton

from soloit.paths import resources_dir
from soloit.services import first_steps as fs
from tests.helpers import ime_type

ROOT = Path(__file__).resolve().parents[2]
HELP = resources_dir() / "help"
SHARE = r"\\fileserver\joho\soloit-backup"
PICTURES_LIMIT = 1_500_000  # bytes: the pictures ship in every bundle


def _html() -> str:
    return (HELP / "index.html").read_text(encoding="utf-8")


def _images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def _current_key(window) -> str:
    return next(key for key, view in window.views.items() if view is window.stack.currentWidget())


def _help_action(window, name: str):
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "ヘルプ(&H)")
    return next(a for a in menu.actions() if a.objectName() == name)


def _panel_ticks(window) -> dict[str, bool]:
    panel = window.help.panel
    return {key: panel.is_done(key) for key in panel.buttons}


# --- the manual ------------------------------------------------------------------------------------------


def test_f1_opens_the_manual_in_japanese_with_every_picture_loaded(qtbot, window):
    action = _help_action(window, "manual")
    assert action.text() == "使い方(&M)" and action.shortcut().toString() == "F1"
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "soloit の使い方"
    text = dialog.browser.toPlainText()
    for heading in (
        "最初にやること",
        "標準化（20業務）: ステップの状態と理由",
        "やること",
        "予算・契約",
        "県への報告パック",
        "バックアップと復元",
        "異動・引継ぎ（事務引継書）",
        "理由を付けて変更…",
    ):
        assert heading in text
    names = _images(_html())
    assert len(names) >= 8
    document = dialog.browser.document()
    document.size()  # laid out: every picture the page shows was asked for
    for name in names:
        resource = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        image = resource.toImage() if isinstance(resource, QPixmap) else resource
        assert isinstance(image, QImage) and not image.isNull() and image.width() >= 500, name


def test_the_manuals_pictures_and_anchors_are_all_there(qtbot):
    html = _html()
    names = _images(html)
    on_disk = {p.name for p in (HELP / "images").glob("*.png")}
    assert {Path(n).name for n in names} == on_disk  # every picture used, none missing
    assert sum((HELP / "images" / n).stat().st_size for n in on_disk) < PICTURES_LIMIT
    anchors = set(re.findall(r'<a name="([^"]+)">', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= anchors
    views = set(re.findall(r'href="soloit:view/([^"]+)"', html))
    from soloit.ui.views.registry import VIEWS

    assert views == {spec.key for spec in VIEWS}  # every view is explained and can be opened from the manual


def test_a_link_in_the_manual_opens_its_view_and_outside_links_go_nowhere(qtbot, window):
    dialog = window.help.show_manual("tasks")
    source = dialog.browser.source()
    dialog.browser.anchorClicked.emit(QUrl("soloit:view/tasks"))
    assert _current_key(window) == "tasks"
    dialog.browser.anchorClicked.emit(QUrl("soloit:view/budget"))
    assert _current_key(window) == "budget"
    dialog.browser.anchorClicked.emit(QUrl("https://www.soumu.go.jp/"))
    assert dialog.browser.source() == source  # not followed: no network
    dialog.browser.anchorClicked.emit(QUrl("#backup"))
    assert dialog.browser.source().fragment() == "backup"


def test_the_manual_ships_in_the_bundles():
    spec = (ROOT / "installers" / "soloit.spec").read_text(encoding="utf-8")
    assert '(str(RESOURCES), "resources")' in spec  # the whole resources folder, help/ with it
    assert '"help" / "index.html"' in spec  # the build stops when the manual is missing
    build = (ROOT / "installers" / "build-linux.sh").read_text(encoding="utf-8")
    assert "_internal/resources/help/index.html" in build
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"resources" = "soloit/resources"' in pyproject  # the wheel too


# --- 最初にやること ---------------------------------------------------------------------------------------


def test_a_new_ledger_shows_the_five_first_steps_unticked(qtbot, window):
    panel = window.help.panel
    assert panel is not None and panel.isVisible()
    assert [b.text() for b in panel.buttons.values()] == [
        "☐ 1. 団体情報を入力",
        "☐ 2. 総務省シートの取り込み",
        "☐ 3. バックアップ先を共有フォルダに",
        "☐ 4. 定例業務を登録",
        "☐ 5. 閉庁日を登録",
    ]
    assert panel.title.text() == "最初にやること（0/5）"
    assert panel.next_label.text() == "次は「団体情報を入力」: 札幌市の庁内部署（原課）を登録してください。"
    assert panel.geometry().bottom() < window.stack.geometry().top()  # above the views, not over them


def test_each_step_done_through_the_screens_is_ticked(qtbot, window, settings):
    panel = window.help.panel
    # 1. 団体情報: the button opens 団体情報 with 庁内部署 chosen; the user types a department and adds it
    qtbot.mouseClick(panel.buttons[fs.ORGANISATION], Qt.MouseButton.LeftButton)
    assert _current_key(window) == "municipality"
    view = window.views["municipality"]
    assert view.org_kind.currentData() == "department"
    ime_type(view.org_name, "市民課")
    qtbot.mouseClick(view.findChild(QPushButton, "add_org"), Qt.MouseButton.LeftButton)
    assert _panel_ticks(window) == {
        fs.ORGANISATION: True,
        fs.SOUMU_IMPORT: False,
        fs.BACKUP: False,
        fs.DUTIES: False,
        fs.CLOSED_DAYS: False,
    }
    assert (
        panel.buttons[fs.ORGANISATION].text() == "☑ 1. 団体情報を入力" and panel.title.text() == "最初にやること（1/5）"
    )

    # 3. バックアップ先: the button opens 設定; a local folder is not enough, the share is
    def answer(folder: str) -> None:
        dialog = QApplication.activeModalWidget()
        dialog.backup_dir.setText(folder)
        buttons = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: answer(str(Path.home() / "backup")))
    qtbot.mouseClick(panel.buttons[fs.BACKUP], Qt.MouseButton.LeftButton)
    assert settings.backup_dir == str(Path.home() / "backup") and not panel.is_done(fs.BACKUP)
    assert "このパソコンの中のフォルダです" in panel.buttons[fs.BACKUP].toolTip()
    QTimer.singleShot(0, lambda: answer(SHARE))
    qtbot.mouseClick(panel.buttons[fs.BACKUP], Qt.MouseButton.LeftButton)
    assert settings.backup_dir == SHARE and panel.is_done(fs.BACKUP)

    # 4. 定例業務: the button opens やること and its starter list; the user adds them
    def add_duties() -> None:
        dialog = QApplication.activeModalWidget()
        buttons = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, add_duties)
    qtbot.mouseClick(panel.buttons[fs.DUTIES], Qt.MouseButton.LeftButton)
    assert _current_key(window) == "tasks" and panel.is_done(fs.DUTIES)
    assert window.commander.services.store.query("SELECT COUNT(*) FROM task WHERE recurrence IS NOT NULL")[0][0] > 5

    # 5. 閉庁日: the button opens the closed days; the user types one and adds it
    def add_closed_day() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.day.setText("2026/12/26")
        ime_type(dialog.name, "庁舎停電")
        qtbot.mouseClick(dialog.findChild(QPushButton, "add_closed_day"), Qt.MouseButton.LeftButton)
        dialog.reject()

    QTimer.singleShot(0, add_closed_day)
    qtbot.mouseClick(panel.buttons[fs.CLOSED_DAYS], Qt.MouseButton.LeftButton)
    assert window.commander.services.tasks.closed_days()[0][1] == "庁舎停電" and panel.is_done(fs.CLOSED_DAYS)
    assert panel.title.text() == "最初にやること（4/5）"
    assert panel.next_label.text().startswith("次は「総務省シートの取り込み」")

    # undo takes the closed day back, and its tick with it
    window.commander.undo_stack.undo()
    assert not panel.is_done(fs.CLOSED_DAYS)
    window.commander.undo_stack.redo()
    assert panel.is_done(fs.CLOSED_DAYS)


def test_the_ministry_sheet_imported_from_the_menu_ticks_its_step(qtbot, store, context, settings, messages, tmp_path):
    from tests.gui.test_backup_gui import _session_window
    from tests.gui.test_exchange_gui import _sapporo

    window, session = _session_window(qtbot, store, context, settings, messages)
    panel = window.help.panel
    assert panel.isVisible() and not panel.is_done(fs.SOUMU_IMPORT)
    sheet = _sapporo(tmp_path)
    window.exchange.choose_open_path = lambda _parent, folder: sheet
    window.exchange.confirm_import = lambda _parent, plan: True
    qtbot.mouseClick(panel.buttons[fs.SOUMU_IMPORT], Qt.MouseButton.LeftButton)  # the button runs the menu's import
    qtbot.waitUntil(lambda: not window.jobs.busy and window.exchange.last_import is not None, timeout=20000)
    assert messages == [] and panel.is_done(fs.SOUMU_IMPORT)
    assert window.commander.services.ledger.cell("koseki", 1).status == "done"
    window.commander.undo_stack.undo()  # Ctrl+Z takes the import back, and its tick
    assert not panel.is_done(fs.SOUMU_IMPORT)
    window.commander.undo_stack.redo()
    assert panel.is_done(fs.SOUMU_IMPORT)
    session.close(backup=False)


def test_closed_it_stays_closed_for_this_ledger_and_help_brings_it_back(qtbot, window, settings):
    panel = window.help.panel
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()
    identity = window.commander.services.store.facts().identity
    assert settings.ui_state[f"first_steps_hidden:{identity}"] == "1"
    window.detach()
    window.attach_store(window_store := _reopen(window, settings))
    assert not window.help.panel.isVisible()  # next time: not shown by itself
    _help_action(window, "firstSteps").trigger()
    assert window.help.panel.isVisible() and f"first_steps_hidden:{identity}" not in settings.ui_state
    qtbot.mouseClick(window.help.panel.help_button, Qt.MouseButton.LeftButton)  # 使い方を見る: the manual, at its part
    assert window.help.dialog.isVisible()
    window.detach()
    window_store.close()


def _reopen(window, settings):
    from soloit.store.db import open_database

    return open_database(Path(window.db_label))


def test_the_demo_opens_without_the_checklist(qtbot, demo_store, context, settings):
    from soloit.ui.app import make_application, open_window

    make_application()
    win = open_window(context, demo_store, settings)
    qtbot.addWidget(win)
    win.show()
    assert win.help.panel is None or not win.help.panel.isVisible()
    _help_action(win, "firstSteps").trigger()  # asked for, it shows the demo's state
    assert win.help.panel.isVisible() and win.help.panel.is_done(fs.ORGANISATION) and win.help.panel.is_done(fs.DUTIES)
    win.detach()


def test_a_ledger_opened_read_only_shows_no_checklist(qtbot, store, context, settings, messages):
    from soloit.services.session import Prompts, open_session
    from soloit.ui.app import make_application, open_window

    path = store.path
    store.close()
    make_application()
    session = open_session(context, settings, path, Prompts(messages, lambda *_: False, lambda *_: False))
    session.readonly = True  # as after 「読み取り専用で開く」: nothing on the list could be done
    window = open_window(context, session.store, settings, session=session)
    qtbot.addWidget(window)
    window.show()
    assert window.help.panel is None or not window.help.panel.isVisible()
    session.close(backup=False)
