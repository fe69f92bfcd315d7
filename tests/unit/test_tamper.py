"""Tampering behind soloit's back (plain sqlite3 on the file) is caught by `verify` and by `soloit verify`.

A tamperer first drops the append-only triggers; the hash chain and the meta head still show what they did."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from soloit.cli import main
from soloit.services.integrity import VerifyReport, verify
from soloit.store.db import open_database
from soloit.store.journal import _HASHED_FIELDS, entry_hash

COLUMNS = (*_HASHED_FIELDS, "hash")
N = 18  # journal entries in the `ledger` fixture


@pytest.fixture
def ledger(store, service, db_path) -> Path:
    """A closed ledger file with a few commands' worth of journal (ids 1..N), nothing else holding it open."""
    service.set_statuses([("koseki", seq) for seq in (1, 2, 3)], "done", reason="定例会で確認")  # 9 entries: status, 実績日 and its "automatic" mark
    service.edit_system(1, "notes", "児童手当の備考")
    service.add_organisation("株式会社みどり電算", "vendor", reason="契約")
    service.edit_cell("jumin_kihon_daicho", 4, "note", "メモ")
    service.edit_cell("jumin_kihon_daicho", 4, "planned_date", date(2027, 1, 4))
    store.close()
    assert count(db_path) == N
    return db_path


def count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()


@contextmanager
def tamper(path: Path, *, drop_triggers: bool = True) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path)
    try:
        if drop_triggers:
            conn.execute("DROP TRIGGER journal_no_update")
            conn.execute("DROP TRIGGER journal_no_delete")
        yield conn
        conn.commit()
    finally:
        conn.close()


def entry(conn: sqlite3.Connection, entry_id: int) -> dict[str, object]:
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM journal WHERE id = ?", (entry_id,)).fetchone()
    return dict(zip(COLUMNS, row, strict=True))


def insert(conn: sqlite3.Connection, values: dict[str, object]) -> None:
    conn.execute(
        f"INSERT INTO journal ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [values[c] for c in COLUMNS],
    )


def forged_after(previous: dict[str, object], new_id: int) -> dict[str, object]:
    """A well-formed entry that links to `previous` and carries a correct hash of its own."""
    values: dict[str, object] = {
        "id": new_id,
        "recorded_at": "2026-11-20T01:00:00.000+00:00",
        "actor": "テスト 花子",
        "batch": "f" * 32,
        "action": "edit",
        "entity": "cell",
        "entity_key": "koseki/9",
        "field": "note",
        "old_value": None,
        "new_value": "後から差し込んだ記録",
        "reason": "偽の理由",
        "prev_hash": previous["hash"],
    }
    values["hash"] = entry_hash(values)
    return values


def check(path: Path) -> VerifyReport:
    store = open_database(path)
    try:
        return verify(store)
    finally:
        store.close()


def assert_caught(path: Path, capsys, first_bad_id: int | None, *words: str) -> VerifyReport:
    report = check(path)
    assert not report.ok
    assert report.first_bad_id == first_bad_id
    summary = report.summary_ja()
    assert summary.startswith("検証に失敗しました")
    for word in words:
        assert word in summary, summary
    capsys.readouterr()
    assert main(["verify", "--db", str(path)]) != 0
    out, err = capsys.readouterr()
    assert "検証に失敗しました" in err
    if first_bad_id is not None:
        assert f"最初の不正な記録: {first_bad_id}" in err
    assert "Traceback" not in err + out
    return report


def test_clean_database_verifies(ledger, capsys):
    report = check(ledger)
    assert report.ok
    assert report.entries == N
    assert report.first_bad_id is None
    assert report.problems == ()
    assert main(["verify", "--db", str(ledger)]) == 0
    out, err = capsys.readouterr()
    assert "改ざんの跡はありません" in out
    assert f"{N} 件" in out
    assert err == ""


def test_triggers_refuse_update_and_delete(ledger):
    with tamper(ledger, drop_triggers=False) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE journal SET new_value = 'x' WHERE id = 7")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM journal WHERE id = 7")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM journal")
    assert count(ledger) == N
    assert check(ledger).ok


def test_altered_value(ledger, capsys):
    with tamper(ledger) as conn:
        assert entry(conn, 7)["new_value"] == "done"
        conn.execute("UPDATE journal SET new_value = 'not_applicable' WHERE id = 7")
    assert_caught(ledger, capsys, 7, "記録 7", "書き換え")


