"""Opening soloit databases: proving a file is soloit's own, checking it, upgrading it, and the Store that hands
out connections.

Two kinds of connection, both used only by the thread that made the Store (a job on another thread opens its own
Store; using one from another thread is refused):
  - `raw()`: a plain sqlite3 connection for fast reads (the grid at start-up, verify, history) — query-only;
  - `read()` / `write()`: SQLAlchemy ORM sessions for changes. SQLAlchemy is imported when the first session is
    needed, not at start-up (importing it costs about 0.2 s, more than drawing the window).
The checks at open use only the sqlite3 module."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soloit.store.errors import (
    CorruptDatabaseError,
    DatabaseMissingError,
    IncompleteDatabaseError,
    NewerDatabaseError,
    NotSoloitDatabaseError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabaseError,
    WrongThreadError,
    from_sqlite,
)
from soloit.store.location import is_network_path, network_refusal
from soloit.store.migrations import HEAD_REVISION, SCRIPT_LOCATION
from soloit.store.uri import file_uri

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# PRAGMA application_id marks a file as soloit's ("SOLO"), at bytes 68..71 of the SQLite header.
APPLICATION_ID = 0x534F4C4F
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
CONNECTION_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
}
# Tables every soloit database at head has (a file with soloit's application id but without them is damaged).
REQUIRED_TABLES = ("alembic_version", "meta", "municipality", "organisation", "system", "step_cell", "journal")
IDENTITY_KEY = "database_id"
DEMO_KEY = "demo"


# --- is it ours? ---------------------------------------------------------------------------------------------------


def read_header(path: Path) -> bytes:
    """The first 100 bytes of the file (fewer for a short file)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(100)
    except FileNotFoundError:
        raise DatabaseMissingError(f"データベース「{path}」が見つかりません。") from None
    except OSError as exc:
        raise UnreadableDatabaseError(
            f"「{path}」を読み取れません（{exc.strerror or exc}）。ファイルの権限やディスクの状態を確認してください。"
        ) from exc


def is_soloit_header(header: bytes) -> bool:
    """True when the bytes are an SQLite header carrying soloit's application id: proof that the file is ours."""
    return len(header) >= 72 and header.startswith(SQLITE_MAGIC) and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def prove_soloit(path: Path) -> None:
    """Raise NotSoloitDatabaseError unless the file's header says it is a soloit database. Such a file is never
    treated as damaged data: nothing is offered, renamed or replaced."""
    header = read_header(path)
    if is_soloit_header(header):
        return
    if not header:
        raise NotSoloitDatabaseError(f"「{path}」は空のファイルです。soloit のデータベースではありません。")
    if header.startswith(SQLITE_MAGIC):
        what = "別のプログラムの SQLite データベース"
    elif header.startswith(b"PK\x03\x04"):
        what = "Excel や Word などの Office 文書（ZIP 形式）"
    else:
        what = "SQLite のデータベースではないファイル"
    raise NotSoloitDatabaseError(
        f"「{path}」は soloit のデータベースではありません（{what}です）。"
        "このファイルには何もしていません。soloit のデータベース（.sqlite3）を指定してください。"
    )


def _ro_connect(path: Path, immutable: bool = False) -> sqlite3.Connection:
    try:
        return sqlite3.connect(file_uri(path, immutable=immutable), uri=True)
    except sqlite3.Error as exc:
        raise (from_sqlite(exc, path) or StoreError(f"「{path}」を開けません: {exc}")) from exc


def read_revision(path: Path, immutable: bool = False) -> tuple[int, str | None]:
    """(application_id, alembic revision or None) read with plain sqlite3, read-only, without Alembic."""
    conn = _ro_connect(path, immutable)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        return app_id, (row[0] if row else None)
    except sqlite3.DatabaseError as exc:
        typed = from_sqlite(exc, path)
        if typed is not None and not isinstance(typed, NotSoloitDatabaseError):
            raise typed from exc
        raise CorruptDatabaseError(f"データベース「{path}」が壊れています（SQLite が読み取れません: {exc}）。") from exc
    finally:
        conn.close()


