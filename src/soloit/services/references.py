"""Is a row still referenced? Derived from the SQLAlchemy foreign keys of every model, so no entity can be deleted
while something points at it, whichever entity that is, and the user is told what does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from soloit.services import entities
from soloit.services.entities.base import Entity, NameBook

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_NAMED = 10


def referrers(session: Session, kind: Entity, row: Any) -> list[tuple[Entity | None, str]]:
    """(the referring entity, a Japanese name for the referring row and field) for every row whose foreign key
    points at `row`. Foreign keys declared ON DELETE CASCADE are ownership (the children go with the parent), not
    references that block a deletion."""
    from sqlalchemy import func, select

    from soloit.store.models import Base

    target = kind.model.__table__
    by_table = {e.model.__table__.name: e for e in entities.ENTITIES.values()}
    found: list[tuple[Entity | None, str]] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table is not target or (fk.ondelete or "").upper() == "CASCADE":
                    continue
                value = getattr(row, fk.column.key)
                other = by_table.get(table.name)
                if other is None:  # a table no declaration names: say how many rows
                    count = session.scalar(select(func.count()).select_from(table).where(column == value)) or 0
                    if count:
                        found.append((None, f"表「{table.name}」の {count} 件"))
                    continue
                label = other.spec(column.key).label_ja if other.has_field(column.key) else column.key
                for referring in session.scalars(select(other.model).where(getattr(other.model, column.key) == value)):
                    book = NameBook()
                    key = other.key_of(referring)
                    if other.name_field:
                        book.remember(other.name, key, other.name_of_row(referring))
                    found.append((other, f"{other.display(key, book)}（{label}）"))
    return found


def referrers_message(session: Session, kind: Entity, row: Any) -> str | None:
    """「この組織は次のシステムで使われています：住民基本台帳（現行ベンダ）、…」, or None when nothing refers to it."""
    found = referrers(session, kind, row)
    if not found:
        return None
    kinds = {other.label_ja if other else "データ" for other, _ in found}
    where = kinds.pop() if len(kinds) == 1 else "データ"
    names = "、".join(name for _, name in found[:MAX_NAMED])
    more = f" ほか {len(found) - MAX_NAMED} 件" if len(found) > MAX_NAMED else ""
    return (
        f"この{kind.label_ja}は次の{where}で使われているため削除できません：{names}{more}。"
        "先にそちらの設定を変更してください。"
    )
