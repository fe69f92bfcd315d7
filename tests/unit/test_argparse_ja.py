"""argparse in Japanese: help, errors and the catalog of argparse's own message ids."""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import pytest

from soloit import argparse_ja
from soloit.argparse_ja import ADDED_IN_3_13, CATALOG, PLURALS, JapaneseArgumentParser, display_width, wrap

# Words of argparse's English messages; none may be left in what a user sees.
ENGLISH = re.compile(
    r"\b(usage|options|positional|arguments?|show this help|error|unrecognized|required|invalid|choice|choose"
    r"|expected|ambiguous|allowed|ignored|explicit|could match)\b",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def english_again(monkeypatch):
    """Every test starts with argparse in English and leaves it so (other tests of this process expect it)."""
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps help to the terminal width
    argparse_ja.uninstall()
    yield
    argparse_ja.uninstall()


def small_parser() -> argparse.ArgumentParser:
    parser = JapaneseArgumentParser(prog="soloit", description="ひとり情シスのための標準化・DX台帳")
    parser.add_argument("--db", metavar="PATH", help="使うデータベースファイル")
    parser.add_argument("--demo", action="store_true", help="デモ用データベースで開く")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    backup = sub.add_parser("backup", help="今すぐバックアップを作成する")
    backup.add_argument("target", metavar="DIR", help="保存先フォルダ")
    backup.add_argument("--mode", choices=["full", "quick"], help="方式")
    return parser


def run(parser: argparse.ArgumentParser, argv: list[str], capsys) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(argv)
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def test_help(capsys):
    code, out, err = run(small_parser(), ["--help"], capsys)
    assert code == 0
    assert err == ""
    assert out == (
        "使い方: soloit [-h] [--db PATH] [--demo] COMMAND ...\n"
        "\n"
        "ひとり情シスのための標準化・DX台帳\n"
        "\n"
        "位置引数:\n"
        "  COMMAND\n"
        "    backup    今すぐバックアップを作成する\n"
        "\n"
        "オプション:\n"
        "  -h, --help  このヘルプを表示して終了する\n"
        "  --db PATH   使うデータベースファイル\n"
        "  --demo      デモ用データベースで開く\n"
    )
    assert not ENGLISH.search(out), out


def test_help_of_a_sub_command(capsys):
    code, out, _err = run(small_parser(), ["backup", "-h"], capsys)
    assert code == 0
    assert out == (
        "使い方: soloit backup [-h] [--mode {full,quick}] DIR\n"
        "\n"
        "位置引数:\n"
        "  DIR                  保存先フォルダ\n"
        "\n"
        "オプション:\n"
        "  -h, --help           このヘルプを表示して終了する\n"
        "  --mode {full,quick}  方式\n"
    )
    assert not ENGLISH.search(out), out


def test_unknown_option(capsys):
    code, out, err = run(small_parser(), ["--bogus"], capsys)
    assert code == 2
    assert out == ""
    assert err == (
        "使い方: soloit [-h] [--db PATH] [--demo] COMMAND ...\n"
        "soloit: エラー: 認識できない引数があります: --bogus\n"
        "soloit --help で使い方を表示します。\n"
    )
    assert not ENGLISH.search(err), err


def test_missing_argument(capsys):
    code, _out, err = run(small_parser(), ["backup"], capsys)
    assert code == 2
    assert err == (
        "使い方: soloit backup [-h] [--mode {full,quick}] DIR\n"
        "soloit backup: エラー: 次の引数を指定してください: DIR\n"
        "soloit backup --help で使い方を表示します。\n"
    )
    assert not ENGLISH.search(err), err


def test_bad_choice(capsys):
    code, _out, err = run(small_parser(), ["backup", "D:/bk", "--mode", "slow"], capsys)
    assert code == 2
    assert err.splitlines()[1] == "soloit backup: エラー: 引数 --mode: 'slow' は選べません（選べるもの: 'full', 'quick'）"
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--db"], "soloit: エラー: 引数 --db: 値を1つ指定してください"),
        (["--d", "x"], "soloit: エラー: オプション --d はあいまいです（候補: --db, --demo）"),
        (["--demo=yes"], "soloit: エラー: 引数 --demo: このオプションは値をとりません（'yes' は指定できません）"),
        (["backup", "D:/bk", "extra"], "soloit: エラー: 認識できない引数があります: extra"),
        (["restore"], "soloit: エラー: 引数 COMMAND: 'restore' は選べません（選べるもの: 'backup'）"),
    ],
)
def test_other_errors(capsys, argv, line):
    code, _out, err = run(small_parser(), argv, capsys)
    assert code == 2
    assert err.splitlines()[1] == line
    assert err.splitlines()[2] == "soloit --help で使い方を表示します。"
    assert not ENGLISH.search(err), err