def missing_tables(path: Path, immutable: bool = False) -> list[str]:
    conn = _ro_connect(path, immutable)
    try:
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise (from_sqlite(exc, path) or CorruptDatabaseError(f"データベース「{path}」が壊れています。")) from exc
    finally:
        conn.close()
    return [name for name in REQUIRED_TABLES if name not in present]


def quick_check(path: Path, immutable: bool = False) -> str:
    """SQLite's PRAGMA quick_check on the file ("ok" when sound); read-only."""
    try:
        conn = sqlite3.connect(file_uri(path, immutable=immutable), uri=True)
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


# --- facts about a file ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What a database (or a backup of one) says about itself, read without SQLAlchemy."""

    identity: str  # stable for the life of the ledger: kept through upgrades, backups and restores
    demo: bool
    journal_count: int
    journal_head: str
    municipality: str
    lg_code: str
    last_change: str  # ISO UTC of the newest journal entry, "" when none


def derived_identity(first_entry_hash: str | None) -> str:
    """The identity of a database made before identities were stored: its first journal entry's hash (unique to
    the moment and person that created it), so every copy and old backup of it derives the same identity."""
    return (first_entry_hash or "0" * 64)[:32]


def read_facts(conn: sqlite3.Connection, path: Path | None = None) -> DatabaseFacts:
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        muni = conn.execute("SELECT name, lg_code FROM municipality WHERE id = 1").fetchone()
        last = conn.execute("SELECT recorded_at FROM journal ORDER BY id DESC LIMIT 1").fetchone()
        identity = meta.get(IDENTITY_KEY)
        if not identity:
            first = conn.execute("SELECT hash FROM journal WHERE id = 1").fetchone()
            identity = derived_identity(first[0] if first else None)
    except sqlite3.DatabaseError as exc:
        where = f"「{path}」" if path else "データベース"
        raise CorruptDatabaseError(f"{where}は soloit のデータベースとして読み取れません: {exc}") from exc
    return DatabaseFacts(
        identity=str(identity),
        demo=meta.get(DEMO_KEY) == "1",
        journal_count=int(meta.get("journal_count", 0)),
        journal_head=str(meta.get("journal_head", "0" * 64)),
        municipality=str(muni[0]) if muni else "",
        lg_code=str(muni[1]) if muni else "",
        last_change=str(last[0]) if last else "",
    )


def facts_of(path: Path) -> DatabaseFacts:
    """Facts of a database file or backup, read-only. Another program's file is refused before SQLite opens it
    (a read-only connection to a WAL database would still leave -wal and -shm files beside it)."""
    prove_soloit(path)
    conn = _ro_connect(path)
    try:
        return read_facts(conn, path)
    finally:
        conn.close()


def main_file_facts(path: Path) -> DatabaseFacts:
    """Facts of the database file alone, as it is on disk: any -wal beside it is ignored (SQLite's immutable mode:
    no locks, nothing created beside the file). The identity a file really has, whatever -wal lies next to it."""
    prove_soloit(path)
    conn = _ro_connect(path, immutable=True)
    try:
        return read_facts(conn, path)
    finally:
        conn.close()


# --- the store ---------------------------------------------------------------------------------------------------------


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


