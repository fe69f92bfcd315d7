"""A -wal that does not belong to its database, a -wal cut inside a frame, and a verify that leaves no trace
(issue 22, points 4 and 6).

The files are made the real way: two ledgers made with services/setup.create_ledger (札幌市 and 函館市, so two
identities); changes are committed to one through the services with automatic checkpoints off, and its file and
-wal are copied while the connection is still open (the state a crash leaves). 函館市's -wal copied beside
札幌市's file is foreign: SQLite would apply its frames (they are valid against the -wal's own header) and the
file would read as 函館市. It must be kept aside, 札幌市 opened without it, and nothing of 函館市 ever proposed."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event

from soloit.cli import EXIT_DAMAGED, main
from soloit.context import AppContext
from soloit.services.bundle import open_services
from soloit.services.session import QUIT, Prompts, open_session
from soloit.services.setup import create_ledger
from soloit.settings import Settings
from soloit.store.backup import BackupInfo, backup_folder, list_backups, make_backup
from soloit.store.db import facts_of, main_file_facts, open_database
from soloit.store.wal import analyse_wal, wal_path
from soloit.store.wal_guard import KEPT_SUFFIX
from tests.helpers import Asked

EDITS = 6


@dataclass(frozen=True)
class Crashed:
    """A database file and its -wal as a writer holding uncommitted-to-file (uncheckpointed) changes left them."""

    db: bytes
    wal: bytes
    identity: str
    backup: BackupInfo | None  # made after `backup_after` edits


def write_uncheckpointed(path: Path, root: Path, *, edits: int = EDITS, backup_after: int | None = None) -> Crashed:
    store = open_database(path)
    event.listen(store.engine, "connect", lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint=0"))
    ledger = open_services(store, lambda: "山田 太郎").ledger
    identity = store.facts().identity
    made = None
    try:
        for i in range(1, edits + 1):
            ledger.edit_cell("koseki", i, "note", f"変更 {i}")
            if i == backup_after:
                made = make_backup(path, backup_folder(root, identity), kind="start")
        db_bytes, wal_bytes = path.read_bytes(), wal_path(path).read_bytes()
    finally:
        store.close()
    assert len(wal_bytes) > 0
    return Crashed(db_bytes, wal_bytes, identity, made)


@dataclass(frozen=True)
class Folder:
    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / "ledger.sqlite3"

    @property
    def wal(self) -> Path:
        return wal_path(self.db)

    @property
    def root(self) -> Path:
        return self.folder.parent / "backups"

    def listing(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.folder.iterdir())}

    def context(self, known: dict[str, str] | None = None) -> tuple[AppContext, Settings]:
        context = AppContext(self.folder.parent / "data", self.folder.parent / "config", self.db, False, True)
        return context, Settings(backup_dir=str(self.root), display_name="山田 太郎", known_databases=known or {})


@pytest.fixture(scope="module")
def hakodate(tmp_path_factory) -> tuple[Path, Crashed]:
    """函館市: a ledger with uncheckpointed changes, a backup of it (newer and longer than 札幌市's) in the root."""
    where = tmp_path_factory.mktemp("hakodate")
    path = where / "hakodate.sqlite3"
    create_ledger(path, "01", "函館市", "012025", actor="佐藤").close()
    return where / "backups", write_uncheckpointed(path, where / "backups", backup_after=EDITS)


@pytest.fixture
def sapporo_with_foreign_wal(tmp_path, template_ledger, hakodate) -> tuple[Folder, Crashed, BackupInfo, Path]:
    """札幌市's clean file with 函館市's -wal beside it; 札幌市 has one backup, 函館市's (longer) is in the same root."""
    hakodate_root, theirs = hakodate
    here = Folder(tmp_path / "ledger")
    here.folder.mkdir()
    shutil.copyfile(template_ledger, here.db)
    own = make_backup(here.db, backup_folder(here.root, facts_of(here.db).identity), kind="start")
    shutil.copytree(hakodate_root, here.root, dirs_exist_ok=True)  # 函館市's backup folder in the same root
    here.wal.write_bytes(theirs.wal)
    return here, theirs, own, here.root / theirs.identity


def sqlite_sees(db: bytes, wal: bytes, scratch: Path) -> tuple[str, int, str]:
    """(identity, journal rows, municipality) as SQLite itself reads the files, on a copy."""
    scratch.mkdir()
    copy = scratch / "x.sqlite3"
    copy.write_bytes(db)
    wal_path(copy).write_bytes(wal)
    conn = sqlite3.connect(copy)
    try:
        identity = conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()[0]
        rows = conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
        name = conn.execute("SELECT name FROM municipality").fetchone()[0]
    finally:
        conn.close()
    return identity, rows, name


def recording_prompts() -> tuple[Prompts, list]:
    asked: list = []
    return Prompts(
        error=lambda title, text: asked.append(("error", title, text)),
        ask_rescue=lambda text, backup: asked.append(("rescue", text, backup)) or False,
        ask_relocate=lambda *args: asked.append(("relocate", *args)) or False,
        ask_lost=lambda text, backup: asked.append(("lost", text, backup)) or QUIT,
    ), asked


# --- a foreign -wal ----------------------------------------------------------------------------------------------


def test_sqlite_alone_would_apply_the_foreign_wal(sapporo_with_foreign_wal, tmp_path):
    """The premise: the foreign -wal's frames are valid, so SQLite applies them: the file reads with 函館市's
    identity (its meta page comes from the -wal) over 札幌市's other pages."""
    here, theirs, _own, _folder = sapporo_with_foreign_wal
    identity, _rows, _name = sqlite_sees(here.db.read_bytes(), theirs.wal, tmp_path / "scratch")
    assert identity == theirs.identity
    assert not analyse_wal(here.wal).damaged
    assert main_file_facts(here.db).municipality == "札幌市"  # the file alone is 札幌市


def test_a_foreign_wal_is_kept_aside_and_the_database_opens_without_it(sapporo_with_foreign_wal):
    here, theirs, own, _folder = sapporo_with_foreign_wal
    db_before = here.db.read_bytes()
    sapporo = main_file_facts(here.db)
    context, settings = here.context()
    prompts, asked = recording_prompts()
    session = open_session(context, settings, here.db, prompts)
    assert session is not None and asked == []  # nothing asked, nothing of 函館市 proposed
    try:
        facts = session.store.facts()
        assert (facts.identity, facts.municipality) == (sapporo.identity, "札幌市")
        assert [b.path for b in session.backups()] == [own.path]
        [aside] = sorted(here.folder.glob("ledger.sqlite3.foreign-*-wal"))
        assert aside.read_bytes() == theirs.wal  # the -wal as it was
        [notice] = [m for m in session.messages if "-wal" in m]
        assert f"別のデータベース（ID {theirs.identity[:12]}…。このデータベースの ID は {sapporo.identity[:12]}…）" in notice
        assert f"「{aside.name}」として残し、データベース本体だけで開きました" in notice
    finally:
        session.close(backup=False)
    assert here.db.read_bytes() == db_before  # the main file unchanged
    assert not here.wal.exists() and not Path(f"{here.db}{KEPT_SUFFIX}").exists()
    assert settings.known_databases[str(here.db)] == sapporo.identity
    again = open_session(context, settings, here.db, recording_prompts()[0])  # nothing left to find
    assert again is not None and again.messages == []
    again.close(backup=False)


def test_a_damaged_file_with_a_foreign_wal_is_offered_only_its_own_backup(sapporo_with_foreign_wal):
    """The repro: the rescue offered the other database's backup, and answering yes replaced the file with it."""
    here, _theirs, own, their_folder = sapporo_with_foreign_wal
    sapporo = main_file_facts(here.db)
    data = bytearray(here.db.read_bytes())
    data[4096:] = b"\x07" * (len(data) - 4096)  # the file itself damaged: its facts cannot be read any more
    here.db.write_bytes(bytes(data))
    context, settings = here.context({str(here.db): sapporo.identity})
    asked = Asked(QUIT, rescue=True)
    session = open_session(context, settings, here.db, asked.prompts())
    assert session is not None
    try:
        assert [b.path for b in asked.rescue] == [own.path]
        assert asked.lost == [] and asked.errors == []
        facts = session.store.facts()
        assert (facts.identity, facts.municipality) == (sapporo.identity, "札幌市")
    finally:
        session.close(backup=False)
    assert all(info.path.exists() for info in list_backups(their_folder))


def _pages_in_wal(wal: bytes) -> set[int]:
    page_size = int.from_bytes(wal[8:12], "big")
    return {int.from_bytes(wal[at : at + 4], "big") for at in range(32, len(wal) - page_size - 23, page_size + 24)}


def test_a_file_damaged_where_the_foreign_wal_does_not_reach_is_offered_only_its_own_backup(
    sapporo_with_foreign_wal, tmp_path
):
    """The repro as reported: the damage is found (SQLite reads the file through the foreign -wal), the identity
    was read through the -wal too, so the rescue offered the other database's backup. A 札幌市 step_cell page that
    the foreign -wal does not hold is damaged; the file alone still says who it is."""
    here, theirs, own, _folder = sapporo_with_foreign_wal
    sapporo = main_file_facts(here.db)
    conn = sqlite3.connect(f"file:{here.db}?mode=ro&immutable=1", uri=True)
    try:
        pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'step_cell' ORDER BY pageno")]
    finally:
        conn.close()
    page = max(set(pages) - _pages_in_wal(theirs.wal))
    data = bytearray(here.db.read_bytes())
    data[(page - 1) * 4096 : (page - 1) * 4096 + 8] = b"\x00" * 8  # an invalid b-tree page type
    here.db.write_bytes(bytes(data))
    identity, _rows, _name = sqlite_sees(bytes(data), theirs.wal, tmp_path / "scratch")
    assert identity == theirs.identity  # read through the -wal, the file would claim 函館市's identity
    assert main_file_facts(here.db).identity == sapporo.identity
    context, settings = here.context()  # nothing remembered: the file alone must say it
    asked = Asked(QUIT, rescue=True)
    session = open_session(context, settings, here.db, asked.prompts())
    assert session is not None
    try:
        assert [b.path for b in asked.rescue] == [own.path] and asked.lost == [] and asked.errors == []
        facts = session.store.facts()
        assert (facts.identity, facts.municipality) == (sapporo.identity, "札幌市")
    finally:
        session.close(backup=False)
    [aside] = sorted(here.folder.glob("ledger.sqlite3.foreign-*-wal"))
    assert aside.read_bytes() == theirs.wal


def test_a_read_only_open_reads_the_file_alone_and_leaves_the_foreign_wal(sapporo_with_foreign_wal):
    here, theirs, _own, _folder = sapporo_with_foreign_wal
    before = here.listing()
    store = open_database(here.db, readonly=True)
    try:
        assert store.immutable and store.facts().municipality == "札幌市"
        assert "読み取り専用で開きました（-wal ファイルはそのままです）" in store.notices[0]
    finally:
        store.close()
    assert here.listing() == before and here.wal.read_bytes() == theirs.wal


def test_verify_reports_the_foreign_wal_verifies_the_file_alone_and_leaves_everything(sapporo_with_foreign_wal, capsys):
    here, theirs, _own, _folder = sapporo_with_foreign_wal
    before = here.listing()
    assert main(["verify", "--db", str(here.db)]) == EXIT_DAMAGED
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert f"別のデータベース（ID {theirs.identity[:12]}…" in err
    assert "データベース本体だけを検証しました" in err
    assert here.listing() == before and here.wal.read_bytes() == theirs.wal


# --- a -wal cut inside a frame -----------------------------------------------------------------------------------


def cut_inside_last_frame(wal: bytes) -> bytes:
    page_size = int.from_bytes(wal[8:12], "big")
    frames = (len(wal) - 32) // (page_size + 24)
    return wal[: 32 + (frames - 1) * (page_size + 24) + 24 + page_size // 3]


@pytest.mark.parametrize("backup_after", [2, EDITS])
def test_a_truncated_wal_is_kept_and_reported_with_its_entries_and_the_newest_backup(
    tmp_path, template_ledger, backup_after
):
    here = Folder(tmp_path / "ledger")
    here.folder.mkdir()
    shutil.copyfile(template_ledger, here.db)
    crashed = write_uncheckpointed(here.db, here.root, backup_after=backup_after)
    cut = cut_inside_last_frame(crashed.wal)
    here.db.write_bytes(crashed.db)
    here.wal.write_bytes(cut)
    report = analyse_wal(here.wal)
    assert report.truncated and not report.damaged
    _identity, intact, _name = sqlite_sees(crashed.db, cut, tmp_path / "scratch")
    _identity, whole, _name = sqlite_sees(crashed.db, crashed.wal, tmp_path / "scratch-whole")
    assert intact < whole  # the cut lost the last transaction
    backup = crashed.backup
    assert backup is not None
    context, settings = here.context()
    prompts, asked = recording_prompts()
    session = open_session(context, settings, here.db, prompts)
    if backup.journal_count > intact:  # the backup recorded more: the loss is asked about, offering that backup
        assert session is None
        [(kind, _text, offered)] = asked
        assert kind == "lost" and offered.path == backup.path
    else:
        assert session is not None and asked == []
        try:
            [notice] = [m for m in session.messages if "-wal" in m]
            assert f"切れる前の部分には変更記録 {intact:,} 件が含まれています" in notice
            assert f"変更記録 {backup.journal_count:,} 件（末尾ハッシュ {backup.journal_head[:12]}…）" in notice
            assert session.store.facts().journal_count == intact
        finally:
            session.close(backup=False)
    [copy_db, copy_wal] = sorted(here.folder.glob("ledger.sqlite3.damaged-*"))
    assert copy_db.read_bytes() == crashed.db and copy_wal.read_bytes() == cut


# --- verify leaves no trace ----------------------------------------------------------------------------------------


def _damage_page(here: Folder) -> None:
    data = bytearray(here.db.read_bytes())
    data[4096 * 3 : 4096 * 3 + 64] = b"\xff" * 64  # a b-tree page's header
    here.db.write_bytes(bytes(data))


@pytest.mark.parametrize("case", ["corrupt page", "cut file", "damaged wal", "truncated wal", "foreign wal", "sound wal"])
def test_verify_of_a_damaged_database_leaves_no_trace(case, tmp_path, template_ledger, hakodate, capsys, monkeypatch):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    here = Folder(tmp_path / "ledger")
    here.folder.mkdir()
    shutil.copyfile(template_ledger, here.db)
    if case == "corrupt page":
        _damage_page(here)
    elif case == "cut file":
        here.db.write_bytes(here.db.read_bytes()[: 4096 * 5])
    elif case == "foreign wal":
        here.wal.write_bytes(hakodate[1].wal)
    else:
        crashed = write_uncheckpointed(here.db, here.root)
        here.db.write_bytes(crashed.db)
        wal = bytearray(crashed.wal)
        if case == "damaged wal":
            page_size = int.from_bytes(wal[8:12], "big")
            at = 32 + 2 * (page_size + 24) + 24 + 100  # inside the third frame's page: later commits are lost
            wal[at : at + 16] = bytes(b ^ 0x5A for b in wal[at : at + 16])
        elif case == "truncated wal":
            wal = bytearray(cut_inside_last_frame(bytes(wal)))
        here.wal.write_bytes(bytes(wal))
    before = here.listing()
    code = main(["verify", "--db", str(here.db)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert (code == 0) == (case == "sound wal"), (code, out, err)
    assert here.listing() == before  # no -wal, -shm, .damaged-* or copy beside it, every byte as it was
    assert list(temp.iterdir()) == []  # the private copies in the temporary folder are gone too
    if case == "truncated wal":
        assert "途中で切れています" in err and "切れる前の部分には変更記録" in err


def test_verify_of_a_database_open_in_this_soloit_reads_it_in_place_and_leaves_no_trace(
    tmp_path, template_ledger, capsys, monkeypatch
):
    """ファイル → データベースを検証 and `soloit verify` while the ledger is open: the writer's own -wal and -shm are
    read in place (its newest commit included), nothing is added beside the database or in the temporary folder."""
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    here = Folder(tmp_path / "ledger")
    here.folder.mkdir()
    shutil.copyfile(template_ledger, here.db)
    context, settings = here.context()
    session = open_session(context, settings, here.db, recording_prompts()[0])
    assert session is not None
    try:
        open_services(session.store, lambda: "山田 太郎").ledger.edit_cell("koseki", 1, "note", "開いたままの変更")
        count = session.store.facts().journal_count
        names = sorted(p.name for p in here.folder.iterdir())
        assert {"ledger.sqlite3-wal", "ledger.sqlite3-shm", "ledger.sqlite3.lock"} <= set(names)
        assert main(["verify", "--db", str(here.db)]) == 0
        out, _err = capsys.readouterr()
        assert f"変更記録 {count} 件を検証しました" in out
        assert sorted(p.name for p in here.folder.iterdir()) == names
        assert list(temp.iterdir()) == []
    finally:
        session.close(backup=False)


# --- backup and restore beside a foreign -wal ---------------------------------------------------------------------


def test_soloit_backup_refuses_a_database_with_a_foreign_wal(sapporo_with_foreign_wal):
    from soloit.services.backups import backup_database
    from soloit.store.errors import StoreError

    here, _theirs, own, their_folder = sapporo_with_foreign_wal
    before = here.listing()
    theirs_before = sorted(p.name for p in their_folder.iterdir())
    with pytest.raises(StoreError) as refused:
        backup_database(here.db, lambda _demo: here.root)
    assert "別のデータベースの -wal" in refused.value.message_ja
    assert here.listing() == before  # the file and the foreign -wal as they were
    assert [b.path for b in list_backups(own.path.parent)] == [own.path]  # no mixed backup in 札幌市's folder
    assert sorted(p.name for p in their_folder.iterdir()) == theirs_before  # nor in 函館市's


def test_a_restore_keeps_a_foreign_wal_aside_instead_of_deleting_it(sapporo_with_foreign_wal):
    from soloit.services.backups import restore

    here, theirs, own, _their_folder = sapporo_with_foreign_wal
    sapporo = main_file_facts(here.db)
    restore(own.path, here.db, here.root)  # 札幌市's own backup: no question of another database
    kept = [p for p in here.folder.iterdir() if ".foreign-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == theirs.wal  # 函館市's frames kept, byte for byte
    assert not here.wal.exists() or here.wal.stat().st_size == 0
    facts = facts_of(here.db)
    assert (facts.identity, facts.municipality) == (sapporo.identity, "札幌市")
