"""出力 and 取り込み in the window: the status pack for the prefecture and the ministry's step sheet. Both run as jobs
on their own database connection (progress shown, cancel writes nothing); the file dialogs, the questions and
"open the folder" are seams that tests answer; the last folder used is remembered in the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from soloit.ui.errors import present
from soloit.ui.jobs import JobRunner

if TYPE_CHECKING:
    from soloit.services.changes import ChangeSet
    from soloit.services.session import LedgerSession
    from soloit.services.step_import import ImportPlan
    from soloit.ui.main_window import MainWindow

EXPORT_DIR_KEY, IMPORT_DIR_KEY = "last_export_dir", "last_import_dir"
XLSX_FILTER = "Excel ブック (*.xlsx);;すべてのファイル (*)"


def choose_save_path(parent: QWidget | None, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "報告パックの保存先", str(suggested), XLSX_FILTER)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".xlsx" else chosen.with_name(chosen.name + ".xlsx")


def choose_open_path(parent: QWidget | None, folder: Path) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "総務省の進捗シート（業務別ステップ別進捗一覧）を選ぶ", str(folder), XLSX_FILTER)
    return Path(path) if path else None


def ask_as_of(parent: QWidget | None, today: date, prepared_by: str) -> tuple[date, str] | None:
    from soloit.ui.dialogs.pack_dialog import PackDialog

    return PackDialog.ask(today, prepared_by, parent)


def confirm_import(parent: QWidget | None, plan: ImportPlan) -> bool:
    from soloit.ui.dialogs.import_preview_dialog import ImportPreviewDialog

    return ImportPreviewDialog.ask(plan, parent)


def offer_open_folder(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(
        parent, "報告パックを出力しました", text + "\n\n保存したフォルダーを開きますか？",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def open_folder(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))  # a local folder in the file manager, never a network URL


class ExchangeController(QObject):
    def __init__(self, window: MainWindow, session: LedgerSession, jobs: JobRunner) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.jobs = jobs
        # seams: tests answer these instead of dialogs
        self.ask_as_of: Callable[[QWidget | None, date, str], tuple[date, str] | None] = ask_as_of
        self.choose_save_path: Callable[[QWidget | None, Path], Path | None] = choose_save_path
        self.choose_open_path: Callable[[QWidget | None, Path], Path | None] = choose_open_path
        self.confirm_import: Callable[[QWidget | None, ImportPlan], bool] = confirm_import
        self.offer_open_folder: Callable[[QWidget | None, str], bool] = offer_open_folder
        self.open_folder: Callable[[Path], None] = open_folder
        self.last_export: Any = None  # the ExportResult of the last finished export
        self.last_import: ChangeSet | None = None

    @property
    def settings(self) -> Any:
        return self.window.settings

    def _folder(self, key: str) -> Path:
        remembered = self.settings.ui_state.get(key, "")
        if remembered and Path(remembered).is_dir():
            return Path(remembered)
        return Path.home()

    def _remember(self, key: str, folder: Path) -> None:
        self.settings.ui_state[key] = str(folder)
        self.window.remember_settings()

    def _show_error(self, exc: BaseException) -> None:
        sink = self.window.message_sink if self.window.message_sink is not None else self.jobs.sink
        present(sink, self.window, exc)

    def _status(self, text: str, msecs: int = 10000) -> None:
        self.window.statusBar().showMessage(text, msecs)

    # --- the status pack ---------------------------------------------------------------------------------------

    def export_pack(self) -> None:
        """出力 → 県への報告パック…: as-of date, file, then a job that writes it and records the export."""
        from soloit.exchange.operations import default_pack_name

        commander = self.window.commander
        if commander is None:
            return
        today = commander.services.context.clock.today()
        answer = self.ask_as_of(self.window, today, self.settings.display_name)
        if answer is None:
            return
        as_of, prepared_by = answer
        profile = commander.services.municipality.profile()
        suggested = self._folder(EXPORT_DIR_KEY) / default_pack_name(profile.name if profile else "", as_of)
        out = self.choose_save_path(self.window, suggested)
        if out is None:
            return
        self._remember(EXPORT_DIR_KEY, out.parent)
        session = self.session
        actor = self.settings.display_name
        clock = commander.services.context.clock

        def work(progress: Any) -> Any:
            from soloit.exchange.operations import export_pack
            from soloit.services.bundle import open_services

            store = session.store.for_this_thread()
            try:
                services = open_services(store, lambda: actor, clock)
                return export_pack(
                    services, out, as_of=as_of, prepared_by=prepared_by, progress=progress, record=not session.readonly,
                    clock=clock,
                )
            finally:
                store.close()

        def done(result: Any) -> None:
            self.last_export = result
            report = result.report
            first = "初回の報告です" if report.previous is None else f"前回の報告からの変更 {len(report.changes)} 件"
            text = f"「{result.path}」に出力しました（基準日 {report.as_of:%Y/%m/%d}、{first}）。"
            if result.warning:
                text += f"\n\n注意: {result.warning}"
            self._status(f"報告パックを出力しました: {result.path}")
            if self.offer_open_folder(self.window, text):
                self.open_folder(result.path.parent)

        self.jobs.start("報告パックの出力", work, on_done=done, dialog=True, cancellable=True)

    # --- the ministry's sheet ----------------------------------------------------------------------------------

    def import_soumu_sheet(self) -> None:
        """取り込み → 総務省の進捗シート…: file, a preview job, the changed cells shown, then the import job."""
        if self.window.commander is None:
            return
        if self.session.readonly:
            self._status("読み取り専用で開いているため、取り込みはできません。")
            return
        path = self.choose_open_path(self.window, self._folder(IMPORT_DIR_KEY))
        if path is None:
            return
        self._remember(IMPORT_DIR_KEY, path.parent)
        session = self.session
        actor = self.settings.display_name

        def preview(progress: Any) -> Any:
            from soloit.exchange.operations import preview_soumu_import
            from soloit.services.bundle import open_services

            store = session.store.for_this_thread()
            try:
                return preview_soumu_import(open_services(store, lambda: actor), path, progress=progress)
            finally:
                store.close()

        self.jobs.start("進捗シートの読み込み", preview, on_done=self._confirm_and_apply, dialog=True, cancellable=True)

    def _confirm_and_apply(self, plan: ImportPlan) -> None:
        if not plan.updates:
            sink = self.window.message_sink if self.window.message_sink is not None else _information
            sink(self.window, "総務省の進捗シートの取り込み", plan.summary_ja())
            return
        if not self.confirm_import(self.window, plan):
            self._status("取り込みを取りやめました（何も変更していません）。")
            return
        session = self.session
        commander = self.window.commander
        assert commander is not None
        actor = self.settings.display_name
        clock = commander.services.context.clock

        def apply(_progress: Any) -> Any:
            from soloit.exchange.operations import apply_soumu_import
            from soloit.services.bundle import open_services

            store = session.store.for_this_thread()
            try:
                return apply_soumu_import(open_services(store, lambda: actor, clock), plan, backup_dir=session.backup_dir,
                                          clock=clock)
            finally:
                store.close()

        def done(changeset: ChangeSet) -> None:
            self.last_import = changeset
            if self.window.commander is not None:
                self.window.commander.adopt(f"進捗シートの取り込み（{plan.source}）", changeset)
            self._status(f"{plan.source} から {len(plan.updates)} セルを取り込みました（取り込み前にバックアップしました。Ctrl+Z で元に戻せます）。")

        self.jobs.start("進捗シートの取り込み", apply, on_done=done, dialog=True)


def _information(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