def make_engine(
    path: Path, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS, immutable: bool = False
) -> Engine:
    """An engine whose every connection sets WAL, synchronous=FULL, foreign keys and a busy timeout.

    Connections keep sqlite3's same-thread check: an engine belongs to the thread of its Store.
    `readonly` opens through a `mode=ro` URI (read-only commands such as verify, and tests of a read-only place);
    `immutable` (with `readonly`) reads the database file alone, ignoring any -wal (store/uri.py)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    # The connection is made here, not from a URL: SQLAlchemy's URL parsing would cut a path at '?' or '#'.
    if readonly:
        uri = file_uri(path, immutable=immutable)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=QueuePool)
    else:
        target = str(path)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(target), poolclass=QueuePool)
    event.listen(engine, "connect", _connect_hook(busy_timeout_ms, readonly))
    event.listen(engine, "begin", _on_begin)
    return engine


def warm_up_orm() -> None:
    """Import SQLAlchemy, the models and the journal, and configure the mappers: ~0.3 s the first change would
    otherwise pay. Safe on any thread (no connection is made: SQLite connections belong to their Store's thread)."""
    from sqlalchemy.orm import configure_mappers

    from soloit.store import journal, models  # noqa: F401

    configure_mappers()


class Store:
    """An open soloit database, used by the thread that created it. Environmental SQLite failures surface as typed
    StoreErrors (disk full, read-only, locked, corrupt)."""

    def __init__(
        self,
        path: Path,
        engine: Engine | None = None,
        *,
        readonly: bool = False,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        immutable: bool = False,
    ) -> None:
        self.path = path
        self.readonly = readonly or immutable
        self.immutable = immutable  # the database file alone, any -wal ignored (a foreign -wal, or verify)
        self._busy_timeout_ms = busy_timeout_ms
        self._owner = threading.get_ident()
        self._engine = engine
        self._raw: sqlite3.Connection | None = None
        self._sessions: tuple[Any, Any] | None = None
        self._closed = False
        self.kept_wal: Any = None  # store.wal_guard.KeptWal while the caller's checks at open are still running
        self.notices: list[str] = []  # what the user should be told about the open (a -wal kept aside …)

    # --- threads ---------------------------------------------------------------------------------------------

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise WrongThreadError(
                "a Store is used only by the thread that opened it; open another with for_this_thread() in the job"
            )

    def for_this_thread(self) -> Store:
        """A new Store on the same file for the calling thread (a job's own connection; no checks re-run)."""
        return Store(self.path, readonly=self.readonly, busy_timeout_ms=self._busy_timeout_ms, immutable=self.immutable)

    # --- connections ------------------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        self._check_thread()
        if self._engine is None:
            self._engine = make_engine(
                self.path, readonly=self.readonly, busy_timeout_ms=self._busy_timeout_ms, immutable=self.immutable
            )
        return self._engine

    def _sessionmakers(self) -> tuple[Any, Any]:
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            engine = self.engine
            self._sessions = (
                sessionmaker(engine, expire_on_commit=False),
                sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False),
            )
        return self._sessions

    def warm_up(self) -> None:
        """Import SQLAlchemy and the models, make the engine and open its first connection (kept in the pool), so
        the first change is quick; nothing on a closed store. The window calls it once it has been idle a moment."""
        if self._closed:
            return
        warm_up_orm()
        self._sessionmakers()
        with self.engine.connect():  # the connect-time PRAGMAs run now; the first change takes this connection
            pass

    def raw(self) -> sqlite3.Connection:
        """This thread's plain sqlite3 connection for reads (query-only: it can never write)."""
        self._check_thread()
        if self._raw is None:
            try:
                conn = (
                    sqlite3.connect(file_uri(self.path, immutable=self.immutable), uri=True)
                    if self.readonly
                    else sqlite3.connect(self.path)
                )
                conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
                conn.execute("PRAGMA query_only=1")
            except sqlite3.Error as exc:
                raise (from_sqlite(exc, self.path) or exc) from exc
            self._raw = conn
        return self._raw

    def query(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """Rows of a read query on the raw connection (errors typed like every other store error)."""
        try:
            return self.raw().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlalchemy.exc import DBAPIError

        read_sessions, _ = self._sessionmakers()
        try:
            with read_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back on any exception."""
        if self.readonly:
            raise ReadOnlyError(
                f"「{self.path}」は読み取り専用で開いています。変更は保存されていません。"
                "編集するには、表示された問題を解決してから開き直してください。"
            )
        from sqlalchemy.exc import DBAPIError

        _, write_sessions = self._sessionmakers()
        try:
            with write_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

    def pragma(self, name: str) -> object:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

    def facts(self) -> DatabaseFacts:
        try:
            return read_facts(self.raw(), self.path)
        except sqlite3.Error as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc

    def close(self) -> None:
        self._closed = True
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        if self._engine is not None:
            self._engine.dispose()
        self._sessions = None


# --- creating, upgrading, opening ----------------------------------------------------------------------------------


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


def _create_private_file(path: Path) -> None:
    """An empty file readable by its owner only (SQLite gives its -wal and -shm files the same mode)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def create_database(path: Path, *, check_location: bool = True, demo: bool = False) -> Store:
    """A new, empty soloit database at `path` (schema at head, a new identity, nothing seeded)."""
    from sqlalchemy.exc import DBAPIError

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
    # The application id is written before WAL mode is on, so it is in the file's own header from the start: in
    # WAL mode it would stay in the -wal until the first checkpoint, and a soloit killed before that would find
    # its own new ledger "not a soloit database" (prove_soloit reads the file's header, never the -wal).
    try:
        first = sqlite3.connect(path)
        try:
            first.execute(f"PRAGMA application_id={APPLICATION_ID}")
            first.commit()
        finally:
            first.close()
    except sqlite3.Error as exc:
        raise (from_sqlite(exc, path) or StoreError(f"「{path}」を作成できません: {exc}")) from exc
    engine = make_engine(path)
    try:
        _upgrade(engine)  # revision 0002 gives the new database its identity
        if demo:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (DEMO_KEY,))
    except DBAPIError as exc:
        engine.dispose()
        raise (from_sqlite(exc, path) or exc) from exc
    return Store(path, engine)


