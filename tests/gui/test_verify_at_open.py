"""The full verify at every open (issue 22, point 3), through the real start-up path (run_gui): a ledger tampered
with behind soloit's back is named in the failure prompt, the newest backup of the same database whose source
verified and which passes its own check is offered; restoring puts it back, 「今は戻さない」 changes nothing and
makes no automatic backup, and a clean ledger opens with no prompt, its start backup recorded as verified.

The prompt is the controller's seam (verify_failed_dialog.ask_verify_failed, answered here); message boxes are
recorded, never shown."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox

from soloit.context import AppContext
from soloit.services.backups import backup_now
from soloit.services.session import ACCEPT, ACCEPTED, FAILED, LATER, PASSED, RESTORE, UNCHECKED
from soloit.services.setup import create_ledger
from soloit.settings import Settings
from soloit.store.backup import backup_folder, list_backups
from soloit.ui.app import make_application, run_gui
from soloit.ui.dialogs import verify_failed_dialog
from tests.unit import test_tamper
from tests.unit.test_tamper import COLUMNS, N, entry, forged_after, insert, tamper

NAME = "テスト 花子"

ledger = test_tamper.ledger  # the tamper tests' ledger: a closed file with 18 journal entries


def dump(path: Path, *, journal_upto: int | None = None) -> dict[str, list[tuple]]:
    """Every table's rows (the journal up to `journal_upto` entries when given, meta then left out)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            if journal_upto is not None and name == "meta":
                continue
            where = f" WHERE id <= {journal_upto}" if journal_upto is not None and name == "journal" else ""
            out[name] = sorted(conn.execute(f'SELECT * FROM "{name}"{where}').fetchall(), key=repr)
        return out
    finally:
        conn.close()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class Started:
    def __init__(self) -> None:
        self.asked: list[tuple[str, object]] = []
        self.boxes: list[tuple[str, str, str]] = []
        self.integrity = ""
        self.warning_shown = False
        self.status = ""
        self.code: int | None = None


def start(context: AppContext, monkeypatch, answer: tuple[str, str] = (LATER, "")) -> Started:
    """run_gui on the context's database; the failure prompt answered with `answer`; the window closed once the
    verify (and what the answer started) is over."""
    started = Started()

    def ask(_parent, message, backup):
        started.asked.append((message, backup))
        return answer

    monkeypatch.setattr(verify_failed_dialog, "ask_verify_failed", ask)
    for box in ("critical", "information", "question", "warning"):
        monkeypatch.setattr(
            QMessageBox, box, lambda _p, title, text, *_a, _box=box: started.boxes.append((_box, title, text))
        )
    app = make_application()

    def poll() -> None:
        for widget in app.topLevelWidgets():
            controller = getattr(widget, "controller", None)
            if type(widget).__name__ != "MainWindow" or controller is None or not widget.isVisible():
                continue
            session = controller.session
            if session.integrity == UNCHECKED or widget.jobs.busy or (session.integrity == FAILED and not started.asked):
                break
            started.integrity = session.integrity
            started.warning_shown = controller.integrity_button is not None and controller.integrity_button.isVisible()
            started.status = widget.statusBar().currentMessage()
            widget.close()
            QTimer.singleShot(0, app.quit)
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    QTimer.singleShot(60_000, app.quit)  # a watchdog: never hang the suite
    started.code = run_gui(context)
    for widget in app.topLevelWidgets():
        if type(widget).__name__ in ("MainWindow", "FirstDayDialog"):
            widget.close()
            widget.deleteLater()
    return started


@pytest.fixture
def gui_context(tmp_path, ledger) -> AppContext:
    context = AppContext(tmp_path / "data", tmp_path / "config", ledger, False, True)
    settings = Settings(display_name=NAME)
    settings.save(context.settings_path)
    return context


def identity_of(path: Path) -> str:
    from soloit.store.db import facts_of

    return facts_of(path).identity


