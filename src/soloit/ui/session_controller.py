"""Everything the window does with the open session besides showing data: the verify at every open and the backups (at start, on request), restore
(of this database's backups, or — as an explicit choice — of another database's file), the check that the
writer lock is still ours, and read-only mode. Long work runs as jobs; the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from soloit.ui.errors import present
from soloit.ui.jobs import JobRunner

if TYPE_CHECKING:
    from soloit.services.session import LedgerSession
    from soloit.ui.main_window import MainWindow

LOCK_CHECK_MS = 5 * 60 * 1000


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
        # seams: tests answer these instead of dialogs
        self.ask_restore: Callable[[list, Path], Any] = self._ask_restore
        self.choose_file: Callable[[QWidget | None], Path | None] = choose_backup_file
        self.confirm: Callable[[QWidget | None, str, str], bool] = confirm
        # the verify at open failed: (message, the backup to offer or None) → (RESTORE | LATER | ACCEPT, reason)
        self.ask_verify_failed: Callable[[str, Any], tuple[str, str]] = self._ask_verify_failed
        self.offered: Any = None  # the backup offered after a failed verify (found by the job)
        self.integrity_button: QPushButton | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_lock)
        self.timer.start(LOCK_CHECK_MS)

    def _show_error(self, exc: BaseException) -> None:
        sink = self.window.message_sink if self.window.message_sink is not None else self.jobs.sink
        present(sink, self.window, exc)

    def _status(self, text: str, msecs: int = 8000) -> None:
        self.window.statusBar().showMessage(text, msecs)

    # --- the verify at open ------------------------------------------------------------------------------------

    def check_at_start(self) -> None:
        """After the window is shown, at every open: the full verify as a job on its own connection, and only then
        the start-up backup (recorded as verified). When the verify fails, no start backup is made; the user is
        told what was found and offered the newest backup that passes, and the status bar says so until the user
        decides."""
        session = self.session
        if session.readonly:
            return  # opened read-only after a problem said at open: nothing is written or backed up

        def work(_progress: object) -> Any:
            from soloit.services.session import FAILED
            from soloit.ui.app import _probe

            report = session.check_integrity()
            _probe("verify_done")  # bench/startup.py: when the verify at open (a job) has finished
            if session.integrity == FAILED:
                return report, session.offered_backup(), None
            made = session.backup_at_start()
            _probe("start_backup_done")  # bench/startup.py: when the start-up backup (a job) has finished
            return report, None, made

        def done(result: Any) -> None:
            from soloit.services.session import ACCEPTED, FAILED

            report, offer, made = result
            if session.integrity == FAILED:
                self.offered = offer
                self._show_integrity()
                self.ask_about_failed_verify()
                return
            if session.integrity == ACCEPTED:
                self._status("開くときの検証で不一致が見つかりましたが、以前に「この状態を正として続ける」を選んだものと同じです。", 10000)
            elif made is not None:
                self._status(f"検証しました（変更記録 {report.entries:,} 件）。起動時のバックアップを作成しました（{made.path.parent}）。", 5000)

        def failed(exc: BaseException) -> bool:
            self._status(f"開くときの検証または起動時のバックアップに失敗しました: {getattr(exc, 'message_ja', exc)}", 15000)
            return True

        self.jobs.start("開くときの検証", work, on_done=done, on_error=failed)

    def _ask_verify_failed(self, message: str, backup: Any) -> tuple[str, str]:
        from soloit.ui.dialogs import verify_failed_dialog

        return verify_failed_dialog.ask_verify_failed(self.window, message, backup)

    def failure_message(self) -> str:
        """What the failure prompt says: what was found, in Japanese (integrity.py's findings)."""
        report = self.session.integrity_report
        found = report.summary_ja() if report is not None else "検証に失敗しました"
        return (
            "このデータベースを開くときの検証で、soloit を通さずに変更された跡が見つかりました。\n\n" + found
        )

    def ask_about_failed_verify(self) -> None:
        """The failure prompt (at open, or again from the status bar's warning): restore the offered backup,
        decide later (automatic backups stay off), or go on with this state (a reason, journaled)."""
        from soloit.services.divergence import backup_label
        from soloit.services.session import ACCEPT, FAILED, RESTORE

        session = self.session
        if session.integrity != FAILED:
            return
        offer = self.offered
        answer, reason = self.ask_verify_failed(self.failure_message(), offer)
        if answer == RESTORE and offer is not None:
            self._restore(offer.path, allow_other=False, label=backup_label(offer))
            return
        if answer == ACCEPT:
            try:
                session.accept_current_state(reason)
            except Exception as exc:
                self._show_error(exc)
                self._show_integrity()
                return
            self._show_integrity()
            self._status("この状態を正として続けます。判断と理由は変更記録に残しました。", 10000)
            return
        self._show_integrity()
        self._status("復元しませんでした。決めるまで、自動のバックアップ（起動時・終了時）は作りません。", 10000)

    def _show_integrity(self) -> None:
        """The status bar's warning while a failed verify is undecided (clicking it asks again)."""
        from soloit.services.session import FAILED

        failed = self.session.integrity == FAILED
        if self.integrity_button is None:
            if not failed:
                return
            button = QPushButton("⚠ 開くときの検証に失敗しました（自動バックアップ停止中）…")
            button.setObjectName("integrityWarning")
            button.setFlat(True)
            button.setStyleSheet("color: #b71c1c; font-weight: bold;")
            button.setToolTip("クリックすると、見つかった内容と戻せるバックアップを表示します")
            button.clicked.connect(self.ask_about_failed_verify)
            self.window.statusBar().insertPermanentWidget(0, button)
            self.integrity_button = button
        self.integrity_button.setVisible(failed)

    # --- backups ---------------------------------------------------------------------------------------------

    def backup_now(self) -> None:
        session = self.session

        def done(made: Any) -> None:
            from soloit.services.backups import made_message_ja

            self._status(made_message_ja(made), 8000)

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
            f"{backup_label(chosen)} に戻します。\n\n{self._effect_text(chosen)}"
            "今のデータベースは、復元の前にバックアップします。よろしいですか？"
        )
        if self.confirm(self.window, "バックアップから復元", text):
            self._restore(chosen.path, allow_other=False, label=backup_label(chosen))

    def _effect_text(self, info: Any) -> str:
        """「この復元で 37 件の変更が取り消されます（1,987 件 → 1,950 件）。」 and a blank line, or nothing when the
        journals cannot be compared."""
        try:
            effect = self.session.restore_effect(info)
        except Exception:
            effect = None
        return effect.describe_ja() + "\n\n" if effect is not None else ""

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
        text = (
            f"{backup_label(info)} に戻します。\n\n{self._effect_text(info)}"
            "今のデータベースは、復元の前にバックアップします。よろしいですか？"
        )
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
        self._show_integrity()  # a restore puts a verified backup back

    # --- the writer lock ---------------------------------------------------------------------------------------

    def check_lock(self) -> None:
        """The OS holds the writer lock for the session; only a lock file removed by hand lets another soloit lock
        a new one. If that happened, say so once and stop editing."""
        from soloit.services.errors import LockLostError

        if self.lock_lost:
            return
        try:
            self.session.check_lock()
        except LockLostError as exc:
            self.lock_lost = True
            self._show_error(exc)
            self.window.set_editing_enabled(False)
            self._status("ほかの soloit がこのデータベースを使用中のため、編集を止めました。", 0)

    def finish(self) -> None:
        """Before the window closes: let running jobs end (a backup must not be cut off by the exit backup)."""
        self.timer.stop()
        self.jobs.wait_all()
