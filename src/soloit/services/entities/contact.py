"""連絡先: a person or a desk to call (a vendor's support desk, the prefecture's 担当, a department's 担当者), the
organisation they belong to, and the systems and contracts they are the contact for (links in links.py)."""

from __future__ import annotations

import re
import unicodedata

from soloit.services.entities.base import Entity
from soloit.services.fields import REF, TEXT, FieldSpec

_PHONE = re.compile(r"[0-9()\-+ ]*(?:(?:内線|内|ext\.?|EXT\.?)\s*[0-9]+)?")
_MAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def phone_problem(text: str) -> str | None:
    """Digits, hyphens, brackets, + and spaces, perhaps followed by 内線 and a number (全角 accepted)."""
    folded = unicodedata.normalize("NFKC", text).replace("ー", "-").replace("−", "-")
    if not _PHONE.fullmatch(folded) or not any(ch.isdigit() for ch in folded):
        return "電話番号は数字とハイフンで入力してください（例: 0123-45-6789 内線 123）。"
    return None


def mail_problem(text: str) -> str | None:
    if not _MAIL.fullmatch(unicodedata.normalize("NFKC", text)):
        return "メールアドレスの形が正しくありません（例: soumu@example.lg.jp）。"
    return None


class ContactEntity(Entity):
    name = "contact"
    label_ja = "連絡先"
    table = "contact"
    model_name = "Contact"
    area = "引継ぎ"
    search_rank = 6
    subject_rank = 7
    views = ("handover",)
    fields = (
        FieldSpec("name", "担当者・窓口", TEXT, max_len=200, required=True),
        FieldSpec("organisation_id", "所属組織", REF, ref="organisation"),
        FieldSpec("role", "役割", TEXT, max_len=200),
        FieldSpec("phone", "電話", TEXT, max_len=40, problem=phone_problem),
        FieldSpec("mail", "メール", TEXT, max_len=254, problem=mail_problem),
        FieldSpec("notes", "備考", TEXT, max_len=4000),
    )