def check_file(path: Path, *, check_location: bool = True, readonly: bool = False, immutable: bool = False) -> str:
    """Every check at open that needs no SQLAlchemy; returns the file's schema revision. `immutable` checks the
    database file alone (any -wal ignored) and leaves nothing beside it.

    NotSoloitDatabaseError: not ours (never treated as damage). CorruptDatabaseError / IncompleteDatabaseError: ours
    but damaged. NewerDatabaseError: made by a newer soloit."""
    if not path.exists():
        raise DatabaseMissingError(f"データベース「{path}」が見つかりません。")
    if check_location and not readonly and is_network_path(path):
        raise network_refusal(path)
    prove_soloit(path)
    _app_id, revision = read_revision(path, immutable)
    if revision is None:
        raise IncompleteDatabaseError(
            f"データベース「{path}」は soloit のファイルですが、中身（表）がありません。作成の途中で止まったか、壊れています。"
        )
    problem = quick_check(path, immutable)
    if problem != "ok":
        raise CorruptDatabaseError(f"データベース「{path}」が壊れています（SQLite の検査結果: {problem[:200]}）。")
    if revision != HEAD_REVISION and revision not in _known_revisions():
        raise NewerDatabaseError(
            f"「{path}」は新しいバージョンの soloit で作成・更新されています（スキーマ {revision}）。"
            "このバージョンでは開けません。soloit を更新してから開いてください。"
        )
    if revision == HEAD_REVISION:
        missing = missing_tables(path, immutable)
        if missing:
            raise IncompleteDatabaseError(
                f"データベース「{path}」は soloit のファイルですが、表（{'、'.join(missing)}）がありません。壊れています。"
            )
    return revision


