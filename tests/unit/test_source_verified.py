"""A backup records whether its source verified (source_verified in its sidecar), rotation never lets backups of a
source that failed push verified ones out, `soloit backup` verifies first, and a session whose verify failed makes
no automatic backup until the user decides (issue 22, point 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soloit.cli import main
from soloit.context import AppContext
from soloit.services.backups import backup_now, newest_good_backup
from soloit.services.session import ACCEPTED, FAILED, PASSED, Prompts, open_session
from soloit.settings import Settings
from soloit.store.backup import Retention, list_backups, read_backup, rotate
from soloit.store.db import facts_of
from tests.unit import test_tamper
from tests.unit.test_tamper import tamper

ONLY_RECENT = Retention(recent=3, daily=0, weekly=0, monthly=0)

ledger = test_tamper.ledger  # the tamper tests' ledger: a closed file with 18 journal entries


def sidecar(info) -> dict:
    return json.loads(Path(f"{info.path}.json").read_text(encoding="utf-8"))


def test_the_sidecar_records_the_verdict_and_an_older_one_reads_as_unknown(ledger, tmp_path):
    made = {flag: backup_now(ledger, tmp_path, source_verified=flag) for flag in (True, False, None)}
    for flag, info in made.items():
        assert sidecar(info)["source_verified"] is flag
        assert read_backup(info.path).source_verified is flag
    older = made[True]
    data = sidecar(older)
    del data["source_verified"]  # as soloit wrote it before this field
    Path(f"{older.path}.json").write_text(json.dumps(data), encoding="utf-8")
    assert read_backup(older.path).source_verified is None
    data["source_verified"] = "yes"  # not a JSON boolean: unknown, not true
    Path(f"{older.path}.json").write_text(json.dumps(data), encoding="utf-8")
    assert read_backup(older.path).source_verified is None


def test_backups_of_a_failed_source_never_push_verified_ones_out(ledger, tmp_path):
    good = [backup_now(ledger, tmp_path, source_verified=flag, retention=ONLY_RECENT) for flag in (True, None, True)]
    failed = [backup_now(ledger, tmp_path, source_verified=False, retention=ONLY_RECENT) for _ in range(5)]
    folder = good[0].path.parent
    kept = {b.path for b in list_backups(folder)}
    assert kept == {b.path for b in good} | {b.path for b in failed[-3:]}  # three of each lane
    assert not any(Path(f"{b.path}.json").exists() for b in failed[:2])  # the rotated ones' sidecars too
    newer = backup_now(ledger, tmp_path, source_verified=True, retention=ONLY_RECENT)
    assert {b.path for b in list_backups(folder)} == {b.path for b in good[1:]} | {newer.path} | {b.path for b in failed[-3:]}
    assert rotate(folder, ONLY_RECENT, facts_of(ledger).identity) == []


def test_the_newest_good_backup_is_never_one_whose_source_failed(ledger, tmp_path):
    verified = backup_now(ledger, tmp_path, source_verified=True)
    backup_now(ledger, tmp_path, source_verified=False)  # newer, and it would pass its own check
    assert newest_good_backup(tmp_path, facts_of(ledger).identity).path == verified.path


def test_soloit_backup_verifies_first_and_the_listing_says_so(ledger, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["backup", "--db", str(ledger)]) == 0
    assert "検査 OK、元のデータベースも検証済み" in capsys.readouterr().out
    with tamper(ledger) as conn:
        conn.execute("DELETE FROM journal WHERE id = 6")
    assert main(["backup", "--db", str(ledger)]) == 1
    _out, err = capsys.readouterr()
    assert "元のデータベースは検証に失敗しました" in err and "記録 6 が見つかりません" in err
    assert "「検証不合格」として記録しました" in err and f"soloit restore --newest --db {ledger}" in err
    assert main(["restore", "--db", str(ledger)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "soloit-backup-" in line]
    assert len(lines) == 2
    assert "元の検証 不合格" in lines[0] and "元の検証 検証済み" in lines[1]  # newest first
    [folder] = {p.parent for p in tmp_path.rglob("soloit-backup-*.sqlite3")}
    assert [b.source_verified for b in list_backups(folder)] == [False, True]


@pytest.fixture
def opened(ledger, tmp_path):
    context = AppContext(tmp_path / "data", tmp_path / "config", ledger, False, True)
    settings = Settings(display_name="テスト 花子")

    def open_it():
        shown: list = []
        session = open_session(context, settings, ledger, Prompts(lambda *a: shown.append(a), lambda *_: False, lambda *_: False))
        assert session is not None, shown
        return session

    return open_it


def test_a_session_whose_verify_failed_makes_no_automatic_backup_until_decided(ledger, opened):
    with tamper(ledger, drop_triggers=False) as conn:
        conn.execute("UPDATE step_cell SET status = 'done' WHERE system_id = 1 AND step_seq = 1")
    session = opened()
    report = session.check_integrity()
    assert session.integrity == FAILED and "ステータス" in report.summary_ja()
    assert session.backup_at_start() is None
    assert session.close() is None  # no exit backup
    assert list_backups(session.backup_dir) == []

    session = opened()
    session.check_integrity()
    with pytest.raises(Exception, match="理由を入力してください"):
        session.accept_current_state("  ")
    session.accept_current_state("住民課と確認済み")
    assert session.integrity == ACCEPTED
    manual = session.backup_now()
    assert manual.source_verified is False
    made = session.close()
    assert made is not None and made.source_verified is False

    session = opened()
    session.check_integrity()
    assert session.integrity == ACCEPTED  # the same finding, accepted before: not asked again
    session.close(backup=False)


def test_an_exit_without_the_check_verifies_first(ledger, opened):
    session = opened()
    made = session.close()  # the verify at open never ran (no window): the exit backup verifies first
    assert session.integrity == PASSED and made is not None and made.source_verified is True