def test_more_argparse_messages(capsys):
    parser = JapaneseArgumentParser(prog="soloit")
    parser.add_argument("--days", type=int)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--yes", action="store_true")
    group.add_argument("--no", action="store_true")

    _code, _out, err = run(parser, ["--days", "x", "--yes"], capsys)
    assert err.splitlines()[1] == "soloit: エラー: 引数 --days: 'x' は int の値として正しくありません"
    _code, _out, err = run(parser, ["--yes", "--no"], capsys)
    assert err.splitlines()[1] == "soloit: エラー: 引数 --no: 引数 --yes と同時には指定できません"
    _code, _out, err = run(parser, [], capsys)
    assert err.splitlines()[1] == "soloit: エラー: 引数 --yes --no のいずれか1つを指定してください"


def test_plural_messages(capsys):
    parser = JapaneseArgumentParser(prog="soloit")
    parser.add_argument("--range", nargs=2)
    _code, _out, err = run(parser, ["--range", "1"], capsys)
    assert err.splitlines()[1] == "soloit: エラー: 引数 --range: 値を 2 個指定してください"
    with pytest.raises(argparse.ArgumentError) as conflict:
        parser.add_argument("--range")
    assert str(conflict.value) == "引数 --range: オプション文字列が重複しています: --range"


def test_long_japanese_help_wraps_by_terminal_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # argparse uses 38 of them: 13 for "  --db PATH  ", 25 for the help
    parser = JapaneseArgumentParser(prog="soloit", add_help=False)
    parser.add_argument("--db", metavar="PATH", help="使うデータベースファイル（既定: ユーザーのデータフォルダ）")
    parser.print_help()
    assert capsys.readouterr().out == (
        "使い方: soloit [--db PATH]\n"
        "\n"
        "オプション:\n"
        "  --db PATH  使うデータベースファイル\n"
        "             （既定: ユーザーのデータ\n"
        "             フォルダ）\n"
    )


def test_install_and_uninstall():
    assert not argparse_ja.is_installed()
    english = argparse.ArgumentParser(prog="soloit").format_help()
    assert english.startswith("usage: soloit [-h]")
    argparse_ja.install()
    argparse_ja.install()  # idempotent
    assert argparse.ArgumentParser(prog="soloit").format_help().startswith("使い方: soloit [-h]")
    argparse_ja.uninstall()
    assert argparse.ArgumentParser(prog="soloit").format_help() == english


def test_unknown_messages_fall_back_to_english():
    argparse_ja.install()
    assert argparse._("a message argparse may add one day") == "a message argparse may add one day"
    assert argparse._(None) is None  # 3.11 passes add_subparsers' missing description through _
    assert argparse.ngettext("%s new thing", "%s new things", 1) == "%s new thing"
    assert argparse.ngettext("%s new thing", "%s new things", 2) == "%s new things"
    assert argparse._("usage: ") == "使い方: "


# --- the catalog against argparse's own message ids -------------------------------------------------------------