def open_database(
    path: Path,
    *,
    backup_dir: Path | None = None,
    readonly: bool = False,
    check_location: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    accept_wal_loss: bool = False,
    keep_wal_copy: bool = False,
) -> Store:
    """Open an existing soloit database after checking it, upgrading its schema when it is behind (after a checked
    backup into the database's own folder under the backup root `backup_dir`, by default the database's folder).
    `readonly` never writes and refuses a schema that is behind.

    A non-empty -wal is copied and analysed before SQLite sees it (store/wal_guard.py): committed changes SQLite
    would drop raise WalDamagedError (the copies are kept) unless `accept_wal_loss`. The private copy is deleted
    when the checks pass — or, with `keep_wal_copy`, left on `store.kept_wal` for the caller's own checks.

    A -wal of another database (wal_guard.WalView.foreign) is moved aside as <db>.foreign-<time>-wal and the file
    opens without it (`readonly`: it stays, and the file alone is read); a -wal ending inside a frame is kept
    like a damaged one and the file opens with its intact part. Either is said in `store.notices`."""
    from soloit.store.errors import CorruptDatabaseError, WalDamagedError
    from soloit.store.wal_guard import foreign_notice_ja, keep_wal, newest_backup, truncated_notice_ja

    if path.exists() and not path.is_dir():
        prove_soloit(path)  # another program's file: nothing is copied, offered or renamed
    kept = keep_wal(path) if path.is_file() else None
    notices: list[str] = []
    immutable = False
    try:
        view = kept.inspect() if kept is not None else None
        if kept is not None and view is not None and view.foreign:
            if readonly:  # never writes: the -wal stays where it is, and the file alone is read
                kept.release()
                immutable = True
                notices.append(foreign_notice_ja(
                    path, view, "SQLite には読ませず、データベース本体だけを読み取り専用で開きました（-wal ファイルはそのままです）。"
                ))
            else:
                aside = kept.set_aside_foreign()
                notices.append(foreign_notice_ja(
                    path, view, f"SQLite には読ませずに「{aside.name}」として残し、データベース本体だけで開きました。"
                ))
            kept = None
        elif kept is not None and view is not None and kept.report.truncated and not accept_wal_loss:
            aside = kept.set_aside()
            known = view.main or view.with_wal
            newest = newest_backup(backup_dir or path.parent, known.identity) if known is not None else None
            notices.append(truncated_notice_ja(path, view, newest, aside))
        if kept is not None and kept.report.damaged and not accept_wal_loss:
            aside = kept.set_aside()
            raise WalDamagedError(
                f"データベース「{path}」の -wal ファイルが壊れています。{kept.report.describe_ja()}"
                f"開く前の状態を「{aside.name}」と「{aside.name}-wal」に残しました（専門家が取り出せる可能性があります）。"
            )
        store = _open_checked(path, backup_dir, readonly, check_location, busy_timeout_ms, immutable)
    except CorruptDatabaseError:
        if kept is not None:
            kept.set_aside()  # damage: keep what SQLite has not touched yet
        raise
    except BaseException:
        if kept is not None:
            kept.release()  # refused before SQLite wrote anything (network folder, newer schema …)
        raise
    store.notices.extend(notices)
    if kept is not None:
        if keep_wal_copy:
            store.kept_wal = kept
        else:
            kept.release()
    return store


def _open_checked(
    path: Path, backup_dir: Path | None, readonly: bool, check_location: bool, busy_timeout_ms: int,
    immutable: bool = False,
) -> Store:
    revision = check_file(path, check_location=check_location, readonly=readonly or immutable, immutable=immutable)
    if revision != HEAD_REVISION:
        if readonly:
            raise StoreError(f"「{path}」は古い形式です。一度 soloit で開いて更新してから、もう一度実行してください。")
        from sqlalchemy.exc import DBAPIError

        from soloit.store.backup import backup_folder, make_backup

        facts = facts_of(path)
        make_backup(path, backup_folder(backup_dir or path.parent, facts.identity), kind=f"pre-upgrade-{revision}", facts=facts)
        engine = make_engine(path, busy_timeout_ms=busy_timeout_ms)
        try:
            _upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise (from_sqlite(exc, path) or exc) from exc
        missing = missing_tables(path)
        if missing:
            engine.dispose()
            raise IncompleteDatabaseError(f"データベース「{path}」の表（{'、'.join(missing)}）がありません。壊れています。")
        return Store(path, engine, busy_timeout_ms=busy_timeout_ms)
    return Store(path, readonly=readonly, busy_timeout_ms=busy_timeout_ms, immutable=immutable)
