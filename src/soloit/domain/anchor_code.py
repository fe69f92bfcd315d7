"""A short code for a point in the journal, for paper: the printed 事務引継書 carries it, and two people compare it
aloud or type it back (`soloit verify --against-code`).

    100375-BSRT-E3ZY-B2NG-S

is the entry count, then the first 60 bits of that entry's hash in Crockford's base32 (digits and the letters
without I, L, O and U, so nothing reads as another symbol), in three groups of four, then one check symbol.

The check symbol is a weighted sum over GF(32), the field of the 32 symbol values: every symbol typed — the count's
decimal digits, the 12 hash symbols and the check itself — is a field element, the one `k` places from the end is
weighted x^k (x a generator of the field, modulus x^5 + x^2 + 1), and the check is chosen so the whole sum is zero.
The weights are all non-zero and neighbours' weights always differ (by the factor x ≠ 1), so EVERY single wrong
symbol and EVERY swap of two neighbours (also the count's last digit with the first hash symbol, and the last hash
symbol with the check) leaves a non-zero sum: it is reported as a typing mistake, never read as the code of a
journal that differs (tests/unit/test_anchors.py proves this by trying them all). The check needs no extra symbols:
Crockford's own mod-37 check would add *, ~, $, = and U, which are awkward to read aloud and to type; and the old
mod-31 sum could not tell Z from 0. Leading zeros weigh nothing, so 0100375 is the same count as 100375.
A symbol left out is caught by the length when the count is typed apart from the rest (a hyphen or space after it);
typed with no separator at all, or one of the count's own digits left out (their number varies), only by the check,
31 times in 32.

Reading back is forgiving the way Crockford intends: lower case, full-width characters (an IME), I/L for 1, O for 0
(in the count too), spaces or no hyphens at all (100375bsrte3zyb2ngs: the last 13 symbols are the hash and the check, the
digits before them the count), and a count written 100,375. Sixty bits make a match by chance about one in 10^18:
the code anchors the chain as well as the full head, for comparing by eye."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
BITS = 60
SYMBOLS = BITS // 5  # 12
HEX_DIGITS = BITS // 4  # 15: the part of the hash a code carries
_FIELD_MODULUS = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2): GF(32), in which x generates every non-zero value
_READ_AS = {"I": "1", "L": "1", "O": "0"}
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_HEX = re.compile(r"[0-9a-f]{15,64}")
_SEPARATOR = re.compile(r"[-\s]")
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_LEADING_COUNT = re.compile(r"[\d,]+(?=[-\s])")
_EXAMPLE = "100375-BSRT-E3ZY-B2NG-S"


class AnchorCodeError(ValueError):
    """A code that cannot be read; `message_ja` says what is wrong."""

    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja


@dataclass(frozen=True, slots=True)
class ParsedCode:
    count: int
    head_prefix: str  # the first 15 hex digits (60 bits) of the hash of entry `count`, lower case

    @property
    def text(self) -> str:
        """The code in its one canonical form."""
        return _format(self.count, int(self.head_prefix, 16))


def _times_x(value: int) -> int:
    """`value` multiplied by x in GF(32)."""
    value <<= 1
    return value ^ _FIELD_MODULUS if value & 0b100000 else value


def _weighted_sum(values: list[int]) -> int:
    """Σ values[i]·x^(n-1-i) in GF(32), by Horner's rule (addition in GF(32) is exclusive or)."""
    total = 0
    for value in values:
        total = _times_x(total) ^ value
    return total


def check_symbol(count: int, symbols: str) -> str:
    """The check symbol of a count and its 12 symbols: the one that makes the weighted sum of all of them zero."""
    values = [int(d) for d in str(count)] + [_VALUE[ch] for ch in symbols]
    return ALPHABET[_times_x(_weighted_sum(values))]


def anchor_code(count: int, head: str) -> str:
    """The code of entry `count` whose hash is `head` (hex, at least 15 digits): 「100375-BSRT-E3ZY-B2NG-S」."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"not an entry count: {count!r}")
    if not isinstance(head, str) or not _HEX.fullmatch(head.lower()):
        raise ValueError(f"not a journal hash: {head!r}")
    return _format(count, int(head[:HEX_DIGITS], 16))


def _format(count: int, value: int) -> str:
    symbols = "".join(ALPHABET[(value >> (5 * (SYMBOLS - 1 - i))) & 31] for i in range(SYMBOLS))
    groups = "-".join(symbols[i : i + 4] for i in range(0, SYMBOLS, 4))
    return f"{count}-{groups}-{check_symbol(count, symbols)}"


def parse_anchor_code(text: str) -> ParsedCode:
    """A code as a person typed it back; AnchorCodeError (in Japanese) when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise AnchorCodeError(f"照合コードを入力してください（例: {_EXAMPLE}）。")
    normal = unicodedata.normalize("NFKC", text).strip().upper()
    normal = normal.replace("ー", "-").replace("−", "-").replace("‐", "-")
    normal = "".join(_READ_AS.get(ch, ch) for ch in normal)
    compact = _SEPARATOR.sub("", normal)
    wrong = sorted({ch for ch in compact if ch not in _VALUE and ch != ","})
    if wrong:
        unused = "U は使いません。" if "U" in wrong else ""
        raise AnchorCodeError(
            f"照合コードに使われない文字（{'、'.join(wrong)}）が含まれています。{unused}"
            "件数の数字と、英数字（0〜9、A〜Z）だけで入力してください。"
        )
    tail = SYMBOLS + 1  # the hash symbols and the check
    lead = _LEADING_COUNT.match(normal)
    if lead is not None:  # the count typed apart from the rest: the symbols after it must be exactly 13
        count_text, symbols = lead[0], compact[len(lead[0]) :]
        if len(symbols) != tail:
            raise AnchorCodeError(
                f"照合コードの件数の後ろは英数字 {tail} 文字です（入力は {len(symbols)} 文字）。"
                "読み落としがないか確かめてください。"
            )
    else:  # typed without hyphens: the last 13 symbols are the hash and the check, the digits before them the count
        count_text, symbols = compact[:-tail], compact[-tail:]
    if len(compact) <= tail or _COUNT.fullmatch(count_text) is None or "," in symbols:
        raise AnchorCodeError(
            f"照合コード「{text.strip()}」の形が違います。件数の数字の後ろに英数字 {tail} 文字"
            f"（例: {_EXAMPLE}。ハイフンは省いても構いません）で入力してください。"
        )
    values = [int(d) for d in count_text if d != ","] + [_VALUE[ch] for ch in symbols]
    if _weighted_sum(values) != 0:
        raise AnchorCodeError(
            "照合コードに読み違い・打ち間違いがあります（最後の検査文字が合いません）。"
            "事務引継書の表紙のコードと一文字ずつ見比べてください。"
        )
    value = 0
    for ch in symbols[:SYMBOLS]:
        value = value * 32 + _VALUE[ch]
    return ParsedCode(int(count_text.replace(",", "")), format(value, f"0{HEX_DIGITS}x"))
