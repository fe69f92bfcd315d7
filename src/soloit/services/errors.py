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
