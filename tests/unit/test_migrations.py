"""Databases written by earlier versions open with this version: upgraded to HEAD (after a copy), data intact.

The fixtures are made by tests/fixtures/make_fixture_db.py (read its docstring before adding a revision)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from soloit.services.integrity import verify
from soloit.store.backup import list_backups, make_backup, online_copy
from soloit.store.db import APPLICATION_ID, facts_of, open_database, read_revision
from soloit.store.migrations import HEAD_REVISION, SCRIPT_LOCATION
from tests.helpers import AllServices as LedgerService

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "db"
FIXTURES = sorted(FIXTURE_DIR.glob("rev_*.sqlite3"))
SQLITE_HEADER = b"SQLite format 3\x00"


def backups_under(root: Path) -> list:
    """Every backup in the identity folders under a backup root."""
    return [b for folder in sorted(root.iterdir()) if folder.is_dir() for b in list_backups(folder)]


def all_revisions() -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]


def test_there_are_fixtures():
    assert FIXTURES, f"no rev_*.sqlite3 in {FIXTURE_DIR}; run tests/fixtures/make_fixture_db.py"


def test_every_older_revision_has_a_fixture():
    have = {path.stem.removeprefix("rev_") for path in FIXTURES}
    missing = [rev for rev in all_revisions() if rev != HEAD_REVISION and rev not in have]
    assert not missing, f"commit a fixture made at revision(s) {missing} (see tests/fixtures/make_fixture_db.py)"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_one_small_self_contained_file(fixture):
    assert fixture.stat().st_size < 1_000_000
    header = fixture.read_bytes()[:100]
    assert header.startswith(SQLITE_HEADER)
    assert header[18:20] == b"\x01\x01", "rollback-journal mode (not WAL), so the file alone holds every page"
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(f"{fixture}{suffix}").exists()
    app_id, revision = read_revision(fixture)
    assert app_id == APPLICATION_ID
    assert fixture.name == f"rev_{revision}.sqlite3"
    assert fixture.with_suffix(".json").exists(), "facts file written by make_fixture_db.py"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_opens_upgraded_and_intact(fixture, tmp_path):
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / "ledger.sqlite3"
    shutil.copyfile(fixture, path)
    _app_id, revision = read_revision(path)
    assert revision == expected["revision"]

    store = open_database(path)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
        assert store.pragma("application_id") == APPLICATION_ID

        report = verify(store)
        assert report.ok, report.problems
        assert report.entries == expected["journal_entries"]
        assert report.head_hash == expected["journal_head"], "an upgrade never rewrites the journal"

        service = LedgerService(store, lambda: "テスト 花子")
        municipality = service.municipality()
        assert municipality is not None
        assert {
            "prefecture_code": municipality.prefecture_code,
            "name": municipality.name,
            "lg_code": municipality.lg_code,
        } == expected["municipality"]
        systems = service.systems()
        assert len(systems) == expected["systems"]
        assert sorted(s.name for s in systems if s.business_code is None) == expected["extra_systems"]
        assert sorted(s.business_code for s in systems if s.tokutei) == expected["tokutei_systems"]
        system_17 = service.system(17)
        assert system_17.hosting == expected["system_17"]["hosting"]
        assert system_17.tokutei_target_date == date.fromisoformat(expected["system_17"]["tokutei_target_date"])
        assert service.system(3).current_vendor == expected["system_3_vendor"]
        assert sorted(o.name for o in service.organisations()) == expected["organisations"]

        snapshot = service.snapshot()
        assert sum(len(row.cells) for row in snapshot.rows) == expected["cells"]
        assert sum(c.status == "done" for row in snapshot.rows for c in row.cells) == expected["done_cells"]
        if "plan" in expected:  # fixtures made at revision 0003 on hold DX取組, 予算, 契約 and やること
            from tests.fixtures.make_fixture_db import plan_facts

            assert plan_facts(store) == expected["plan"]
        if "handover" in expected:  # fixtures made at revision 0004 on hold notes, contacts, staff and rotations
            from tests.fixtures.make_fixture_db import handover_facts

            assert handover_facts(store) == expected["handover"]
        if "notices" in expected:  # fixtures made at revision 0005 on hold handled contract notices
            from tests.fixtures.make_fixture_db import notice_facts

            assert notice_facts(store) == expected["notices"]
            assert [c.id for c in service.services.contracts.notices(date(2027, 5, 1))] == [2]  # renewed: due again
        else:  # contracts from before 0005 have no handling: every notice is still to be handled
            handled = store.query("SELECT count(*) FROM contract WHERE notice_decision IS NOT NULL OR notice_for IS NOT NULL")
            assert handled == [(0,)]
        for key, want in expected["known_cells"].items():
            code, seq = key.split("/")
            cell = service.cell(code, int(seq))
            assert cell.status == want["status"], key
            assert (cell.planned_date.isoformat() if cell.planned_date else None) == want["planned_date"], key
            assert (cell.actual_date.isoformat() if cell.actual_date else None) == want["actual_date"], key
            assert cell.note == want["note"], key

        # The upgraded file is usable: a new edit is journaled on top of the old chain.
        service.edit_cell("jumin_kihon_daicho", 12, "note", "移行後の編集")
        after = verify(store)
        assert after.ok, after.problems
        assert after.entries == expected["journal_entries"] + 1
    finally:
        store.close()

    backups = backups_under(tmp_path)
    if revision == HEAD_REVISION:
        assert backups == [], "a database already at head is opened without a copy"
    else:
        assert [b.kind for b in backups] == [f"pre-upgrade-{revision}"]
        # beside the database, in the folder of its identity, which the upgrade kept
        assert backups[0].path.parent == tmp_path / facts_of(path).identity
        assert read_revision(backups[0].path) == (APPLICATION_ID, revision)
        assert backups[0].journal_count == expected["journal_entries"]


@pytest.mark.parametrize("separate_folder", [False, True], ids=["beside", "backup_dir"])
def test_copy_is_taken_before_an_upgrade(store, db_path, tmp_path, monkeypatch, separate_folder):
    """The open-with-upgrade path, exercised by pretending this code's head is one revision newer."""
    service = LedgerService(store, lambda: "テスト 花子")
    service.edit_cell("koseki", 5, "note", "アップグレード前の内容")
    entries = verify(store).entries
    store.close()
    monkeypatch.setattr("soloit.store.db.HEAD_REVISION", "0002_pretend")
    backup_dir = tmp_path / "backups" if separate_folder else None
    upgraded = open_database(db_path, backup_dir=backup_dir)
    upgraded.close()
    backups = backups_under(backup_dir or db_path.parent)
    assert [b.kind for b in backups] == [f"pre-upgrade-{HEAD_REVISION}"]
    backup = backups[0]
    assert backup.kept, "rotation never deletes a pre-upgrade copy"
    assert backup.journal_count == entries
    assert read_revision(backup.path) == (APPLICATION_ID, HEAD_REVISION)
    assert _rows(backup.path, NOTE_OF_KOSEKI_5) == [("アップグレード前の内容",)]


