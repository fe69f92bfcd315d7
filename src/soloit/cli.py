"""Command line: no sub-command opens the GUI; sub-commands do every non-GUI job. Everything a person reads here is
Japanese (argparse's own words too), and every command goes through services (never the store directly).

Kept light: heavy modules (Qt, SQLAlchemy) are imported only by the command that needs them."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

EXIT_OK = 0
EXIT_FAILED = 1  # refused or failed; for verify: tampering, or the journal no longer extends a backup
EXIT_STORE_ERROR = 2  # an environmental problem (locked, disk full …); also argparse's usage errors
EXIT_DAMAGED = 3  # verify: the database is damaged (missing tables, unreadable values, SQLite damage)
EXIT_UNREADABLE = 4  # verify: the file cannot be read at all (missing, not a soloit database, no permission)

DB_HELP = "対象のデータベースファイル（既定: ユーザーのデータフォルダの soloit.sqlite3。環境変数 SOLOIT_DB でも指定可）"


def build_parser() -> argparse.ArgumentParser:
    from soloit.argparse_ja import JapaneseArgumentParser, install

    install()
    parser = JapaneseArgumentParser(
        prog="soloit",
        description="ひとり情シスのための標準化・DX台帳。コマンドを省略すると画面を開きます。",
        epilog="各コマンドの説明: soloit コマンド --help（例: soloit verify --help）",
    )
    parser.add_argument("--version", action="store_true", help="バージョンと同梱ライブラリのバージョンを表示して終了する")
    parser.add_argument("--db", metavar="ファイル", help=DB_HELP)
    parser.add_argument("--demo", action="store_true", help="デモ用データベース（実データとは別のファイル）で開く。無ければ作成する")
    sub = parser.add_subparsers(
        dest="command", metavar="コマンド", title="コマンド", help="次のいずれか（省略すると画面を開く）",
        parser_class=JapaneseArgumentParser,
    )

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        found = sub.add_parser(name, help=help_text, description=help_text)
        found.add_argument("--db", dest="sub_db", metavar="ファイル", help=DB_HELP)
        return found

    demo = command("demo", "デモ用の団体データを作成する（既定: デモ用ファイル。実データとは別）")
    demo.add_argument("--replace", action="store_true", help="既にあるデモ用ファイルを作り直す（デモ用でないファイルは作り直しません）")

    verify = command(
        "verify",
        "変更記録（ハッシュチェーン）・保存されている値・バックアップとの一致を検証する。"
        "終了コード: 0 問題なし／1 改ざん・欠落の跡／3 破損／4 ファイルを読めない",
    )
    against = verify.add_mutually_exclusive_group()
    against.add_argument(
        "--against", metavar="ファイル",
        help="このファイルに記録された変更記録の末尾（報告パック .xlsx・バックアップ .sqlite3・引継ぎファイル "
        ".soloit-handover）を今のデータベースが引き継いでいるかも確かめる",
    )
    against.add_argument(
        "--against-code", metavar="照合コード",
        help="事務引継書に印刷された照合コード（例: 100375-BSRT-E3ZY-B2NG-S）と今のデータベースを照合する",
    )

    backup = command("backup", "今すぐバックアップを作成する（SQLite のオンラインバックアップ、検査付き）")
    backup.add_argument("--to", metavar="フォルダ", help="バックアップの保存先（既定: 設定の保存先。データベースごとのフォルダに保存）")

    restore = command("restore", "バックアップから復元する（バックアップを省略すると一覧を表示）")
    restore.add_argument("file", nargs="?", metavar="バックアップ", help="復元するバックアップ（一覧に表示されたファイル名か、ファイルのパス）")
    restore.add_argument("--newest", action="store_true", help="検査に合格する、このデータベースの最新のバックアップから復元する")
    restore.add_argument(
        "--other-database",
        action="store_true",
        help="別のデータベース（前任者のファイルなど）のバックアップでも復元する（今のデータベースは置き換わります）",
    )

    export = command("export", "ファイルを出力する（export pack: 県への報告パック）")
    export_sub = export.add_subparsers(dest="export_kind", metavar="種類", title="種類", required=True,
                                       parser_class=JapaneseArgumentParser)
    pack = export_sub.add_parser("pack", help="県への報告パック（.xlsx）を出力する", description=(
        "県への報告パック（.xlsx）を出力する。表紙・進捗サマリ・業務別ステップ別進捗一覧・スケジュール・その他システム・"
        "DX取組・予算・契約・前回報告からの変更のシートを含みます。出力は変更記録に残り、次のパックの「前回報告からの変更」の起点になります。"))
    pack.add_argument("--db", dest="leaf_db", metavar="ファイル", help=DB_HELP)
    pack.add_argument("--out", required=True, metavar="ファイル", help="出力する .xlsx ファイル（既にあるファイルは、このデータベースの報告パックのときだけ置き換えます）")
    pack.add_argument("--as-of", metavar="日付", help="基準日（既定: 今日。例: 2026-11-22、令和8年11月22日、R8.11.22）")
    pack.add_argument("--by", metavar="名前", help="作成者（既定: 設定の「あなたの名前」）")

    imp = command("import", "ファイルを取り込む（import soumu-sheet: 総務省の業務別ステップ別進捗一覧）")
    import_sub = imp.add_subparsers(dest="import_kind", metavar="種類", title="種類", required=True,
                                    parser_class=JapaneseArgumentParser)
    soumu = import_sub.add_parser("soumu-sheet", help="総務省の「業務別ステップ別進捗一覧」からステータスを取り込む", description=(
        "総務省の「業務別ステップ別進捗一覧」（1団体分でも全国分でも可）から、この団体の40ステップのステータスを取り込む。"
        "取り込む前にバックアップを作り、変わるセルごとに変更記録を残します（理由はファイル名）。"))
    soumu.add_argument("--db", dest="leaf_db", metavar="ファイル", help=DB_HELP)
    soumu.add_argument("file", metavar="ファイル", help="取り込む .xlsx ファイル")
    soumu.add_argument("--municipality", metavar="都道府県/市区町村",
                       help="取り込む団体（既定: 団体情報の都道府県と団体名。例: 東京都/府中市）")
    soumu.add_argument("--dry-run", action="store_true", help="変わるセルを表示するだけで、取り込まない")

    selftest = sub.add_parser("selftest", help="一時的なデモデータで動作を自己診断する（画面は不要）", description="一時的なデモデータで動作を自己診断する（画面は不要）")
    selftest.add_argument("--out", metavar="フォルダ", help="スクリーンショットと結果を残すフォルダ")
    return parser


def window_only(argv: Sequence[str]) -> tuple[str | None, bool] | None:
    """(db, demo) when the arguments only open the window (`--db FILE`, `--db=FILE`, `--demo`, each once), as the
    parser would read them; None for anything else, which the parser reads (building it, every command's Japanese
    help, costs ~8 ms of each start-up)."""
    db: str | None = None
    demo = False
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--demo" and not demo:
            demo = True
        elif word == "--db" and db is None and words and words[0] and not words[0].startswith("-"):
            db = words.pop(0)
        elif word.startswith("--db=") and db is None and len(word) > len("--db="):
            db = word[len("--db=") :]
        else:
            return None
    return db, demo


def main(argv: Sequence[str] | None = None) -> int:
    quick = window_only(sys.argv[1:] if argv is None else argv)
    if quick is not None:
        args = None
        db, demo = quick
    else:
        args = build_parser().parse_args(argv)
        if args.version:
            print(version_text())
            return EXIT_OK
        db = getattr(args, "leaf_db", None) or getattr(args, "sub_db", None) or args.db
        demo = args.demo
    from soloit.context import AppContext

    context = AppContext.resolve(db, demo=demo)
    try:
        if args is None or args.command is None:
            from soloit.ui.app import run_gui

            return run_gui(context, demo=demo)
        if args.command == "demo":
            return _demo(context if db else context.with_db(context.demo_db_path), replace=args.replace)
        if args.command == "verify":
            return _verify(context, db, against=args.against, against_code=args.against_code)
        if args.command == "backup":
            return _backup(context, Path(args.to) if args.to else None, db)
        if args.command == "restore":
            return _restore(context, args.file, newest=args.newest, other=args.other_database, db=db)
        if args.command == "export":
            return _export_pack(context, args.out, args.as_of, args.by)
        if args.command == "import":
            return _import_soumu(context, args.file, args.municipality, dry_run=args.dry_run)
        if args.command == "selftest":
            from soloit.ui.selftest import run_selftest

            return run_selftest(Path(args.out) if args.out else None)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as exc:  # typed, user-facing errors become one line; anything else is a bug
        message = _user_message(exc, db)
        if message is None:
            raise
        print(f"soloit: {message}", file=sys.stderr)
        return EXIT_STORE_ERROR
    return EXIT_FAILED


def version_text() -> str:
    """soloit's version, then the exact version of every library this build carries (one per line)."""
    import soloit
    from soloit.versions import bundled_versions

    try:
        from PySide6.QtCore import qVersion  # only here: the other commands start without Qt

        qt = str(qVersion())
    except ImportError:
        qt = None
    lines = [f"soloit {soloit.__version__}"] + [f"  {name} {version}" for name, version in bundled_versions(qt)]
    return "\n".join(lines)


