"""Every editable field of the ledger, addressed as (entity, key, field): its Japanese label, how it is
validated, and how its value is written into the journal as text. One registry serves editing, undo and verify."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from soloit import reference
from soloit.services.errors import ValidationError

CREATE = "*"  # the pseudo-field whose value is the entity's name on creation and None on deletion


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label_ja: str
    kind: str  # text | date | bool | choice | org | status
    max_len: int | None = None
    required: bool = False
    choices: Callable[[], tuple[str, ...]] | None = None
    latest: Callable[[], date] | None = None  # a date must not be after this
    default: Any = None

    def clean(self, value: Any) -> Any:
        """The value as stored, or ValidationError in Japanese naming the field."""
        if self.kind == "text":
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ValidationError(self.label_ja, "文字で入力してください。")
            value = value.strip()
            if any((ord(ch) < 32 and ch not in "\t\n\r") or 0x7F <= ord(ch) < 0xA0 for ch in value):
                raise ValidationError(self.label_ja, "使用できない制御文字が含まれています。")
            if self.max_len is not None and len(value) > self.max_len:
                raise ValidationError(self.label_ja, f"{self.max_len}文字以内で入力してください（現在 {len(value)}文字）。")
            if not value:
                if self.required:
                    raise ValidationError(self.label_ja, "入力してください。")
                return None
            return value
        if self.kind == "date":
            if value is None or value == "":
                return None
            if isinstance(value, str):
                value = parse_date(value, self.label_ja)
            if isinstance(value, datetime):
                value = value.date()
            if not isinstance(value, date):
                raise ValidationError(self.label_ja, "日付を入力してください。")
            if not date(2000, 1, 1) <= value <= date(2099, 12, 31):
                raise ValidationError(self.label_ja, "2000年から2099年までの日付を入力してください。")
            if self.latest is not None and value > self.latest():
                limit = self.latest()
                raise ValidationError(self.label_ja, f"{limit:%Y/%m/%d} より後の日付は設定できません。")
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(self.label_ja, "はい／いいえで指定してください。")
            return value
        if self.kind in ("choice", "status"):
            if value in (None, "") and not self.required:
                return None
            assert self.choices is not None
            if value not in self.choices():
                raise ValidationError(self.label_ja, "一覧から選んでください。")
            return value
        if self.kind == "org":
            if value is None:
                return None
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError(self.label_ja, "組織を一覧から選んでください。")
            return value
        raise AssertionError(self.kind)


def parse_date(text: str, label_ja: str) -> date:
    """Accepts 2026-03-31, 2026/3/31 and 2026.3.31 (full-width digits too)."""
    normalised = text.strip().translate({ord("０") + i: ord("0") + i for i in range(10)})
    for sep in ("/", ".", "／"):
        normalised = normalised.replace(sep, "-")
    try:
        y, m, d = (int(part) for part in normalised.split("-"))
        return date(y, m, d)
    except (ValueError, TypeError):
        raise ValidationError(label_ja, f"「{text}」は日付として読めません（例: 2026/03/31）。") from None


def encode(value: Any) -> str | None:
    """A value as journal text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def decode(spec: FieldSpec, text: str | None) -> Any:
    """Journal text back to a value of the field's kind."""
    if text is None:
        return None
    if spec.kind == "date":
        return date.fromisoformat(text)
    if spec.kind == "bool":
        return text == "true"
    if spec.kind == "org":
        return int(text)
    return text


def _statuses() -> tuple[str, ...]:
    return tuple(reference.load().status_by_code)


def _prefectures() -> tuple[str, ...]:
    return tuple(reference.load().prefecture_by_code)


def _hosting() -> tuple[str, ...]:
    return tuple(c.code for c in reference.load().hosting_kinds)


def _tokutei_reasons() -> tuple[str, ...]:
    return tuple(c.code for c in reference.load().tokutei_reasons)


def _org_kinds() -> tuple[str, ...]:
    return tuple(c.code for c in reference.load().organisation_kinds)


def _tokutei_deadline() -> date:
    return reference.load().tokutei_deadline


def _specs(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in specs}


CELL = "cell"
SYSTEM = "system"
MUNICIPALITY = "municipality"
ORGANISATION = "organisation"

FIELDS: dict[str, dict[str, FieldSpec]] = {
    CELL: _specs(
        FieldSpec("status", "ステータス", "status", required=True, choices=_statuses, default=reference.load().default_status.code),
        FieldSpec("planned_date", "予定日", "date"),
        FieldSpec("actual_date", "実績日", "date"),
        FieldSpec("note", "メモ", "text", max_len=2000),
    ),
    SYSTEM: _specs(
        FieldSpec(CREATE, "システム名", "text", max_len=200, required=True),
        FieldSpec("name", "システム名", "text", max_len=200, required=True),
        FieldSpec("current_vendor_id", "現行ベンダ", "org"),
        FieldSpec("current_product", "現行製品", "text", max_len=200),
        FieldSpec("target_vendor_id", "移行先（標準準拠）ベンダ", "org"),
        FieldSpec("target_product", "移行先（標準準拠）製品", "text", max_len=200),
        FieldSpec("hosting", "稼働環境", "choice", choices=_hosting),
        FieldSpec("planned_start", "移行作業開始予定日", "date"),
        FieldSpec("planned_go_live", "本番稼働予定日", "date"),
        FieldSpec("actual_go_live", "本番稼働日（実績）", "date"),
        FieldSpec("tokutei", "特定移行支援システム", "bool", default=False),
        FieldSpec("tokutei_reason", "特定移行支援の事由", "choice", choices=_tokutei_reasons),
        FieldSpec("tokutei_reason_text", "事由の内容（その他）", "text", max_len=500),
        FieldSpec("tokutei_target_date", "移行完了目標日", "date", latest=_tokutei_deadline),
        FieldSpec("department_id", "所管部署（原課）", "org"),
        FieldSpec("notes", "備考", "text", max_len=4000),
    ),
    MUNICIPALITY: _specs(
        FieldSpec(CREATE, "団体名", "text", max_len=100, required=True),
        FieldSpec("prefecture_code", "都道府県", "choice", required=True, choices=_prefectures, default=""),
        FieldSpec("name", "団体名", "text", max_len=100, required=True),
        FieldSpec("lg_code", "団体コード", "text", max_len=6, required=True, default=""),
    ),
    ORGANISATION: _specs(
        FieldSpec(CREATE, "組織名", "text", max_len=200, required=True),
        FieldSpec("name", "組織名", "text", max_len=200, required=True),
        FieldSpec("kind", "種別", "choice", required=True, choices=_org_kinds, default="other"),
        FieldSpec("notes", "備考", "text", max_len=2000),
    ),
}

ENTITY_LABELS = {CELL: "ステップ", SYSTEM: "システム", MUNICIPALITY: "団体情報", ORGANISATION: "組織"}


def spec(entity: str, field: str) -> FieldSpec:
    try:
        return FIELDS[entity][field]
    except KeyError:
        raise ValueError(f"unknown field {entity}.{field}") from None


def cell_key(business_code: str, seq: int) -> str:
    return f"{business_code}/{seq}"


def split_cell_key(key: str) -> tuple[str, int]:
    code, seq = key.split("/")
    return code, int(seq)
