"""A damaged -wal must never drop committed changes silently (issue "Trust and everyday use", point 2, the -wal part).

The repro, built the real way: a process opens the ledger with soloit's services, commits 30 changes with
automatic checkpoints off (a backup taken after the 10th), and is SIGKILLed, so the changes are only in the -wal.
16 bytes are then changed inside the page data of a frame in the middle of the -wal: SQLite's recovery would stop
there and silently drop every later commit. Opening it (`open_session`) keeps the files as they were
(<db>.damaged-<time> and <db>.damaged-<time>-wal), says what is lost, names the backup it offers, and lets the
user restore, look read-only (the -wal stays as it is) or accept the loss (journaled; the next open asks nothing).
`soloit verify` reports it as damage (exit 3). A sound -wal is copied before SQLite opens the database and the
copy is deleted once the checks at open passed, or kept beside the damaged-file copies when one fails."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from soloit.cli import EXIT_DAMAGED, main
from soloit.context import AppContext
from soloit.services.divergence import backup_label
from soloit.services.session import ACCEPT, QUIT, READ_ONLY, RESTORE, Prompts, open_session
from soloit.settings import Settings
from soloit.store.backup import list_backups
from soloit.store.wal import analyse_wal
from soloit.store.wal_guard import KEPT_SUFFIX
from tests.helpers import AllServices as LedgerService
from tests.helpers import Asked, never_asked

N = 30  # changes the writer commits
BACKUP_AFTER = 10  # the writer makes a backup after this many
WRITER = r"""
import sys, time
from pathlib import Path
from sqlalchemy import event
from soloit.services.bundle import open_services
from soloit.store.backup import backup_folder, make_backup
from soloit.store.db import open_database

db, root, n, backup_after, bad_value = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
store = open_database(db)
event.listen(store.engine, "connect", lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint=0"))
ledger = open_services(store, lambda: "山田 太郎").ledger
identity = store.facts().identity
for i in range(1, n + 1):
    ledger.edit_cell("koseki", i, "note", f"変更 {i}")
    if i == backup_after:
        make_backup(db, backup_folder(root, identity), kind="start")
if bad_value:  # a committed value soloit cannot read (written behind the services' back)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE step_cell SET status = 'finished??' WHERE step_seq = 40 "
            "AND system_id = (SELECT id FROM system WHERE business_code = 'koseki')"
        )
