"""The search index: a file of its own (never the user's database), kept per database identity in soloit's cache
folder, or in memory when there is no folder to keep it. It holds text already folded (NFKC, case) in two FTS5
tables with the trigram tokenizer: one row per journal entry (its values and reason; rowid = the entry's id) and
one row per record (its text fields). What it has caught up to is the journal entry `upto` and that entry's hash,
so a database whose journal was rewound (a restored backup) is noticed and the index rebuilt.

The index is only ever a copy: losing or damaging it loses nothing; it is rebuilt from the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

SCHEMA_VERSION = "1"
MIN_TRIGRAM = 3  # FTS5's trigram tokenizer matches words of three characters or more


class SearchIndex:
    def __init__(self, path: Path | None, *, shared: bool = False) -> None:
        """`shared`: made on a job's thread and used on the GUI thread once that job is done (never both at once)."""
        self.path = path
        self.conn = self._open(path, not shared)

    @staticmethod
    def _open(path: Path | None, same_thread: bool = True) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, timeout=5, check_same_thread=same_thread)
                if SearchIndex._fits(conn):
                    conn.execute("PRAGMA journal_mode=WAL")
                    return conn
                conn.close()
                for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    stale.unlink(missing_ok=True)  # soloit's own cache file, of an older layout
                conn = sqlite3.connect(path, timeout=5, check_same_thread=same_thread)
                conn.execute("PRAGMA journal_mode=WAL")
                SearchIndex._create(conn)
                return conn
            except (OSError, sqlite3.Error):
                pass  # an unwritable or damaged cache: search works from memory this session
        conn = sqlite3.connect(":memory:", check_same_thread=same_thread)
        SearchIndex._create(conn)
        return conn

    @staticmethod
    def _fits(conn: sqlite3.Connection) -> bool:
        """The file is an index of this layout (made empty when new); False for an older layout or a damaged
        file (then, being soloit's own cache in soloit's own folder, it is made again)."""
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError:
            return False
        if not tables:
            SearchIndex._create(conn)
            return True
        if "state" not in tables:
            return False
        row = conn.execute("SELECT value FROM state WHERE key = 'schema'").fetchone()
        return row is not None and row[0] == SCHEMA_VERSION

    @staticmethod
    def _create(conn: sqlite3.Connection) -> None:
        with conn:
            conn.execute("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("CREATE VIRTUAL TABLE journal_text USING fts5(text, tokenize='trigram case_sensitive 1')")
            conn.execute(
                "CREATE VIRTUAL TABLE record_text USING fts5(entity UNINDEXED, key UNINDEXED, text, "
                "tokenize='trigram case_sensitive 1')"
            )
            conn.execute("INSERT INTO state VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.conn.close()

    # --- state ------------------------------------------------------------------------------------------------

    def state(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM state"))

    def clear(self, identity: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM journal_text")
            self.conn.execute("DELETE FROM record_text")
            self.conn.execute("DELETE FROM state WHERE key != 'schema'")
            self.conn.execute("INSERT INTO state VALUES ('identity', ?)", (identity,))

    def update(
        self,
        journal_rows: Iterable[tuple[int, str]],
        records: Sequence[tuple[str, str, str | None]],  # (entity, key, folded text or None when gone)
        upto: int,
        upto_hash: str,
    ) -> None:
        """Add journal rows, replace (or remove) records, and record what the index has caught up to, at once."""
        with self.conn:
            self.conn.executemany("INSERT INTO journal_text (rowid, text) VALUES (?, ?)", journal_rows)
            if records:
                by_kind: dict[str, list[str]] = {}
                for entity, key, _text in records:
                    by_kind.setdefault(entity, []).append(key)
                for entity, keys in by_kind.items():
                    for start in range(0, len(keys), 500):
                        chunk = keys[start : start + 500]
                        self.conn.execute(
                            f"DELETE FROM record_text WHERE entity = ? AND key IN ({', '.join('?' for _ in chunk)})",
                            (entity, *chunk),
                        )
                self.conn.executemany(
                    "INSERT INTO record_text (entity, key, text) VALUES (?, ?, ?)",
                    [row for row in records if row[2] is not None],
                )
            self.conn.execute("INSERT OR REPLACE INTO state VALUES ('upto', ?)", (str(upto),))
            self.conn.execute("INSERT OR REPLACE INTO state VALUES ('upto_hash', ?)", (upto_hash,))

    # --- finding ------------------------------------------------------------------------------------------------

    @staticmethod
    def _where(words: Sequence[str], table: str) -> tuple[str, list[str]]:
        """Every word must appear: words of 3+ characters through the trigram index, shorter ones by scanning."""
        long = [w for w in words if len(w) >= MIN_TRIGRAM]
        short = [w for w in words if len(w) < MIN_TRIGRAM]
        conditions, params = [], []
        if long:
            conditions.append(f"{table} MATCH ?")
            params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
        for word in short:
            conditions.append("instr(text, ?) > 0")
            params.append(word)
        return " AND ".join(conditions), params

    def find_journal(self, words: Sequence[str], limit: int) -> tuple[list[int], int]:
        """(the newest matching entry ids, at most `limit`; how many match)."""
        where, params = self._where(words, "journal_text")
        total = self.conn.execute(f"SELECT count(*) FROM journal_text WHERE {where}", params).fetchone()[0]
        ids = [row[0] for row in self.conn.execute(
            f"SELECT rowid FROM journal_text WHERE {where} ORDER BY rowid DESC LIMIT ?", (*params, limit)
        )]
        return ids, total

    def find_records(self, words: Sequence[str]) -> list[tuple[str, str, str]]:
        """(entity, key, folded text) of every matching record."""
        where, params = self._where(words, "record_text")
        return list(self.conn.execute(f"SELECT entity, key, text FROM record_text WHERE {where}", params))
