"""Shared fixtures: offscreen Qt, no network, a fresh temporary database per test."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

# No screen here: Qt's offscreen platform, with one 1366×768 screen like the users' PCs.
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen-1366x768.json')}"
os.environ.pop("SOLOIT_DB", None)


class NetworkBlocked(RuntimeError):
    pass


def _blocked(*_args: object, **_kwargs: object) -> None:
    raise NetworkBlocked("soloit must never open a network connection")


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Any attempt to connect, resolve a name or create an internet socket fails the test that made it."""
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    real_socket_init = socket.socket.__init__

    def guarded_init(self, family=-1, type=-1, proto=-1, fileno=None):
        if family in (socket.AF_INET, socket.AF_INET6):
            raise NetworkBlocked("soloit must never create an internet socket")
        real_socket_init(self, family, type, proto, fileno)

    socket.socket.connect = _blocked
    socket.socket.connect_ex = _blocked
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked
    socket.socket.__init__ = guarded_init
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo = saved
    socket.socket.__init__ = real_socket_init


class ReadOnlyFsync(AssertionError):
    """os.fsync was given a descriptor opened read-only: POSIX lets that pass, Windows' FlushFileBuffers refuses it."""


def fsync_writable_only(real):
    """`real` (os.fsync) behind a check of the descriptor's access mode, as Windows would refuse it."""
    import fcntl

    def guarded(fd):
        number = fd if isinstance(fd, int) else fd.fileno()
        if fcntl.fcntl(number, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise ReadOnlyFsync(f"os.fsync on descriptor {number} opened read-only: on Windows this fails (access denied)")
        return real(number)

    guarded.real = real
    return guarded


@pytest.fixture(autouse=True, scope="session")
def fsync_needs_a_writable_handle():
    """For the whole session, any os.fsync of a read-only descriptor fails the test that made it."""
    real = os.fsync
    os.fsync = fsync_writable_only(real)
    yield
    os.fsync = real


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture(scope="session")
def template_ledger(tmp_path_factory) -> Path:
    """One new ledger made per test session; each test gets a copy (creating one costs ~0.1 s)."""
    from soloit.services.setup import create_ledger

    path = tmp_path_factory.mktemp("template") / "ledger.sqlite3"
    create_ledger(path, "01", "札幌市", "011002", actor="テスト 花子").close()
    assert not Path(f"{path}-wal").exists()  # closed cleanly: one self-contained file
    return path


@pytest.fixture
def store(db_path: Path, template_ledger: Path):
    """A new ledger for 札幌市 (01, 011002), closed after the test."""
    import shutil

    from soloit.store.db import open_database

    shutil.copy(template_ledger, db_path)  # keeps the file's 0600 mode
    opened = open_database(db_path)
    yield opened
    opened.close()


@pytest.fixture
def clock():
    """A settable day for services (`clock.day = date(...)`)."""
    from tests.helpers import DayClock

    return DayClock()


@pytest.fixture
def service(store, clock):
    from tests.helpers import AllServices as LedgerService

    return LedgerService(store, lambda: "テスト 花子", today=clock)


@pytest.fixture
def demo_store(tmp_path: Path):
    from soloit.services.demo import FIXED_DEMO_DAY, create_demo

    opened = create_demo(tmp_path / "demo.sqlite3", today=FIXED_DEMO_DAY)  # the fixed demo the tests' values are of
    yield opened
    opened.close()
