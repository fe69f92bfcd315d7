"""Engine, connect-time PRAGMAs, opening (with automatic migration) and the unit-of-work helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from soloit.store.errors import DatabaseMissingError, NewerDatabaseError, NotSoloitDatabaseError, StoreError
from soloit.store.migrations import HEAD_REVISION, SCRIPT_LOCATION

# PRAGMA application_id marks a file as soloit's ("SOLO").
APPLICATION_ID = 0x534F4C4F
BUSY_TIMEOUT_MS = 5000
CONNECTION_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
}


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit transactions are off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def read_revision(path: Path) -> tuple[int, str | None]:
    """(application_id, alembic revision or None) read with plain sqlite3, read-only, without Alembic."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] if has_version else None
        return app_id, revision
    except sqlite3.DatabaseError as exc:
        raise NotSoloitDatabaseError(
            f"「{path}」は soloit のデータベースとして読み取れません（SQLite のファイルではないか、壊れています）。"
        ) from exc
    finally:
        conn.close()


class Store:
    """An open soloit database. Sessions come from `read()` (deferred) and `write()` (BEGIN IMMEDIATE, commits)."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back on any exception."""
        with self._write_sessions() as session, session.begin():
            yield session

    def pragma(self, name: str) -> object:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

    def close(self) -> None:
        self.engine.dispose()


def _upgrade(engine: Engine) -> None:
    from alembic import command  # heavy: only when the schema is behind
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def create_database(path: Path) -> Store:
    """A new, empty soloit database at `path` (schema at head, nothing seeded)."""
    if path.exists() and path.stat().st_size > 0:
        raise StoreError(f"「{path}」は既に存在します。上書きはしません。")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    _upgrade(engine)
    return Store(path, engine)


def open_database(path: Path) -> Store:
    """Open an existing soloit database, upgrading its schema (after an online backup) when it is behind."""
    if not path.exists():
        raise DatabaseMissingError(f"データベース「{path}」が見つかりません。")
    app_id, revision = read_revision(path)
    if app_id != APPLICATION_ID or revision is None:
        raise NotSoloitDatabaseError(f"「{path}」は soloit のデータベースではありません。")
    if revision != HEAD_REVISION:
        if revision not in _known_revisions():
            raise NewerDatabaseError(
                f"「{path}」は新しいバージョンの soloit で作成・更新されています（スキーマ {revision}）。"
                "このバージョンでは開けません。soloit を更新してから開いてください。"
            )
        from soloit.store.backup import pre_upgrade_copy

        pre_upgrade_copy(path, revision)
        engine = make_engine(path)
        _upgrade(engine)
        return Store(path, engine)
    return Store(path, make_engine(path))
