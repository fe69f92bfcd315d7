"""`soloit --version` reports what really runs, and what runs is what installers/requirements.lock pins."""

from __future__ import annotations

import importlib.util
import platform
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from soloit import versions
from soloit.versions import LIBRARIES, UNKNOWN, bundled_versions

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "installers" / "requirements.lock"


def _lock_helper():
    spec = importlib.util.spec_from_file_location("lock_for_target", REPO / "installers" / "lock_for_target.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lock_pins() -> dict[str, str]:
    helper = _lock_helper()
    return {pin.name: pin.version for pin in helper.for_target(helper.read_lock(LOCK), "host")}


def test_versions_are_the_installed_ones():
    from PySide6.QtCore import qVersion

    found = dict(bundled_versions(qVersion()))
    assert list(found) == ["Python", "SQLite", "Qt", *(name for name, _ in LIBRARIES)]
    assert found["Python"] == platform.python_version()
    assert found["SQLite"] == sqlite3.sqlite_version
    assert found["Qt"] == qVersion()
    for distribution, _module in LIBRARIES:
        assert found[distribution] == version(distribution), distribution
    assert UNKNOWN not in found.values()


def test_the_lock_pins_what_is_installed(lock_pins):
    """Every package the lock pins for this machine is installed at exactly that version (bash .ci/setup)."""
    differences = {name: (pin, version(name)) for name, pin in lock_pins.items() if version(name) != pin}
    assert differences == {}
    for distribution, _module in LIBRARIES:
        assert lock_pins[distribution.lower()] == dict(bundled_versions())[distribution]


def test_lock_keeps_qt_below_6_10_for_windows():
    helper = _lock_helper()
    windows = {pin.name: pin for pin in helper.for_target(helper.read_lock(LOCK), "win_amd64-cp313")}
    assert windows["pyside6-essentials"].version.startswith("6.9.")
    assert {"pefile", "pywin32-ctypes", "pyinstaller", "hatchling"} <= set(windows)  # the Windows build's own tools
    assert all(pin.hashes for pin in windows.values())


def test_version_output_check_catches_a_difference(lock_pins):
    helper = _lock_helper()
    pins = helper.for_target(helper.read_lock(LOCK), "host")
    from PySide6.QtCore import qVersion

    good = "soloit 0.1.0\n" + "".join(f"  {name} {value}\n" for name, value in bundled_versions(qVersion()))
    assert helper.version_output_differences(good, pins)[0] == []
    bad = good.replace(f"SQLAlchemy {lock_pins['sqlalchemy']}", "SQLAlchemy 9.9.9").replace(
        f"jpholiday {lock_pins['jpholiday']}", f"jpholiday {UNKNOWN}"
    )
    problems = helper.version_output_differences(bad, pins)[0]
    assert any("SQLAlchemy" in p and "9.9.9" in p for p in problems)
    assert any("jpholiday" in p and UNKNOWN in p for p in problems)


def test_a_missing_library_is_unknown_not_an_error(monkeypatch):
    from importlib.metadata import PackageNotFoundError

    def no_metadata(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr("importlib.metadata.version", no_metadata)
    monkeypatch.setattr(versions, "LIBRARIES", (("jpholiday", "jpholiday"), ("no-such-dist", "no_such_module_xyz")))
    found = dict(bundled_versions())
    assert found["no-such-dist"] == UNKNOWN
    assert found["jpholiday"] in (UNKNOWN, getattr(__import__("jpholiday"), "__version__", UNKNOWN))
