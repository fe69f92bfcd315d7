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


def bundled_versions() -> list[tuple[str, str]]:
    """[(name, version)] for Python, SQLite (the library), Qt (the runtime) and each library soloit depends on."""
    versions = [
        ("Python", ".".join(str(part) for part in sys.version_info[:3])),
        ("SQLite", _sqlite_version()),
        ("Qt", _qt_version()),
    ]
    versions += [(distribution, _distribution_version(distribution, module)) for distribution, module in LIBRARIES]
    return versions


def _sqlite_version() -> str:
    try:
        import sqlite3

        return sqlite3.sqlite_version
    except Exception:  # pragma: no cover - a Python without sqlite3 cannot run soloit anyway
        return UNKNOWN


def _qt_version() -> str:
    try:
        from PySide6.QtCore import qVersion  # imported here: the rest of the CLI stays free of Qt

        return str(qVersion())
    except Exception:
        return UNKNOWN


def _distribution_version(distribution: str, module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        pass
    except Exception:  # a damaged METADATA must not stop --version
        pass
    try:
        found = getattr(__import__(module), "__version__", None)
    except Exception:
        return UNKNOWN
    return str(found) if found else UNKNOWN
