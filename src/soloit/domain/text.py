"""The rules every piece of text a person types must obey (field values, reasons, the display name …), and how
text that came from outside (a lock file, a sidecar) is shown safely.

One validator for the whole program, so a rule added here (the coming "no secrets" check, say) holds everywhere."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional overrides and isolates: they make text read differently from what is stored ("Trojan source").
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Every character _bad_character objects to, as one class: text_problem finds the first with one search (verify
# reads every stored text; a loop over the characters in Python was most of its time on a large ledger).
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _bad_character(ch: str) -> str | None:
    """What is wrong with one character, or None."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "surrogate"
    if ch in _ALLOWED_CONTROLS:
        return None
    if code < 0x20 or 0x7F <= code < 0xA0:
        return "control"
    if ch in _BIDI_CONTROLS:
        return "bidi"
    return None


def text_problem(value: str, *, max_len: int | None = None) -> str | None:
    """A Japanese sentence saying why `value` cannot be stored, or None when it can.

    Refused: control characters other than tab and line breaks, lone surrogates (text broken while pasting, which
    cannot be saved as UTF-8), and bidirectional overrides (they make stored text read differently on screen)."""
    found = _BAD_CHARACTERS.search(value)
    if found is not None:
        ch = found.group()
        kind = _bad_character(ch)
        if kind == "surrogate":
            return "文字化けした文字（対になっていないサロゲート）が含まれています。貼り付け元の文字を確認して入力し直してください。"
        if kind == "control":
            return f"使用できない制御文字（U+{ord(ch):04X}）が含まれています。"
        if kind == "bidi":
            return f"表示の向きを変える制御文字（U+{ord(ch):04X}）は使用できません。"
    if max_len is not None and len(value) > max_len:
        return f"{max_len}文字以内で入力してください（現在 {len(value)}文字）。"
    return None


def free_text_problem(value: str, *, max_len: int | None = None) -> str | None:
    """text_problem, and the rule that no credential is recorded (domain/secrets.py): what every field a person
    types free text into is checked with (fields of records, reasons, names)."""
    from soloit.domain.secrets import secret_problem

    return text_problem(value, max_len=max_len) or secret_problem(value)


def escape_for_display(value: object, *, limit: int = 80) -> str:
    """Text from a file soloit did not write itself (a lock's user or host name, a sidecar), safe to show: control
    characters, surrogates and direction overrides become visible escapes (\\x1b, \\u202e), and long text is cut."""
    text = value if isinstance(value, str) else str(value)
    out = []
    for ch in text:
        if ch in "\t\n\r" or _bad_character(ch) is not None:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif unicodedata.category(ch) == "Zl" or unicodedata.category(ch) == "Zp":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def fold(text: str) -> str:
    """Text as every search and filter compares it: NFKC (全角英数 → 半角, 半角カナ → 全角) and case folded."""
    return unicodedata.normalize("NFKC", text).casefold()
