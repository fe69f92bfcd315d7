"""Errors a user can cause and fix. The UI and the CLI turn them into Japanese messages, each in one place."""

from __future__ import annotations

# The store's environmental errors, for layers above services (the UI and the CLI never import the store).
from soloit.store.errors import (  # noqa: F401
    DAMAGED,
    NotSoloitDatabaseError,
    ReadOnlyError,
    StoreError,
    describe_os_error,
)
from soloit.store.lock import LockHeldError, LockLostError  # noqa: F401


class ValidationError(Exception):
    """Input refused; nothing was saved. `field_label` names the field in Japanese."""

    def __init__(self, field_label: str, message_ja: str) -> None:
        super().__init__(f"{field_label}: {message_ja}")
        self.field_label = field_label
        self.message_ja = message_ja

    def user_message(self) -> str:
        return f"【{self.field_label}】{self.message_ja}"


class FileImportError(ValidationError):
    """A file soloit was asked to read cannot be taken in; nothing was saved. The message names the file and,
    where it can, the sheet, row and column (Excel's numbering: row 1, column A)."""

    def __init__(
        self, message_ja: str, *, file: str = "", sheet: str | None = None, row: int | None = None, column: int | None = None
    ) -> None:
        where = "".join(
            (
                f"「{file}」" if file else "",
                f"のシート「{sheet}」" if sheet else "",
                f"の {row} 行目" if row else "",
                f"・{column_letter(column)} 列（{column} 列目）" if column else "",
            )
        )
        super().__init__("取り込み", f"{where}: {message_ja}" if where else message_ja)
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        self.problem_ja = message_ja

    def user_message(self) -> str:
        return self.message_ja


def column_letter(column: int) -> str:
    """1 → A, 27 → AA (Excel's column names)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class OutputError(StoreError):
    """A file could not be written, or soloit refused to replace a file that is not its own. Nothing was output."""
