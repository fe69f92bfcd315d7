"""Opening a ledger the way the GUI does: the writer lock, and the answers offered for a damaged file or a
network folder (the prompts are the seam; the GUI shows them as message boxes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from soloit.context import AppContext
from soloit.services.session import Prompts, open_session
from soloit.settings import Settings
from soloit.store.backup import make_backup
from soloit.store.lock import WriterLock, held_by_running_writer
from tests.helpers import AllServices as LedgerService


class Answers:
    def __init__(self, rescue: bool = True, relocate: bool = True) -> None:
        self.errors: list[tuple[str, str]] = []
        self.rescue_asked: list = []
        self.relocate_asked: list = []
        self._rescue, self._relocate = rescue, relocate

    def prompts(self) -> Prompts:
        return Prompts(
            error=lambda title, text: self.errors.append((title, text)),
            ask_rescue=lambda text, newest: self.rescue_asked.append((text, newest)) or self._rescue,
            ask_relocate=lambda text, local: self.relocate_asked.append((text, local)) or self._relocate,
        )


@pytest.fixture
def context(tmp_path) -> AppContext:
    return AppContext(tmp_path / "data", tmp_path / "config", tmp_path / "data" / "soloit.sqlite3", False, False)


def _closed_ledger(store) -> Path:
    path = store.path
    store.close()
    return path


def test_open_takes_the_lock_and_close_backs_up_and_releases(store, context, tmp_path):
    path = _closed_ledger(store)
    answers = Answers()
    session = open_session(context, Settings(), path, answers.prompts())
    assert session is not None and answers.errors == []
    assert held_by_running_writer(path)
    identity = session.identity
    made = session.close()
    assert made is not None and made.kind == "exit"
    assert made.path.parent == context.data_dir / "backups" / identity  # the database's own folder
    assert not held_by_running_writer(path)


def test_a_second_writer_is_told_who_holds_the_database(store, context):
    path = _closed_ledger(store)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        WriterLock(path, pid=other.pid, user="前任 次郎").acquire()
        answers = Answers()
        assert open_session(context, Settings(), path, answers.prompts()) is None
        _title, text = answers.errors[0]
        assert "前任 次郎" in text and "使用中" in text
    finally:
        other.kill()
        other.wait()


def damage_pages(path: Path) -> bytes:
    """Overwrite everything after the header: provably soloit's own file, but damaged. Returns the bytes."""
    data = bytearray(path.read_bytes())
    data[4096:] = b"\x07" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    return bytes(data)


def test_damaged_file_offers_the_newest_good_backup(store, context):
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "done")
    identity = store.facts().identity
    good = make_backup(store.path, context.backup_dir() / identity, kind="start")
    path = _closed_ledger(store)
    damaged = damage_pages(path)
    settings = Settings(known_databases={str(path): identity})  # the file is too damaged to say who it is

    refused = Answers(rescue=False)
    assert open_session(context, settings, path, refused.prompts()) is None
    assert refused.rescue_asked[0][1].path == good.path
    assert path.read_bytes() == damaged  # untouched when the user says no

    accepted = Answers(rescue=True)
    session = open_session(context, settings, path, accepted.prompts())
    assert session is not None
    assert LedgerService(session.store, lambda: "").cell("koseki", 1).status == "done"
    assert any("別名" in m or "残して" in m for m in session.messages)
    assert list(path.parent.glob(f"{path.name}.damaged-*"))
    session.close(backup=False)


def test_damaged_file_without_backups_is_explained(store, context, tmp_path):
    path = store.path
    identity = store.facts().identity
    store.close()
    damaged = damage_pages(path)
    answers = Answers()
    assert open_session(context, Settings(known_databases={str(path): identity}), path, answers.prompts()) is None
    assert "使えるバックアップ" in answers.errors[0][1] and "ありません" in answers.errors[0][1]
    assert not held_by_running_writer(path)
    assert path.read_bytes() == damaged


def test_network_folder_offers_a_local_copy_and_backups_to_the_share(store, context, monkeypatch, tmp_path):
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 3)], "done")
    share_path = _closed_ledger(store)
    monkeypatch.setattr("soloit.store.db.is_network_path", lambda p: Path(p) == share_path)
    settings = Settings()
    answers = Answers(relocate=True)
    session = open_session(context, settings, share_path, answers.prompts())
    assert session is not None
    assert session.store.path == context.data_dir / "soloit.sqlite3"
    assert settings.backup_dir == str(share_path.parent)
    assert LedgerService(session.store, lambda: "").cell("koseki", 3).status == "done"
    identity = session.identity
    made = session.close()
    assert made.path.parent == share_path.parent / identity  # backups now go to the share, in the database's folder


def test_no_lock_is_taken_on_a_network_folder_and_the_local_copy_is_offered(store, context, monkeypatch, tmp_path):
    """The writer's lock refuses a share itself (OS locks across a share are not reliable): no lock file beside the
    shared database, and the local copy is offered all the same."""
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 3)], "done")
    share_path = _closed_ledger(store)
    on_share = lambda p: Path(p).parent == share_path.parent  # noqa: E731
    monkeypatch.setattr("soloit.store.lock.is_network_path", on_share)
    monkeypatch.setattr("soloit.store.db.is_network_path", on_share)
    answers = Answers(relocate=True)
    session = open_session(context, Settings(), share_path, answers.prompts())
    assert session is not None and "ネットワーク" in answers.relocate_asked[0][0]
    assert not list(share_path.parent.glob("*.lock*"))
    assert session.store.path == context.data_dir / "soloit.sqlite3" and held_by_running_writer(session.store.path)
    assert LedgerService(session.store, lambda: "").cell("koseki", 3).status == "done"
    session.close(backup=False)


def test_network_folder_refused_when_the_user_declines(store, context, monkeypatch):
    path = _closed_ledger(store)
    monkeypatch.setattr("soloit.store.db.is_network_path", lambda _p: True)
    answers = Answers(relocate=False)
    assert open_session(context, Settings(), path, answers.prompts()) is None
    assert "ネットワーク" in answers.relocate_asked[0][0]
