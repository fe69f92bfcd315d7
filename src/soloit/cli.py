"""Command line: no sub-command opens the GUI; sub-commands do every non-GUI job.

Kept light: heavy modules (Qt, SQLAlchemy) are imported only by the command that needs them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_STORE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="soloit", description="ひとり情シスのための標準化・DX台帳")
    parser.add_argument("--version", action="store_true", help="バージョンを表示して終了する")
    parser.add_argument("--db", metavar="PATH", help="使うデータベースファイル（既定: ユーザーのデータフォルダ。環境変数 SOLOIT_DB でも指定可）")
    parser.add_argument("--demo", action="store_true", help="デモ用データベース（別ファイル）で開く。無ければ作成する")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="デモ用の団体データを作成する")
    demo.add_argument("--db", dest="sub_db", metavar="PATH", help="作成するファイル（既定: デモ用ファイル）")
    demo.add_argument("--replace", action="store_true", help="既にあるデモ用ファイルを作り直す")

    verify = sub.add_parser("verify", help="変更記録（ハッシュチェーン）とデータの整合性を検証する")
    verify.add_argument("--db", dest="sub_db", metavar="PATH")

    backup = sub.add_parser("backup", help="今すぐバックアップを作成する（SQLite のオンラインバックアップ、検査付き）")
    backup.add_argument("--db", dest="sub_db", metavar="PATH")
    backup.add_argument("--to", metavar="DIR", help="保存先フォルダ（既定: 設定のバックアップ先）")

    restore = sub.add_parser("restore", help="バックアップから復元する（FILE を省略すると一覧を表示）")
    restore.add_argument("file", nargs="?", metavar="FILE", help="復元するバックアップファイル")
    restore.add_argument("--db", dest="sub_db", metavar="PATH")
    restore.add_argument("--newest", action="store_true", help="検査に合格する最新のバックアップから復元する")

    selftest = sub.add_parser("selftest", help="一時的なデモデータで動作を自己診断する（画面は不要）")
    selftest.add_argument("--out", metavar="DIR", help="スクリーンショットと結果を残すフォルダ")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        import soloit

        print(f"soloit {soloit.__version__}")
        return EXIT_OK
    from soloit.context import AppContext

    db = getattr(args, "sub_db", None) or args.db
    context = AppContext.resolve(db, demo=args.demo)
    try:
        if args.command is None:
            from soloit.ui.app import run_gui

            return run_gui(context, demo=args.demo)
        if args.command == "demo":
            return _demo(context if db else context.with_db(context.demo_db_path), replace=args.replace)
        if args.command == "verify":
            return _verify(context)
        if args.command == "backup":
            return _backup(context, Path(args.to) if args.to else None)
        if args.command == "restore":
            return _restore(context, Path(args.file) if args.file else None, newest=args.newest)
        if args.command == "selftest":
            from soloit.ui.selftest import run_selftest

            return run_selftest(Path(args.out) if args.out else None)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as exc:  # typed, user-facing errors become one line; anything else is a bug
        message = _user_message(exc)
        if message is None:
            raise
        print(f"soloit: {message}", file=sys.stderr)
        return EXIT_STORE_ERROR
    return EXIT_FAILED


def _user_message(exc: Exception) -> str | None:
    from soloit.services.errors import ValidationError
    from soloit.store.errors import DAMAGED, StoreError

    if isinstance(exc, DAMAGED):
        return exc.message_ja + " 検査に合格する最新のバックアップに戻すには: soloit restore --newest（壊れたファイルは別名で残します）"
    if isinstance(exc, StoreError):
        return exc.message_ja
    if isinstance(exc, ValidationError):
        return exc.user_message()
    return None


def _demo(context, *, replace: bool) -> int:
    from soloit.services.demo import create_demo

    path = context.db_path
    if path.exists():
        if not replace:
            print(f"soloit: 「{path}」は既に存在します（作り直すには --replace）。", file=sys.stderr)
            return EXIT_FAILED
        if not _is_demo(path):
            print(f"soloit: 「{path}」はデモ用のデータベースではないため、作り直しません。", file=sys.stderr)
            return EXIT_FAILED
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    from soloit.store.lock import WriterLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with WriterLock(path):
        store = create_demo(path)
        store.close()
    print(f"デモ用データベースを作成しました: {path}")
    return EXIT_OK


def _is_demo(path: Path) -> bool:
    from soloit.services.demo import demo_lg_code
    from soloit.services.migration import LedgerService
    from soloit.store.db import open_database

    store = open_database(path)
    try:
        profile = LedgerService(store, lambda: "").municipality()
        return profile is not None and profile.lg_code == demo_lg_code()
    finally:
        store.close()


def _verify(context) -> int:
    from soloit.services.integrity import verify
    from soloit.store.db import open_database

    store = open_database(context.db_path, readonly=True)  # read-only: works while another soloit is writing
    try:
        report = verify(store)
    finally:
        store.close()
    print(report.summary_ja(), file=sys.stdout if report.ok else sys.stderr)
    if not report.ok and report.first_bad_id is not None:
        print(f"最初の不正な記録: {report.first_bad_id}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def _settings(context):
    from soloit.settings import Settings

    return Settings.load(context.settings_path)


def _retention(settings):
    from soloit.store.backup import Retention

    return Retention(settings.keep_recent, settings.keep_daily, settings.keep_weekly, settings.keep_monthly)


def _backup(context, target: Path | None) -> int:
    from soloit.services.backups import backup_now
    from soloit.store.db import open_database

    settings = _settings(context)
    open_database(context.db_path, readonly=True).close()  # refuses a file that is not a sound soloit database
    folder = target or context.backup_dir(settings.backup_dir)
    info = backup_now(context.db_path, folder, kind="manual", retention=_retention(settings))
    print(f"バックアップを作成しました: {info.path}（変更記録 {info.journal_count} 件、検査 OK）")
    return EXIT_OK


def _restore(context, file: Path | None, *, newest: bool) -> int:
    from soloit.services.backups import BackupRefusedError, rescue, restore
    from soloit.store.backup import list_backups
    from soloit.store.lock import WriterLock

    settings = _settings(context)
    folder = context.backup_dir(settings.backup_dir)
    if file is None and not newest:
        backups = list_backups(folder)
        if not backups:
            print(f"「{folder}」にバックアップはありません。")
            return EXIT_FAILED
        print(f"バックアップ（{folder}、新しい順）:")
        for info in backups:
            print(
                f"  {info.created_at:%Y/%m/%d %H:%M}  {info.kind:<12} {info.size / 1024:8.0f} KB  "
                f"記録 {info.journal_count:>6} 件  {info.municipality}  {info.path.name}"
            )
        print("復元するには: soloit restore FILE（または --newest）")
        return EXIT_OK
    with WriterLock(context.db_path):
        if newest:
            result = rescue(context.db_path, folder, _retention(settings))
        else:
            assert file is not None
            if not file.exists():
                print(f"soloit: 「{file}」が見つかりません。", file=sys.stderr)
                return EXIT_FAILED
            try:
                result = restore(file, context.db_path, folder, retention=_retention(settings))
            except BackupRefusedError as exc:
                print(f"soloit: {exc.message_ja}", file=sys.stderr)
                return EXIT_FAILED
    print(f"復元しました: {result.restored_from.name} → {context.db_path}（変更記録 {result.entries} 件、検証 OK）")
    if result.pre_restore is not None:
        print(f"復元前のデータベースはバックアップしました: {result.pre_restore.path}")
    if result.set_aside is not None:
        print(f"壊れていたデータベースは別名で残しました: {result.set_aside}")
    return EXIT_OK
