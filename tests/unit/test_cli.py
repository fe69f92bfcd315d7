"""The command line: `soloit demo` and `soloit verify`, and the demo municipality's contents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from soloit.cli import EXIT_DAMAGED, EXIT_OK, EXIT_STORE_ERROR, EXIT_UNREADABLE, main
from soloit.domain.progress import business_rates
from soloit.services.demo import demo_facts
from soloit.services.integrity import verify
from soloit.store.db import open_database
from tests.helpers import AllServices as LedgerService


def one_japanese_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("soloit: ")
    return lines[0]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> tuple[int, str, Path]:
    """`soloit demo --db PATH`, run once for this module: (exit code, stdout, path). Tests copy it to change it."""
    import contextlib
    import io

    path = tmp_path_factory.mktemp("cli-demo") / "demo.sqlite3"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["demo", "--db", str(path)])
    return code, out.getvalue(), path


def copy_of(demo_file, tmp_path: Path) -> Path:
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file[2], target)
    return target


def test_demo_creates_a_database_that_verifies(demo_file, capsys):
    code, out, path = demo_file
    assert code == EXIT_OK
    assert str(path) in out
    store = open_database(path)
    try:
        assert verify(store).ok
        profile = LedgerService(store, lambda: "").municipality()
        assert (profile.name, profile.lg_code) == (demo_facts()["municipality"]["name"], demo_facts()["municipality"]["lg_code"])
    finally:
        store.close()
    assert main(["verify", "--db", str(path)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "改ざんの跡はありません" in out
    assert err == ""


def test_demo_again_without_replace_fails_and_keeps_the_file(demo_file, tmp_path, capsys):
    path = copy_of(demo_file, tmp_path)
    before = path.read_bytes()
    assert main(["demo", "--db", str(path)]) != 0
    _out, err = capsys.readouterr()
    assert "--replace" in one_japanese_line(err)
    assert path.read_bytes() == before


def test_demo_replace_recreates_a_demo(demo_file, tmp_path, capsys):
    path = copy_of(demo_file, tmp_path)
    store = open_database(path)
    LedgerService(store, lambda: "テスト").edit_cell("koseki", 1, "note", "消えるメモ")
    store.close()
    assert main(["demo", "--db", str(path), "--replace"]) == EXIT_OK
    store = open_database(path)
    try:
        assert LedgerService(store, lambda: "").cell("koseki", 1).note is None
        assert verify(store).ok
    finally:
        store.close()


def test_demo_replace_refuses_a_real_ledger(store, db_path, capsys):
    store.close()
    before = db_path.read_bytes()
    assert main(["demo", "--db", str(db_path), "--replace"]) != 0
    _out, err = capsys.readouterr()
    assert "デモ用のデータベースではない" in one_japanese_line(err)
    assert db_path.read_bytes() == before
    reopened = open_database(db_path)
    try:
        assert LedgerService(reopened, lambda: "").municipality().name == "札幌市"
    finally:
        reopened.close()


def test_demo_replace_refuses_a_foreign_file(tmp_path, capsys):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04 not a database")
    assert main(["demo", "--db", str(path), "--replace"]) == EXIT_STORE_ERROR
    one_japanese_line(capsys.readouterr().err)
    assert path.read_bytes() == b"PK\x03\x04 not a database"


def test_verify_missing_file(tmp_path, capsys):
    path = tmp_path / "missing.sqlite3"
    assert main(["verify", "--db", str(path)]) == EXIT_UNREADABLE
    out, err = capsys.readouterr()
    line = one_japanese_line(err)
    assert "見つかりません" in line
    assert out == ""
    assert not path.exists()


def test_verify_not_a_soloit_file(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("メモ帳のファイルです。\n" * 50, encoding="utf-8")
    assert main(["verify", "--db", str(path)]) == EXIT_UNREADABLE
    line = one_japanese_line(capsys.readouterr().err)
    assert "soloit のデータベース" in line


def corrupt_journal_page(path: Path) -> None:
    """Overwrite the journal table's root page: the header, schema and alembic_version stay readable."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'journal'").fetchone()[0]
    finally:
        conn.close()
    assert root > 1
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x55" * page_size)


