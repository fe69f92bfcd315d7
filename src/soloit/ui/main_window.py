"""The main window is a shell: the navigation and the views registered in views/registry.py, the menus, and the
status bar. Backups, restore and the writer lock are the SessionController's; data is the views'.

Built in two steps so it can be shown before the database layer is imported: the shell first, then `attach_store`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, QStandardPaths, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from soloit.settings import Settings
from soloit.ui.jobs import JobRunner

if TYPE_CHECKING:
    from soloit.ui.commands import Commander
    from soloit.ui.exchange_controller import ExchangeController
    from soloit.ui.session_controller import SessionController
    from soloit.ui.views.base import View

MINIMUM_SIZE = (960, 600)
NAV_ICON_WIDTH = 36
COLUMN_MODES = (("auto", "列幅: 自動（画面に収まらなければコンパクト）"), ("compact", "列幅: コンパクト（40ステップを横に収める）"), ("normal", "列幅: 標準（横にスクロール）"))


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, save_settings: Callable[[], None]) -> None:
        super().__init__()
        from soloit.ui.icons import icon
        from soloit.ui.views.registry import VIEWS

        self.settings = settings
        self._save_settings = save_settings
        self.commander: Commander | None = None
        self.controller: SessionController | None = None
        self.message_sink: Callable[[QWidget | None, str, str], None] | None = None  # tests record messages here
        self.inform: Callable[[QWidget | None, str, str], Any] = QMessageBox.information  # a result worth reading
        self.jobs = JobRunner(self)
        self.jobs.dialog_parent = self
        self.specs = VIEWS
        self.views: dict[str, View] = {}
        self._nav_counts: dict[str, int] = {}
        self._editing = True
        self.setWindowTitle("soloit")
        self.setWindowIcon(icon("app"))
        self.setMinimumSize(*MINIMUM_SIZE)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(200)
        self.nav.setMinimumWidth(120)
        for spec in self.specs:
            item = QListWidgetItem(icon(spec.icon), spec.label)
            item.setToolTip(f"{spec.label}（{spec.shortcut}）")
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("読み込み中…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.stack.currentChanged.connect(lambda _index: self._show_summary(self.stack.currentWidget()))
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("bodySplitter")
        self.body.addWidget(self.nav)
        self.body.addWidget(self.stack)
        self.body.setStretchFactor(1, 1)
        self.body.setCollapsible(0, True)
        self.body.setCollapsible(1, False)
        self.body.setSizes([150, 1200])
        self.setCentralWidget(self.body)

        self.readonly_label = QLabel("")
        self.readonly_label.setObjectName("readOnly")
        self.readonly_label.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.place_label = QLabel("")
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("overallRate")
        self.rate_label = self.summary_label  # the ledger's overall rate lives here
        for label in (self.readonly_label, self.place_label, self.summary_label):
            self.statusBar().addPermanentWidget(label)
        self.jobs.status_bar = self.statusBar()
        self.nav.currentRowChanged.connect(self._show_view)
        self._build_menus()
        self._restore_geometry()

    # --- building -------------------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None, *, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        self.backup_action = self._action("今すぐバックアップ(&B)", self._backup_now, name="backupNow")
        self.restore_action = self._action("バックアップから復元…(&R)", self._restore, name="restore")
        self.verify_action = self._action("データベースを検証…(&V)", self._verify, name="verify")
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.verify_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("設定…(&S)", self.edit_settings, "Ctrl+,"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("終了(&X)", self.close, "Ctrl+Q"))
        self.edit_menu = self.menuBar().addMenu("編集(&E)")

        view_menu = self.menuBar().addMenu("表示(&V)")
        self.view_actions: list[QAction] = []
        for row, spec in enumerate(self.specs):
            go = self._action(f"{spec.label}(&{row + 1})", lambda r=row: self.nav.setCurrentRow(r), spec.shortcut)
            self.addAction(go)
            view_menu.addAction(go)
            self.view_actions.append(go)
        view_menu.addSeparator()
        self.nav_action = self._action("ナビゲーションの名前を表示(&N)", self._apply_nav, "Ctrl+Shift+N", name="toggleNav")
        self.nav_action.setCheckable(True)
        self.detail_action = self._action("詳細パネルを表示(&D)", self._apply_detail, "F6", name="toggleDetail")
        self.detail_action.setCheckable(True)
        view_menu.addAction(self.nav_action)
        view_menu.addAction(self.detail_action)
        view_menu.addSeparator()
        group = QActionGroup(self)
        self.column_actions: dict[str, QAction] = {}
        for mode, text in COLUMN_MODES:
            action = self._action(text, lambda m=mode: self.set_column_mode(m), name=f"columns_{mode}")
            action.setCheckable(True)
            group.addAction(action)
            view_menu.addAction(action)
            self.column_actions[mode] = action

        exchange_menu = self.menuBar().addMenu("出力・取り込み(&O)")
        self.export_pack_action = self._action("県への報告パック…(&P)", self._export_pack, "Ctrl+E", name="exportPack")
        self.import_soumu_action = self._action(
            "総務省の進捗シートを取り込む…(&I)", self._import_soumu_sheet, name="importSoumuSheet"
        )
        exchange_menu.addAction(self.export_pack_action)
        exchange_menu.addSeparator()
        exchange_menu.addAction(self.import_soumu_action)
        exchange_menu.addSeparator()
        self.rotation_action = self._action("異動・引継ぎ（事務引継書の作成）…(&H)", self.start_rotation, name="rotation")
        exchange_menu.addAction(self.rotation_action)
        self.exchange: ExchangeController | None = None

        self.search_action = self._action("検索…(&F)", self.show_search, "Ctrl+F", name="search")
        self.addAction(self.search_action)
        self.search_dialog: Any = None
        self.search_dir: Path | None = None  # set by open_window: where each database's search index is kept

        help_menu = self.menuBar().addMenu("ヘルプ(&H)")
        from soloit.ui.help_controller import HelpController

        self.help = HelpController(self, help_menu)  # 使い方 (F1) and 最初にやること
        self.first_day_action = self._action("はじめの日（引継ぎの要点）…(&G)", self.show_first_day, name="firstDay")
        help_menu.addAction(self.first_day_action)
        self.first_day_dialog: Any = None
        help_menu.addAction(self._action("soloit について(&A)", self.show_about))
        state = self.settings.ui_state
        self.nav_action.setChecked(state.get("nav_visible", "auto") == "1" or (state.get("nav_visible", "auto") == "auto" and not self._narrow()))
        self.detail_action.setChecked(state.get("detail_visible", "1") == "1")
        self.column_actions.get(state.get("column_mode", "auto"), self.column_actions["auto"]).setChecked(True)
        self._apply_nav()

    def _narrow(self) -> bool:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen is not None and screen.availableGeometry().width() < 1600

    # --- attaching a database ----------------------------------------------------------------------------------

    def attach_store(self, store: Any) -> None:
        """Create the services, the command runner and the views over an open store, and fill the first view."""
        from soloit.services.bundle import open_services
        from soloit.ui.commands import Commander

        services = open_services(store, lambda: self.settings.display_name)
        if self.search_dir is not None:  # the search index, one file per database (soloit's own cache)
            services.search.attach_index(self.search_dir / f"{store.facts().identity}.sqlite3")
        commander = Commander(services, self)
        if self.message_sink is not None:
            commander.sink = self.message_sink
            self.jobs.sink = self.message_sink
        self.attach(commander, str(store.path))
        from soloit.ui.warm_up import WarmUp

        self.warm_up = WarmUp(self, services, lambda: self.commander is commander)  # the first edit, prepared once idle

    def attach(self, commander: Commander, db_label: str) -> None:
        self.commander = commander
        commander.dialog_parent = self
        self.db_label = db_label
        undo = commander.undo_stack.createUndoAction(self, "元に戻す")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = commander.undo_stack.createRedoAction(self, "やり直し")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.undo_action, self.redo_action = undo, redo
        self.late_reason_action = self._action("直前の変更に理由を付ける…(&W)", self.give_late_reason, "Ctrl+Shift+R", name="lateReason")
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.late_reason_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.search_action)
        commander.changed.connect(self._on_changed)
        commander.history_wanted.connect(lambda entity, key: self.show_history(entity, key))
        remembered = self.settings.ui_state.get("last_view", self.specs[0].key)
        row = next((i for i, spec in enumerate(self.specs) if spec.key == remembered), 0)
        self._show_view(0)  # the first view is filled right away (it is what the grid-filled moment measures)
        if row:
            self.nav.setCurrentRow(row)
        else:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(0)
            self.nav.blockSignals(False)
        for action in self._session_actions():
            action.setEnabled(self.controller is not None)
        self._update_counts()
        self._update_place()
        self._apply_detail()
        self.help.attached()

    def view(self, key: str) -> View:
        """The view registered as `key`, created (and filled) on first use."""
        if key not in self.views:
            assert self.commander is not None
            spec = next(s for s in self.specs if s.key == key)
            created = spec.create(self.commander)
            created.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
            created.summary.connect(lambda text, view=created: self._show_summary(view, text))
            created.open_requested.connect(self.open_record)
            created.command_requested.connect(self.run_command)
            created.jobs = self.jobs
            created.setEnabled(self._editing)
            self.views[key] = created
            self.stack.addWidget(created)
            self._restore_splitters(created)
            created.set_detail_visible(self.detail_action.isChecked())
            created.set_column_mode(self.column_mode())
            created.ensure_loaded()
        return self.views[key]

    @property
    def ledger(self) -> Any:
        return self.views.get("ledger")

    @property
    def municipality(self) -> Any:
        return self.view("municipality") if self.commander is not None else None

    def detach(self) -> None:
        """Remove the views (before the database under them is replaced)."""
        self.remember_state()
        for dialog in (self.search_dialog, self.first_day_dialog):
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
        self.search_dialog = self.first_day_dialog = None
        if self.commander is not None:
            self.commander.services.search.close()
        for view in self.views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views.clear()
        self.edit_menu.clear()
        if self.commander is not None:
            self.commander.deleteLater()
        self.commander = None
        self.stack.setCurrentWidget(self.loading)

    def _session_actions(self) -> tuple[QAction, ...]:
        return (self.backup_action, self.restore_action, self.verify_action, self.export_pack_action, self.import_soumu_action)

    def set_session(self, controller: SessionController) -> None:
        from soloit.ui.exchange_controller import ExchangeController

        self.controller = controller
        self.exchange = ExchangeController(self, controller.session, self.jobs)
        for action in self._session_actions():
            action.setEnabled(True)
        self.set_read_only(controller.session.readonly)

    # --- state ----------------------------------------------------------------------------------------------

    def _show_view(self, row: int) -> None:
        if row < 0 or self.commander is None:
            return
        self.stack.setCurrentWidget(self.view(self.specs[row].key))
        self.settings.ui_state["last_view"] = self.specs[row].key
        self._update_counts()  # a day may have passed since the window opened

    def _show_summary(self, view: QWidget | None, text: str | None = None) -> None:
        """The status bar's summary belongs to the view on screen: a view's summary is shown only while it is the
        current one, and switching shows the new view's own at once."""
        if view is not self.stack.currentWidget():
            return
        self.summary_label.setText(text if text is not None else getattr(view, "last_summary", ""))

    def open_record(self, entity: str, key: str, *, quiet: bool = False) -> bool:
        """Switch to the view that shows this record and bring it forward; the status bar says so when none can
        (a record deleted since, or one no screen shows) unless `quiet`."""
        if self.commander is None:
            return False
        for row, spec in enumerate(self.specs):
            if entity in spec.opens and self.view(spec.key).show_entity(entity, key):
                self.nav.setCurrentRow(row)
                return True
        if quiet:
            return False
        self.statusBar().showMessage("この記録は削除されたか、画面で開くことのできない種類のため表示できません。", 8000)
        return False

    def run_command(self, name: str) -> None:
        """A window command a view asks for (its button does what the menu does)."""
        commands = {"rotation": self.start_rotation, "search": self.show_search, "first_day": self.show_first_day}
        commands[name]()

    def start_rotation(self) -> None:
        """異動・引継ぎ: the wizard; afterwards, what was made and the code printed in the 事務引継書."""
        if self.commander is None:
            return
        from soloit.ui.dialogs.rotation_wizard import RotationWizard

        folder = Path(self.settings.ui_state.get("handover_dir", "") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        wizard = RotationWizard(
            self.commander, folder=folder, handover_days=self.settings.handover_days, jobs=self.jobs, parent=self
        )
        self.rotation_wizard = wizard  # reachable by tests
        if wizard.exec() and wizard.outputs is not None:
            self.settings.ui_state["handover_dir"] = wizard.output.folder.text().strip()
            self.inform(self, "異動・引継ぎ", wizard.result_text())

    def show_first_day(self) -> None:
        """はじめの日: the five things due soonest, recent decisions, pinned notes, vendor contacts, the code check."""
        if self.commander is None:
            return
        from soloit.ui.dialogs.first_day_dialog import FirstDayDialog

        services = self.commander.services
        if self.first_day_dialog is not None:
            self.first_day_dialog.close()
            self.first_day_dialog.deleteLater()
        self.first_day_dialog = FirstDayDialog(services.first_day.first_day(), services.first_day.check_code, self.open_record, self)
        self.first_day_dialog.show()

    def greet_newcomer(self) -> None:
        """Show はじめの日 once to a display name the journal has not seen in this database (a successor)."""
        if self.commander is None or not self.settings.display_name.strip():
            return
        services = self.commander.services
        mark = f"first_day:{services.store.facts().identity}:{self.settings.display_name}"
        if self.settings.ui_state.get(mark) == "1":
            return  # asked once per name and database: later starts read nothing
        self.settings.ui_state[mark] = "1"
        if services.first_day.is_newcomer(self.settings.display_name):
            self.show_first_day()

    def show_search(self) -> None:
        """検索 (Ctrl+F): the search window, its words selected so typing replaces them."""
        if self.commander is None:
            return
        if self.search_dialog is None:
            from soloit.ui.dialogs.search_dialog import SearchDialog

            search = self.commander.services.search
            self.search_dialog = SearchDialog(
                self._search, self.open_hit, self, catch_up=search.background_catch_up, jobs=self.jobs
            )
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.activateWindow()
        self.search_dialog.query.setFocus()
        self.search_dialog.query.selectAll()

    def _search(self, text: str) -> list[Any]:
        if self.commander is None:
            return []
        return self.commander.services.search.search(text)

    def open_hit(self, hit: Any) -> bool:
        """A search result: the record; for a change in the journal, the record it changed, else its history."""
        if hit.entry_id is None:
            return self.open_record(hit.entity, hit.key)
        if hit.key and self.open_record(hit.entity, hit.key, quiet=True):
            return True
        return self.show_history(hit.entity, hit.key, hit.entry_id)

    def show_history(self, entity: str, key: str, entry_id: int | None = None) -> bool:
        """変更履歴 of one record (every record with an empty entity), the entry `entry_id` selected."""
        if self.commander is None:
            return False
        row = next(i for i, spec in enumerate(self.specs) if spec.key == "history")
        view = self.view("history")
        self.nav.setCurrentRow(row)
        view.show_record_history(entity, key, entry_id)  # type: ignore[attr-defined]
        return True

    def current_view(self) -> View | None:
        widget = self.stack.currentWidget()
        return widget if widget is not self.loading else None  # type: ignore[return-value]

    def _on_changed(self, _changeset: object) -> None:
        touches = getattr(_changeset, "touches", None)
        if touches is not None and any(touches(e) for spec in self.specs for e in spec.count_on):
            self._update_counts()  # not on every status change of the grid: only when a count can move
        if _changeset is not None and getattr(_changeset, "touches", None) and _changeset.touches("municipality"):
            self._update_place()

    def _update_place(self) -> None:
        if self.commander is None:
            return
        profile = self.commander.services.municipality.profile()
        place = f"{profile.prefecture_name} {profile.name}（{profile.lg_code}）" if profile else "団体情報が未登録です"
        self.place_label.setText(place)
        self.setWindowTitle(f"soloit — {profile.name if profile else ''}")

    def set_editing_enabled(self, enabled: bool) -> None:
        """Stop (or allow) editing in every view, e.g. when the writer lock was taken over."""
        self._editing = enabled
        for view in self.views.values():
            view.setEnabled(enabled)

    def set_read_only(self, readonly: bool) -> None:
        self.readonly_label.setText("読み取り専用（変更できません）" if readonly else "")
        self.backup_action.setEnabled(self.controller is not None and not readonly)
        self.import_soumu_action.setEnabled(self.controller is not None and not readonly)
        self.rotation_action.setEnabled(not readonly)  # it records the handover

    def column_mode(self) -> str:
        return next((mode for mode, action in self.column_actions.items() if action.isChecked()), "auto")

    def set_column_mode(self, mode: str) -> None:
        self.column_actions[mode].setChecked(True)
        self.settings.ui_state["column_mode"] = mode
        for view in self.views.values():
            view.set_column_mode(mode)

    def _apply_nav(self) -> None:
        """Labels shown, or collapsed to a strip of icons (each with its label and shortcut as a tooltip), so the
        views stay in sight on a narrow screen while the grid gets the width."""
        visible = self.nav_action.isChecked()
        self._label_nav()
        if visible:
            self.nav.setMinimumWidth(120)
            self.nav.setMaximumWidth(200)
        else:
            self.nav.setFixedWidth(NAV_ICON_WIDTH)
        self.nav.setIconSize(QSize(20, 20))
        sizes = self.body.sizes()
        total = sum(sizes) or self.width()
        nav_width = 150 if visible else NAV_ICON_WIDTH
        self.body.setSizes([nav_width, max(total - nav_width, 400)])
        self.settings.ui_state["nav_visible"] = "1" if visible else "0"

    def _label_nav(self) -> None:
        """Each view's label, with the number its spec asks for (やること（3）); as a badge when only icons show."""
        from soloit.ui.icons import icon, with_badge

        visible = self.nav_action.isChecked()
        for row, spec in enumerate(self.specs):
            count = self._nav_counts.get(spec.key, 0)
            label = f"{spec.label}（{count}）" if count else spec.label
            item = self.nav.item(row)
            item.setText(label if visible else "")
            item.setToolTip(f"{label}（{spec.shortcut}）")
            if spec.count:
                item.setIcon(icon(spec.icon) if visible else with_badge(spec.icon, count))

    def _update_counts(self) -> None:
        if self.commander is None:
            return
        for spec in self.specs:
            if spec.count:
                area, method = spec.count.split(".")
                self._nav_counts[spec.key] = int(getattr(getattr(self.commander.services, area), method)())
        self._label_nav()

    def _apply_detail(self) -> None:
        visible = self.detail_action.isChecked()
        self.settings.ui_state["detail_visible"] = "1" if visible else "0"
        for view in self.views.values():
            view.set_detail_visible(visible)

    def edit_settings(self) -> None:
        from soloit.ui.dialogs.settings_dialog import SettingsDialog

        if SettingsDialog(self.settings, self).exec():
            self._save_settings()
            self.statusBar().showMessage("設定を保存しました。", 5000)
            self.help.refresh()  # the backup folder may tick 最初にやること

    def give_late_reason(self) -> None:
        """直前の変更に理由を付ける: the reason becomes its own journal entry naming that change."""
        if self.commander is None:
            return
        from soloit.ui.dialogs.late_reason_dialog import LateReasonDialog

        changeset = self.commander.last_changeset
        if changeset is None:
            self.statusBar().showMessage("この画面で行った変更がまだありません。理由を付ける変更を先に行ってください。", 8000)
            return
        services = self.commander.services
        reason = LateReasonDialog.ask(self, services.journal.describe(changeset))
        if reason is not None and self.commander.attempt(lambda: services.journal.annotate(changeset, reason)):
            self.commander.annotated.emit(changeset)
            self.statusBar().showMessage("直前の変更に理由を記録しました。", 5000)

    def remember_settings(self) -> None:
        """Save the settings now (a remembered folder must survive a crash)."""
        self._save_settings()

    def _export_pack(self) -> None:
        if self.exchange is not None:
            self.exchange.export_pack()

    def _import_soumu_sheet(self) -> None:
        if self.exchange is not None:
            self.exchange.import_soumu_sheet()

    def _backup_now(self) -> None:
        if self.controller is not None:
            self.controller.backup_now()

    def _restore(self) -> None:
        if self.controller is not None:
            self.controller.restore_from_backup()

    def _verify(self) -> None:
        if self.controller is not None:
            self.controller.verify()

    def show_about(self) -> None:
        from soloit.ui.dialogs.about_dialog import show_about

        show_about(self)

    # --- geometry and remembered state ------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.ui_state.get("main_geometry")
        if geometry and self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii"))):
            return
        # First start: fill the screen's available area (on a 1366×768 laptop every pixel counts).
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _splitters(self) -> dict[str, QSplitter]:
        found: dict[str, QSplitter] = {"body": self.body}
        for key, view in self.views.items():
            for name, splitter in view.splitters().items():
                found[f"{key}.{name}"] = splitter
        return found

    def _restore_splitters(self, view: View) -> None:
        key = next(k for k, v in self.views.items() if v is view)
        for name, splitter in view.splitters().items():
            state = self.settings.ui_state.get(f"splitter_{key}.{name}")
            if state:
                splitter.restoreState(QByteArray.fromBase64(state.encode("ascii")))
        header_state = self.settings.ui_state.get(f"columns_{key}")
        if header_state:
            view.restore_columns(QByteArray.fromBase64(header_state.encode("ascii")))

    def remember_state(self) -> None:
        state = self.settings.ui_state
        state["main_geometry"] = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        for name, splitter in self._splitters().items():
            state[f"splitter_{name}"] = bytes(splitter.saveState().toBase64().data()).decode("ascii")
        for key, view in self.views.items():
            columns = view.save_columns()
            if columns is not None:
                state[f"columns_{key}"] = bytes(columns.toBase64().data()).decode("ascii")

    def closeEvent(self, event: QCloseEvent) -> None:
        focus: QWidget | None = self.focusWidget()
        if focus is not None:
            focus.clearFocus()  # commits a field being edited (saved on focus out)
        if self.controller is not None:
            self.controller.finish()
        self.remember_state()
        self._save_settings()
        super().closeEvent(event)
