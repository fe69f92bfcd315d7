"""A short code for a point in the journal, for paper: the printed 事務引継書 carries it, and two people compare it
aloud or type it back (`soloit verify --against-code`).

    100375-BSRT-E3ZY-B2NG-M

is the entry count, then the first 60 bits of that entry's hash in Crockford's base32 (digits and the letters
without I, L, O and U, so nothing reads as another symbol), in three groups of four, then one check symbol: the
sum of every symbol's value (the count's digits included) weighted by its position, modulo 31, so a misread or
mistyped symbol, or two neighbours swapped, is caught as a typing mistake rather than taken for a journal that
differs. Reading back is forgiving the
way Crockford intends: lower case, full-width characters (an IME), I/L for 1, O for 0, spaces or no hyphens, and
a count written 100,375. Sixty bits make a match by chance about one in 10^18: the code anchors the chain as well
as the full head, for comparing by eye."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
BITS = 60
SYMBOLS = BITS // 5  # 12
HEX_DIGITS = BITS // 4  # 15: the part of the hash a code carries
_READ_AS = {"I": "1", "L": "1", "O": "0"}
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_HEX = re.compile(r"[0-9a-f]{15,64}")
_SHAPE = re.compile(r"(?P<count>\d{1,3}(?:,\d{3})+|\d+)[-\s]+(?P<symbols>[0-9A-Z][0-9A-Z\-\s]*)")


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


def check_symbol(count: int, symbols: str) -> str:
    """The check symbol of a count and its 12 symbols (weights 1, 2, 3 … modulo the prime 31)."""
    values = [int(d) for d in str(count)] + [_VALUE[ch] for ch in symbols]
    return ALPHABET[sum(weight * value for weight, value in enumerate(values, start=1)) % 31]


def anchor_code(count: int, head: str) -> str:
    """The code of entry `count` whose hash is `head` (hex, at least 15 digits): 「100375-BSRT-E3ZY-B2NG-M」."""
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
        raise AnchorCodeError("照合コードを入力してください（例: 100375-BSRT-E3ZY-B2NG-M）。")
    normal = unicodedata.normalize("NFKC", text).strip().upper()
    normal = normal.replace("ー", "-").replace("−", "-").replace("‐", "-")
    shape = _SHAPE.fullmatch(normal)
    if shape is None:
        raise AnchorCodeError(
            f"照合コード「{text.strip()}」の形が違います。件数、ハイフン、英数字13文字（例: 100375-BSRT-E3ZY-B2NG-M）で入力してください。"
        )
    symbols = re.sub(r"[-\s]", "", shape["symbols"])
    symbols = "".join(_READ_AS.get(ch, ch) for ch in symbols)
    wrong = sorted({ch for ch in symbols if ch not in _VALUE})
    if wrong:
        raise AnchorCodeError(f"照合コードに使われない文字（{'、'.join(wrong)}）が含まれています。U は使いません。")
    if len(symbols) != SYMBOLS + 1:
        raise AnchorCodeError(
            f"照合コードの件数の後ろは英数字 {SYMBOLS + 1} 文字です（入力は {len(symbols)} 文字）。読み落としがないか確かめてください。"
        )
    count = int(shape["count"].replace(",", ""))
    symbols, check = symbols[:SYMBOLS], symbols[SYMBOLS]
    if check_symbol(count, symbols) != check:
        raise AnchorCodeError(
            "照合コードに読み違い・打ち間違いがあります（最後の検査文字が合いません）。事務引継書の表紙のコードと一文字ずつ見比べてください。"
        )
    value = 0
    for ch in symbols:
        value = value * 32 + _VALUE[ch]
    return ParsedCode(count, format(value, f"0{HEX_DIGITS}x"))
