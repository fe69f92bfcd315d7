"""What a restore takes back: the count of the current journal's changes the backup lacks (「この復元で 3 件の変更が
取り消されます（n+3 件 → n 件）」), and, for a backup of a state the database has left (another branch), the
changes the backup holds that the current database lacks. Said before the restore and by the CLI after it."""

from __future__ import annotations

from soloit.cli import main
from soloit.services.backups import restore, restore_effect
from soloit.store import journal
from soloit.store.backup import backup_folder, make_backup
from soloit.store.db import open_database
from tests.helpers import AllServices as LedgerService


def _notes(store, *texts: str) -> None:
    service = LedgerService(store, lambda: "山田")
    for i, text in enumerate(texts, start=1):
        service.ledger.edit_cell("koseki", i, "note", text)  # one journal entry each


def test_a_backup_the_database_extends_takes_back_the_changes_since(store, tmp_path):
    root = tmp_path / "bk"
    folder = backup_folder(root, store.facts().identity)
    _notes(store, "一")
    saved = make_backup(store.path, folder, kind="manual")
    _notes(store, "二", "三", "四")
    now = journal.raw_head(store.raw())[0]
    assert now == saved.journal_count + 3
    effect = restore_effect(store.raw(), saved.path, saved)
    assert (effect.current, effect.restored, effect.taken_back, effect.backup_only) == (now, now - 3, 3, 0)
    assert effect.describe_ja() == f"この復元で 3 件の変更が取り消されます（{now:,} 件 → {now - 3:,} 件）。"
    same = make_backup(store.path, folder, kind="manual")
    assert restore_effect(store.raw(), same.path, same).describe_ja() == (
        f"この復元で取り消される変更はありません（{now:,} 件 → {now:,} 件）。"
    )


def test_a_backup_of_a_state_the_database_left_is_named_another_branch(store, tmp_path):
    root = tmp_path / "bk"
    folder = backup_folder(root, store.facts().identity)
    _notes(store, "一")
    fork = make_backup(store.path, folder, kind="manual")
    _notes(store, "二", "三", "四")
    branch = make_backup(store.path, folder, kind="manual")  # the state left behind: fork + 3
    path = store.path
    store.close()
    restore(fork.path, path, root)  # back to the fork: + the restore entry
    reopened = open_database(path)
    try:
        _notes(reopened, "別の二", "別の三")
        now = journal.raw_head(reopened.raw())[0]
        assert now == fork.journal_count + 3  # the restore entry and two notes
        effect = restore_effect(reopened.raw(), branch.path, branch)
    finally:
        reopened.close()
    assert (effect.common, effect.taken_back, effect.backup_only) == (fork.journal_count, 3, 3)
    text = effect.describe_ja()
    assert text.startswith(f"この復元で 3 件の変更が取り消されます（{now:,} 件 → {branch.journal_count:,} 件）。")
    assert f"今のデータベースにない変更が 3 件あります（{fork.journal_count:,} 件目のあとで別の経過" in text


def test_the_cli_says_how_many_changes_the_restore_took_back(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    saved = make_backup(store.path, tmp_path / "bk", kind="manual")
    _notes(store, *(f"メモ{i}" for i in range(1, 6)))
    now = journal.raw_head(store.raw())[0]
    path = store.path
    store.close()
    assert main(["restore", str(saved.path), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"この復元で 5 件の変更を取り消しました（{now:,} 件 → {saved.journal_count:,} 件）。" in out
