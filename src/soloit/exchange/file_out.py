"""The one way soloit puts a file it writes in place: the target checked first (a folder, a missing folder, or an
existing file soloit cannot prove is its own earlier output is refused: a user's file is sacred), then written to a
temporary file beside it, flushed to disk and renamed over the target. On any failure only that temporary file is
removed and the error says nothing was written."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from soloit.durable import flush_file
from soloit.services.errors import OutputError, describe_os_error

T = TypeVar("T")


def check_target(out: Path, is_ours: Callable[[Path], bool], not_ours_ja: str) -> None:
    """Refuse a target soloit must not write: `not_ours_ja` says what an existing file is not (「soloit の変更履歴ではない」)."""
    if out.is_dir():
        raise OutputError(f"「{out}」はフォルダーです。ファイル名を指定してください。")
    if not out.parent.is_dir():
        raise OutputError(f"保存先のフォルダー「{out.parent}」がありません。")
    if out.exists() and not is_ours(out):
        raise OutputError(f"「{out}」は既にあり、{not_ours_ja}ため上書きしません。別の名前を指定してください。")


def write_atomically(out: Path, write: Callable[[Path], T], what_ja: str, *, private: bool = False) -> T:
    """`write(temporary path)`, then the temporary file fsynced and renamed to `out`; what `write` returned.
    `what_ja` names the file in the error (「変更履歴」). A `private` file (one that carries the whole ledger: the
    変更履歴 exports) is readable by its owner only (0600, like the database) from its first byte: the temporary file
    is created so before `write` fills it, and kept so if `write` made it anew."""
    temp = out.parent / f".{out.stem}.{uuid.uuid4().hex[:8]}.soloit-tmp{out.suffix}"
    try:
        if private:
            os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        result = write(temp)
        if private:
            os.chmod(temp, 0o600)
        flush_file(temp)
        os.replace(temp, out)
    except OSError as exc:
        raise OutputError(f"{what_ja}を書き込めません: {describe_os_error(exc)}。何も出力していません。") from exc
    finally:
        temp.unlink(missing_ok=True)  # only the temporary file just made
    return result
