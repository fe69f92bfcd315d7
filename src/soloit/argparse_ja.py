"""argparse in Japanese: its own words (usage, headings, errors) from a small catalog, and a parser whose errors say
what to do next.

argparse looks its messages up at run time through two module globals, ``argparse._`` (gettext) and
``argparse.ngettext``; `install()` points them at the catalog below for this process. A message not in the catalog
falls back to the original (English) lookup, so an argparse newer than the catalog still works, only partly in English.

The catalog covers every message id of argparse in Python 3.11 and 3.12 (the same set) and in 3.13 (the Windows
bundle), listed in `ADDED_IN_3_13`. No id of 3.11 was removed or reworded in 3.13; two non-literal lookups of 3.11
(``_(title)`` and ``_(description)`` of ``add_subparsers``, which pass the caller's own text through gettext) became the
literal id ``'subcommands'``.

Usage (before any parser is built, since argparse translates headings when a parser is created)::

    from soloit.argparse_ja import JapaneseArgumentParser
    parser = JapaneseArgumentParser(prog="soloit", description="…")
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from typing import Any, NoReturn

HELP_JA = "このヘルプを表示して終了する"

# msgid → Japanese. Keys are argparse's own strings, byte for byte; the %-placeholders must survive unchanged.
CATALOG: dict[str, str] = {
    # help output
    "usage: ": "使い方: ",
    "positional arguments": "位置引数",
    "options": "オプション",
    "show this help message and exit": HELP_JA,
    "show program's version number and exit": "バージョンを表示して終了する",  # 3.13
    "subcommands": "サブコマンド",  # 3.13 (3.11 passes the same default through _ as a variable)
    "%(heading)s:": "%(heading)s:",  # 3.13; 3.11 writes the colon without gettext, so keep it ASCII for both
    " (default: %(default)s)": "（既定値: %(default)s）",  # 3.13
    # errors and warnings the user sees
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: 警告: %(message)s\n",  # 3.13
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "認識できない引数があります: %s",
    "the following arguments are required: %s": "次の引数を指定してください: %s",
    "one of the arguments %s is required": "引数 %s のいずれか1つを指定してください",
    "not allowed with argument %s": "引数 %s と同時には指定できません",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r は選べません（選べるもの: %(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r は %(type)s の値として正しくありません",
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまでです",
    "expected at least one argument": "値を1つ以上指定してください",
    "ambiguous option: %(option)s could match %(matches)s": "オプション %(option)s はあいまいです（候補: %(matches)s）",
    "ignored explicit argument %r": "このオプションは値をとりません（%r は指定できません）",
    "unexpected option string: %s": "ここにはオプション %s を指定できません",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "サブコマンド %(parser_name)r はありません（選べるもの: %(choices)s）",
    "can't open '%(filename)s': %(error)s": "'%(filename)s' を開けません: %(error)s",
    "argument \"-\" with mode %r": "モード %r では引数 \"-\"（標準入出力）を使えません",
    "option '%(option)s' is deprecated": "オプション '%(option)s' は廃止予定です",  # 3.13
    "argument '%(argument_name)s' is deprecated": "引数 '%(argument_name)s' は廃止予定です",  # 3.13
    "command '%(parser_name)s' is deprecated": "コマンド '%(parser_name)s' は廃止予定です",  # 3.13
    # mistakes in the program's own parser definition (seen by developers, translated for completeness)
    "conflicting subparser: %s": "サブコマンドが重複しています: %s",
    "conflicting subparser alias: %s": "サブコマンドの別名が重複しています: %s",
    "cannot have multiple subparser arguments": "サブコマンドの引数は1つしか定義できません",
    "cannot merge actions - two groups are named %r": "引数を統合できません: %r という名前のグループが2つあります",
    "'required' is an invalid argument for positionals": "位置引数に 'required' は指定できません",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "オプション文字列 %(option)r が正しくありません: %(prefix_chars)r のいずれかの文字で始めてください"
    ),
    "dest= is required for options like %r": "%r のようなオプションには dest= が必要です",
    "invalid conflict_resolution value: %r": "conflict_resolution の値 %r が正しくありません",
    "mutually exclusive arguments must be optional": "同時に指定できない引数はオプション（省略可能）にしてください",
    ".__call__() not defined": ".__call__() が定義されていません",
    "%r is not callable": "%r は呼び出せません",
}

# (singular msgid, plural msgid) → Japanese (one form: Japanese has no grammatical plural).
PLURALS: dict[tuple[str, str], str] = {
    ("conflicting option string: %s", "conflicting option strings: %s"): "オプション文字列が重複しています: %s",
    ("expected %s argument", "expected %s arguments"): "値を %s 個指定してください",
}

# The ids Python 3.13.0's argparse has and 3.11's has not (read from Lib/argparse.py of both with the ast module).
ADDED_IN_3_13: tuple[str, ...] = (
    "%(heading)s:",
    " (default: %(default)s)",
    "show program's version number and exit",
    "subcommands",
    "command '%(parser_name)s' is deprecated",
    "option '%(option)s' is deprecated",
    "argument '%(argument_name)s' is deprecated",
    "%(prog)s: warning: %(message)s\n",
)

_original: tuple[Any, Any] | None = None  # argparse's own (_, ngettext) while the catalog is installed


def gettext(message: Any) -> Any:
    """argparse's `_`: the Japanese text of `message`, or the original lookup when the catalog lacks it."""
    if isinstance(message, str) and message in CATALOG:
        return CATALOG[message]
    fallback = _original[0] if _original is not None else None
    if fallback is None or not isinstance(message, str):
        return message  # 3.11 passes None through _ (add_subparsers' description)
    return fallback(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's `ngettext`: the Japanese text, or the original lookup when the catalog lacks the pair."""
    if (singular, plural) in PLURALS:
        return PLURALS[(singular, plural)]
    if _original is not None:
        return _original[1](singular, plural, n)
    return singular if n == 1 else plural


def install() -> None:
    """From now on, argparse in this process speaks Japanese. Idempotent; call it before building parsers."""
    global _original
    if _original is None:
        _original = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
        argparse._ = gettext  # type: ignore[attr-defined]
        argparse.ngettext = ngettext  # type: ignore[attr-defined]


def uninstall() -> None:
    """Give argparse its own lookups back (for tests)."""
    global _original
    if _original is not None:
        argparse._, argparse.ngettext = _original  # type: ignore[attr-defined]
        _original = None


def is_installed() -> bool:
    return _original is not None


# Kinsoku: characters that must not begin a line, and those that must not end one.
_NO_LINE_START = frozenset("、。，．,.）」』】〕〉》）!?！？ー…・:：;；%％")
_NO_LINE_END = frozenset("（「『【〔〈《(")
_TOKEN = re.compile(r"\s+|[!-~]+|.")  # a space run, an ASCII word (never split), or any other single character


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (W) and full-width (F) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` terminal columns. Japanese breaks between any two characters
    (never before 、。） nor after （), ASCII words stay whole; runs of whitespace count as one space."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text.strip()):
        if token.isspace():
            if line:
                line += " "
            continue
        if not line or display_width(line + token) <= width or token in _NO_LINE_START:
            line += token
            continue
        line = line.rstrip()
        carried = ""
        while line and line[-1] in _NO_LINE_END:  # an opening bracket goes down with what it opens
            carried, line = line[-1] + carried, line[:-1]
        if line:
            lines.append(line.rstrip())
        line = carried + token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class JapaneseHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping help by terminal columns: a Japanese character takes two of them, and argparse
    alone counts one, which makes Japanese help lines twice too long for the console."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        """argparse pads an option's name (「--db ファイル」) to the help column by counting characters; a Japanese
        metavar is wider on screen than its length, so take the difference back out of the padding."""
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        if extra <= 0 or at < 0:
            return text
        after = at + len(invocation)
        spaces = len(first[after:]) - len(first[after:].lstrip(" "))
        help_column = after + spaces
        if spaces - extra >= 2:
            first = first[:after] + " " * (spaces - extra) + first[help_column:]
        elif first[help_column:]:  # too wide for the column on screen: the help starts on the next line
            first = first[:after] + "\n" + " " * help_column + first[help_column:]
        return first + newline + rest


class JapaneseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Japanese: creating one installs the catalog (see `install`), its help option
    says 「このヘルプを表示して終了する」, help text wraps by terminal columns (`JapaneseHelpFormatter`, unless another
    formatter_class is given), and an error prints ``<prog>: エラー: …`` and how to get help, then exits 2.

    Sub-command parsers made by ``add_subparsers().add_parser`` are of this class too (argparse's default)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install()
        if len(args) < 6:  # formatter_class is the sixth positional parameter
            kwargs.setdefault("formatter_class", JapaneseHelpFormatter)
        super().__init__(*args, **kwargs)
        for action in self._actions:  # the -h/--help argparse added (already translated; said here once more)
            if isinstance(action, argparse._HelpAction) and action.help == gettext("show this help message and exit"):
                action.help = HELP_JA

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: エラー: {message}\n{self.prog} --help で使い方を表示します。\n")
