"""Starting the GUI: QApplication with Qt's Japanese strings, the window shown first, then the database."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from soloit.context import AppContext
from soloit.settings import Settings
from soloit.ui.widgets.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from soloit.services.session import LedgerSession, Prompts
    from soloit.ui.main_window import MainWindow

PROBE_ENV = "SOLOIT_STARTUP_PROBE"


def make_application(argv: list[str] | None = None, *, wheel_guard: bool = True) -> QApplication:
    """The QApplication, in Japanese, with the wheel guard (run_gui installs it itself once the window is painted,
    and before any dialog with fields: `wheel_guard=False`)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("soloit")
    app.setOrganizationName("soloit")
    install_japanese(app)
    if wheel_guard:
        install_wheel_guard(app)
    return app


def install_japanese(app: QApplication) -> bool:
    """Load Qt's own qtbase_ja.qm so standard buttons and dialogs read キャンセル, はい …"""
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    if getattr(app, "_soloit_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_ja", folder):
        return False
    app.installTranslator(translator)
    app._soloit_translator = translator  # type: ignore[attr-defined]
    return True


def open_window(
    context: AppContext,
    store: Any,
    settings: Settings,
    window: MainWindow | None = None,
    session: LedgerSession | None = None,
) -> MainWindow:
    """Attach the views over `store` (an open soloit Store) to a (possibly already shown) main window; with a
    session, its controller (backups, restore, the writer lock) too."""
    from soloit.ui.main_window import MainWindow

    if window is None:
        window = MainWindow(settings, lambda: settings.save(context.settings_path))
    if session is not None:
        from soloit.ui.session_controller import SessionController

        window.set_session(SessionController(window, session, window.jobs))
    window.search_dir = context.data_dir / "search-index"
    window.attach_store(store)
    return window


def _probe(event: str) -> None:
    """bench/startup.py asks for start-up milestones (wall-clock time) in a file; normally this does nothing."""
    target = os.environ.get(PROBE_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")


def gui_prompts(parent: Any = None) -> Prompts:
    """The questions of the open flow, as message boxes."""
    from soloit.services.session import Prompts

    def error(title: str, message: str) -> None:
        QMessageBox.critical(parent, title, message)

    def ask_rescue(message: str, newest: Any) -> bool:
        from soloit.services.divergence import backup_label

        answer = QMessageBox.question(
            parent,
            "データベースが壊れています",
            f"{message}\n\n検査に合格する最新のバックアップ（{backup_label(newest)}）に戻しますか？\n"
            "壊れたファイルは上書きせず、日時を付けた別名で残します。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_lost(message: str, backup: Any) -> str:
        from soloit.ui.dialogs.lost_changes_dialog import ask_lost as dialog

        _guard_wheel()
        return dialog(parent, message, backup)

    def ask_relocate(message: str, local: Path) -> bool:
        answer = QMessageBox.question(
            parent,
            "ネットワーク上のデータベース",
            f"{message}\n\nこのパソコンの「{local}」にコピーして使い、今の共有フォルダをバックアップの保存先にしますか？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    return Prompts(error, ask_rescue, ask_relocate, ask_lost)


def _guard_wheel() -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_wheel_guard(app)


def run_gui(context: AppContext, *, demo: bool = False) -> int:
    app = make_application(wheel_guard=False)  # installed once the grid is painted, or before a dialog with fields
    settings = Settings.load(context.settings_path)
    path = context.db_path
    if not demo and not context.db_chosen and settings.last_db and Path(settings.last_db).exists():
        path = Path(settings.last_db)

    from soloit.ui.main_window import MainWindow

    window = MainWindow(settings, lambda: settings.save(context.settings_path))
    if demo or path.exists():
        window.show()
        app.processEvents()  # the window is on screen before the database layer is imported
        _probe("shown")
        session = _open_existing(context, settings, path, demo=demo)
    else:
        session = _first_run(context, settings)
        if session is not None:
            window.show()
    if session is None:
        return 2 if (demo or path.exists()) else 0
    if not settings.display_name.strip() and session.store.path != context.demo_db_path:
        _ask_display_name(settings, window, session.proposed_name)  # the demo needs no name: its journal says （名前未設定）
    if session.store.path != context.demo_db_path:
        settings.last_db = str(session.store.path)
    open_window(context, session.store, settings, window, session)
    app.processEvents()
    _probe("filled")
    settings.save(context.settings_path)  # after the grid is on screen: the save is flushed to the disk (fsync)
    install_wheel_guard(app)
    for message in session.messages:
        QMessageBox.information(window, "soloit", message)
    if window.controller is not None:
        QTimer.singleShot(0, window.controller.check_at_start)  # verify, then the start backup: a job, the grid is on screen
    if os.environ.get(PROBE_ENV):
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, window.greet_newcomer)  # a successor's first start: はじめの日
    code = app.exec()
    window.jobs.wait_all()
    session.close(backup=not os.environ.get(PROBE_ENV))
    settings.save(context.settings_path)
    return code


def _open_existing(context: AppContext, settings: Settings, path: Path, *, demo: bool) -> LedgerSession | None:
    from soloit.services.errors import StoreError
    from soloit.services.session import create_session, open_session

    if demo and not path.exists():
        from soloit.services.demo import create_demo

        try:
            return create_session(context, settings, path, create_demo)
        except StoreError as exc:
            QMessageBox.critical(None, "デモを作成できません", exc.message_ja)
            return None
    return open_session(context, settings, path, gui_prompts())


def _first_run(context: AppContext, settings: Settings) -> LedgerSession | None:
    from soloit.services.errors import StoreError
    from soloit.services.session import adopt_existing, create_session, open_session
    from soloit.services.setup import create_ledger, validate_profile
    from soloit.ui.dialogs.first_run import FirstRunDialog

    _guard_wheel()  # the first-run dialog has lists
    while True:
        dialog = FirstRunDialog(validate_new=validate_profile, display_name=settings.display_name)
        if not dialog.exec() or dialog.choice is None:
            return None
        choice = dialog.choice
        try:
            if choice.kind == "demo":
                session = _open_existing(context, settings, context.demo_db_path, demo=True)
            elif choice.kind == "new":
                settings.display_name = choice.display_name
                session = create_session(
                    context,
                    settings,
                    context.db_path,
                    lambda p, c=choice: create_ledger(p, c.prefecture_code, c.name, c.lg_code, actor=c.display_name),
                )
            else:
                from soloit.services.handover_file import recorded_successor

                adopt_existing(Path(choice.path), context.db_path).close()
                session = open_session(context, settings, context.db_path, gui_prompts())
                if session is not None:
                    session.proposed_name = recorded_successor(Path(choice.path))
        except StoreError as exc:
            QMessageBox.critical(None, "データベースを開けません", exc.message_ja)
            continue
        if session is not None:
            return session


def _ask_display_name(settings: Settings, window: MainWindow, proposed: str = "") -> None:
    """設定, when no name is set yet: a successor opening a handover file finds the 後任者 it names proposed."""
    from soloit.ui.dialogs.settings_dialog import SettingsDialog

    _guard_wheel()
    SettingsDialog(settings, window, proposed_name=proposed).exec()
