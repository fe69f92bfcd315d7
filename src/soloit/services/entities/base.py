"""What an entity declaration is: the one place that says, for one kind of record, its table and model, its key,
its fields (labels, validation), its row rules, and how it is named in Japanese. Editing, undo, deletion checks,
`verify` and the narrator are generic over declarations (services/changes.py, references.py, integrity.py,
narrator.py), and so are the lists of kinds elsewhere (the 変更履歴 areas, what 検索 searches, what a note may be
about, which view opens a row, what is due in やること): a new kind of record is a model, a declaration, its Alembic
revision and a screen.

Declarations name their ORM model by class name and import it only when a change needs it: the fast read paths
(the grid at start-up, verify, history) read rows with sqlite3 and never import SQLAlchemy."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE, TEXT, FieldSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NOT_CREATABLE = "この種類のデータは追加できません。"
NOT_DELETABLE = "この種類のデータは削除できません。"


class NameBook:
    """Names of rows by (entity, key), including rows deleted since (their last name in the journal)."""

    def __init__(self, names: Mapping[tuple[str, str], str] | None = None) -> None:
        self._names: dict[tuple[str, str], str] = dict(names or {})

    def name(self, entity: str, key: str) -> str | None:
        return self._names.get((entity, key))

    def remember(self, entity: str, key: str, name: str | None) -> None:
        if name:
            self._names[(entity, key)] = name


@dataclass(frozen=True, slots=True)
class Dated:
    """A date field of a kind whose rows are due on it: each row with the date set (and `open_when` true of its
    values) is an item of やること (`agenda`) and of the 事務引継書's 年間スケジュール (`schedule`), titled
    「{label}：{the row's name}」. Kinds whose dates follow rules of their own (a task's recurrence, a contract's
    notice before its end date) are read by their own services and declare nothing here."""

    field: str
    label: str  # 「電子証明書の有効期限」
    agenda: bool = True
    schedule: bool = True
    open_when: Callable[[Mapping[str, object]], bool] | None = None  # None: every row with the date is open


class Entity:
    """The declaration of one kind of record. Subclasses set the class attributes and override what differs from a
    table with an integer `id` key, a `name` and no rules."""

    name: ClassVar[str]  # as the journal records it ("system")
    label_ja: ClassVar[str]  # 「システム」
    table: ClassVar[str]
    model_name: ClassVar[str]  # class in soloit.store.models
    fields: ClassVar[tuple[FieldSpec, ...]]
    model_module: ClassVar[str] = "soloit.store.models"  # where model_name is defined
    name_field: ClassVar[str | None] = "name"  # set by a CREATE edit; names the row in messages
    creatable: ClassVar[bool] = True
    deletable: ClassVar[bool] = True

    # --- where the kind shows (every list of kinds elsewhere is derived from these; see entities/__init__.py) ----
    area: ClassVar[str] = ""  # the area of the program it belongs to: the 変更履歴 filter (timeline.AREAS)
    search_rank: ClassVar[int | None] = None  # searched by 検索, its group shown in this order (None: not searched)
    subject_rank: ClassVar[int | None] = None  # a 引継ぎメモ may be about its rows, offered in this order (None: not)
    views: ClassVar[tuple[str, ...]] = ()  # keys of the views (ui/views/registry.py) that bring a row forward
    dated: ClassVar[tuple[Dated, ...]] = ()  # dates that go into やること and the 事務引継書's 年間スケジュール
    kept_in_order: ClassVar[bool] = False  # rows keep a sort_order (next_sort_order): choices follow it, not names

    # --- fields -------------------------------------------------------------------------------------------------

    def spec(self, field: str) -> FieldSpec:
        if field == CREATE and self.name_field is not None:
            named = self.spec(self.name_field)
            return FieldSpec(CREATE, named.label_ja, TEXT, max_len=named.max_len, required=True)
        for spec in self.fields:
            if spec.name == field:
                return spec
        raise ValueError(f"unknown field {self.name}.{field}")

    def has_field(self, field: str) -> bool:
        return any(spec.name == field for spec in self.fields) or (field == CREATE and self.creatable)

    @property
    def model(self) -> Any:
        import importlib

        return getattr(importlib.import_module(self.model_module), self.model_name)

    # --- keys ---------------------------------------------------------------------------------------------------

    def valid_key(self, key: object) -> bool:
        """A key exactly as soloit writes it ("12": ASCII digits, no leading zero), so the journal and the row name
        the same key ("012" or "１２" would reach row 12 while the journal recorded another key)."""
        return isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18 and key == str(int(key))

    def load(self, session: Session, key: str) -> Any:
        if not self.valid_key(key):
            return None
        return session.get(self.model, int(key))

    def key_of(self, row: Any) -> str:
        return str(row.id)

    def new_key(self, session: Session) -> str:
        """A number no row of this kind has ever had: the journal's older entries keep naming the row they meant
        (a deleted vendor stays that vendor), and undoing a deletion never finds its number taken."""
        from sqlalchemy import Integer, cast, func, select

        from soloit.store.models import JournalEntry

        last = session.scalar(select(func.max(self.model.id))) or 0
        journaled = session.scalar(
            select(func.max(cast(JournalEntry.entity_key, Integer))).where(JournalEntry.entity == self.name)
        )
        return str(max(last, journaled or 0) + 1)

    def raw_rows(
        self, conn: sqlite3.Connection, keys: Collection[str] | None = None
    ) -> Iterator[tuple[str, dict[str, object]]]:
        """(key, {field: value as SQLite returned it}) of every row (or of the rows with these keys), read with
        sqlite3."""
        columns = [spec.name for spec in self.fields]
        sql = f"SELECT id, {', '.join(columns)} FROM {self.table}"
        if keys is None:
            chunks: list[tuple[int, ...]] = [()]
        else:
            ids = sorted(int(k) for k in keys if self.valid_key(k))
            chunks = [tuple(ids[i : i + 500]) for i in range(0, len(ids), 500)]
        for chunk in chunks:
            where = f" WHERE id IN ({', '.join('?' for _ in chunk)})" if keys is not None else ""
            for row in conn.execute(f"{sql}{where} ORDER BY id", chunk):
                yield str(row[0]), dict(zip(columns, row[1:], strict=True))

    # --- life cycle ---------------------------------------------------------------------------------------------

    def create(self, session: Session, key: str, name: str) -> Any:
        """A new row named `name`, every other field at its declared default (the baseline verify expects)."""
        if not self.creatable:
            raise ValidationError(self.label_ja, NOT_CREATABLE)
        values = {spec.name: spec.default for spec in self.fields}
        if self.name_field is not None:
            values[self.name_field] = name
        row = self.model(id=int(key), **values, **self.creation_extras(session))
        session.add(row)
        session.flush()
        return row

    def creation_extras(self, session: Session) -> dict[str, Any]:
        """Columns that are not journaled fields but a new row needs (a sort order, say)."""
        return {}

    def next_sort_order(self, session: Session) -> int:
        """The sort order after every row's (for kinds that keep one: systems, funding sources)."""
        from sqlalchemy import func, select

        return (session.scalar(select(func.max(self.model.sort_order))) or 0) + 1

    def refuse_delete(self, row: Any) -> str | None:
        """Why this row may never be deleted (a Japanese sentence), or None."""
        return None if self.deletable else NOT_DELETABLE

    # --- rules ----------------------------------------------------------------------------------------------

    def check(self, row: Any) -> None:
        """Rules across fields, checked after every change to the row (ValidationError in Japanese)."""

    def derive(self, row: Any, before: Mapping[str, Any], changed: frozenset[str], today: date) -> dict[str, Any]:
        """Fields that follow from this change (the domain's rules, on every write path): {field: new value}.
        `before` holds the row's values before this command, `changed` the fields the command itself set."""
        return {}

    def follow_ups(
        self, session: Session, row: Any, before: Mapping[str, Any], changed: frozenset[str], today: date
    ) -> list[Any]:
        """Further edits (services.changes.Edit) that follow from this change, applied in the same batch after it:
        rows a rule creates (the next occurrence of a completed recurring duty). Never applied by undo or redo."""
        return []

    # --- verify -------------------------------------------------------------------------------------------------

    def seeded(self, conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        """Rows that exist without a journaled creation (made when the ledger was created), with their baseline
        values where they differ from the declared defaults."""
        return {}

    def checks(self, conn: sqlite3.Connection) -> list[str]:
        """Findings about this entity's rows that the generic comparison with the journal cannot see."""
        return []

    # --- names ----------------------------------------------------------------------------------------------

    def display(self, key: str, names: NameBook) -> str:
        """The row's own name, or its number when it has none."""
        return names.name(self.name, key) or f"{self.label_ja}{key}"

    def subject(self, key: str, names: NameBook) -> str:
        """How a sentence names the row: 「システム『財務会計』」."""
        return f"{self.label_ja}『{self.display(key, names)}』"

    def name_of_row(self, row: Any) -> str:
        return str(getattr(row, self.name_field)) if self.name_field else self.label_ja
