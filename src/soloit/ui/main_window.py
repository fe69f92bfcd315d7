"""The main window: navigation on the left (only views that work), the current view, and a status bar.

Built in two steps so it can be shown before the database layer is imported: the shell first, then `attach`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from soloit.settings import Settings

if TYPE_CHECKING:
    from soloit.ui.commands import Commander
    from soloit.ui.views.ledger_view import LedgerView
    from soloit.ui.views.municipality_view import MunicipalityView

DEFAULT_SIZE = (1280, 720)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, save_settings: Callable[[], None]) -> None:
        super().__init__()
        self.settings = settings
        self._save_settings = save_settings
        self.commander: Commander | None = None
        self._lock_lost = False
        self.session: Any = None  # services.session.LedgerSession when opened by run_gui (backups, restore, lock)
        self.message_sink: Callable[[QWidget | None, str, str], None] | None = None  # tests record messages here
        self.ask_restore: Callable[[list, Path], Any] = self._ask_restore  # seam: which backup to restore
        self.ledger: LedgerView | None = None
        self.municipality: MunicipalityView | None = None
        self.setWindowTitle("soloit")
        self.setMinimumSize(960, 600)
        self.resize(*DEFAULT_SIZE)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(180)
        self.nav.setMinimumWidth(130)
        self.stack = QStackedWidget()
        loading = QLabel("読み込み中…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(loading)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("bodySplitter")
        self.body.addWidget(self.nav)
        self.body.addWidget(self.stack)
        self.body.setStretchFactor(1, 1)
        self.body.setChildrenCollapsible(False)
        self.body.setSizes([150, 1130])
        self.setCentralWidget(self.body)

        self.rate_label = QLabel("")
        self.rate_label.setObjectName("overallRate")
        self.place_label = QLabel("")
        self.statusBar().addPermanentWidget(self.place_label)
        self.statusBar().addPermanentWidget(self.rate_label)
        self.nav.currentRowChanged.connect(self._show_view)
        self._build_menus()
        self._restore_geometry()

    # --- building -------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        self.backup_action = QAction("今すぐバックアップ(&B)", self)
        self.backup_action.triggered.connect(self.backup_now)
        self.restore_action = QAction("バックアップから復元…(&R)", self)
        self.restore_action.triggered.connect(self.restore_from_backup)
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        settings_action = QAction("設定…(&S)", self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.edit_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction("終了(&X)", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.edit_menu = self.menuBar().addMenu("編集(&E)")
        help_menu = self.menuBar().addMenu("ヘルプ(&H)")
        about = QAction("soloit について(&A)", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def attach_store(self, store: Any) -> None:
        """Create the service, the command runner and the views over an open store, and fill them."""
        from soloit.services.bundle import open_services
        from soloit.ui.commands import Commander

        commander = Commander(open_services(store, lambda: self.settings.display_name), self)
        if self.message_sink is not None:
            commander.sink = self.message_sink
        self.attach(commander, str(store.path))

    def detach(self) -> None:
        """Remove the views (before the database under them is replaced)."""
        for view in (self.ledger, self.municipality):
            if view is not None:
                self.stack.removeWidget(view)
                view.deleteLater()
        self.ledger = self.municipality = None
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav.blockSignals(False)
        self.edit_menu.clear()
        if self.commander is not None:
            self.commander.deleteLater()
        self.commander = None

    def attach(self, commander: Commander, db_label: str) -> None:
        """Create the views over an open database and fill them."""
        from soloit.ui.views.ledger_view import LedgerView
        from soloit.ui.views.municipality_view import MunicipalityView

        self.commander = commander
        commander.dialog_parent = self
        self.ledger = LedgerView(commander)
        self.municipality = MunicipalityView(commander)
        for n, (view, label) in enumerate(((self.ledger, "標準化（20業務）"), (self.municipality, "団体情報")), start=1):
            self.stack.addWidget(view)
            self.nav.addItem(label)
            self.nav.item(n - 1).setToolTip(f"Ctrl+{n}")
            go = QAction(label, view)
            go.setShortcut(QKeySequence(f"Ctrl+{n}"))
            go.triggered.connect(lambda _checked=False, row=n - 1: self.nav.setCurrentRow(row))
            self.addAction(go)
            view.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.municipality.profile_saved.connect(self._update_place)
        undo = commander.undo_stack.createUndoAction(self, "元に戻す")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = commander.undo_stack.createRedoAction(self, "やり直し")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        self.ledger.model.dataChanged.connect(self._update_rate)
        self.ledger.model.modelReset.connect(self._update_rate)
        commander.changed.connect(lambda _cs: self._update_place())
        self.ledger.load()
        self._restore_splitters()
        self.nav.setCurrentRow(0)
        self.stack.setCurrentIndex(1)
        self.db_label = db_label
        self.backup_action.setEnabled(self.session is not None)
        self.restore_action.setEnabled(self.session is not None)
        self._update_place()
        self._update_rate()

    # --- state ----------------------------------------------------------------------------------------------

    def _show_view(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row + 1)

    def _update_rate(self, *_args: object) -> None:
        if self.ledger is None:
            return
        from soloit.domain.progress import format_percent

        overall = self.ledger.model.overall()
        if overall is None:
            self.rate_label.setText("")
            return
        self.rate_label.setText(
            f"全体の完了率 {format_percent(overall.complete)}"
            f"（作業中 {format_percent(overall.in_progress)}・未着手 {format_percent(overall.not_started)}）"
        )

    def _update_place(self) -> None:
        if self.commander is None:
            return
        profile = self.commander.services.municipality.profile()
        place = f"{profile.prefecture_name} {profile.name}（{profile.lg_code}）" if profile else "団体情報が未登録です"
        self.place_label.setText(place)
        self.setWindowTitle(f"soloit — {profile.name if profile else ''}")

    def edit_settings(self) -> None:
        from soloit.ui.dialogs.settings_dialog import SettingsDialog

        if SettingsDialog(self.settings, self).exec():
            self._save_settings()
            self.statusBar().showMessage("設定を保存しました。", 5000)

    # --- backups --------------------------------------------------------------------------------------------

    def _show_error(self, exc: BaseException) -> None:
        from soloit.ui.errors import message_box_sink, present

        present(self.message_sink if self.message_sink is not None else message_box_sink, self, exc)

    def backup_at_start(self) -> None:
        """The start-up backup, when the newest is older than the interval (never blocks start-up with a dialog)."""
        if self.session is None:
            return
        try:
            made = self.session.backup_at_start()
        except Exception as exc:
            self.statusBar().showMessage(f"起動時のバックアップに失敗しました: {getattr(exc, 'message_ja', exc)}", 15000)
            return
        if made is not None:
            self.statusBar().showMessage(f"起動時のバックアップを作成しました（{made.path.parent}）。", 5000)

    def heartbeat(self) -> None:
        """Keep the writer lock fresh. If someone took it over, say so once and stop editing."""
        if self.session is None or self._lock_lost:
            return
        try:
            self.session.heartbeat()
        except Exception as exc:  # shown once, in one place
            self._lock_lost = True
            self._show_error(exc)
            for view in (self.ledger, self.municipality):
                if view is not None:
                    view.setEnabled(False)
            self.statusBar().showMessage("ほかの soloit がこのデータベースを使用中のため、編集を止めました。", 0)

    def backup_now(self) -> None:
        if self.session is None:
            return
        try:
            made = self.session.backup_now()
        except Exception as exc:
            self._show_error(exc)
            return
        self.statusBar().showMessage(f"バックアップを作成しました: {made.path}", 8000)

    def _ask_restore(self, backups: list, folder: Path) -> Any:
        from soloit.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(backups, folder, self)
        if not dialog.exec() or dialog.selected() is None:
            return None
        chosen = dialog.selected()
        answer = QMessageBox.question(
            self,
            "バックアップから復元",
            f"{chosen.created_at:%Y/%m/%d %H:%M} のバックアップに戻します。\n"
            "今のデータベースは、復元の前にバックアップします。よろしいですか？",
        )
        return chosen if answer == QMessageBox.StandardButton.Yes else None

    def restore_from_backup(self) -> None:
        if self.session is None:
            return
        chosen = self.ask_restore(self.session.backups(), self.session.backup_dir)
        if chosen is None:
            return
        self.detach()
        try:
            self.session.restore(chosen.path)
        except Exception as exc:
            self._show_error(exc)
        self.attach_store(self.session.store)
        self.statusBar().showMessage(f"{chosen.created_at:%Y/%m/%d %H:%M} のバックアップから復元しました。", 8000)

    def show_about(self) -> None:
        from soloit import __version__

        QMessageBox.about(
            self,
            "soloit について",
            f"soloit {__version__}\n\nひとり情シスのための標準化・DX台帳。\n"
            "データはこのパソコンの中だけに保存され、ネットワークには接続しません。",
        )

    def _restore_geometry(self) -> None:
        geometry = self.settings.ui_state.get("main_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))

    def _splitters(self) -> dict[str, QSplitter]:
        found: dict[str, QSplitter] = {"body": self.body}
        if self.ledger is not None:
            found["ledger"] = self.ledger.splitter
        if self.municipality is not None:
            found["municipality"] = self.municipality.splitter
        return found

    def _restore_splitters(self) -> None:
        for name, splitter in self._splitters().items():
            state = self.settings.ui_state.get(f"splitter_{name}")
            if state:
                splitter.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def remember_state(self) -> None:
        self.settings.ui_state["main_geometry"] = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        for name, splitter in self._splitters().items():
            self.settings.ui_state[f"splitter_{name}"] = bytes(splitter.saveState().toBase64().data()).decode("ascii")

    def closeEvent(self, event: QCloseEvent) -> None:
        focus: QWidget | None = self.focusWidget()
        if focus is not None:
            focus.clearFocus()  # commits a field being edited (saved on focus out)
        self.remember_state()
        self._save_settings()
        super().closeEvent(event)
