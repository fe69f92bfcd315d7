"""The SQLite store: PRAGMAs on every connection, recognising soloit's files, refusing newer ones, transactions."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from soloit.store.backup import list_backups
from soloit.store.db import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    Store,
    create_database,
    open_database,
    read_revision,
)
from soloit.store.errors import (
    DatabaseMissingError,
    IncompleteDatabaseError,
    NewerDatabaseError,
    NotSoloitDatabaseError,
    StoreError,
)
from soloit.store.migrations import HEAD_REVISION, SCRIPT_LOCATION
from soloit.store.models import Meta, Municipality, StepCell

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EXPECTED_PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


def assert_connection_pragmas(read) -> None:
    for name, value in EXPECTED_PRAGMAS.items():
        assert read(name) == value, name
    assert read("busy_timeout") > 0


def test_pragmas_through_store_pragma(store):
    assert_connection_pragmas(store.pragma)
    assert store.pragma("busy_timeout") == BUSY_TIMEOUT_MS


def test_pragmas_on_two_pooled_connections_at_once(store):
    with store.engine.connect() as first, store.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        for conn in (first, second):
            assert_connection_pragmas(lambda name, conn=conn: conn.exec_driver_sql(f"PRAGMA {name}").scalar())


def test_pragmas_inside_read_and_write_sessions(store):
    with store.write() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_pragmas_after_reopening(store, db_path):
    store.close()
    reopened = open_database(db_path)
    try:
        assert_connection_pragmas(reopened.pragma)
    finally:
        reopened.close()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError), store.write() as session:
        session.add(StepCell(system_id=999, step_seq=1, status="not_started"))
        session.flush()


def test_application_id_is_set(store, db_path):
    assert store.pragma("application_id") == APPLICATION_ID
    app_id, revision = read_revision(db_path)
    assert app_id == APPLICATION_ID
    assert revision == HEAD_REVISION


def test_new_database_is_at_head(tmp_path):
    opened = create_database(tmp_path / "empty.sqlite3")
    try:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
    finally:
        opened.close()


def assert_japanese(message: str, *words: str) -> None:
    assert JAPANESE.search(message), message
    assert all(word in message for word in words), message


def test_missing_file(tmp_path):
    path = tmp_path / "nothing.sqlite3"
    with pytest.raises(DatabaseMissingError) as caught:
        open_database(path)
    assert_japanese(caught.value.message_ja, "見つかりません", str(path))
    assert not path.exists()


def test_not_an_sqlite_file(tmp_path):
    path = tmp_path / "notes.sqlite3"
    content = "これはデータベースではありません。\n".encode() * 200
    path.write_bytes(content)
    with pytest.raises(NotSoloitDatabaseError) as caught:
        open_database(path)
    assert_japanese(caught.value.message_ja, "soloit", str(path))
    assert path.read_bytes() == content
    assert isinstance(caught.value, StoreError)


def test_sqlite_file_of_another_program(tmp_path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES (?)", (HEAD_REVISION,))
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotSoloitDatabaseError) as caught:
        open_database(path)
    assert_japanese(caught.value.message_ja, "soloit")
    assert path.read_bytes() == before


def test_soloit_application_id_without_alembic_version(tmp_path):
    """soloit's own file (by its application id) without its tables is damaged data, not someone else's file."""
    path = tmp_path / "half.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(IncompleteDatabaseError) as caught:
        open_database(path)
    assert "表" in caught.value.message_ja


def test_newer_database_is_refused_and_left_untouched(store, db_path):
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError) as caught:
        open_database(db_path)
    assert_japanese(caught.value.message_ja, "新しいバージョン", "9999_future")
    assert db_path.read_bytes() == before
    assert list_backups(db_path.parent) == [], "no upgrade copy for a refused file"
    assert read_revision(db_path) == (APPLICATION_ID, "9999_future")


def test_head_revision_matches_alembic_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_heads() == [HEAD_REVISION], "exactly one head, and HEAD_REVISION names it"
    assert scripts.get_current_head() == HEAD_REVISION


def test_schema_from_migrations_matches_models(store):
    """A model column added without an Alembic revision (or the reverse) shows here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from soloit.store.models import Base

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The journal's lookup index lives only in the migration.
    unexpected = [d for d in diffs if not (d[0] == "remove_index" and d[1].name == "ix_journal_entity")]
    assert unexpected == []