@pytest.fixture
def kept(gui_context, tmp_path):
    """Backups of the clean ledger, oldest first: verified, verified (the one to offer), verified but itself
    tampered with since, one whose source failed its verify, and another database's backup put in the folder."""
    path = gui_context.db_path
    root = gui_context.backup_dir()
    older = backup_now(path, root, kind="manual", source_verified=True)
    offer = backup_now(path, root, kind="exit", source_verified=True)
    spoiled = backup_now(path, root, kind="exit", source_verified=True)
    with tamper(spoiled.path) as conn:
        conn.execute("UPDATE journal SET actor = '誰か' WHERE id = 3")
    unverified = backup_now(path, root, kind="manual", source_verified=False)
    other = tmp_path / "hakodate.sqlite3"
    create_ledger(other, "01", "函館市", "012025", actor="佐藤").close()
    theirs = backup_now(other, tmp_path / "elsewhere", kind="exit", source_verified=True)
    folder = backup_folder(root, identity_of(path))
    for suffix in ("", ".json"):
        shutil.copyfile(f"{theirs.path}{suffix}", folder / f"{theirs.path.name}{suffix}")
    return {"older": older, "offer": offer, "spoiled": spoiled, "unverified": unverified, "folder": folder}


def edit_entry(conn):
    conn.execute("UPDATE journal SET new_value = 'not_applicable' WHERE id = 7")


def delete_entry(conn):
    conn.execute("DELETE FROM journal WHERE id = 6")


def insert_entry(conn):
    insert(conn, forged_after(entry(conn, N), N + 2))


def reorder_entries(conn):
    first, second = entry(conn, 5), entry(conn, 9)
    assignments = ", ".join(f"{c} = ?" for c in COLUMNS if c != "id")
    for target, source in ((5, second), (9, first)):
        conn.execute(f"UPDATE journal SET {assignments} WHERE id = ?", [source[c] for c in COLUMNS if c != "id"] + [target])


def data_without_journal(conn):
    conn.execute("UPDATE step_cell SET status = 'done' WHERE system_id = 1 AND step_seq = 1")


TAMPERINGS = {
    "edited": (edit_entry, "記録 7 の内容が書き換えられています。"),
    "deleted": (delete_entry, "記録 6 が見つかりません（次は 7）。削除または挿入の跡です。"),
    "inserted": (insert_entry, f"記録 {N + 1} が見つかりません（次は {N + 2}）。削除または挿入の跡です。"),
    "reordered": (reorder_entries, "記録 5 の前の記録へのつながりが切れています（削除・挿入・並べ替えの跡）。"),
    "data": (data_without_journal, "児童手当 ステップ①-1 の「ステータス」が変更記録にない方法で変更されています。"),
}


def test_a_clean_ledger_opens_with_no_prompt_and_its_start_backup_says_verified(qtbot, gui_context, monkeypatch):
    started = start(gui_context, monkeypatch)
    assert started.code == 0
    assert started.asked == [] and started.boxes == []
    assert started.integrity == PASSED and not started.warning_shown
    backups = list_backups(backup_folder(gui_context.backup_dir(), identity_of(gui_context.db_path)))
    assert sorted((b.kind, b.source_verified) for b in backups) == [("exit", True), ("start", True)]


@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_a_tampered_ledger_is_named_and_the_newest_passing_backup_offered(qtbot, gui_context, kept, monkeypatch, how):
    change, finding = TAMPERINGS[how]
    with tamper(gui_context.db_path, drop_triggers=how != "data") as conn:
        change(conn)
    before_db = dump(gui_context.db_path)
    before_files = files(kept["folder"])
    started = start(gui_context, monkeypatch, (LATER, ""))
    [(message, offered)] = started.asked
    assert "開くときの検証" in message and finding in message
    assert offered is not None and offered.path == kept["offer"].path
    # 今は戻さない: the database untouched, no start or exit backup, every good backup still there
    assert started.integrity == FAILED and started.warning_shown
    assert "自動のバックアップ（起動時・終了時）は作りません" in started.status
    assert dump(gui_context.db_path) == before_db
    assert files(kept["folder"]) == before_files
    assert started.boxes == []


