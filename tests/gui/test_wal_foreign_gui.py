"""A foreign -wal beside the ledger, through the real start-up path (run_gui, as `soloit` with no command runs it):
the ledger opens as itself with the -wal kept aside, the user is told what was found and where it went, nothing
is asked and no backup of the other database is offered; the full verify at open passes on the file itself."""

from __future__ import annotations

from soloit.services.session import PASSED
from soloit.services.setup import create_ledger
from soloit.store.backup import backup_folder, list_backups
from soloit.store.db import main_file_facts
from soloit.store.wal import wal_path
from tests.gui import test_verify_at_open
from tests.gui.test_verify_at_open import identity_of, start
from tests.unit import test_tamper
from tests.unit.test_wal_foreign import write_uncheckpointed

ledger = test_tamper.ledger
gui_context = test_verify_at_open.gui_context


def test_run_gui_keeps_a_foreign_wal_aside_and_says_so(qtbot, gui_context, tmp_path, monkeypatch):
    path = gui_context.db_path
    own = main_file_facts(path)
    other = tmp_path / "hakodate.sqlite3"
    create_ledger(other, "01", "函館市", "012025", actor="佐藤").close()
    theirs = write_uncheckpointed(other, gui_context.backup_dir(), backup_after=3)  # its backup in the same root
    wal_path(path).write_bytes(theirs.wal)
    started = start(gui_context, monkeypatch)
    assert started.code == 0 and started.asked == []
    [(box, _title, text)] = started.boxes
    assert box == "information"
    [aside] = sorted(path.parent.glob(f"{path.name}.foreign-*-wal"))
    assert aside.read_bytes() == theirs.wal
    assert f"別のデータベース（ID {theirs.identity[:12]}…" in text and f"「{aside.name}」として残し" in text
    assert started.integrity == PASSED
    assert identity_of(path) == own.identity
    backups = list_backups(backup_folder(gui_context.backup_dir(), own.identity))
    assert {b.identity for b in backups} == {own.identity} and backups  # start and exit backups: its own folder
    assert [b.identity for b in list_backups(backup_folder(gui_context.backup_dir(), theirs.identity))] == [
        theirs.identity
    ]  # the other database's backups untouched, none added