assert store.engine.connect().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
print("ready", flush=True)
time.sleep(120)
"""


@dataclass(frozen=True)
class Killed:
    folder: Path  # holds ledger.sqlite3, its -wal and -shm, and backups/<identity>/

    @property
    def db(self) -> Path:
        return self.folder / "ledger.sqlite3"

    @property
    def wal(self) -> Path:
        return Path(f"{self.db}-wal")

    @property
    def root(self) -> Path:
        return self.folder / "backups"


def run_writer(folder: Path, template: Path, *, bad_value: bool = False) -> Killed:
    folder.mkdir(parents=True)
    killed = Killed(folder)
    shutil.copyfile(template, killed.db)
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(killed.db), str(killed.root), str(N), str(BACKUP_AFTER), "1" if bad_value else "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.kill()  # SIGKILL: no checkpoint, the -wal stays as it is
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -9
    assert killed.wal.stat().st_size > 0
    return killed


@pytest.fixture(scope="module")
def written(tmp_path_factory, template_ledger) -> Killed:
    return run_writer(tmp_path_factory.mktemp("wal-guard") / "sound", template_ledger)


def copy_of(killed: Killed, target: Path) -> Killed:
    shutil.copytree(killed.folder, target)
    return Killed(target)


def damage_middle_frame(killed: Killed) -> None:
    """Change 16 bytes inside the page data of the frame in the middle of the -wal."""
    data = bytearray(killed.wal.read_bytes())
    page_size = int.from_bytes(data[8:12], "big")
    frames = (len(data) - 32) // (page_size + 24)
    middle = frames // 2
    at = 32 + middle * (page_size + 24) + 24 + 1000
    data[at : at + 16] = bytes(b ^ 0x5A for b in data[at : at + 16])
    killed.wal.write_bytes(bytes(data))


def notes_sqlite_shows(killed: Killed, scratch: Path) -> list[int]:
    """What SQLite itself recovers from the files (on a copy): the numbers of the notes it shows."""
    scratch.mkdir()
    shutil.copyfile(killed.db, scratch / "x.sqlite3")
    shutil.copyfile(killed.wal, scratch / "x.sqlite3-wal")
    conn = sqlite3.connect(scratch / "x.sqlite3")
    try:
        rows = conn.execute("SELECT note FROM step_cell WHERE note LIKE '変更 %'").fetchall()
    finally:
        conn.close()
    return sorted(int(r[0].split()[1]) for r in rows)


def notes_shown(store) -> list[int]:
    service = LedgerService(store, lambda: "")
    shown = []
    for i in range(1, N + 1):
        note = service.cell("koseki", i).note
        if note:
            assert note == f"変更 {i}"
            shown.append(i)
    return shown


@pytest.fixture
def damaged(written, tmp_path):
    """A copy of the killed writer's files with the -wal damaged; (files, surviving note numbers, report)."""
    killed = copy_of(written, tmp_path / "ledger")
    damage_middle_frame(killed)
    report = analyse_wal(killed.wal)
    assert report.damaged and report.lost_commits
    survivors = notes_sqlite_shows(killed, tmp_path / "scratch")
    assert survivors == list(range(1, len(survivors) + 1))
    assert BACKUP_AFTER < len(survivors) < N  # SQLite alone would drop the later changes without a word
    assert N - len(survivors) == report.lost_commits
    return killed, survivors, report


def context_for(killed: Killed) -> tuple[AppContext, Settings]:
    context = AppContext(killed.folder / "data", killed.folder / "config", killed.db, False, True)
    return context, Settings(backup_dir=str(killed.root), display_name="山田 太郎")


def damaged_copies(killed: Killed) -> list[Path]:
    return sorted(killed.folder.glob(f"{killed.db.name}.damaged-*"))


def test_the_open_stops_keeps_the_files_and_names_the_loss_and_the_backup(damaged):
    killed, survivors, report = damaged
    db_before, wal_before = killed.db.read_bytes(), killed.wal.read_bytes()
    context, settings = context_for(killed)
    asked = Asked(QUIT)
    assert open_session(context, settings, killed.db, asked.prompts()) is None
    [(text, offered)] = asked.lost
    assert f"データベース「{killed.db}」の -wal ファイルが壊れています。" in text
    assert f"確定済みの変更 {N - len(survivors)} 件を SQLite が読み込めません" in text
    assert report.describe_ja() in text
    [start_backup] = list_backups(next(killed.root.iterdir()))
    assert offered is not None and offered.path == start_backup.path  # the newest backup that passes
    assert start_backup.journal_count > 0
    # the files as they were, kept before SQLite saw them
    copy_db, copy_wal = damaged_copies(killed)
    assert copy_wal.name == copy_db.name + "-wal"
    assert f"「{copy_db.name}」と「{copy_wal.name}」に残しました" in text
    assert copy_db.read_bytes() == db_before and copy_wal.read_bytes() == wal_before
    assert copy_db.stat().st_mode & 0o777 == 0o600 and copy_wal.stat().st_mode & 0o777 == 0o600
    assert not Path(f"{killed.db}{KEPT_SUFFIX}").exists()
    assert killed.db.read_bytes() == db_before and killed.wal.read_bytes() == wal_before


