"""A backup belongs to its database (issue "Trust and everyday use", point 1).

The repro that once turned the real ledger into みどり野町（デモ）, then: every database has an identity from its
creation, kept through restores and upgrades and written into each backup's sidecar; listing, rotation,
`--newest`, the rescue at start-up, the restore list and the divergence check consider only backups of the same
identity, even when another database's backup sits in the same folder; the demo never shares a folder or a
rotation with real data; restoring another database's backup is an explicit choice whose warning names both."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from soloit.cli import EXIT_FAILED, EXIT_OK, main
from soloit.context import AppContext
from soloit.services.divergence import backup_label, divergences
from soloit.services.session import Prompts, open_session
from soloit.services.setup import create_ledger
from soloit.settings import Settings
from soloit.store.backup import Retention as Keep
from soloit.store.backup import backup_folder, list_backups, make_backup, rotate
from soloit.store.db import facts_of, open_database
from tests.helpers import AllServices as LedgerService

SAPPORO = "札幌市（011002）"
HAKODATE = "函館市（012025）"
DEMO = "みどり野町（デモ）（109991）"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def xdg(tmp_path, monkeypatch) -> AppContext:
    """Separate XDG_DATA_HOME / XDG_CONFIG_HOME, as in the repro: the default context of a fresh user."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("SOLOIT_DB", raising=False)
    return AppContext.resolve()


def test_repro_the_demo_backup_is_never_restored_over_the_real_ledger(xdg, capsys):
    create_ledger(xdg.db_path, "01", "札幌市", "011002", actor="山田").close()
    real = facts_of(xdg.db_path)
    assert re.fullmatch(r"[0-9a-f]{32}", real.identity)  # an identity from creation

    code, out, _ = run(capsys, "backup")
    assert code == EXIT_OK
    real_backup = Path(out.split("バックアップを作成しました: ")[1].split("（")[0])
    assert run(capsys, "demo")[0] == EXIT_OK
    demo_path = xdg.demo_db_path
    demo = facts_of(demo_path)
    assert demo.demo and demo.identity != real.identity
    code, out, _ = run(capsys, "backup", "--db", str(demo_path))
    assert code == EXIT_OK
    demo_backup = Path(out.split("バックアップを作成しました: ")[1].split("（")[0])

    # each database's backups in a folder of its own; the demo under a root of its own
    assert real_backup.parent == xdg.data_dir / "backups" / real.identity
    assert demo_backup.parent == xdg.data_dir / "backups-demo" / demo.identity
    assert files_in(xdg.data_dir / "backups") == [real.identity]
    assert files_in(xdg.data_dir / "backups-demo") == [demo.identity]
    for backup, facts in ((real_backup, real), (demo_backup, demo)):
        sidecar = json.loads(Path(f"{backup}.json").read_text(encoding="utf-8"))
        assert sidecar["database_id"] == facts.identity
        assert (sidecar["municipality"], sidecar["lg_code"], sidecar["demo"]) == (
            facts.municipality, facts.lg_code, facts.demo
        )

    code, out, err = run(capsys, "restore", "--newest")
    assert code == EXIT_OK, err
    assert f"復元しました: {real_backup.name}" in out
    after = facts_of(xdg.db_path)
    assert (after.municipality, after.lg_code, after.identity, after.demo) == ("札幌市", "011002", real.identity, False)
    # the listing names the database and shows only its own backups (the restore kept a pre-restore copy)
    code, out, _ = run(capsys, "restore")
    assert code == EXIT_OK
    assert out.splitlines()[0].startswith(f"{SAPPORO} のバックアップ")
    assert real_backup.name in out and demo_backup.name not in out
    assert facts_of(demo_path).municipality == "みどり野町（デモ）"  # the demo untouched too


