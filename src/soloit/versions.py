"""The exact versions of what runs soloit: Python, SQLite, Qt and the libraries, for `soloit --version`.

Works from the source tree, from an installed wheel and from the frozen bundle (the PyInstaller spec ships the
libraries' metadata); a version that cannot be found is reported as 不明, never as an error."""

from __future__ import annotations

import sys

UNKNOWN = "不明"

# (label as printed = the distribution's name on PyPI, module whose __version__ is the fallback)
LIBRARIES: tuple[tuple[str, str], ...] = (
    ("PySide6-Essentials", "PySide6"),
    ("SQLAlchemy", "sqlalchemy"),
    ("alembic", "alembic"),
    ("platformdirs", "platformdirs"),
    ("openpyxl", "openpyxl"),
    ("python-calamine", "python_calamine"),
    ("jpholiday", "jpholiday"),
)


def bundled_versions(qt_version: str | None = None) -> list[tuple[str, str]]:
    """[(name, version)] for Python, SQLite (the library), Qt (the runtime, as the caller found it: this module is
    below the UI and imports no Qt) and each library soloit depends on."""
    versions = [
        ("Python", ".".join(str(part) for part in sys.version_info[:3])),
        ("SQLite", _sqlite_version()),
        ("Qt", qt_version or UNKNOWN),
    ]
    versions += [(distribution, _distribution_version(distribution, module)) for distribution, module in LIBRARIES]
    return versions


def _sqlite_version() -> str:
    try:
        import sqlite3

        return sqlite3.sqlite_version
    except Exception:  # pragma: no cover - a Python without sqlite3 cannot run soloit anyway
        return UNKNOWN


def _distribution_version(distribution: str, module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except (PackageNotFoundError, ValueError, OSError):  # no metadata (or a damaged one): ask the module itself
        try:
            found = getattr(__import__(module), "__version__", None)
        except ImportError:
            return UNKNOWN
        return str(found) if found else UNKNOWN