def _db_option(db: str | None) -> str:
    import shlex

    return f" --db {shlex.quote(db)}" if db else ""


def _user_message(exc: Exception, db: str | None = None) -> str | None:
    from soloit.services.errors import DAMAGED, StoreError, ValidationError, describe_os_error

    if isinstance(exc, DAMAGED):
        return (
            exc.message_ja
            + f" 検査に合格する最新のバックアップに戻すには: soloit restore --newest{_db_option(db)}（壊れたファイルは別名で残します）"
        )
    if isinstance(exc, StoreError):
        return exc.message_ja
    if isinstance(exc, ValidationError):
        return exc.user_message()
    if isinstance(exc, OSError):
        return f"ファイルの操作に失敗しました: {describe_os_error(exc)}。"
    return None


def _settings(context):
    from soloit.settings import Settings

    return Settings.load(context.settings_path)


def _retention(settings):
    from soloit.services.backups import Retention

    return Retention(settings.keep_recent, settings.keep_daily, settings.keep_weekly, settings.keep_monthly)


def _root(context, settings, *, demo: bool) -> Path:
    return context.backup_dir(settings.backup_dir, demo=demo)


def _demo(context, *, replace: bool) -> int:
    from soloit.services.demo import write_demo

    path = write_demo(context.db_path, replace=replace)
    print(f"デモ用データベースを作成しました: {path}")
    return EXIT_OK


