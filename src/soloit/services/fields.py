"""Fields of declared entities: what a value may be, how it is validated, how it is written into the journal as
text, read back from the journal or from a raw database row, and shown to a person. Generic over kinds; the
entities themselves are declared in services/entities/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from soloit.domain.text import free_text_problem, text_problem
from soloit.reference import Choice as Option  # one allowed value of a choice field and its label
from soloit.services.errors import ValidationError

CREATE = "*"  # the pseudo-field whose value is the entity's name on creation and None on deletion

TEXT, DATE, BOOL, CHOICE, REF = "text", "date", "bool", "choice", "ref"
YEN, INT, DECIMAL = "yen", "int", "decimal"  # whole yen (never negative); a whole number in a range; a decimal
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2099, 12, 31)


class UnreadableValue(ValueError):
    """A stored value soloit cannot read (found by verify and by the check at open)."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label_ja: str
    kind: str  # text | date | bool | choice | ref | yen | int | decimal
    max_len: int | None = None
    required: bool = False
    options: Callable[[], tuple[Option, ...]] | None = None  # choice fields: the allowed codes with their labels
    latest: Callable[[], date] | None = None  # a date must not be after this
    happened: str | None = None  # a date that has happened (実績): none after today; the label of the planned field
    default: Any = None
    ref: str | None = None  # ref fields: the entity they point at
    hidden: bool = False  # journaled and verified, but not narrated on its own line (bookkeeping of a rule)
    minimum: int | None = None  # int fields: the range allowed
    maximum: int | None = None
    unit: str = ""  # shown after a number (円, 日, %)
    problem: Callable[[str], str | None] | None = None  # text fields: a further rule (a Japanese sentence, or None)
    describe: Callable[[str], str] | None = None  # text fields: how a stored value reads to a person
    named: Callable[[str, Any], str] | None = None  # text fields: the same, given a NameBook of every row's name

    # --- validation ---------------------------------------------------------------------------------------------

    def clean(self, value: Any) -> Any:
        """The value as stored, or ValidationError in Japanese naming the field."""
        if self.kind == TEXT:
            return self._clean_text(value)
        if self.kind == DATE:
            return self._clean_date(value)
        if self.kind == BOOL:
            if not isinstance(value, bool):
                raise ValidationError(self.label_ja, "はい／いいえで指定してください。")
            return value
        if self.kind == CHOICE:
            if value in (None, "") and not self.required:
                return None
            if not isinstance(value, str) or value not in self.codes():
                raise ValidationError(self.label_ja, "一覧から選んでください。")
            return value
        if self.kind in (YEN, INT, DECIMAL):
            return self._clean_number(value)
        if self.kind == REF:
            if value is None:
                if self.required:
                    raise ValidationError(self.label_ja, "一覧から選んでください。")
                return None
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError(self.label_ja, "一覧から選んでください。")
            return value
        raise AssertionError(self.kind)

    def _clean_text(self, value: Any) -> str | None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(self.label_ja, "文字で入力してください。")
        value = value.strip()
        problem = free_text_problem(value, max_len=self.max_len)
        if problem:
            raise ValidationError(self.label_ja, problem)
        if not value:
            if self.required:
                raise ValidationError(self.label_ja, "入力してください。")
            return None
        if self.problem is not None:
            further = self.problem(value)
            if further:
                raise ValidationError(self.label_ja, further)
        return value

    def _clean_number(self, value: Any) -> int | Decimal | None:
        """Typed text (全角 digits and commas accepted) or a number; a Japanese message naming the field otherwise."""
        from soloit.domain.amounts import MAX_YEN, NumberError, canonical, parse_decimal, parse_whole, parse_yen

        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError(self.label_ja, "入力してください。")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise ValidationError(self.label_ja, "数値で入力してください。")
        try:
            if self.kind == DECIMAL:
                return parse_decimal(value) if isinstance(value, str) else parse_decimal(str(canonical(Decimal(value))))
            text = value if isinstance(value, str) else str(value)
            if isinstance(value, Decimal) and value != value.to_integral_value():
                text = format(value, "f")
            if self.kind == YEN:
                return parse_yen(text, maximum=self.maximum if self.maximum is not None else MAX_YEN)
            return parse_whole(
                text,
                minimum=self.minimum if self.minimum is not None else 0,
                maximum=self.maximum if self.maximum is not None else 10**9,
                unit=self.unit,
            )
        except NumberError as exc:
            raise ValidationError(self.label_ja, exc.message_ja) from None

    def _clean_date(self, value: Any) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError(self.label_ja, "日付を入力してください。")
            return None
        if isinstance(value, str):
            value = parse_date(value, self.label_ja)
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            raise ValidationError(self.label_ja, "日付を入力してください。")
        if not MIN_DATE <= value <= MAX_DATE:
            raise ValidationError(self.label_ja, "2000年から2099年までの日付を入力してください。")
        if self.latest is not None and value > self.latest():
            limit = self.latest()
            raise ValidationError(self.label_ja, f"{limit:%Y/%m/%d} より後の日付は設定できません。")
        return value

    def refuse_future(self, value: Any, today: date) -> None:
        """An actual date (実績) cannot be after today: ValidationError saying where a planned date goes."""
        if self.happened is None or not isinstance(value, date) or value <= today:
            return
        raise ValidationError(
            self.label_ja,
            f"今日（{today:%Y/%m/%d}）より後の日付（{value:%Y/%m/%d}）は実績として入れられません。"
            f"予定なら{self.happened}に入れてください。",
        )

    def codes(self) -> frozenset[str]:
        return _codes(self.options) if self.options else frozenset()

    # --- text forms ---------------------------------------------------------------------------------------------

    def decode(self, text: str | None) -> Any:
        """Journal text back to a value of the field's kind (text soloit wrote itself)."""
        if text is None:
            return None
        if self.kind == DATE:
            return date.fromisoformat(text)
        if self.kind == BOOL:
            return text == "true"
        if self.kind in (REF, YEN, INT):
            return int(text)
        if self.kind == DECIMAL:
            return Decimal(text)
        return text

    def from_row(self, raw: object) -> Any:
        """A value exactly as SQLite returned it, checked; UnreadableValue (with the value shown) when it is not
        something soloit could have written."""
        if raw is None:
            if self.kind == BOOL or (self.required and self.kind != TEXT):
                raise UnreadableValue("（空）")
            return None
        if self.kind == TEXT:
            if not isinstance(raw, str) or text_problem(raw) is not None:
                raise UnreadableValue(_shown(raw))
            return raw
        if self.kind == DATE:
            try:
                value = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
            except ValueError:
                value = None
            if value is None:
                raise UnreadableValue(_shown(raw))
            return value
        if self.kind == BOOL:
            if raw in (0, 1) and not isinstance(raw, float):
                return bool(raw)
            raise UnreadableValue(_shown(raw))
        if self.kind == CHOICE:
            if not isinstance(raw, str) or raw not in self.codes():
                raise UnreadableValue(_shown(raw))
            return raw
        if self.kind == REF:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            raise UnreadableValue(_shown(raw))
        if self.kind in (YEN, INT):
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise UnreadableValue(_shown(raw))
            try:
                return self.clean(raw)
            except ValidationError:
                raise UnreadableValue(_shown(raw)) from None
        if self.kind == DECIMAL:  # stored as text in its one canonical form
            from soloit.domain.amounts import canonical

            try:
                value = Decimal(raw) if isinstance(raw, str) else None
            except ArithmeticError:
                value = None
            if value is None or not value.is_finite() or format(canonical(value), "f") != raw:
                raise UnreadableValue(_shown(raw))
            return value
        raise AssertionError(self.kind)

    def label_of(self, code: str) -> str:
        for option in self.options() if self.options else ():
            if option.code == code:
                return option.label_ja
        return code


@cache
def _codes(options: Callable[[], tuple[Option, ...]]) -> frozenset[str]:
    """The allowed codes of a choice field (its options come from reference data, which never changes)."""
    return frozenset(option.code for option in options())


def _shown(raw: object) -> str:
    from soloit.domain.text import escape_for_display

    return escape_for_display(raw if not isinstance(raw, bytes) else f"<{len(raw)} バイトのデータ>", limit=40)


def parse_date(text: str, label_ja: str) -> date:
    """A date as a person types it: 西暦 (2026/3/31, 2026-03-31 …) or 和暦 (令和8年3月31日, R8.3.31 …)."""
    from soloit.domain.dates import DateParseError
    from soloit.domain.dates import parse_date as parse

    try:
        return parse(text)
    except DateParseError as exc:
        raise ValidationError(label_ja, exc.message_ja) from None


def encode(value: Any) -> str | None:
    """A value as journal text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_key(business_code: str, seq: int) -> str:
    return f"{business_code}/{seq}"


def split_cell_key(key: str) -> tuple[str, int]:
    code, seq = key.split("/")
    return code, int(seq)