# Python 3.13.0 Lib/argparse.py (the Windows bundle's), every literal given to _() or ngettext(), read with ast.
IDS_3_13_0 = {
    "%(heading)s:", "usage: ", " (default: %(default)s)", "argument %(argument_name)s: %(message)s",
    ".__call__() not defined", "show program's version number and exit", "conflicting subparser: %s",
    "conflicting subparser alias: %s", "unknown parser %(parser_name)r (choices: %(choices)s)",
    "command '%(parser_name)s' is deprecated", 'argument "-" with mode %r', "can't open '%(filename)s': %(error)s",
    "cannot merge actions - two groups are named %r", "'required' is an invalid argument for positionals",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r", "invalid conflict_resolution value: %r",
    "mutually exclusive arguments must be optional", "positional arguments", "options",
    "show this help message and exit", "cannot have multiple subparser arguments", "subcommands",
    "unrecognized arguments: %s", "not allowed with argument %s", "ignored explicit argument %r",
    "option '%(option)s' is deprecated", "argument '%(argument_name)s' is deprecated",
    "the following arguments are required: %s", "one of the arguments %s is required", "expected one argument",
    "expected at most one argument", "expected at least one argument",
    "ambiguous option: %(option)s could match %(matches)s", "unexpected option string: %s", "%r is not callable",
    "invalid %(type)s value: %(value)r", "invalid choice: %(value)r (choose from %(choices)s)",
    "%(prog)s: error: %(message)s\n", "%(prog)s: warning: %(message)s\n",
}  # fmt: skip
PLURAL_IDS_3_13_0 = {
    ("conflicting option string: %s", "conflicting option strings: %s"),
    ("expected %s argument", "expected %s arguments"),
}


def running_argparse_ids() -> tuple[set[str], set[tuple[str, str]]]:
    """The literal message ids of the argparse this test runs with."""
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and literal:
                singular.add(literal[0])
            elif node.func.id == "ngettext" and len(literal) >= 2:
                plural.add((literal[0], literal[1]))
    return singular, plural


def test_catalog_covers_the_running_argparse():
    singular, plural = running_argparse_ids()
    assert len(singular) > 30
    assert singular - CATALOG.keys() == set()
    assert plural - PLURALS.keys() == set()


def test_catalog_covers_python_3_13():
    assert IDS_3_13_0 - CATALOG.keys() == set()
    assert PLURAL_IDS_3_13_0 - PLURALS.keys() == set()
    assert set(ADDED_IN_3_13) <= IDS_3_13_0


@pytest.mark.skipif(sys.version_info[:2] not in ((3, 11), (3, 12)), reason="compares 3.13 with 3.11/3.12")
def test_what_3_13_added():
    singular, plural = running_argparse_ids()
    assert IDS_3_13_0 - singular == set(ADDED_IN_3_13)
    assert singular - IDS_3_13_0 == set()  # nothing of 3.11 was removed or reworded
    assert plural == PLURAL_IDS_3_13_0


PLACEHOLDER = re.compile(r"%\(\w+\)[rsd]|%[rsd]")


@pytest.mark.parametrize("msgid", sorted(CATALOG))
def test_translations_keep_the_placeholders(msgid):
    assert sorted(PLACEHOLDER.findall(CATALOG[msgid])) == sorted(PLACEHOLDER.findall(msgid))
    assert CATALOG[msgid].endswith("\n") == msgid.endswith("\n")


@pytest.mark.parametrize("ids", sorted(PLURALS))
def test_plural_translations_keep_the_placeholders(ids):
    assert PLACEHOLDER.findall(PLURALS[ids]) == PLACEHOLDER.findall(ids[0])


# --- wrapping by terminal columns -------------------------------------------------------------------------------


def test_display_width():
    assert display_width("abc") == 3
    assert display_width("使い方") == 6
    assert display_width("ＤＢ（既定）") == 12  # full-width letters and brackets
    assert display_width("ｱｲｳ") == 3  # half-width katakana


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("あいうえおかきくけこ", 10, ["あいうえお", "かきくけこ"]),
        ("あいうえお。かきくけこ", 10, ["あいうえお。", "かきくけこ"]),  # 。 never starts a line
        ("あいうえ（かきく）", 10, ["あいうえ", "（かきく）"]),  # （ never ends one
        ("環境変数 SOLOIT_DB でも指定可", 16, ["環境変数", "SOLOIT_DB でも指", "定可"]),  # ASCII words stay whole
        ("abc def ghi", 7, ["abc def", "ghi"]),
        ("  あい  \n うえ  ", 20, ["あい うえ"]),
        ("", 10, []),
    ],
)
def test_wrap(text, width, lines):
    assert wrap(text, width) == lines