def test_altered_value_with_matching_data(ledger, capsys):
    """Changing the journal and the data together still breaks that entry's hash."""
    with tamper(ledger) as conn:
        notes_id = conn.execute("SELECT id FROM journal WHERE field = 'notes'").fetchone()[0]
        assert entry(conn, notes_id)["new_value"] == "児童手当の備考"
        conn.execute("UPDATE journal SET new_value = '書き換えた備考' WHERE id = ?", (notes_id,))
        conn.execute("UPDATE system SET notes = '書き換えた備考' WHERE id = 1")
    assert_caught(ledger, capsys, notes_id, f"記録 {notes_id}")


def test_altered_reason_or_actor(ledger, capsys):
    with tamper(ledger) as conn:
        conn.execute("UPDATE journal SET reason = '別の理由' WHERE id = 5")
    assert_caught(ledger, capsys, 5)


def test_altered_actor(ledger, capsys):
    with tamper(ledger) as conn:
        conn.execute("UPDATE journal SET actor = '別人' WHERE id = 12")
    assert_caught(ledger, capsys, 12)


def test_deleted_middle_entry(ledger, capsys):
    with tamper(ledger) as conn:
        conn.execute("DELETE FROM journal WHERE id = 6")
    assert_caught(ledger, capsys, 6, "記録 6", "削除")


def test_deleted_newest_entry(ledger, capsys):
    with tamper(ledger) as conn:
        conn.execute(f"DELETE FROM journal WHERE id = {N}")
    report = assert_caught(ledger, capsys, N, "件数")
    assert report.entries == N - 1


def test_deleted_newest_entries_and_their_data(ledger, capsys):
    """Removing the last two entries and putting the data back as it was: only the meta head shows it."""
    with tamper(ledger) as conn:
        assert [entry(conn, i)["field"] for i in (N - 1, N)] == ["note", "planned_date"]
        conn.execute(f"DELETE FROM journal WHERE id >= {N - 1}")
        conn.execute("UPDATE step_cell SET note = NULL, planned_date = NULL WHERE system_id = 3 AND step_seq = 4")
    assert_caught(ledger, capsys, N - 1)


def test_forged_entry_appended_at_the_end(ledger, capsys):
    with tamper(ledger) as conn:
        insert(conn, forged_after(entry(conn, N), N + 1))
        conn.execute("UPDATE step_cell SET note = '後から差し込んだ記録' WHERE system_id = 11 AND step_seq = 9")
    report = assert_caught(ledger, capsys, N + 1, "件数")
    assert report.entries == N + 1


def test_forged_entry_inserted_in_the_middle(ledger, capsys):
    """Ids after 8 shifted up by one, a well-formed entry linked to 8 put at 9: the old 9 (now 10) no longer links."""
    with tamper(ledger) as conn:
        conn.execute("UPDATE journal SET id = -id WHERE id > 8")
        conn.execute("UPDATE journal SET id = 1 - id WHERE id < 0")
        insert(conn, forged_after(entry(conn, 8), 9))
    assert_caught(ledger, capsys, 10, "記録 10", "つながり")


def test_forged_entry_with_a_gap(ledger, capsys):
    with tamper(ledger) as conn:
        insert(conn, forged_after(entry(conn, N), N + 5))
    assert_caught(ledger, capsys, N + 1, f"記録 {N + 1}")


def test_reordered_entries(ledger, capsys):
    with tamper(ledger) as conn:
        first, second = entry(conn, 5), entry(conn, 9)
        assignments = ", ".join(f"{c} = ?" for c in COLUMNS if c != "id")
        for target, source in ((5, second), (9, first)):
            conn.execute(
                f"UPDATE journal SET {assignments} WHERE id = ?",
                [source[c] for c in COLUMNS if c != "id"] + [target],
            )
    assert_caught(ledger, capsys, 5, "記録 5")


def test_swapped_ids(ledger, capsys):
    with tamper(ledger) as conn:
        conn.execute("UPDATE journal SET id = -1 WHERE id = 12")
        conn.execute("UPDATE journal SET id = 12 WHERE id = 13")
        conn.execute("UPDATE journal SET id = 13 WHERE id = -1")
    assert_caught(ledger, capsys, 12)