def test_verify_corrupt_database(store, db_path, capsys):
    """A damaged page is reported in Japanese as damage (exit 3) with the way back, not a traceback."""
    store.close()
    corrupt_journal_page(db_path)
    assert main(["verify", "--db", str(db_path)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    first, hint = err.strip().splitlines()
    assert first.startswith("soloit: ") and "壊れて" in first
    assert f"soloit restore --db {db_path}" in hint


def test_verify_a_folder(tmp_path, capsys):
    """A folder given by mistake as the database: exit 4 (cannot read the file) with one Japanese line."""
    assert main(["verify", "--db", str(tmp_path)]) == EXIT_UNREADABLE
    one_japanese_line(capsys.readouterr().err)


def test_verify_db_before_the_sub_command(store, db_path, capsys):
    store.close()
    assert main(["--db", str(db_path), "verify"]) == EXIT_OK
    assert "改ざんの跡はありません" in capsys.readouterr().out


def test_verify_uses_environment_variable(store, db_path, capsys, monkeypatch):
    store.close()
    monkeypatch.setenv("SOLOIT_DB", str(db_path))
    assert main(["verify"]) == EXIT_OK
    assert "改ざんの跡はありません" in capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("soloit ")
    assert len(lines[0].split()) == 2
    names = [line.split()[0] for line in lines[1:]]
    assert names[:3] == ["Python", "SQLite", "Qt"]
    assert "SQLAlchemy" in names and "openpyxl" in names
    assert all(line.startswith("  ") and len(line.split()) == 2 for line in lines[1:])


# --- what the demo holds -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store_once(demo_file):
    """The module's demo, opened once; the tests below only read it."""
    store = open_database(demo_file[2])
    yield store
    store.close()


@pytest.fixture
def demo(demo_store_once):
    return LedgerService(demo_store_once, lambda: "テスト 花子")


def test_demo_verifies(demo_store_once):
    report = verify(demo_store_once)
    assert report.ok, report.problems


def test_demo_has_mixed_progress(demo):
    rows = demo.snapshot().rows
    assert len(rows) == 20
    rates = [business_rates(c.status for c in row.cells) for row in rows]
    complete = [r.complete for r in rates]
    assert any(c == 1.0 for c in complete), "some businesses are finished"
    assert any(0.0 < c < 1.0 for c in complete), "some are part way"
    assert len(set(complete)) >= 4
    assert any(r.in_progress > 0 for r in rates)
    statuses = {c.status for row in rows for c in row.cells}
    assert statuses == {"done", "in_progress", "not_started", "not_applicable"}


def test_demo_systems(demo):
    systems = demo.systems()
    tokutei = [s for s in systems if s.tokutei]
    assert len(tokutei) == 2
    assert all(s.business_code is not None and s.tokutei_target_date is not None for s in tokutei)
    extra = [s for s in systems if s.business_code is None]
    assert len(extra) == 3
    assert len(systems) == 23
    business_systems = [s for s in systems if s.business_code is not None]
    assert all(s.current_vendor and s.department and s.hosting for s in business_systems)


def test_demo_journal_carries_reasons(demo):
    entries = demo.journal(limit=100_000)
    with_reason = [e for e in entries if e.reason and e.action != "import" and e.action != "create"]
    assert len(with_reason) >= 12
    assert len({e.reason for e in with_reason}) >= 12
    assert any(e.action == "import" for e in entries)


def test_demo_default_location(tmp_path, monkeypatch, capsys):
    """Without --db the demo goes to the demo file beside the user's data (here: a portable folder)."""
    import soloit.context

    (tmp_path / "portable").touch()
    monkeypatch.setattr(soloit.context, "executable_dir", lambda: tmp_path)
    assert main(["demo"]) == EXIT_OK
    assert (tmp_path / "soloit-demo.sqlite3").exists()
    assert not (tmp_path / "soloit.sqlite3").exists()
    capsys.readouterr()


def test_cli_main_is_importable_without_qt():
    import subprocess
    import sys

    code = "import sys, soloit.cli; sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_demo_replace_takes_the_lock_before_deleting_anything(demo_file, tmp_path, capsys):
    """Another soloit has the demo open: `demo --replace` must not delete the file under it."""
    import subprocess
    import sys

    from soloit.store.lock import WriterLock

    path = copy_of(demo_file, tmp_path)
    before = path.read_bytes()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        WriterLock(path, pid=other.pid, host="JOHO-PC02", user="demo-user").acquire()
        assert main(["demo", "--db", str(path), "--replace"]) == EXIT_STORE_ERROR
        line = one_japanese_line(capsys.readouterr().err)
        assert "JOHO-PC02" in line and "使用中" in line
        assert path.read_bytes() == before
    finally:
        other.kill()
        other.wait()


@pytest.mark.parametrize(
    "argv",
    [[], ["--db", "台帳.sqlite3"], ["--db=C:/共有/soloit.sqlite3"], ["--demo"], ["--demo", "--db", "a b.sqlite3"]],
)
def test_arguments_that_only_open_the_window_are_read_as_the_parser_reads_them(argv):
    """main() skips building the parser for these (every command's help, ~8 ms of each start-up)."""
    from soloit.cli import build_parser, window_only

    args = build_parser().parse_args(argv)
    assert args.command is None and not args.version
    assert window_only(argv) == (args.db, args.demo)


@pytest.mark.parametrize(
    "argv",
    [
        ["--db"],
        ["--db", ""],
        ["--db="],
        ["--db", "-x"],
        ["--de"],
        ["--help"],
        ["--version"],
        ["verify"],
        ["--db", "a", "--db", "b"],
        ["--demo", "--demo"],
        ["--db", "a", "demo"],
    ],
)
def test_anything_else_goes_to_the_parser(argv):
    from soloit.cli import window_only

    assert window_only(argv) is None