def test_create_database_refuses_an_existing_file(tmp_path):
    path = tmp_path / "taken.sqlite3"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError) as caught:
        create_database(path)
    assert_japanese(caught.value.message_ja, "既に存在")
    assert path.read_bytes() == b"precious"


def test_create_database_refuses_an_existing_ledger(store, db_path):
    store.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError):
        create_database(db_path)
    assert db_path.read_bytes() == before


def test_create_database_accepts_an_empty_file(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    opened = create_database(path)
    opened.close()
    assert read_revision(path) == (APPLICATION_ID, HEAD_REVISION)


def test_write_rolls_back_on_exception(store):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.write() as session:
        session.add(Meta(key="half_done", value="x"))
        municipality = session.get(Municipality, 1)
        municipality.name = "書きかけ"
        session.flush()
        raise Boom
    with store.read() as session:
        assert session.get(Meta, "half_done") is None
        assert session.get(Municipality, 1).name == "札幌市"


def test_write_commits(store):
    with store.write() as session:
        session.add(Meta(key="kept", value="はい"))
    with store.read() as session:
        assert session.scalar(select(Meta.value).where(Meta.key == "kept")) == "はい"


def test_store_keeps_its_path(store, db_path):
    assert isinstance(store, Store)
    assert Path(store.path) == db_path


# --- awkward files and paths -------------------------------------------------------------------------------


def test_zero_byte_file_is_not_soloit(tmp_path):
    path = tmp_path / "zero.sqlite3"
    path.touch()
    with pytest.raises(NotSoloitDatabaseError):
        open_database(path)
    assert path.read_bytes() == b""


def test_empty_alembic_version_table_is_a_damaged_soloit_file(tmp_path):
    path = tmp_path / "half-made.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.commit()
    conn.close()
    with pytest.raises(IncompleteDatabaseError):
        open_database(path)


def test_folder_instead_of_a_database_file(tmp_path):
    folder = tmp_path / "データ"
    folder.mkdir()
    with pytest.raises(StoreError):
        open_database(folder)


@pytest.mark.parametrize("folder_name", ["情報政策係", "100%予算", "R7%41", "R7 台帳 (写し)"])
def test_ordinary_folder_names(tmp_path, folder_name):
    from soloit.services.setup import create_ledger

    path = tmp_path / folder_name / "ledger.sqlite3"
    create_ledger(path, "01", "札幌市", "011002", actor="テスト 花子").close()
    reopened = open_database(path)
    reopened.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]


def test_folder_name_with_hash_opens(tmp_path):
    """'#' (legal in Windows folder names) must not start a URI fragment and open a different, new file."""
    from soloit.services.setup import create_ledger

    path = tmp_path / "情報政策係#1" / "ledger.sqlite3"
    create_ledger(path, "01", "札幌市", "011002", actor="テスト 花子").close()
    reopened = open_database(path)
    reopened.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["情報政策係#1"], "no stray file beside the folder"


def test_online_copy_from_a_folder_name_with_hash(tmp_path):
    """A backup from a '#' folder holds the ledger, not an empty database."""
    from soloit.services.setup import create_ledger
    from soloit.store.backup import online_copy

    path = tmp_path / "情報政策係#1" / "ledger.sqlite3"
    create_ledger(path, "01", "札幌市", "011002", actor="テスト 花子").close()
    copy = online_copy(path, tmp_path / "copy.sqlite3")
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT name FROM municipality").fetchone() == ("札幌市",)
    finally:
        conn.close()


def test_folder_name_with_question_mark(tmp_path):
    """'?' cannot occur in Windows names, but can on macOS/Linux; the URL must not cut the path there."""
    path = tmp_path / "どこ?" / "ledger.sqlite3"
    create_database(path).close()
    assert path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["どこ?"]
