"""`soloit export pack` and `soloit import soumu-sheet`."""

from __future__ import annotations

from datetime import date

import pytest

from soloit.cli import EXIT_OK, EXIT_STORE_ERROR, main
from soloit.exchange.pack import read_pack
from soloit.services.bundle import open_services
from soloit.store.backup import list_backups
from soloit.store.db import open_database
from soloit.store.lock import WriterLock
from tests.exchange.test_soumu_sheet import make_sheet, municipality_rows
from tests.unit.test_cli import copy_of, demo_file, one_japanese_line  # noqa: F401 - the module's demo fixture


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    """Settings and backups in the test's folder, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_export_pack_with_a_wareki_as_of_date(demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    out = tmp_path / "pack.xlsx"
    assert main(["export", "pack", "--db", str(db), "--out", str(out), "--as-of", "R8.11.22", "--by", "情報政策課"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert f"報告パックを出力しました: {out}" in printed and "基準日 2026-11-22" in printed
    report = read_pack(out).report
    assert report.as_of == date(2026, 11, 22) and report.prepared_by == "情報政策課" and report.municipality == "みどり野町（デモ）"
    assert main(["--db", str(db), "export", "pack", "--out", str(out)]) == EXIT_OK  # replaces its own earlier pack
    assert read_pack(out).report.previous.as_of == date(2026, 11, 22)


def test_export_pack_refuses_a_file_that_is_not_its_own_and_a_held_lock(demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    theirs = tmp_path / "book.xlsx"
    theirs.write_bytes(b"mine")
    assert main(["export", "pack", "--db", str(db), "--out", str(theirs)]) == EXIT_STORE_ERROR
    assert "上書きしません" in one_japanese_line(capsys.readouterr().err) and theirs.read_bytes() == b"mine"
    assert main(["export", "pack", "--db", str(db), "--out", str(tmp_path / "x.xlsx"), "--as-of", "2026-02-30"]) == EXIT_STORE_ERROR
    assert "基準日" in one_japanese_line(capsys.readouterr().err)
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:  # another soloit has the database open: the export (which records itself) says who
        WriterLock(db, pid=other.pid, host="JOHO-PC02", user="demo-user").acquire()
        assert main(["export", "pack", "--db", str(db), "--out", str(tmp_path / "y.xlsx")]) == EXIT_STORE_ERROR
        assert "JOHO-PC02" in one_japanese_line(capsys.readouterr().err)
    finally:
        other.kill()
        other.wait()
    assert not (tmp_path / "y.xlsx").exists()


def test_import_soumu_sheet_dry_run_then_for_real(demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    sheet = make_sheet(tmp_path / "全国.xlsx", municipality_rows("群馬県", "みどり野町（デモ）", "完了済み")
                       + municipality_rows("東京都", "府中市", "対象外"))
    assert main(["import", "soumu-sheet", "--db", str(db), str(sheet), "--dry-run"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "群馬県 みどり野町（デモ）:" in printed and "セルが変わります" in printed
    store = open_database(db)
    before = store.facts().journal_count
    store.close()
    assert main(["import", "soumu-sheet", "--db", str(db), str(sheet)]) == EXIT_OK
    assert "取り込みました" in capsys.readouterr().out
    store = open_database(db)
    try:
        snapshot = open_services(store, lambda: "x").ledger.snapshot()
        assert {c.status for row in snapshot.rows for c in row.cells} == {"done"}
        assert store.facts().journal_count > before
        assert [b.kind for b in list_backups(next((tmp_path / "data" / "soloit" / "backups-demo").iterdir()))] == ["pre-import"]
    finally:
        store.close()


def test_import_soumu_sheet_for_another_municipality_and_errors(demo_file, tmp_path, capsys):  # noqa: F811
    db = copy_of(demo_file, tmp_path)
    sheet = make_sheet(tmp_path / "s.xlsx", municipality_rows("東京都", "府中市", "作業中"))
    assert main(["import", "soumu-sheet", "--db", str(db), str(sheet), "--municipality", "東京都/府中市", "--dry-run"]) == EXIT_OK
    assert "東京都 府中市: 20 業務の" in capsys.readouterr().out
    assert main(["import", "soumu-sheet", "--db", str(db), str(sheet), "--municipality", "広島県/府中市"]) == EXIT_STORE_ERROR
    assert "「広島県 府中市」の行がありません。同じ名前の団体は 東京都 にあります。" in one_japanese_line(capsys.readouterr().err)
    assert main(["import", "soumu-sheet", "--db", str(db), str(sheet), "--municipality", "府中市"]) == EXIT_STORE_ERROR
    assert "都道府県/市区町村" in one_japanese_line(capsys.readouterr().err)


def test_import_and_verify_refuse_a_hostile_workbook_in_one_short_line(demo_file, tmp_path, capsys):  # noqa: F811
    from tests.exchange.test_xlsx_guard import _cfb, _declare_size

    db = copy_of(demo_file, tmp_path)
    locked = _cfb(tmp_path / "locked.xlsx", encrypted=True)
    for command in (["import", "soumu-sheet", str(locked), "--dry-run"], ["verify", "--against", str(locked)]):
        assert main([*command, "--db", str(db)]) != EXIT_OK
        assert "パスワードで保護されたブックです。保護を解除して保存し直してください" in one_japanese_line(capsys.readouterr().err)
    sheet = make_sheet(tmp_path / "big.xlsx", municipality_rows("群馬県", "みどり野町（デモ）"))
    _declare_size(sheet, "xl/worksheets/sheet1.xml", 900_000_000)
    assert main(["import", "soumu-sheet", str(sheet), "--dry-run", "--db", str(db)]) == EXIT_STORE_ERROR
    err = capsys.readouterr().err
    assert "展開すると 900 MB" in one_japanese_line(err) and len(err) < 300
