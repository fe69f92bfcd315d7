"""A wrong file is not damaged data (issue "Trust and everyday use", point 3).

  - A file that is not a soloit database (an Excel report, another program's healthy SQLite file, text) is named
    as such — 「soloit のデータベースではありません」 — with nothing offered and nothing renamed, written or left
    beside it: checked on the directory listing and the file's bytes, for the GUI open flow and every CLI command.
  - A soloit file without its tables, or with values soloit cannot read (a date 2026-02-30, an unknown status), is
    damage: `verify` lists it (exit 3), never a traceback; the GUI open flow explains it and offers the newest
    backup that passes; `restore --newest` skips a backup that fails and takes the next."""

from __future__ import annotations

import io
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from soloit.cli import EXIT_DAMAGED, EXIT_OK, EXIT_STORE_ERROR, EXIT_UNREADABLE, main
from soloit.context import AppContext
from soloit.services.session import Prompts, open_session
from soloit.settings import Settings
from soloit.store.backup import list_backups, make_backup
from soloit.store.db import APPLICATION_ID, open_database
from tests.helpers import AllServices as LedgerService

NOT_SOLOIT = "soloit のデータベースではありません"


# --- wrong files -----------------------------------------------------------------------------------------------


def xlsx_bytes() -> bytes:
    """A small but real .xlsx (a ZIP holding the parts Excel writes)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "報告書"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))
    return data


def other_sqlite(path: Path, *, wal: bool) -> None:
    """Another program's healthy SQLite database (optionally in WAL mode, checkpointed and closed)."""
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes(body) VALUES (?)", [(f"メモ {i}",) for i in range(50)])
    conn.commit()
    conn.close()


WRONG_FILES = {
    "報告書.xlsx": lambda p: p.write_bytes(xlsx_bytes()),
    "家計簿.sqlite3": lambda p: other_sqlite(p, wal=False),
    "他ソフト-wal.sqlite3": lambda p: other_sqlite(p, wal=True),
    "メモ.txt": lambda p: p.write_text("soloit とは関係のないメモです。\n" * 40, encoding="utf-8"),
}


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file under `folder` with its bytes (folders as None)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def env(tmp_path, monkeypatch, store):
    """Separate XDG folders holding a real ledger (札幌市 011002) with a good backup, and a work folder for the
    wrong file. Returns (context for the real ledger, identity, work folder)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    context = AppContext.resolve()
    context.db_path.parent.mkdir(parents=True)
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 1)], "done")
    identity = store.facts().identity
    store.close()
    shutil.copyfile(store.path, context.db_path)
    made = make_backup(context.db_path, context.backup_dir() / identity, kind="manual")
    assert made.identity == identity
    work = tmp_path / "work"
    work.mkdir()
    return context, identity, work


@pytest.fixture(params=sorted(WRONG_FILES))
def wrong(request, env):
    """A wrong file in the work folder; soloit's settings even remember the real ledger's identity for its path
    (as if the report had been saved over the ledger's name), so there would be a backup to offer."""
    context, identity, work = env
    path = work / request.param
    WRONG_FILES[request.param](path)
    settings = Settings(known_databases={str(path.absolute()): identity})
    settings.save(context.settings_path)
    return path


class Recorder:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.offers: list[object] = []

    def prompts(self) -> Prompts:
        return Prompts(
            error=lambda title, text: self.errors.append((title, text)),
            ask_rescue=lambda _text, newest: self.offers.append(newest) or True,
            ask_relocate=lambda _text, local: self.offers.append(local) or True,
            ask_lost=lambda _text, backup: self.offers.append(backup) or "restore",
        )


def test_gui_open_flow_names_a_wrong_file_and_changes_nothing(wrong, env):
    context, _identity, work = env
    before_work, before_data = snapshot(work), snapshot(context.data_dir)
    answers = Recorder()
    settings = Settings.load(context.settings_path)
    session = open_session(context, settings, wrong.absolute(), answers.prompts())
    assert session is None
    assert answers.offers == []  # no restore, no relocation, no choice offered
    [(title, text)] = answers.errors
    assert title == "データベースを開けません"
    assert NOT_SOLOIT in text and wrong.name in text
    assert "壊れて" not in text
    assert snapshot(work) == before_work  # not renamed, not rewritten, no lock, -wal or -shm left beside it
    assert snapshot(context.data_dir) == before_data  # the real ledger and its backups untouched


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["backup"],
        ["restore"],
        ["restore", "BACKUP"],
        ["restore", "BACKUP", "--other-database"],
        ["restore", "--newest"],
        ["demo", "--replace"],
    ],
    ids=lambda c: " ".join(c),
)
def test_cli_names_a_wrong_file_and_changes_nothing(wrong, env, command, capsys):
    context, identity, work = env
    backup = list_backups(context.backup_dir() / identity)[0].path
    argv = [str(backup) if part == "BACKUP" else part for part in command] + ["--db", str(wrong)]
    before_work, before_data = snapshot(work), snapshot(context.data_dir)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != EXIT_OK
    if command == ["verify"]:
        assert code == EXIT_UNREADABLE
    assert "Traceback" not in err
    assert NOT_SOLOIT in err, err
    assert "壊れて" not in err and "restore --newest" not in err  # nothing offered
    assert "復元しました" not in out and "作成しました" not in out
    assert snapshot(work) == before_work
    assert snapshot(context.data_dir) == before_data


