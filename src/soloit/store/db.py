"""Engine, connect-time PRAGMAs, opening (with automatic migration) and the unit-of-work helpers."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from soloit.store.errors import (
    CorruptDatabaseError,
    DatabaseMissingError,
    NetworkLocationError,
    NewerDatabaseError,
    NotSoloitDatabaseError,
    StoreError,
    from_sqlite,
)
from soloit.store.location import is_network_path
from soloit.store.migrations import HEAD_REVISION, SCRIPT_LOCATION
from soloit.store.uri import file_uri

# PRAGMA application_id marks a file as soloit's ("SOLO").
APPLICATION_ID = 0x534F4C4F
BUSY_TIMEOUT_MS = 5000
CONNECTION_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
}


def _connect_hook(busy_timeout_ms: int, readonly: bool):
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit transactions are off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not readonly:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        finally:
            cursor.close()

    return on_connect


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine whose every connection sets WAL, synchronous=FULL, foreign keys and a busy timeout.

    `readonly` opens through a `mode=ro` URI (read-only commands such as verify, and tests of a read-only place)."""
    # The connection is made here, not from a URL: SQLAlchemy's URL parsing would cut a path at '?' or '#'.
    if readonly:
        uri = file_uri(path)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
                               poolclass=QueuePool)
    else:
        target = str(path)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(target, check_same_thread=False),
                               poolclass=QueuePool)
    event.listen(engine, "connect", _connect_hook(busy_timeout_ms, readonly))
    event.listen(engine, "begin", _on_begin)
    return engine


def read_revision(path: Path) -> tuple[int, str | None]:
    """(application_id, alembic revision or None) read with plain sqlite3, read-only, without Alembic."""
    try:
        conn = sqlite3.connect(file_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise (from_sqlite(exc, path) or StoreError(f"「{path}」を開けません: {exc}")) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        revision = row[0] if row else None
        return app_id, revision
    except sqlite3.DatabaseError as exc:
        typed = from_sqlite(exc, path)
        if typed is not None and not isinstance(typed, NotSoloitDatabaseError):
            raise typed from exc
        raise NotSoloitDatabaseError(
            f"「{path}」は soloit のデータベースとして読み取れません（SQLite のファイルではないか、壊れています）。"
        ) from exc
    finally:
        conn.close()


def quick_check(path: Path) -> str:
    """SQLite's PRAGMA quick_check on the file ("ok" when sound); read-only."""
    try:
        conn = sqlite3.connect(file_uri(path), uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        typed = from_sqlite(exc, path)
        if typed is None:
            raise
        if isinstance(typed, CorruptDatabaseError | NotSoloitDatabaseError):
            return str(exc)
        raise typed from exc
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


class Store:
    """An open soloit database. Sessions come from `read()` (deferred) and `write()` (BEGIN IMMEDIATE, commits).

    Environmental SQLite failures leave these as typed StoreErrors (disk full, read-only, locked, corrupt)."""

    def __init__(self, path: Path, engine: Engine, *, readonly: bool = False) -> None:
        self.path = path
        self.engine = engine
        self.readonly = readonly
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._read_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back on any exception."""
        if self.readonly:
            from soloit.store.errors import ReadOnlyError

            raise ReadOnlyError(f"「{self.path}」は読み取り専用で開いています。変更は保存されていません。")
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

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


def network_refusal(path: Path) -> NetworkLocationError:
    return NetworkLocationError(
        f"「{path}」はネットワーク上のフォルダ（共有フォルダ・ネットワークドライブ）にあります。"
        "soloit のデータベースは SQLite の WAL 方式を使うため、ネットワーク上では安全に動きません（同時アクセスや切断で壊れるおそれ）。"
        "データベースはこのパソコンのローカルディスクに置き、バックアップの保存先として共有フォルダを指定してください。"
    )


def _create_private_file(path: Path) -> None:
    """An empty file readable by its owner only (SQLite gives its -wal and -shm files the same mode)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def create_database(path: Path, *, check_location: bool = True) -> Store:
    """A new, empty soloit database at `path` (schema at head, nothing seeded)."""
    if path.exists() and path.stat().st_size > 0:
        raise StoreError(f"「{path}」は既に存在します。上書きはしません。")
    if check_location and is_network_path(path):
        raise network_refusal(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StoreError(f"「{path}」を作成できません: {exc.strerror or exc}") from exc
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        _upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise (from_sqlite(exc, path) or exc) from exc
    return Store(path, engine)


def open_database(
    path: Path,
    *,
    backup_dir: Path | None = None,
    readonly: bool = False,
    check_location: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Store:
    """Open an existing soloit database after checking it (quick_check), upgrading its schema when it is behind
    (after a checked backup). `readonly` never writes and refuses a schema that is behind."""
    if not path.exists():
        raise DatabaseMissingError(f"データベース「{path}」が見つかりません。")
    if check_location and not readonly and is_network_path(path):
        raise network_refusal(path)
    app_id, revision = read_revision(path)
    if app_id != APPLICATION_ID or revision is None:
        raise NotSoloitDatabaseError(f"「{path}」は soloit のデータベースではありません。")
    problem = quick_check(path)
    if problem != "ok":
        raise CorruptDatabaseError(f"データベース「{path}」が壊れています（SQLite の検査結果: {problem[:200]}）。")
    if revision != HEAD_REVISION:
        if revision not in _known_revisions():
            raise NewerDatabaseError(
                f"「{path}」は新しいバージョンの soloit で作成・更新されています（スキーマ {revision}）。"
                "このバージョンでは開けません。soloit を更新してから開いてください。"
            )
        if readonly:
            raise StoreError(f"「{path}」は古い形式です。一度 soloit で開いて更新してから、もう一度実行してください。")
        from soloit.store.backup import make_backup

        make_backup(path, backup_dir or path.parent, kind=f"pre-upgrade-{revision}")
        engine = make_engine(path, busy_timeout_ms=busy_timeout_ms)
        try:
            _upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise (from_sqlite(exc, path) or exc) from exc
        return Store(path, engine)
    return Store(path, make_engine(path, readonly=readonly, busy_timeout_ms=busy_timeout_ms), readonly=readonly)