def _verify(context, db: str | None, *, against: str | None = None, against_code: str | None = None) -> int:
    from soloit.services.errors import FileImportError, ValidationError
    from soloit.services.integrity import DAMAGED, OK, TAMPERED, UNREADABLE, verify_file

    anchor = None
    if against is not None:
        from soloit.exchange.operations import read_anchor

        try:
            anchor = read_anchor(Path(against))
        except FileImportError as exc:
            print(f"soloit: 照合の基準にするファイルを読み取れません: {exc.user_message()}", file=sys.stderr)
            return EXIT_UNREADABLE
    elif against_code is not None:
        from soloit.services.anchors import anchor_from_code

        try:
            anchor = anchor_from_code(against_code)
        except ValidationError as exc:
            print(f"soloit: {exc.user_message()}", file=sys.stderr)
            return EXIT_STORE_ERROR
    settings = _settings(context)
    report = verify_file(context.db_path, lambda demo: _root(context, settings, demo=demo), anchor)
    if report.ok:
        print(report.summary_ja())
        for note in report.notes:
            print(note)
        return EXIT_OK
    print(f"soloit: {report.summary_ja()}", file=sys.stderr)
    if report.first_bad_id is not None:
        print(f"最初の不正な記録: {report.first_bad_id}", file=sys.stderr)
    if report.kind in (DAMAGED, TAMPERED):
        print(
            f"バックアップから戻すには: soloit restore{_db_option(db)} で一覧を表示し、"
            f"soloit restore バックアップ名{_db_option(db)}（または --newest）",
            file=sys.stderr,
        )
    return {OK: EXIT_OK, TAMPERED: EXIT_FAILED, DAMAGED: EXIT_DAMAGED, UNREADABLE: EXIT_UNREADABLE}[report.kind]


