"""Starting the GUI: QApplication with Qt's Japanese strings, the window shown first, then the database."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from soloit.context import AppContext
from soloit.settings import Settings

if TYPE_CHECKING:
    from soloit.store.db import Store
    from soloit.ui.main_window import MainWindow


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("soloit")
    app.setOrganizationName("soloit")
    install_japanese(app)
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


def open_window(context: AppContext, store: Store, settings: Settings, window: MainWindow | None = None) -> MainWindow:
    """Attach the views over `store` to a (possibly already shown) main window."""
    from soloit.services.migration import LedgerService
    from soloit.ui.commands import Commander
    from soloit.ui.main_window import MainWindow

    if window is None:
        window = MainWindow(settings, lambda: settings.save(context.settings_path))
    service = LedgerService(store, lambda: settings.display_name)
    commander = Commander(service, window)
    window.attach(commander, str(store.path))
    window.store = store  # type: ignore[attr-defined]
    return window


PROBE_ENV = "SOLOIT_STARTUP_PROBE"


def _probe(event: str) -> None:
    """bench/startup.py asks for start-up milestones (wall-clock time) in a file; normally this does nothing."""
    target = os.environ.get(PROBE_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")


def run_gui(context: AppContext, *, demo: bool = False) -> int:
    app = make_application()
    settings = Settings.load(context.settings_path)
    path = context.db_path
    if not demo and not context.db_chosen and settings.last_db and Path(settings.last_db).exists():
        path = Path(settings.last_db)

    from soloit.ui.main_window import MainWindow

    if demo or path.exists():
        window = MainWindow(settings, lambda: settings.save(context.settings_path))
        window.show()
        app.processEvents()  # the window is on screen before the database layer is imported
        _probe("shown")
        store = _open_or_report(path, demo=demo)
        if store is None:
            return 2
    else:
        chosen = _first_run(context, settings)
        if chosen is None:
            return 0
        path, store = chosen
        window = MainWindow(settings, lambda: settings.save(context.settings_path))
        window.show()
    if not settings.display_name.strip():
        _ask_display_name(settings, window)
    if not demo:
        settings.last_db = str(path)
    settings.save(context.settings_path)
    open_window(context, store, settings, window)
    app.processEvents()
    _probe("filled")
    if os.environ.get(PROBE_ENV):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, app.quit)
    code = app.exec()
    store.close()
    return code


def _open_or_report(path: Path, *, demo: bool) -> Store | None:
    from soloit.store.errors import StoreError

    try:
        if demo and not path.exists():
            from soloit.services.demo import create_demo

            return create_demo(path)
        from soloit.store.db import open_database

        return open_database(path)
    except StoreError as exc:
        QMessageBox.critical(None, "データベースを開けません", exc.message_ja)
        return None


def _first_run(context: AppContext, settings: Settings) -> tuple[Path, Store] | None:
    from soloit.services.setup import create_ledger, validate_profile
    from soloit.store.errors import StoreError
    from soloit.ui.dialogs.first_run import FirstRunDialog

    while True:
        dialog = FirstRunDialog(validate_new=validate_profile, display_name=settings.display_name)
        if not dialog.exec() or dialog.choice is None:
            return None
        choice = dialog.choice
        try:
            if choice.kind == "demo":
                path = context.demo_db_path
                store = _open_or_report(path, demo=True)
                if store is None:
                    continue
                return path, store
            if choice.kind == "new":
                settings.display_name = choice.display_name
                store = create_ledger(
                    context.db_path, choice.prefecture_code, choice.name, choice.lg_code, actor=choice.display_name
                )
                return context.db_path, store
            if choice.kind == "open":
                return context.db_path, adopt_existing(Path(choice.path), context.db_path)
        except StoreError as exc:
            QMessageBox.critical(None, "データベースを開けません", exc.message_ja)


def adopt_existing(source: Path, target: Path) -> Store:
    """Bring a database or backup (from a predecessor, a USB stick, a share) onto the local disk and open it.

    The source is copied with SQLite's online backup API and never modified."""
    from soloit.store.backup import online_copy
    from soloit.store.db import open_database, read_revision
    from soloit.store.errors import NotSoloitDatabaseError, StoreError

    if target.exists():
        raise StoreError(f"「{target}」に既にデータベースがあります。上書きはしません。")
    app_id, revision = read_revision(source)
    from soloit.store.db import APPLICATION_ID

    if app_id != APPLICATION_ID or revision is None:
        raise NotSoloitDatabaseError(f"「{source}」は soloit のデータベースではありません。")
    online_copy(source, target)
    try:
        return open_database(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _ask_display_name(settings: Settings, window: MainWindow) -> None:
    from soloit.ui.dialogs.settings_dialog import SettingsDialog

    SettingsDialog(settings, window).exec()