def test_read_only_shows_what_survives_and_leaves_the_wal(damaged):
    killed, survivors, _report = damaged
    wal_before = killed.wal.read_bytes()
    context, settings = context_for(killed)
    asked = Asked(READ_ONLY)
    session = open_session(context, settings, killed.db, asked.prompts())
    assert session is not None and len(asked.lost) == 1
    try:
        assert session.readonly and session.lock is None
        assert notes_shown(session.store) == survivors
        assert any("読み取り専用で開きました" in m for m in session.messages)
    finally:
        assert session.close() is None  # no backup of the damaged state
    assert killed.wal.exists() and killed.wal.read_bytes() == wal_before  # SQLite could not drop the -wal
    assert len(damaged_copies(killed)) == 2
    # asked again next time: nothing was decided
    again = Asked(QUIT)
    assert open_session(context, settings, killed.db, again.prompts()) is None and len(again.lost) == 1


def test_asking_again_and_verifying_again_keep_one_copy_of_the_same_files(damaged, capsys):
    killed, _survivors, _report = damaged
    context, settings = context_for(killed)
    for _ in range(3):
        assert open_session(context, settings, killed.db, Asked(QUIT).prompts()) is None
        assert main(["verify", "--db", str(killed.db)]) == EXIT_DAMAGED
    capsys.readouterr()
    copy_db, copy_wal = damaged_copies(killed)  # not a new pair of full copies at every start
    assert copy_wal.name == copy_db.name + "-wal"
    assert not Path(f"{killed.db}{KEPT_SUFFIX}").exists()
    # a -wal damaged further is a new state: kept too
    data = bytearray(killed.wal.read_bytes())
    data[-100:] = bytes(100)
    killed.wal.write_bytes(bytes(data))
    assert main(["verify", "--db", str(killed.db)]) == EXIT_DAMAGED
    assert len(damaged_copies(killed)) == 2  # verify only reads: it keeps nothing beside the database
    assert open_session(context, settings, killed.db, Asked(QUIT).prompts()) is None
    assert len(damaged_copies(killed)) == 4


def test_soloit_verify_reports_the_damaged_wal(damaged, capsys):
    killed, survivors, _report = damaged
    wal_before = killed.wal.read_bytes()
    assert main(["verify", "--db", str(killed.db)]) == EXIT_DAMAGED
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.startswith("soloit: 検証に失敗しました（データベースの破損）：")
    assert "-wal ファイルが壊れています" in err
    assert f"確定済みの変更 {N - len(survivors)} 件を SQLite が読み込めません" in err
    assert "soloit restore" in err
    assert killed.wal.read_bytes() == wal_before


def test_restore_takes_the_backup_and_keeps_the_damaged_files(damaged):
    killed, _survivors, _report = damaged
    db_before, wal_before = killed.db.read_bytes(), killed.wal.read_bytes()
    context, settings = context_for(killed)
    asked = Asked(RESTORE)
    session = open_session(context, settings, killed.db, asked.prompts())
    assert session is not None and not session.readonly
    [(_text, offered)] = asked.lost
    try:
        assert notes_shown(session.store) == list(range(1, BACKUP_AFTER + 1))
        assert any(f"{offered.path.name} から復元しました" in m for m in session.messages)
    finally:
        session.close(backup=False)
    copy_db, copy_wal = damaged_copies(killed)
    assert copy_db.read_bytes() == db_before and copy_wal.read_bytes() == wal_before
    assert open_session(context, settings, killed.db, never_asked()).close(backup=False) is None


def test_accept_is_journaled_and_the_next_open_does_not_ask(damaged):
    killed, survivors, _report = damaged
    context, settings = context_for(killed)
    asked = Asked(ACCEPT)
    session = open_session(context, settings, killed.db, asked.prompts())
    assert session is not None and not session.readonly and len(asked.lost) == 1
    try:
        assert notes_shown(session.store) == survivors
        [(entity, field, actor, value)] = session.store.query(
            "SELECT entity, field, actor, new_value FROM journal WHERE entity = 'database' AND field = 'accept'"
        )
        assert (entity, field, actor) == ("database", "accept", "山田 太郎")
        assert "壊れた -wal" in value
        assert any("了承して開きました" in m for m in session.messages)
    finally:
        session.close(backup=False)
    assert len(damaged_copies(killed)) == 2  # the files as they were stay kept
    again = open_session(context, settings, killed.db, never_asked())
    assert again is not None
    try:
        assert notes_shown(again.store) == survivors
    finally:
        again.close(backup=False)