def _backup(context, target: Path | None, db: str | None = None) -> int:
    from soloit.services.backups import backup_database

    settings = _settings(context)
    info, report = backup_database(
        context.db_path, lambda demo: target or _root(context, settings, demo=demo), retention=_retention(settings)
    )
    if not report.ok:
        print(f"バックアップを作成しました: {info.path}（{_jst(info)}、変更記録 {info.journal_count} 件）", file=sys.stderr)
        print(
            f"soloit: ただし、元のデータベースは{report.summary_ja()}\n"
            "このバックアップは「検証不合格」として記録しました。ローテーションで検証済みのバックアップを押し出すことはありません。"
            f"検査に合格する最新のバックアップに戻すには: soloit restore --newest{_db_option(db)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        f"バックアップを作成しました: {info.path}"
        f"（{_jst(info)}、変更記録 {info.journal_count} 件、検査 OK、元のデータベースも検証済み）"
    )
    return EXIT_OK


def _jst(info) -> str:
    """When a backup was made, in Japan time (its file's name holds UTC): 「2026/11/23 08:30:00 日本時間」."""
    from soloit.domain.clock import format_jst

    return f"{format_jst(info.created_at, seconds=True)} 日本時間"


def _restore(context, name: str | None, *, newest: bool, other: bool, db: str | None) -> int:
    from soloit.services import backups
    from soloit.services.errors import LockHeldError  # noqa: F401 - typed errors reach _user_message
    from soloit.services.locking import writer_lock

    settings = _settings(context)
    place = backups.place_of(context.db_path, lambda demo: _root(context, settings, demo=demo), settings.known_databases)
    if name is None and not newest:
        return _list_backups(place, db)
    with writer_lock(context.db_path):
        if newest:
            if place.identity is None:
                print("soloit: このデータベースがどのバックアップのものか確認できません。バックアップ名を指定してください。", file=sys.stderr)
                return EXIT_FAILED
            result = backups.rescue(context.db_path, place.root, place.identity, _retention(settings), actor="soloit（コマンド）")
        else:
            assert name is not None
            file = backups.find_backup(name, place)
            if file is None:
                print(f"soloit: バックアップ「{name}」が見つかりません（{place.folder or place.root} と現在のフォルダを探しました）。", file=sys.stderr)
                return EXIT_FAILED
            try:
                result = backups.restore(
                    file, context.db_path, place.root, retention=_retention(settings), allow_other=other, actor="soloit（コマンド）"
                )
            except backups.OtherDatabaseError as exc:
                print(f"soloit: {exc.message_ja}", file=sys.stderr)
                print("それでも復元するには --other-database を付けてください。", file=sys.stderr)
                return EXIT_FAILED
            except backups.BackupRefusedError as exc:
                print(f"soloit: {exc.message_ja}", file=sys.stderr)
                return EXIT_FAILED
    print(f"復元しました: {result.restored_from.name} → {context.db_path}（変更記録 {result.entries} 件、検証 OK）")
    if result.effect is not None:
        print(result.effect.describe_ja(done=True))
    if result.pre_restore is not None:
        print(f"復元前のデータベースはバックアップしました: {result.pre_restore.path}")
    if result.set_aside is not None:
        print(f"壊れていたデータベースは別名で残しました: {result.set_aside}")
    return EXIT_OK