def test_demo_backups_never_count_towards_the_real_rotation(xdg, capsys, tmp_path):
    settings = Settings(keep_recent=2, keep_daily=0, keep_weekly=0, keep_monthly=0, backup_dir=str(tmp_path / "share"))
    settings.save(xdg.settings_path)
    create_ledger(xdg.db_path, "01", "札幌市", "011002", actor="山田").close()
    assert run(capsys, "demo")[0] == EXIT_OK
    for _ in range(2):
        assert run(capsys, "backup")[0] == EXIT_OK
    real_folder = tmp_path / "share" / facts_of(xdg.db_path).identity
    real_before = files_in(real_folder)
    assert len(real_before) == 4  # two backups and their sidecars
    for _ in range(4):
        assert run(capsys, "backup", "--db", str(xdg.demo_db_path))[0] == EXIT_OK
    assert files_in(real_folder) == real_before  # four demo backups rotated nothing of the real ledger
    assert files_in(tmp_path / "share") == [real_folder.name]  # the demo never goes to the user's share
    demo_folder = xdg.data_dir / "backups-demo" / facts_of(xdg.demo_db_path).identity
    assert len(list_backups(demo_folder)) == 2  # the demo rotates its own


# --- another database's backup in the same folder -------------------------------------------------------------


@pytest.fixture
def two_ledgers(store, tmp_path):
    """札幌市 (the `store` ledger, with backups in its own folder) and 函館市 (another database): a backup of
    函館市, newer and with more entries, copied with its sidecar into 札幌市's folder (a person tidying by hand)."""
    root = tmp_path / "bk"
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 1)], "done")
    sapporo = store.facts()
    folder = backup_folder(root, sapporo.identity)
    own = make_backup(store.path, folder, kind="manual")
    store.close()

    other_path = tmp_path / "hakodate.sqlite3"
    other = create_ledger(other_path, "01", "函館市", "012025", actor="佐藤")
    LedgerService(other, lambda: "佐藤").set_statuses([(c, s) for c in ("koseki", "jumin_kihon_daicho") for s in range(1, 9)], "done")
    hakodate = other.facts()
    other.close()
    assert hakodate.identity != sapporo.identity and hakodate.journal_count > sapporo.journal_count
    theirs = make_backup(other_path, backup_folder(root, hakodate.identity), kind="manual")
    stray = folder / theirs.path.name
    shutil.copyfile(theirs.path, stray)
    shutil.copyfile(f"{theirs.path}.json", f"{stray}.json")
    return store.path, root, folder, own, stray


def test_listing_rotation_and_divergence_ignore_another_databases_backup(two_ledgers, capsys):
    path, _root, folder, own, stray = two_ledgers
    identity = facts_of(path).identity
    assert [b.path for b in list_backups(folder, identity)] == [own.path]
    # rotation counts only this database's backups and never deletes another's
    newer = make_backup(path, folder, kind="manual")
    removed = rotate(folder, Keep(recent=1, daily=0, weekly=0, monthly=0), identity)
    assert removed == [own.path]
    assert stray.exists() and Path(f"{stray}.json").exists() and newer.path.exists()
    # the journal is compared with this database's backups only: 函館市's longer journal is no loss
    conn = sqlite3.connect(path)
    try:
        assert divergences(conn, folder) == []
    finally:
        conn.close()


def test_cli_listing_and_newest_ignore_another_databases_backup(two_ledgers, capsys, xdg):
    path, root, _folder, own, stray = two_ledgers
    Settings(backup_dir=str(root)).save(xdg.settings_path)
    code, out, _ = run(capsys, "restore", "--db", str(path))
    assert code == EXIT_OK
    assert own.path.name in out and stray.name not in out
    code, out, err = run(capsys, "verify", "--db", str(path))
    assert code == EXIT_OK, err
    code, out, err = run(capsys, "restore", "--newest", "--db", str(path))
    assert code == EXIT_OK, err
    assert f"復元しました: {own.path.name}" in out
    assert facts_of(path).municipality == "札幌市"


