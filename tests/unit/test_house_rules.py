"""The rules of the house (design/ARCHITECTURE.md), read from the imports of every module under src/soloit with
`ast`: relative imports resolved, imports inside functions (and under TYPE_CHECKING) counted, and modules named
to importlib.import_module / __import__ counted too.

- Qt only in ui/, exchange/ and the entry points (cli.py, __main__.py); never QtWidgets in exchange/.
- ui/ never imports sqlalchemy or soloit.store.
- domain/ imports only the standard library, soloit.reference, soloit.domain and jpholiday (so none of Qt,
  SQLAlchemy, openpyxl, python_calamine, or soloit.store / services / ui / exchange).
- cli.py imports no store.

The checker itself is tested on synthetic sources, so the rules are seen to fail when broken."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import soloit

SRC = Path(soloit.__file__).parent
QT = ("PySide6", "shiboken6")
QT_PLACES = ("ui", "exchange", "cli.py", "__main__.py")
DOMAIN_ALLOWED = ("soloit.reference", "soloit.domain", "jpholiday")
DOMAIN_FORBIDDEN = (*QT, "sqlalchemy", "alembic", "openpyxl", "python_calamine", "soloit.store", "soloit.services",
                    "soloit.ui", "soloit.exchange")


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute dotted name


def module_name(relative: str) -> str:
    """"services/entities/base.py" → "soloit.services.entities.base" ("ui/__init__.py" → "soloit.ui")."""
    parts = ["soloit", *Path(relative).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(relative: str, source: str) -> list[Import]:
    """Every module `source` imports, wherever the import statement is."""
    name = module_name(relative)
    package = name if relative.endswith("__init__.py") else name.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, relative)):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                if len(base) == 0:
                    raise AssertionError(f"{relative}:{node.lineno}: relative import beyond the top package")
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            found.append(Import(node.lineno, origin))
            # `from soloit import store`, `from PySide6 import QtWidgets` import the submodule
            found += [Import(node.lineno, f"{origin}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append(Import(node.lineno, node.args[0].value))
    return found


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def in_place(relative: str, places: tuple[str, ...]) -> bool:
    first = Path(relative).parts[0]
    return first in places or relative in places


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names or module == "__future__"


def violations(relative: str, source: str) -> list[str]:
    """The house rules `source` (the module at `relative` under src/soloit) breaks, one line each."""
    found = []
    top = Path(relative).parts[0]
    for imp in imports_of(relative, source):
        where = f"{relative}:{imp.line} imports {imp.module}"
        if within(imp.module, QT) and not in_place(relative, QT_PLACES):
            found.append(f"{where}: Qt only in ui/, exchange/ and the entry points")
        if top == "exchange" and within(imp.module, ("PySide6.QtWidgets",)):
            found.append(f"{where}: exchange/ draws with QtCore/QtGui, never QtWidgets")
        if top == "ui" and within(imp.module, ("sqlalchemy", "soloit.store")):
            found.append(f"{where}: ui/ talks to services, never to the store or SQLAlchemy")
        if top == "domain" and (within(imp.module, DOMAIN_FORBIDDEN) or not (
            is_stdlib(imp.module) or within(imp.module, DOMAIN_ALLOWED) or imp.module == "soloit"
        )):
            found.append(f"{where}: domain/ is pure (standard library, reference, jpholiday)")
        if relative == "cli.py" and within(imp.module, ("soloit.store",)):
            found.append(f"{where}: the CLI reaches the store through services")
    return found


def sources() -> list[str]:
    return sorted(str(path.relative_to(SRC)) for path in SRC.rglob("*.py"))


def test_the_code_keeps_the_house_rules():
    broken = []
    for relative in sources():
        broken += violations(relative, (SRC / relative).read_text(encoding="utf-8"))
    assert broken == []


def test_every_layer_is_read():
    """The walk sees the layers the rules talk about (a moved tree must not make the test vacuous)."""
    tops = {Path(relative).parts[0] for relative in sources()}
    assert {"domain", "services", "store", "ui", "cli.py", "__main__.py"} <= tops
    assert any(within(i.module, QT) for i in imports_of("ui/app.py", (SRC / "ui" / "app.py").read_text("utf-8")))


# --- the checker, on synthetic sources -----------------------------------------------------------------------------

BROKEN = [
    ("services/x.py", "import PySide6.QtCore", "Qt only"),
    ("store/x.py", "from PySide6 import QtGui", "Qt only"),
    ("settings.py", "def f():\n    from PySide6.QtCore import QSettings", "Qt only"),
    ("reference.py", "import shiboken6", "Qt only"),
    ("services/entities/x.py", "if TYPE_CHECKING:\n    from PySide6.QtCore import QObject", "Qt only"),
    ("exchange/render.py", "from PySide6 import QtWidgets", "never QtWidgets"),
    ("exchange/pack.py", "from PySide6.QtWidgets import QApplication", "never QtWidgets"),
    ("ui/views/x.py", "import sqlalchemy", "never to the store"),
    ("ui/views/x.py", "from sqlalchemy.orm import Session", "never to the store"),
    ("ui/x.py", "from soloit.store.db import Store", "never to the store"),
    ("ui/x.py", "from .. import store", "never to the store"),
    ("ui/views/x.py", "def f():\n    from ...store import journal", "never to the store"),
    ("ui/x.py", "import importlib\nimportlib.import_module('soloit.store.backup')", "never to the store"),
    ("domain/x.py", "import sqlalchemy", "domain/ is pure"),
    ("domain/x.py", "import openpyxl", "domain/ is pure"),
    ("domain/x.py", "def f():\n    import python_calamine", "domain/ is pure"),
    ("domain/x.py", "from PySide6.QtCore import QDate", "domain/ is pure"),
    ("domain/x.py", "from ..services import errors", "domain/ is pure"),
    ("domain/x.py", "from soloit.store import journal", "domain/ is pure"),
    ("domain/x.py", "from .. import ui", "domain/ is pure"),
    ("domain/x.py", "from soloit.exchange import pack", "domain/ is pure"),
    ("domain/x.py", "import requests", "domain/ is pure"),
    ("domain/x.py", "__import__('sqlalchemy')", "domain/ is pure"),
    ("cli.py", "from soloit.store.db import open_database", "through services"),
    ("cli.py", "def main():\n    from .store import backup", "through services"),
    ("cli.py", "from soloit import store", "through services"),
]
ALLOWED = [
    ("ui/x.py", "from PySide6.QtWidgets import QWidget\nfrom soloit.services.bundle import open_services"),
    ("ui/x.py", "from ..services import errors"),
    ("exchange/render.py", "from PySide6.QtGui import QImage, QPainter\nfrom PySide6.QtCore import Qt"),
    ("cli.py", "from PySide6.QtWidgets import QApplication"),
    ("__main__.py", "from soloit.cli import main"),
    ("domain/x.py", "import datetime\nimport jpholiday\nfrom soloit import reference\nfrom .text import text_problem"),
    ("domain/x.py", "from soloit.domain.clock import JST"),
    ("services/x.py", "from sqlalchemy import select\nfrom soloit.store import journal"),
    ("store/x.py", "import sqlalchemy"),
    ("cli.py", "from soloit.services.bundle import open_services"),
]


@pytest.mark.parametrize(("relative", "source", "rule"), BROKEN)
def test_a_broken_rule_is_found(relative, source, rule):
    found = violations(relative, source)
    assert any(rule in line for line in found), found


@pytest.mark.parametrize(("relative", "source"), ALLOWED)
def test_what_the_rules_allow_is_not_flagged(relative, source):
    assert violations(relative, source) == []


def test_relative_imports_are_resolved_from_the_module_and_from_a_package():
    def modules(relative: str, source: str) -> list[str]:
        return [i.module for i in imports_of(relative, source)]

    assert modules("services/entities/cell.py", "from .base import Entity") == [
        "soloit.services.entities.base",
        "soloit.services.entities.base.Entity",
    ]
    assert modules("services/entities/__init__.py", "from .base import Entity")[0] == "soloit.services.entities.base"
    assert modules("ui/views/x.py", "from ... import store") == ["soloit", "soloit.store"]
