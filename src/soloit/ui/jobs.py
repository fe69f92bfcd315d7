"""Long work off the GUI thread: backups, restore checks, verify, and every coming export, import and roll-up.

A job is a plain function `work(progress) -> result` that runs on a worker thread. It must open its own database
connection there (path-based service functions do; a Store refuses use from another thread), report progress
through `progress.report(...)`, and — when it can be cancelled — look at `progress.cancelled` and raise
`JobCancelled`, having written nothing. The result or the error comes back on the GUI thread; errors are shown
in Japanese through the one error presenter.

Modelled on Anki's CollectionOp/QueryOp: the caller says what to do with the result; the runner owns threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QStatusBar, QWidget

from soloit.ui.errors import MessageSink, message_box_sink, present


class JobCancelled(Exception):
    """Raised by a job that noticed `progress.cancelled`; nothing was written."""


class Progress:
    """Handed to a job on its worker thread: report how far it is, and ask whether the user cancelled."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise JobCancelled when the user cancelled (call between steps that can be abandoned)."""
        if self._cancel.is_set():
            raise JobCancelled

    def report(self, done: int, total: int, text: str = "") -> None:
        self._emit(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._work = work
        self.progress = Progress(self.progressed.emit)

    def run(self) -> None:
        try:
            result = self._work(self.progress)
        except BaseException as exc:  # handed to the GUI thread, shown there (or JobCancelled: said there)
            self.failed.emit(exc)
        else:
            self.finished.emit(result)
        finally:
            # the thread ends by itself, so waiting for it never needs the GUI thread's event loop (on exit)
            QThread.currentThread().quit()


class _Relay(QObject):
    """Lives on the GUI thread and receives the worker's signals there (a queued connection needs a receiver)."""

    def __init__(self, runner: JobRunner, handle: JobHandle, on_done, on_error) -> None:
        super().__init__(runner)
        self._runner, self._handle, self._on_done, self._on_error = runner, handle, on_done, on_error

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, text: str) -> None:
        self._runner._progressed(self._handle, done, total, text)

    @Slot(object)
    def finished(self, result: object) -> None:
        self._runner._finished(self._handle, result, self._on_done)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._runner._failed(self._handle, exc, self._on_error)  # type: ignore[arg-type]


@dataclass
class JobHandle:
    title: str
    thread: QThread
    worker: _Worker
    dialog: QProgressDialog | None = None
    done: bool = False
    cancelled: bool = False
    relay: QObject | None = None

    def cancel(self) -> None:
        self.cancelled = True
        self.worker.progress.cancel()

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the worker thread ends (tests and shutdown only)."""
        return self.thread.wait(msecs)


class JobRunner(QObject):
    """Starts jobs on worker threads and brings their outcome back to the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, sink: MessageSink = message_box_sink) -> None:
        super().__init__(parent)
        self.sink = sink
        self.dialog_parent: QWidget | None = None
        self.status_bar: QStatusBar | None = None
        self._running: list[JobHandle] = []

    @property
    def busy(self) -> bool:
        return any(not handle.done for handle in self._running)

    def start(
        self,
        title: str,
        work: Callable[[Progress], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], bool] | None = None,
        dialog: bool = False,
        cancellable: bool = False,
        dialog_parent: QWidget | None = None,
    ) -> JobHandle:
        """Run `work` on a worker thread. `on_done(result)` runs on the GUI thread; `on_error(exc)` may handle an
        error (return True) or leave it to the error presenter. With `dialog`, a progress dialog shows (with a
        キャンセル button when `cancellable`, modal to `dialog_parent` — a wizard — or to the window); otherwise
        progress goes to the status bar."""
        thread = QThread()
        thread.setObjectName(f"soloit-job: {title}")
        worker = _Worker(work)
        worker.moveToThread(thread)
        handle = JobHandle(title, thread, worker)
        if dialog:
            handle.dialog = self._progress_dialog(title, cancellable, handle, dialog_parent or self.dialog_parent)
        relay = _Relay(self, handle, on_done, on_error)
        handle.relay = relay
        worker.progressed.connect(relay.progressed)
        worker.finished.connect(relay.finished)
        worker.failed.connect(relay.failed)
        thread.started.connect(worker.run)
        self._running.append(handle)
        if self.status_bar is not None and not dialog:
            self.status_bar.showMessage(f"{title}…")
        thread.start()
        return handle

    def _progress_dialog(
        self, title: str, cancellable: bool, handle: JobHandle, parent: QWidget | None
    ) -> QProgressDialog:
        dialog = QProgressDialog(f"{title}…", "キャンセル" if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle("soloit")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # quick jobs never flash a dialog
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(handle.cancel)
        return dialog

    def _progressed(self, handle: JobHandle, done: int, total: int, text: str) -> None:
        label = f"{handle.title}：{text}" if text else f"{handle.title}…"
        if handle.dialog is not None:
            handle.dialog.setMaximum(max(total, 0))
            handle.dialog.setValue(min(done, total) if total > 0 else 0)
            handle.dialog.setLabelText(label)
        elif self.status_bar is not None:
            share = f"（{done * 100 // total}%）" if total > 0 else ""
            self.status_bar.showMessage(label + share)

    def _end(self, handle: JobHandle) -> None:
        handle.done = True
        handle.thread.quit()
        handle.thread.wait()
        if handle.dialog is not None:
            handle.dialog.close()
            handle.dialog.deleteLater()
        if self.status_bar is not None and handle.dialog is None:
            self.status_bar.clearMessage()
        QTimer.singleShot(0, lambda: self._forget(handle))

    def _forget(self, handle: JobHandle) -> None:
        if handle in self._running:
            self._running.remove(handle)
        handle.worker.deleteLater()
        handle.thread.deleteLater()
        if handle.relay is not None:
            handle.relay.deleteLater()

    def _finished(self, handle: JobHandle, result: Any, on_done: Callable[[Any], None] | None) -> None:
        self._end(handle)
        if on_done is not None:
            try:
                on_done(result)
            except Exception as exc:
                present(self.sink, self.dialog_parent, exc)

    def _failed(self, handle: JobHandle, exc: BaseException, on_error: Callable[[BaseException], bool] | None) -> None:
        self._end(handle)
        if isinstance(exc, JobCancelled):
            if self.status_bar is not None:
                self.status_bar.showMessage(f"{handle.title}を取り消しました（何も変更していません）。", 8000)
            return
        if on_error is not None and on_error(exc):
            return
        present(self.sink, self.dialog_parent, exc)

    def wait_all(self, msecs: int = 120_000) -> None:
        """Let running jobs finish (before the database is closed on exit)."""
        for handle in list(self._running):
            if not handle.done:
                handle.thread.wait(msecs)
