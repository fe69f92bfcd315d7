"""The one place where typed service errors become Japanese messages on screen."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

# (parent, title, message) → shows it. Tests swap this for a recorder so no real QMessageBox opens.
MessageSink = Callable[[QWidget | None, str, str], None]


def message_box_sink(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def user_message(exc: BaseException) -> tuple[str, str] | None:
    """(title, message) for errors a user can understand and fix; None for bugs."""
    from soloit.services.errors import FileImportError, OutputError, StoreError, ValidationError

    if isinstance(exc, FileImportError):
        return "ファイルを取り込めません", exc.user_message() + "\n\n何も変更していません。"
    if isinstance(exc, OutputError):
        return "ファイルを書き込めません", exc.message_ja
    if isinstance(exc, ValidationError):
        return "入力内容を確認してください", exc.user_message() + "\n\n変更は保存されていません。"
    if isinstance(exc, StoreError):
        return "データベースを使えません", exc.message_ja
    return None


def refusal_reason(exc: BaseException) -> tuple[str, bool]:
    """(the reason in Japanese, short enough for a line beside a field; True when it is about the value typed)."""
    from soloit.services.errors import FileImportError, ValidationError

    if isinstance(exc, ValidationError) and not isinstance(exc, FileImportError):
        return exc.user_message(), True
    known = user_message(exc)
    if known is None:
        return "予期しないエラーのため保存されていません。", False
    return known[1], False


def present(sink: MessageSink, parent: QWidget | None, exc: BaseException) -> None:
    """Show a user error, or log and show a bug once; never swallow it silently."""
    known = user_message(exc)
    if known is None:
        log.exception("unexpected error", exc_info=exc)
        known = ("予期しないエラー", f"予期しないエラーが発生しました。変更は保存されていない可能性があります。\n\n{exc!r}")
    sink(parent, *known)
