"""`soloit selftest`: offscreen, on a temporary demo database — cells, rates, a GUI edit, a render, the journal.

Prints one line per check and exits non-zero when any fails. Installers run it to prove a bundle works."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path


def run_selftest(out_dir: Path | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="soloit-selftest-") as tmp:
        work = Path(tmp)
        out = out_dir or work
        out.mkdir(parents=True, exist_ok=True)
        results: list[tuple[str, bool, str]] = []

        def check(name: str, fn: Callable[[], str]) -> bool:
            try:
                detail = fn()
                results.append((name, True, detail))
                print(f"OK   {name}: {detail}")
                return True
            except Exception as exc:
                results.append((name, False, repr(exc)))
                print(f"失敗 {name}: {exc!r}")
                traceback.print_exc(file=sys.stdout)
                return False

        state: dict[str, object] = {}
        check("日本時間（時刻帯データベースなしで）", _japan_time)
        check("デモ用データベースの作成", lambda: _make_demo(work, state))
        if "store" in state:
            check("20業務×40ステップと完了率", lambda: _check_cells(state))
            check("メイン画面の描画", lambda: _render(out, work, state))
            check("表からのステータス変更と元に戻す", lambda: _edit(state))
            check("変更記録の検証", lambda: _verify(state))
            check("バックアップと復元", lambda: _backup_restore(work, state))
            check("県への報告パックの出力と読み込み", lambda: _pack(work, out, state))
            check("事務引継書（PDF・日本語フォント）と引継ぎファイル", lambda: _handover(work, state))
            check("変更履歴の出力・設定の保存", lambda: _files(work, state))
            check("排他ロック（書き込み中は二つ目の soloit を別のプロセスでも拒否）", lambda: _lock(work))
            state["store"].close()  # type: ignore[attr-defined]
        failed = [name for name, ok, _ in results if not ok]
        elapsed = time.perf_counter() - started
        print(f"自己診断: {len(results) - len(failed)} 件成功、{len(failed)} 件失敗（{elapsed:.2f} 秒）")
        return 1 if failed else 0


def _japan_time() -> str:
    """Stored times are UTC and shown in Japan time (UTC+09:00, fixed: Windows has no zone database of its own);
    08:30 in Japan is the previous day in UTC and must still be grouped under the Japanese day."""
    from datetime import UTC, date, datetime

    from soloit.domain.clock import format_jst, jst_day

    moment = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    shown, day = format_jst(moment), jst_day(moment)
    if shown != "2026/11/23 08:30" or day != date(2026, 11, 23):
        raise AssertionError(f"{moment.isoformat()} が {shown} と表示され、{day} の日に分類されました")
    return f"{moment.isoformat()} → {shown}（{day}）"


def _make_demo(work: Path, state: dict) -> str:
    from soloit.services.demo import create_demo

    store = create_demo(work / "selftest-demo.sqlite3")
    state["store"] = store
    return str(store.path)


def _check_cells(state: dict) -> str:
    from soloit import reference
    from soloit.domain import progress
    from soloit.services.bundle import open_services

    ref = reference.load()
    snapshot = open_services(state["store"], lambda: "selftest").ledger.snapshot()
    if len(snapshot.rows) != len(ref.businesses):
        raise AssertionError(f"業務が {len(snapshot.rows)} 件しかありません")
    if any(len(row.cells) != ref.step_count for row in snapshot.rows):
        raise AssertionError("40ステップがそろっていない業務があります")
    rates = {row.business_code: progress.business_rates(c.status for c in row.cells) for row in snapshot.rows}
    for row in snapshot.rows:
        counted = sum(1 for c in row.cells if ref.status_by_code[c.status].counts_as_complete) / ref.step_count
        if abs(rates[row.business_code].complete - counted) > 1e-9:
            raise AssertionError(f"{row.business_code} の完了率が一致しません")
    overall = progress.municipality_rate(rates)
    if not 0 < overall.complete < 1:
        raise AssertionError(f"全体の完了率 {overall.complete} がありえない値です")
    return f"{len(snapshot.rows)}×{ref.step_count} セル、全体の完了率 {progress.format_percent(overall.complete)}"


def _render(out: Path, work: Path, state: dict) -> str:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    from soloit.context import AppContext
    from soloit.settings import Settings
    from soloit.ui.app import make_application, open_window

    app = make_application()
    settings = Settings(display_name="selftest")
    context = AppContext(work, work, state["store"].path, False, True)
    window = open_window(context, state["store"], settings)
    window.setWindowState(Qt.WindowState.WindowNoState)  # not maximized to whatever screen this is: a 1366×768 laptop
    window.resize(1366, 768)
    window.show()
    for _ in range(3):
        app.processEvents()
    state["window"], state["app"] = window, app
    if window.ledger is None or window.ledger.model.rowCount() != 20 or window.ledger.model.columnCount() != 42:
        raise AssertionError("表が 20 行 ×（2 + 40）列になっていません")
    image = window.grab().toImage()
    path = out / "selftest-main-window.png"
    if not image.save(str(path)):
        raise AssertionError(f"{path} を書き込めません")
    colours: set[int] = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            colours.add(QColor(image.pixel(x, y)).rgb())
    if image.width() < 900 or len(colours) < 8:
        raise AssertionError(f"描画が空のようです（{image.width()}×{image.height()}、{len(colours)} 色）")
    return f"{path}（{image.width()}×{image.height()}、{len(colours)} 色）"


def _edit(state: dict) -> str:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from soloit import reference

    ref = reference.load()
    window = state["window"]
    ledger = window.ledger
    not_started = ref.default_status.code
    row = max(  # the business least far along
        range(ledger.model.rowCount()),
        key=lambda r: sum(c.status == not_started for c in ledger.model.business_row(r).cells),
    )
    business = ledger.model.business_row(row)
    before = window.commander.services.ledger.cell(business.business_code, 40).status
    column = ledger.model.columnCount() - 1  # the last step
    ledger.steps.setFocus()
    ledger.steps.setCurrentIndex(ledger.model.index(row, column))
    QApplication.sendEvent(ledger.steps, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier, "2"))
    QApplication.processEvents()
    cell = window.commander.services.ledger.cell(business.business_code, 40)
    if cell.status != ref.status_key_order[1]:
        raise AssertionError(f"キー 2 の後のセルが {cell.status} です")
    window.commander.undo_stack.undo()
    cell = window.commander.services.ledger.cell(business.business_code, 40)
    if cell.status != before:
        raise AssertionError(f"元に戻した後のセルが {cell.status} です")
    return f"{business.name} ステップ40: キー 2 → {ref.status_by_code[ref.status_key_order[1]].label_ja}、元に戻す → 元の状態"


def _verify(state: dict) -> str:
    from soloit.services.integrity import verify

    report = verify(state["store"])
    if not report.ok:
        raise AssertionError(report.summary_ja())
    return report.summary_ja()


def _backup_restore(work: Path, state: dict) -> str:
    from soloit.services.backups import backup_now, check_backup, restore
    from soloit.services.integrity import verify
    from soloit.services.setup import open_existing

    store = state["store"]
    made = backup_now(store.path, work / "backups", kind="manual")
    check = check_backup(made.path)
    if not check.ok:
        raise AssertionError(check.problem_ja)
    target = work / "restored.sqlite3"
    result = restore(made.path, target, work / "backups")
    restored = open_existing(target)
    try:
        report = verify(restored)
    finally:
        restored.close()
    # the restored file holds the backup's entries plus the one that records the restore
    if not report.ok or report.entries != made.journal_count + 1 or result.entries != made.journal_count + 1:
        raise AssertionError(f"復元したファイル: {report.summary_ja()}")
    return f"{made.path.name} → {target.name}: 変更記録 {report.entries} 件を検証"


def _pack(work: Path, out: Path, state: dict) -> str:
    """Write the status pack of the demo and read it back: every value the pack states comes back the same. With
    --out, a copy is left there to look at (replacing only an earlier soloit pack)."""
    import shutil
    from datetime import date

    from soloit.exchange.operations import export_pack
    from soloit.exchange.pack import SHEETS, read_meta, read_pack
    from soloit.services.bundle import open_services
    from soloit.services.errors import FileImportError

    services = open_services(state["store"], lambda: "selftest")
    target = work / "selftest-pack.xlsx"
    result = export_pack(services, target, as_of=date(2026, 11, 22), prepared_by="selftest")
    back = read_pack(result.path)
    if back.report != result.report:
        raise AssertionError("読み込んだ報告パックの内容が、出力した内容と一致しません")
    if not result.recorded:
        raise AssertionError("出力が変更記録に残っていません")
    if out != work:
        kept = out / target.name
        try:
            if kept.exists():
                read_meta(kept)
            shutil.copyfile(target, kept)
        except FileImportError:
            pass  # a file of someone else's under that name: left alone
        target = kept
    return f"{target}（{len(SHEETS)} シート、{result.path.stat().st_size:,} バイト）を読み戻して一致"


def _handover(work: Path, state: dict) -> str:
    """The 事務引継書 as PDF with a Japanese font embedded (a frozen bundle on a PC without the font would draw
    nothing readable), and the handover file installed on a fresh folder as the same ledger."""
    from datetime import date

    from soloit.exchange.handover_document import write_handover_pdf
    from soloit.services.bundle import open_services
    from soloit.services.handover_file import install_handover_file, write_handover_file

    services = open_services(state["store"], lambda: "selftest")
    report = services.handover_report.build(
        predecessor="前任 selftest", successor="後任 selftest", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 8)
    )
    pdf = write_handover_pdf(report, work / "selftest-事務引継書.pdf")
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF") or b"/FontFile" not in data:
        raise AssertionError("事務引継書の PDF にフォントが埋め込まれていません")
    handover = work / "selftest.soloit-handover"
    manifest = write_handover_file(services.store, handover, actor="selftest")
    installed = install_handover_file(handover, work / "successor" / "soloit.sqlite3")
    if installed.manifest.journal_head != manifest.journal_head:
        raise AssertionError("引継ぎファイルから開いたデータベースの変更記録が一致しません")
    return f"PDF {len(data):,} バイト（照合コード {report.header.anchor.code}）、引継ぎファイルを開いて一致（{installed.entries:,} 件）"


def _files(work: Path, state: dict) -> str:
    """The other files soloit writes, each written twice (the second time replacing the first, as a user does):
    the 変更履歴 as CSV and Excel (private files), the 事務引継書 as Excel, the settings. On Windows a flush through
    a read-only handle, or a rename over an open file, fails here."""
    from datetime import date

    from soloit.exchange.handover_document import write_handover_xlsx
    from soloit.exchange.history_export import write_history
    from soloit.services.bundle import open_services
    from soloit.services.timeline import TimelineFilter
    from soloit.settings import Settings

    services = open_services(state["store"], lambda: "selftest")
    sizes = []
    for name in ("selftest-history.csv", "selftest-history.xlsx"):
        for _ in range(2):
            count = write_history(services.timeline.export_rows(TimelineFilter()), work / name, facts={"団体": "selftest"})
        sizes.append(f"{name} {count:,} 件")
    report = services.handover_report.build(
        predecessor="前任 selftest", successor="後任 selftest", appointment_date=date(2027, 4, 1), deadline=date(2027, 4, 8)
    )
    for _ in range(2):
        book = write_handover_xlsx(report, work / "selftest-事務引継書.xlsx")
    settings_path = work / "selftest-settings.json"
    for name in ("selftest 一", "selftest 二"):
        settings = Settings()
        settings.display_name = name
        settings.save(settings_path)
    if Settings.load(settings_path).display_name != "selftest 二":
        raise AssertionError("保存した設定を読み戻せません")
    leftovers = sorted(p.name for p in work.iterdir() if "soloit-tmp" in p.name or p.name.endswith((".tmp", ".partial")))
    if leftovers:
        raise AssertionError(f"一時ファイルが残っています: {leftovers}")
    return f"{'、'.join(sizes)}、{book.name}（{book.stat().st_size:,} バイト）、設定"


def _lock(work: Path) -> str:
    """A ledger opened for writing as the program does (the OS lock taken for the session, who holds it written
    beside it): a second writer in this process and one in another process (soloit-cli demo --replace) are both
    refused, naming the holder, and change nothing; once the session is closed the lock is free again."""
    import hashlib
    import subprocess

    from soloit.context import AppContext
    from soloit.services.demo import create_demo
    from soloit.services.errors import LockHeldError
    from soloit.services.locking import writer_lock
    from soloit.services.session import Prompts, open_session
    from soloit.settings import Settings

    ledger = work / "selftest-session" / "soloit.sqlite3"
    ledger.parent.mkdir()
    create_demo(ledger).close()
    errors: list[str] = []
    prompts = Prompts(
        error=lambda title, text: errors.append(f"{title}: {text}"), ask_rescue=lambda *_: False, ask_relocate=lambda *_: False
    )
    session = open_session(AppContext(ledger.parent, ledger.parent, ledger, False, True), Settings(), ledger, prompts)
    if session is None or session.lock is None:
        raise AssertionError(f"データベースを書き込み用に開けません: {errors}")
    host, user = session.lock.host, session.lock.user
    try:
        if not session.lock.info_path.is_file():
            raise AssertionError("使用者の情報（.lock.json）が書かれていません")
        try:
            with writer_lock(ledger):
                raise AssertionError("書き込み中のデータベースを、同じプロセスの二つ目の書き込みが開けました")
        except LockHeldError as exc:
            if host not in exc.message_ja or "使用中" not in exc.message_ja:
                raise AssertionError(f"使用中の表示に PC 名がありません: {exc.message_ja}") from None
        before = hashlib.sha256(ledger.read_bytes()).hexdigest()
        if getattr(sys, "frozen", False):
            cli = Path(sys.executable).with_name("soloit-cli.exe" if os.name == "nt" else "soloit-cli")
            command = [str(cli if cli.exists() else sys.executable)]
        else:
            command = [sys.executable, "-m", "soloit"]
        done = subprocess.run(
            [*command, "demo", "--db", str(ledger), "--replace"], capture_output=True, timeout=300,
            stdin=subprocess.DEVNULL, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        said = (done.stdout + done.stderr).decode("utf-8", errors="replace")
        if done.returncode != 2 or host not in said:
            raise AssertionError(f"別のプロセスの書き込みが拒否されませんでした（終了コード {done.returncode}）: {said[-500:]}")
        if hashlib.sha256(ledger.read_bytes()).hexdigest() != before:
            raise AssertionError("拒否された別のプロセスがデータベースを変更しました")
    finally:
        session.close(backup=False)
    with writer_lock(ledger):  # given back: free for the next soloit
        pass
    return f"PC「{host}」のユーザー「{user}」が使用中、同じプロセス・別のプロセス（終了コード 2）とも拒否、閉じた後は空き"
