"""Placeholder: replaced by the exact bundled versions list."""

from __future__ import annotations


def bundled_versions() -> list[tuple[str, str]]:
    import platform
    import sqlite3

    return [("Python", platform.python_version()), ("SQLite", sqlite3.sqlite_version)]