# --- data changed behind the journal's back ----------------------------------------------------------------


def test_cell_status_changed_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("UPDATE step_cell SET status = 'done' WHERE system_id = 1 AND step_seq = 1")
    report = assert_caught(ledger, capsys, None, "児童手当 ステップ①-1", "ステータス", "変更記録にない方法")
    assert report.entries == N


def test_system_field_changed_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("UPDATE system SET tokutei = 1 WHERE id = 17")
    assert_caught(ledger, capsys, None, "介護保険", "特定移行支援システム")


def test_municipality_changed_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("UPDATE municipality SET lg_code = '011011'")
    assert_caught(ledger, capsys, None, "団体情報", "団体コード")


def test_system_added_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("INSERT INTO system (id, name, sort_order, tokutei) VALUES (30, '闇のシステム', 30, 0)")
    assert_caught(ledger, capsys, None, "闇のシステム", "変更記録なしに追加")


def test_organisation_deleted_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("DELETE FROM organisation")
    assert_caught(ledger, capsys, None, "組織", "変更記録なしに削除")


# --- a tamperer who recomputes hashes ----------------------------------------------------------------------


def test_rewritten_middle_entry_with_recomputed_hash(ledger, capsys):
    """Entry 7 rewritten with a correct hash of its new content: entry 8 no longer links to it."""
    with tamper(ledger) as conn:
        values = entry(conn, 7)
        values["new_value"] = "not_applicable"
        values["hash"] = entry_hash(values)
        conn.execute("UPDATE journal SET new_value = ?, hash = ? WHERE id = 7", (values["new_value"], values["hash"]))
    assert_caught(ledger, capsys, 8, "記録 8")


def test_rewritten_newest_entry_with_recomputed_hash(ledger, capsys):
    """The newest entry has no successor; the head hash kept in meta shows the rewrite."""
    with tamper(ledger) as conn:
        values = entry(conn, N)
        values["new_value"] = "2030-01-04"
        values["hash"] = entry_hash(values)
        conn.execute(
            "UPDATE journal SET new_value = ?, hash = ? WHERE id = ?", (values["new_value"], values["hash"], N)
        )
        conn.execute("UPDATE step_cell SET planned_date = '2030-01-04' WHERE system_id = 3 AND step_seq = 4")
    assert_caught(ledger, capsys, N, "末尾")


def test_whole_journal_and_head_wiped(ledger, capsys):
    """With no journal and no head the chain is empty, but the data no longer matches it."""
    with tamper(ledger) as conn:
        conn.execute("DELETE FROM journal")
        conn.execute("DELETE FROM meta WHERE key IN ('journal_head', 'journal_count')")
    report = assert_caught(ledger, capsys, None, "変更記録")
    assert report.entries == 0


# --- rows removed or added behind the journal's back ---------------------------------------------------------

GRID_REASON = (
    "BUG services/integrity.py _state_problems (lines 76-98): verify compares only the rows that exist, so a "
    "step_cell or one of the 20 business systems deleted directly, or a cell added outside the 20×40 grid, goes "
    "unnoticed (LedgerService.snapshot() then fails with KeyError). Fix: check that the (business_code, step_seq) "
    "cells are exactly reference businesses × steps and that every reference business has its system row, and "
    "report journaled CELL keys whose row is gone"
)


def test_step_cell_deleted_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("DELETE FROM step_cell WHERE system_id = 2 AND step_seq = 7")
    assert_caught(ledger, capsys, None, "kodomo_kosodate/7")


def test_journaled_step_cell_deleted_directly(ledger, capsys):
    """koseki/1 was set to 完了済み through soloit; its row then disappears."""
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("DELETE FROM step_cell WHERE system_id = 11 AND step_seq = 1")
    assert_caught(ledger, capsys, None, "koseki/1")


def test_business_system_deleted_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("DELETE FROM step_cell WHERE system_id = 5")
        conn.execute("DELETE FROM system WHERE id = 5")
    assert_caught(ledger, capsys, None, "印鑑登録")


def test_step_cell_outside_the_grid_added_directly(ledger, capsys):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("INSERT INTO step_cell (system_id, step_seq, status) VALUES (1, 41, 'not_started')")
    assert_caught(ledger, capsys, None, "41")