def test_rescue_at_start_up_and_the_restore_list_offer_only_this_databases_backups(two_ledgers, tmp_path):
    path, root, _folder, own, _stray = two_ledgers
    identity = facts_of(path).identity
    context = AppContext(tmp_path / "data", tmp_path / "config", path, False, True)
    settings = Settings(backup_dir=str(root), known_databases={str(path): identity})

    errors: list = []
    opened = open_session(context, settings, path, Prompts(lambda *e: errors.append(e), lambda *_: False, lambda *_: False))
    assert opened is not None and errors == []  # 函館市's longer backup in the folder is not taken for lost changes
    try:
        assert [b.path for b in opened.backups()] == [own.path]  # what the restore dialog lists
    finally:
        opened.close(backup=False)

    data = bytearray(path.read_bytes())
    data[4096:] = b"\x07" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    offered: list = []
    prompts = Prompts(lambda *e: errors.append(e), lambda _text, newest: offered.append(newest) or False, lambda *_: False)
    assert open_session(context, settings, path, prompts) is None
    assert [b.path for b in offered] == [own.path] and errors == []


# --- restoring another database's backup: only as an explicit choice ------------------------------------------


def test_cli_restore_of_another_database_needs_other_database_and_names_both(two_ledgers, capsys, xdg):
    path, root, folder, _own, stray = two_ledgers
    Settings(backup_dir=str(root)).save(xdg.settings_path)
    sapporo = facts_of(path)
    before = path.read_bytes()
    code, out, err = run(capsys, "restore", str(stray), "--db", str(path))
    assert code == EXIT_FAILED
    assert "別のデータベースのもの" in err
    assert f"今のデータベース: {SAPPORO}" in err
    assert f"バックアップ: {HAKODATE}" in err and "変更記録" in err
    assert "--other-database" in err
    assert path.read_bytes() == before and out == ""

    code, out, err = run(capsys, "restore", str(stray), "--db", str(path), "--other-database")
    assert code == EXIT_OK, err
    now = facts_of(path)
    assert (now.municipality, now.lg_code) == ("函館市", "012025")
    # the replaced 札幌市 ledger was backed up first, into its own folder
    pre = [b for b in list_backups(folder, sapporo.identity) if b.kind == "pre-restore"]
    assert len(pre) == 1 and pre[0].journal_count == sapporo.journal_count
    assert f"復元前のデータベースはバックアップしました: {pre[0].path}" in out


def test_identity_is_kept_through_restore_and_upgrade(store, tmp_path):
    identity = store.facts().identity
    made = make_backup(store.path, tmp_path / "bk", kind="manual")
    path = store.path
    store.close()
    from soloit.services.backups import restore

    restore(made.path, path, tmp_path / "bk")
    assert facts_of(path).identity == identity

    fixture = Path(__file__).parents[1] / "fixtures" / "db" / "rev_0001.sqlite3"
    old = tmp_path / "old.sqlite3"
    shutil.copyfile(fixture, old)
    before = facts_of(old).identity  # derived from its first journal entry, as any copy of it would
    upgraded = open_database(old, backup_dir=tmp_path / "old-bk")
    try:
        assert upgraded.facts().identity == before
    finally:
        upgraded.close()
    [pre_upgrade] = list_backups(backup_folder(tmp_path / "old-bk", before))
    assert pre_upgrade.kind == "pre-upgrade-0001" and pre_upgrade.identity == before


def test_backup_label_names_municipality_code_date_and_entries(store, tmp_path):
    from datetime import UTC, datetime

    from soloit.domain.clock import FixedClock

    made = make_backup(store.path, tmp_path / "bk", kind="start", clock=FixedClock(datetime(2026, 11, 23, 1, 31, tzinfo=UTC)))
    assert backup_label(made) == f"{SAPPORO} 2026/11/23 10:31 の起動時バックアップ（変更記録 {made.journal_count:,} 件）"
