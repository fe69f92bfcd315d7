"""Everything the window does with the open session besides showing data: backups (at start, on request), restore
(of this database's backups, or — as an explicit choice — of another database's file), the writer lock's
heartbeat, and read-only mode. Long work runs as jobs; the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from soloit.ui.errors import present
from soloit.ui.jobs import JobRunner

if TYPE_CHECKING:
    from soloit.services.session import LedgerSession
    from soloit.ui.main_window import MainWindow

HEARTBEAT_MS = 5 * 60 * 1000


def choose_backup_file(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        "復元するファイルを選ぶ（前任者のデータベースやバックアップ）",
        "",
        "soloit のデータベース・バックアップ (*.sqlite3 *.db *.sqlite);;すべてのファイル (*)",
    )
    return Path(path) if path else None


def _information(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class SessionController(QObject):
    def __init__(self, window: MainWindow, session: LedgerSession, jobs: JobRunner) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.jobs = jobs
        self.lock_lost = False
        self._heartbeat_warned = False
        # seams: tests answer these instead of dialogs
        self.ask_restore: Callable[[list, Path], Any] = self._ask_restore
        self.choose_file: Callable[[QWidget | None], Path | None] = choose_backup_file
        self.confirm: Callable[[QWidget | None, str, str], bool] = confirm
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.heartbeat)
        self.timer.start(HEARTBEAT_MS)

    def _show_error(self, exc: BaseException) -> None:
        sink = self.window.message_sink if self.window.message_sink is not None else self.jobs.sink
        present(sink, self.window, exc)

    def _status(self, text: str, msecs: int = 8000) -> None:
        self.window.statusBar().showMessage(text, msecs)

    # --- backups ---------------------------------------------------------------------------------------------

    def backup_at_start(self) -> None:
        """The start-up backup, when this database's newest is older than the interval: a job, after the grid is
        on screen, reported in the status bar (never a dialog at start)."""
        if self.session.readonly:
            return
        session = self.session

        def done(made: Any) -> None:
            if made is not None:
                self._status(f"起動時のバックアップを作成しました（{made.path.parent}）。", 5000)

        def failed(exc: BaseException) -> bool:
            self._status(f"起動時のバックアップに失敗しました: {getattr(exc, 'message_ja', exc)}", 15000)
            return True

        def work(_progress: object) -> Any:
            from soloit.ui.app import _probe

            made = session.backup_at_start()
            _probe("start_backup_done")  # bench/startup.py: when the start-up backup (a job) has finished
            return made

        self.jobs.start("起動時のバックアップ", work, on_done=done, on_error=failed)

    def backup_now(self) -> None:
        session = self.session

        def done(made: Any) -> None:
            self._status(f"バックアップを作成しました: {made.path}", 8000)

        self.jobs.start("バックアップ", lambda _progress: session.backup_now(), on_done=done)

    def verify(self) -> None:
        """ファイル → データベースを検証: the journal, the values and the heads of this database's backups, as a job
        on its own read-only connection; the finding is shown in Japanese."""
        from soloit.services.integrity import verify_file

        session = self.session
        path = session.store.path

        def done(report: Any) -> None:
            sink = self.window.message_sink if self.window.message_sink is not None else _information
            if report.ok:
                sink(self.window, "データベースの検証", "\n".join((report.summary_ja(), *report.notes)))
            else:
                sink(self.window, "データベースの検証", report.summary_ja() + "\n\n「ファイル → バックアップから復元…」で戻せます。")

        self.jobs.start(
            "データベースの検証",
            lambda _progress: verify_file(path, lambda _demo: session.backup_root),
            on_done=done,
            dialog=True,
        )

    # --- restore ---------------------------------------------------------------------------------------------

    def _ask_restore(self, backups: list, folder: Path) -> Any:
        from soloit.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(backups, folder, self.window)
        if not dialog.exec():
            return None
        if dialog.other_file:
            return "other"
        return dialog.selected()

    def restore_from_backup(self) -> None:
        """The restore dialog lists this database's backups only; another database's file is a separate, explicit
        choice with a warning that names both."""
        from soloit.services.divergence import backup_label

        chosen = self.ask_restore(self.session.backups(), self.session.backup_dir)
        if chosen is None:
            return
        if chosen == "other":
            self.restore_from_other_file()
            return
        text = (
            f"{backup_label(chosen)} に戻します。\n\n"
            "今のデータベースは、復元の前にバックアップします。よろしいですか？"
        )
        if self.confirm(self.window, "バックアップから復元", text):
            self._restore(chosen.path, allow_other=False, label=backup_label(chosen))

    def restore_from_other_file(self) -> None:
        from soloit.services.backups import describe_file, other_database_warning
        from soloit.services.divergence import backup_label

        path = self.choose_file(self.window)
        if path is None:
            return
        try:
            info = describe_file(path)
        except Exception as exc:
            self._show_error(exc)
            return
        if info.identity != self.session.identity:
            current = self.session.store.facts()
            text = other_database_warning(current, info) + "\n\n別のデータベースとして復元しますか？"
            if not self.confirm(self.window, "別のデータベースのバックアップ", text):
                return
            self._restore(path, allow_other=True, label=backup_label(info))
            return
        text = f"{backup_label(info)} に戻します。\n\n今のデータベースは、復元の前にバックアップします。よろしいですか？"
        if self.confirm(self.window, "バックアップから復元", text):
            self._restore(path, allow_other=False, label=backup_label(info))

    def _restore(self, backup_file: Path, *, allow_other: bool, label: str) -> None:
        """Close the views and the database, restore in a job, then reopen: on success the restored database, on
        failure the unchanged one. Success is reported only when the restore really happened."""
        session = self.session
        self.window.detach()
        session.store.close()

        def done(_result: Any) -> None:
            self._reattach()
            self._status(f"{label} から復元しました。", 10000)

        def failed(exc: BaseException) -> bool:
            self._reattach()
            self._show_error(exc)
            self._status("復元できませんでした。データベースは復元前のままです。", 15000)
            return True

        self.jobs.start(
            "バックアップからの復元",
            lambda _progress: session.restore_file(backup_file, allow_other=allow_other),
            on_done=done,
            on_error=failed,
            dialog=True,
        )

    def _reattach(self) -> None:
        self.session.reopen()
        self.window.attach_store(self.session.store)
        self.window.set_read_only(self.session.readonly)

    # --- the writer lock ---------------------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Keep the writer lock fresh. If someone took it over, say so once and stop editing; if the lock file
        cannot be written (disk full …), say that — it is not another soloit."""
        from soloit.services.errors import LockLostError, StoreError

        if self.lock_lost:
            return
        try:
            self.session.heartbeat()
        except LockLostError as exc:
            self.lock_lost = True
            self._show_error(exc)
            self.window.set_editing_enabled(False)
            self._status("ほかの soloit がこのデータベースを使用中のため、編集を止めました。", 0)
        except StoreError as exc:
            if not self._heartbeat_warned:
                self._heartbeat_warned = True
                self._show_error(exc)
            self._status(f"ロックファイルを更新できませんでした: {exc.message_ja}", 0)
        else:
            if self._heartbeat_warned:
                self._heartbeat_warned = False
                self._status("ロックファイルを更新できました。", 5000)

    def finish(self) -> None:
        """Before the window closes: let running jobs end (a backup must not be cut off by the exit backup)."""
        self.timer.stop()
        self.jobs.wait_all()