def test_answering_restore_puts_the_offered_backup_back(qtbot, gui_context, kept, monkeypatch):
    with tamper(gui_context.db_path) as conn:
        edit_entry(conn)
    offer = kept["offer"]
    started = start(gui_context, monkeypatch, (RESTORE, ""))
    [(_message, offered)] = started.asked
    assert offered.path == offer.path
    assert started.integrity == PASSED and not started.warning_shown
    assert "から復元しました" in started.status
    assert dump(gui_context.db_path, journal_upto=offer.journal_count) == dump(offer.path, journal_upto=offer.journal_count)
    conn = sqlite3.connect(gui_context.db_path)
    [(field, count)] = conn.execute("SELECT field, count(*) FROM journal WHERE id > ?", (offer.journal_count,)).fetchall()
    conn.close()
    assert (field, count) == ("restore", 1)  # the restore itself, recorded
    backups = {b.path.name: b for b in list_backups(kept["folder"], identity_of(gui_context.db_path))}
    for name in ("older", "offer", "spoiled", "unverified"):
        assert kept[name].path.name in backups  # none rotated away
    pre = [b for b in backups.values() if b.kind == "pre-restore"]
    assert [b.source_verified for b in pre] == [False]  # the tampered state kept, as not verified
    assert [b.source_verified for b in backups.values() if b.kind == "exit" and b.path not in (offer.path, kept["spoiled"].path)] == [True]


def test_going_on_with_the_state_is_journaled_and_not_asked_again(qtbot, gui_context, kept, monkeypatch):
    with tamper(gui_context.db_path) as conn:
        edit_entry(conn)
    before = files(kept["folder"])
    started = start(gui_context, monkeypatch, (ACCEPT, "外部ツールでの修正を係長と確認済み"))
    assert len(started.asked) == 1 and started.integrity == ACCEPTED and not started.warning_shown
    conn = sqlite3.connect(gui_context.db_path)
    rows = conn.execute(
        "SELECT entity_key, action, reason, actor FROM journal WHERE field = 'verify-accepted'"
    ).fetchall()
    conn.close()
    assert rows == [("chain-7", "accept", "外部ツールでの修正を係長と確認済み", NAME)]
    after = list_backups(kept["folder"], identity_of(gui_context.db_path))
    new = [b for b in after if b.path.name not in before]
    assert [(b.kind, b.source_verified) for b in new] == [("exit", False)]  # made again, marked not verified
    assert {kept[n].path.name for n in ("older", "offer", "spoiled", "unverified")} <= {b.path.name for b in after}

    again = start(gui_context, monkeypatch, (LATER, ""))
    assert again.asked == [] and again.integrity == ACCEPTED  # the same finding, already decided


def test_the_prompt_needs_a_reason_to_go_on(qtbot, kept):
    from soloit.ui.dialogs.verify_failed_dialog import VerifyFailedDialog

    make_application()
    dialog = VerifyFailedDialog("検証に失敗しました", kept["offer"])
    qtbot.addWidget(dialog)
    assert dialog.restore_button is not None and dialog.restore_button.text().startswith("このバックアップに戻す")
    assert not dialog.accept_button.isEnabled()
    dialog.reason.setText("確認済み")
    assert dialog.accept_button.isEnabled()
    dialog.accept_button.click()
    assert (dialog.choice, dialog.reason.text()) == (ACCEPT, "確認済み")
    offer = dialog.findChild(QLabel, "offer").text()
    assert offer.startswith("検証に合格する最新のバックアップ: 札幌市（011002）") and "元のデータベースも検証済み" in offer