def _list_backups(place, db: str | None) -> int:
    from soloit.domain.clock import format_jst
    from soloit.services.backups import kind_label
    from soloit.services.divergence import VERDICT_LABELS

    where = place.folder or place.root
    if not place.backups:
        print(f"「{where}」にこのデータベースのバックアップはありません。")
        return EXIT_FAILED
    label = f"{place.facts.municipality}（{place.facts.lg_code}）" if place.facts else "このデータベース"
    print(f"{label} のバックアップ（{where}、新しい順）:")
    for info in place.backups:
        print(
            f"  {format_jst(info.created_at)}  {kind_label(info.kind):<4} {info.size / 1024:8,.0f} KB  "
            f"変更記録 {info.journal_count:>6,} 件  元の検証 {VERDICT_LABELS[info.source_verified]:<4}  {info.path.name}"
        )
    print(f"復元するには: soloit restore ファイル名{_db_option(db)}（または --newest）")
    return EXIT_OK


def _open_for_writing(context):
    """The database opened for a command that writes (the caller holds the writer lock)."""
    from soloit.services.setup import open_existing

    return open_existing(context.db_path)


def _export_pack(context, out: str, as_of_text: str | None, by: str | None) -> int:
    from soloit.domain.clock import SYSTEM_CLOCK
    from soloit.exchange.operations import export_pack
    from soloit.services.bundle import open_services
    from soloit.services.fields import parse_date
    from soloit.services.locking import writer_lock

    settings = _settings(context)
    as_of = parse_date(as_of_text, "基準日") if as_of_text else SYSTEM_CLOCK.today()
    with writer_lock(context.db_path):
        store = _open_for_writing(context)
        try:
            services = open_services(store, lambda: settings.display_name or "soloit（コマンド）")
            result = export_pack(services, Path(out), as_of=as_of, prepared_by=(by or settings.display_name or "").strip())
        finally:
            store.close()
    report = result.report
    print(
        f"報告パックを出力しました: {result.path}（{report.municipality}、基準日 {report.as_of.isoformat()}、"
        f"前回からの変更 {len(report.changes)} 件）"
    )
    if result.warning:
        print(f"注意: {result.warning}", file=sys.stderr)
    return EXIT_OK


def _import_soumu(context, file: str, municipality: str | None, *, dry_run: bool) -> int:
    from soloit.exchange.operations import apply_soumu_import, parse_municipality, preview_soumu_import
    from soloit.services.bundle import open_services
    from soloit.services.locking import writer_lock

    settings = _settings(context)
    wanted = parse_municipality(municipality) if municipality else None
    with writer_lock(context.db_path):
        store = _open_for_writing(context)
        try:
            services = open_services(store, lambda: settings.display_name or "soloit（コマンド）")
            plan = preview_soumu_import(services, Path(file), wanted)
            print(plan.summary_ja())
            for update in plan.updates[:50]:
                print(f"  {update.describe()}")
            if len(plan.updates) > 50:
                print(f"  …ほか {len(plan.updates) - 50} セル")
            if dry_run or not plan.updates:
                return EXIT_OK
            facts = store.facts()
            root = _root(context, settings, demo=facts.demo)
            from soloit.services.backups import folder_for

            _facts, folder = folder_for(store.path, root)
            changed = apply_soumu_import(services, plan, backup_dir=folder)
        finally:
            store.close()
    print(f"取り込みました: {len(plan.updates)} セル（変更記録 {len(changed.changes)} 件、取り込み前のバックアップ: {folder}）")
    return EXIT_OK