NOTE_OF_KOSEKI_5 = (
    "SELECT note FROM step_cell JOIN system ON system.id = step_cell.system_id "
    "WHERE business_code = 'koseki' AND step_seq = 5"
)


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@contextmanager
def uncheckpointed_writes(db_path: Path) -> Iterator[None]:
    """Rows committed through one open connection that stay in the -wal file (no checkpoint) while the block runs."""
    writer = sqlite3.connect(db_path)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")  # keep every new page in the -wal file
        writer.execute("CREATE TABLE probe (n INTEGER, label TEXT)")
        writer.executemany("INSERT INTO probe VALUES (?, ?)", [(n, f"行{n}") for n in range(500)])
        writer.execute("UPDATE step_cell SET note = 'WALの中だけ' WHERE system_id = 1 AND step_seq = 1")
        writer.commit()
        wal = Path(f"{db_path}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        # A plain copy of the main file alone does not have the new rows: they live only in the WAL.
        plain = db_path.with_name("plain-copy.sqlite3")
        shutil.copyfile(db_path, plain)
        assert not _rows(plain, "SELECT name FROM sqlite_master WHERE name = 'probe'")
        plain.unlink()
        yield
    finally:
        writer.close()


def assert_full_copy(copy: Path, db_path: Path) -> None:
    data = copy.read_bytes()
    assert data[:16] == SQLITE_HEADER
    assert data[18:20] == b"\x01\x01", "the copy is one self-contained file"
    assert not Path(f"{copy}-wal").exists()
    assert not copy.with_name(copy.name + ".partial").exists()
    assert _rows(copy, "SELECT count(*), sum(n) FROM probe") == [(500, sum(range(500)))]
    assert _rows(copy, "SELECT note FROM step_cell WHERE system_id = 1 AND step_seq = 1") == [("WALの中だけ",)]
    assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert read_revision(copy) == (APPLICATION_ID, HEAD_REVISION)
    for table in ("municipality", "organisation", "system", "step_cell", "journal", "meta"):
        assert _rows(copy, f"SELECT * FROM {table} ORDER BY 1") == _rows(db_path, f"SELECT * FROM {table} ORDER BY 1")


def test_online_copy_includes_uncheckpointed_wal_content(store, db_path, tmp_path):
    target = tmp_path / "copies" / "copy.sqlite3"
    with uncheckpointed_writes(db_path):
        copy = online_copy(db_path, target)
    assert copy == target
    assert_full_copy(copy, db_path)


def test_pre_upgrade_backup_includes_uncheckpointed_wal_content(store, db_path, tmp_path):
    with uncheckpointed_writes(db_path):
        info = make_backup(db_path, tmp_path / "backups", kind=f"pre-upgrade-{HEAD_REVISION}")
    assert info.path.parent == tmp_path / "backups"
    assert info.kind == f"pre-upgrade-{HEAD_REVISION}"
    assert info.kept
    assert_full_copy(info.path, db_path)
    assert [b.path for b in list_backups(tmp_path / "backups")] == [info.path]


def test_online_copy_replaces_target_atomically(store, db_path, tmp_path):
    target = tmp_path / "backups" / "copy.sqlite3"
    online_copy(db_path, target)
    first = _rows(target, "SELECT count(*) FROM journal")
    online_copy(db_path, target)  # over an existing copy
    assert _rows(target, "SELECT count(*) FROM journal") == first
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite3"]


def test_fixture_script_still_builds_the_head_fixture(tmp_path):
    """make_fixture_db.py must keep working at head: the next revision's author runs it before adding theirs."""
    from tests.fixtures import make_fixture_db

    path = tmp_path / "fresh.sqlite3"
    make_fixture_db.build(path)
    fresh = make_fixture_db.facts(path)
    committed = FIXTURE_DIR / f"rev_{HEAD_REVISION}.json"
    if not committed.exists():
        pytest.skip("no fixture for the head revision yet")
    expected = json.loads(committed.read_text(encoding="utf-8"))
    # The head hash covers the entries' timestamps, so only it differs between two runs.
    assert {k: v for k, v in fresh.items() if k != "journal_head"} == {
        k: v for k, v in expected.items() if k != "journal_head"
    }


def test_a_demo_made_by_soloit_0_1_is_marked_as_a_demo_when_upgraded(tmp_path):
    """0.1 did not mark its demo; after the upgrade its backups go to the demo's own root, never among real ones."""
    path = tmp_path / "old-demo.sqlite3"
    shutil.copyfile(FIXTURE_DIR / "rev_0001.sqlite3", path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE municipality SET prefecture_code = '10', name = 'みどり野町（デモ）', lg_code = '109991'")
    conn.commit()
    conn.close()
    store = open_database(path, backup_dir=tmp_path / "backups")
    try:
        assert store.facts().demo
    finally:
        store.close()
    real = tmp_path / "real.sqlite3"
    shutil.copyfile(FIXTURE_DIR / "rev_0001.sqlite3", real)
    store = open_database(real, backup_dir=tmp_path / "backups")
    try:
        assert not store.facts().demo  # 千代田区 stays real
    finally:
        store.close()