# --- a sound -wal ----------------------------------------------------------------------------------------------


def test_a_sound_wal_is_copied_before_sqlite_opens_and_the_copy_deleted_after_the_checks(written, tmp_path, monkeypatch):
    import soloit.store.db as db_module

    killed = copy_of(written, tmp_path / "ledger")
    wal_before = killed.wal.read_bytes()
    seen: list[bytes | None] = []
    real = db_module._open_checked

    def spy(path, *args):
        kept = Path(f"{path}{KEPT_SUFFIX}")
        seen.append(kept.read_bytes() if kept.exists() else None)
        return real(path, *args)

    monkeypatch.setattr(db_module, "_open_checked", spy)
    context, settings = context_for(killed)
    session = open_session(context, settings, killed.db, never_asked())
    assert session is not None
    try:
        assert seen == [wal_before]  # the private copy existed, whole, when SQLite first opened the database
        assert notes_shown(session.store) == list(range(1, N + 1))
        assert not Path(f"{killed.db}{KEPT_SUFFIX}").exists()  # every check passed: the copy is gone
        assert damaged_copies(killed) == []
    finally:
        session.close(backup=False)


def test_a_sound_wal_is_kept_beside_the_damaged_copies_when_a_check_at_open_fails(template_ledger, tmp_path):
    killed = run_writer(tmp_path / "ledger", template_ledger, bad_value=True)
    db_before, wal_before = killed.db.read_bytes(), killed.wal.read_bytes()
    context, settings = context_for(killed)
    offered: list = []
    prompts = Prompts(lambda *_: None, lambda text, newest: offered.append((text, newest)) or False, lambda *_: False)
    assert open_session(context, settings, killed.db, prompts) is None
    [(text, newest)] = offered
    assert "soloit が読めない値があります" in text and "finished??" in text
    assert newest is not None and backup_label(newest).startswith("札幌市（011002）")
    copy_db, copy_wal = damaged_copies(killed)
    assert copy_db.read_bytes() == db_before and copy_wal.read_bytes() == wal_before
    assert not Path(f"{killed.db}{KEPT_SUFFIX}").exists()


@pytest.mark.parametrize("how", ["newest", "named"])
def test_a_cli_restore_over_a_damaged_wal_keeps_the_files_it_replaces(damaged, capsys, monkeypatch, how):
    """`soloit restore` replaces the database and deletes its -wal: the -wal with the changes SQLite cannot read
    is kept first, with the database file as it was."""
    killed, _survivors, _report = damaged
    db_before, wal_before = killed.db.read_bytes(), killed.wal.read_bytes()
    monkeypatch.setenv("XDG_DATA_HOME", str(killed.folder / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(killed.folder / "config"))
    context, settings = context_for(killed)
    settings.save(AppContext.resolve(killed.db).settings_path)
    [start_backup] = list_backups(next(killed.root.iterdir()))
    argv = ["restore", "--newest"] if how == "newest" else ["restore", str(start_backup.path)]
    assert main([*argv, "--db", str(killed.db)]) == 0
    out, err = capsys.readouterr()
    assert f"復元しました: {start_backup.path.name}" in out, err
    copy_db, copy_wal = damaged_copies(killed)
    assert copy_db.read_bytes() == db_before and copy_wal.read_bytes() == wal_before
    assert f"別名で残しました: {copy_db}" in out
    session = open_session(context, settings, killed.db, never_asked())
    assert session is not None
    try:
        assert notes_shown(session.store) == list(range(1, BACKUP_AFTER + 1))
    finally:
        session.close(backup=False)
