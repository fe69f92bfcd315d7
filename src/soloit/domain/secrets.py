"""No secrets in the ledger: text that holds a credential (`パスワード: abc123`, `password=…`, `PW：…`) is refused,
with a message asking to record *where* it is kept instead; text about a credential's whereabouts
(`パスワードの保管場所：金庫の台帳`) passes. One rule for every free-text field (via domain/text.free_text_problem)."""

from __future__ import annotations

import re
import unicodedata

# A credential's name (folded by NFKC and lower-cased first, so ＰＷ and Password match too) …
_NAME = (
    r"(?:パスワード|パスコード|暗証番号|合言葉|秘密鍵|api ?キー|"
    r"(?<![a-z])(?:password|passwd|passcode|passphrase|pwd|pw|pin|secret|token|api[ _-]?key|access[ _-]?key)(?![a-z]))"
)
# … directly followed by a separator and a value (`パスワード：abc`, `pw=abc`, `ID/PW: admin/admin`) …
_GIVEN = re.compile(_NAME + r"(?:\s*[:=]\s*|\s*は\s*|\s+is\s+)(?P<value>\S+)")
_MASKED = re.compile(r"^[*●○×x\-_]+$")  # a value written as ***** is not the secret itself
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

MESSAGE = (
    "パスワードなどの秘密の情報は記録できません（「{found}」）。"
    "soloit の記録は引継ぎや報告で人に渡ります。秘密の情報そのものではなく、保管している場所を記録してください"
    "（例: 「パスワードの保管場所：金庫の台帳」）。"
)


def secret_problem(text: str) -> str | None:
    """A Japanese sentence when `text` seems to hold a credential itself, or None."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for match in _GIVEN.finditer(folded):
        value = match.group("value").strip("「」『』\"'()（）")
        if not value or _MASKED.match(value):
            continue
        if _JAPANESE.search(value) and not re.search(r"[a-z0-9]{4,}", value):
            continue  # 「PW：金庫の台帳に記載」「パスワードは別紙」: where it is, not what it is
        shown = match.group(0)
        shown = shown[: max(len(shown) - len(match.group("value")), 1)] + "…"
        return MESSAGE.format(found=shown.strip())
    return None
