"""Icons by meaning, in one place (SVG files under resources/icons/), so a view or action asks for "ledger", not a
file name."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from soloit.paths import resources_dir

NAMES = ("app", "ledger", "municipality")


@cache
def icon(name: str) -> QIcon:
    if name not in NAMES:
        raise KeyError(name)
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
