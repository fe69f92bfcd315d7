"""Typed store errors. Each carries the Japanese sentence the UI shows and the CLI prints."""

from __future__ import annotations


class StoreError(Exception):
    """An environmental problem with the database file (not a bug)."""

    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


class DatabaseMissingError(StoreError):
    pass


class NotSoloitDatabaseError(StoreError):
    pass


class NewerDatabaseError(StoreError):
    pass
