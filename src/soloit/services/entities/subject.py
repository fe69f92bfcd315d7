"""What a handover note is about: any one record, written "system:12", "cell:koseki/5", "contract:3" … in a text
field (so a note outlives the record: a deleted system still reads 「（削除されたシステム 12）」 and never blocks the
deletion). The kinds a note may be about are SUBJECT_KINDS (Entity.subject_rank); the key must be one that kind's declaration accepts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soloit.services.entities.base import NameBook


class _SubjectKinds(Sequence[str]):
    """The kinds a note may be about, in the order they are offered: the declarations' (Entity.subject_rank), read
    when first asked (the declarations import this module)."""

    _derived: Mapping[str, object] | None = None

    def _names(self) -> tuple[str, ...]:
        if self._derived is None:
            from soloit.services import entities

            self._derived = entities.derived(entities.ranked("subject_rank"))
        return tuple(self._derived)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._derived if self._derived is not None else name in self._names()

    def __repr__(self) -> str:
        return repr(self._names())


SUBJECT_KINDS: Sequence[str] = _SubjectKinds()
SEPARATOR = ":"


def subject_text(entity: str, key: str) -> str:
    return f"{entity}{SEPARATOR}{key}"


def split_subject(text: str) -> tuple[str, str]:
    """(entity, key) of a subject; ValueError when it is not one."""
    entity, sep, key = text.partition(SEPARATOR)
    if not sep or entity not in SUBJECT_KINDS:
        raise ValueError(text)
    from soloit.services import entities

    if not entities.entity(entity).valid_key(key):
        raise ValueError(text)
    return entity, key


def subject_problem(text: str) -> str | None:
    try:
        split_subject(text)
    except ValueError:
        return "関連するデータの指定が正しくありません（例: system:12）。"
    return None


def describe_subject(text: str, names: NameBook) -> str:
    """「システム『財務会計』」, 「戸籍 ステップ②-1」, or 「（削除された契約 3）」 when the row is gone."""
    from soloit.services import entities

    try:
        entity, key = split_subject(text)
    except ValueError:
        return text
    kind = entities.entity(entity)
    if entity != "cell" and names.name(entity, key) is None:
        return f"（削除された{kind.label_ja} {key}）"
    return kind.subject(key, names)