# --- soloit's own file, damaged --------------------------------------------------------------------------------


def soloit_without_tables(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("CREATE TABLE scratch(x)")  # the header is written; soloit's tables are not
    conn.commit()
    conn.close()


def soloit_with_some_tables_dropped(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE step_cell")
    conn.execute("DROP TABLE organisation")
    conn.commit()
    conn.close()


def set_raw(path: Path, sql: str, params: tuple = ()) -> None:
    """Change a row behind soloit's back (as an external tool would)."""
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


KOSEKI_1 = "system_id = (SELECT id FROM system WHERE business_code = 'koseki') AND step_seq = 1"


def impossible_date(path: Path) -> None:
    set_raw(path, f"UPDATE step_cell SET actual_date = '2026-02-30' WHERE {KOSEKI_1}")


def unknown_status(path: Path) -> None:
    set_raw(path, f"UPDATE step_cell SET status = 'finished??' WHERE {KOSEKI_1}")


def test_verify_a_soloit_file_without_tables_is_damage_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "途中.sqlite3"
    soloit_without_tables(path)
    before = path.read_bytes()
    assert main(["verify", "--db", str(path)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "soloit のファイルですが、中身（表）がありません" in err
    assert path.read_bytes() == before


def test_verify_lists_the_missing_tables(store, capsys):
    path = store.path
    store.close()
    soloit_with_some_tables_dropped(path)
    assert main(["verify", "--db", str(path)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "organisation、step_cell" in err and "ありません" in err


@pytest.mark.parametrize(
    ("damage", "finding"),
    [
        (impossible_date, "戸籍 ステップ①-1 の「実績日」の値「2026-02-30」"),
        (unknown_status, "の値「finished??」を読み取れません"),
    ],
    ids=["date-2026-02-30", "unknown-status"],
)
def test_verify_lists_unreadable_values(store, capsys, damage, finding):
    path = store.path
    store.close()
    damage(path)
    assert main(["verify", "--db", str(path)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("soloit: 検証に失敗しました（データベースの破損）：")
    assert finding in err, err


def _open_with(context: AppContext, settings: Settings, path: Path, answer: bool):
    asked: list[tuple[str, object]] = []
    errors: list[tuple[str, str]] = []
    prompts = Prompts(
        error=lambda title, text: errors.append((title, text)),
        ask_rescue=lambda text, newest: asked.append((text, newest)) or answer,
        ask_relocate=lambda *_: False,
    )
    return open_session(context, settings, path, prompts), asked, errors


@pytest.mark.parametrize("damage", [impossible_date, unknown_status, soloit_with_some_tables_dropped])
def test_gui_open_flow_explains_damage_and_offers_the_newest_backup_that_passes(store, tmp_path, damage):
    """Two backups of the ledger: the newer one holds the same bad value (it fails its check and is skipped), the
    older one passes and is offered; declining changes nothing, accepting restores it."""
    context = AppContext(tmp_path / "data", tmp_path / "config", store.path, False, True)
    service = LedgerService(store, lambda: "山田")
    service.set_statuses([("koseki", 2)], "done")
    identity = store.facts().identity
    folder = context.backup_dir() / identity
    good = make_backup(store.path, folder, kind="start")
    path = store.path
    store.close()
    damage(path)
    bad = make_backup(path, folder, kind="manual")  # a backup of the damaged state: newer, but it fails its check
    assert [b.path for b in list_backups(folder)] == [bad.path, good.path]
    damaged_bytes = path.read_bytes()
    settings = Settings(known_databases={str(path): identity})

    session, asked, errors = _open_with(context, settings, path, answer=False)
    assert session is None and errors == []
    [(text, offered)] = asked
    assert offered.path == good.path
    assert "壊れて" in text or "読めない値" in text or "ありません" in text
    assert path.read_bytes() == damaged_bytes
    assert not list(path.parent.glob(f"{path.name}.damaged-*"))

    session, asked, errors = _open_with(context, settings, path, answer=True)
    assert session is not None and errors == []
    try:
        assert LedgerService(session.store, lambda: "").cell("koseki", 2).status == "done"
        assert any("から復元しました" in m for m in session.messages)
    finally:
        session.close(backup=False)


def test_gui_open_flow_says_which_values_cannot_be_read(store, tmp_path):
    context = AppContext(tmp_path / "data", tmp_path / "config", store.path, False, True)
    identity = store.facts().identity
    make_backup(store.path, context.backup_dir() / identity, kind="start")
    path = store.path
    store.close()
    impossible_date(path)
    session, asked, _errors = _open_with(context, Settings(), path, answer=False)
    assert session is None
    [(text, _offered)] = asked
    assert "soloit が読めない値があります" in text
    assert "戸籍 ステップ①-1 の「実績日」の値「2026-02-30」を読み取れません" in text


def test_gui_open_flow_without_a_backup_that_passes_explains_and_keeps_the_file(store, tmp_path):
    context = AppContext(tmp_path / "data", tmp_path / "config", store.path, False, True)
    path = store.path
    identity = store.facts().identity
    store.close()
    unknown_status(path)
    make_backup(path, context.backup_dir() / identity, kind="manual")  # only a backup that fails
    before = path.read_bytes()
    session, asked, errors = _open_with(context, Settings(), path, answer=True)
    assert session is None and asked == []
    [(_title, text)] = errors
    assert "使えるバックアップ" in text and "ファイルはそのまま残しています" in text
    assert path.read_bytes() == before


@pytest.mark.parametrize("damage", [impossible_date, unknown_status])
def test_restore_newest_skips_a_backup_that_fails_and_takes_the_next(store, tmp_path, monkeypatch, capsys, damage):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    LedgerService(store, lambda: "山田").set_statuses([("koseki", 3)], "done")
    path = store.path
    store.close()
    assert main(["backup", "--db", str(path)]) == EXIT_OK
    root = AppContext.resolve(path).backup_dir()
    [folder] = root.iterdir()
    [good] = list_backups(folder)
    damage(path)
    capsys.readouterr()
    # `soloit backup` refuses the damaged database: its backup would fail its check and could rotate a good one out
    assert main(["backup", "--db", str(path)]) == EXIT_STORE_ERROR
    err = capsys.readouterr().err
    assert "soloit が読めない値があるため、バックアップしません" in err and "Traceback" not in err
    assert [b.path for b in list_backups(folder)] == [good.path]
    # the damaged state reaches a backup anyway (made before the check existed, or by hand)
    bad = make_backup(path, folder, kind="start")
    assert list_backups(folder)[0].path == bad.path

    assert main(["restore", "--newest", "--db", str(path)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert f"復元しました: {good.path.name}" in out
    store2 = open_database(path)
    try:
        assert LedgerService(store2, lambda: "").cell("koseki", 3).status == "done"
    finally:
        store2.close()


# --- soloit's own file is never taken for a wrong one --------------------------------------------------------

FIRST_SESSION = r"""
import os, signal, sys
from pathlib import Path
from soloit.services.bundle import open_services
from soloit.services.setup import create_ledger
store = create_ledger(Path(sys.argv[1]), "01", "札幌市", "011002", actor="山田")
open_services(store, lambda: "山田").ledger.set_statuses([("koseki", 1)], "done")
os.kill(os.getpid(), signal.SIGKILL)  # power cut in the first session: nothing was ever checkpointed
"""


def test_a_new_ledger_killed_in_its_first_session_is_still_soloits(tmp_path, capsys):
    import subprocess
    import sys

    path = tmp_path / "soloit.sqlite3"
    proc = subprocess.run([sys.executable, "-c", FIRST_SESSION, str(path)], check=False, timeout=120)
    assert proc.returncode == -9
    assert Path(f"{path}-wal").stat().st_size > 0  # the ledger's content is still in the -wal
    assert path.read_bytes()[68:72] == b"SOLO"  # the file's own header says it is soloit's
    assert main(["verify", "--db", str(path)]) == EXIT_OK
    assert "改ざんの跡はありません" in capsys.readouterr().out
    context = AppContext(tmp_path / "data", tmp_path / "config", path, False, True)
    session, asked, errors = _open_with(context, Settings(), path, answer=False)
    assert session is not None and asked == [] and errors == []
    try:
        assert LedgerService(session.store, lambda: "").cell("koseki", 1).status == "done"
    finally:
        session.close(backup=False)


@pytest.mark.parametrize("remembered", [True, False], ids=["identity-remembered", "identity-unknown"])
def test_gui_open_flow_with_soloits_id_but_no_tables(store, tmp_path, remembered):
    """Damage, not a wrong file: with the identity remembered for the path, the newest good backup of that
    database is offered; without it, the open flow says why it cannot choose one. The file is never changed."""
    context = AppContext(tmp_path / "data", tmp_path / "config", store.path, False, True)
    identity = store.facts().identity
    good = make_backup(store.path, context.backup_dir() / identity, kind="exit")
    path = store.path
    store.close()
    path.unlink()
    soloit_without_tables(path)
    before = path.read_bytes()
    settings = Settings(known_databases={str(path): identity} if remembered else {})
    session, asked, errors = _open_with(context, settings, path, answer=False)
    assert session is None
    if remembered:
        [(text, offered)] = asked
        assert offered.path == good.path and errors == []
        assert "soloit のファイルですが、中身（表）がありません" in text
    else:
        assert asked == []
        [(_title, text)] = errors
        assert "soloit のファイルですが、中身（表）がありません" in text
        assert "どのデータベースのものか確認できない" in text and "ファイルはそのまま残しています" in text
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]
