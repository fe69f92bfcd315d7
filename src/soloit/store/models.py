"""Typed declarative models. The schema itself is owned by the Alembic revisions in migrations/versions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Small key/value facts about the file (journal head, creation time …)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Municipality(Base):
    """The one municipality whose ledger this file is (id is always 1)."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(100))
    lg_code: Mapped[str] = mapped_column(String(6))


class Organisation(Base):
    """A vendor, the prefecture, a department (原課) … Systems, and later contracts and contacts, point here."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)


class System(Base):
    """One information system: each of the 20 standard businesses (business_code set) or another system."""

    __tablename__ = "system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer)
    current_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    current_product: Mapped[str | None] = mapped_column(String(200))
    target_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    target_product: Mapped[str | None] = mapped_column(String(200))
    hosting: Mapped[str | None] = mapped_column(String(20))
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_go_live: Mapped[date | None] = mapped_column(Date)
    actual_go_live: Mapped[date | None] = mapped_column(Date)
    tokutei: Mapped[bool] = mapped_column(Boolean, default=False)
    tokutei_reason: Mapped[str | None] = mapped_column(String(40))
    tokutei_reason_text: Mapped[str | None] = mapped_column(String(500))
    tokutei_target_date: Mapped[date | None] = mapped_column(Date)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class StepCell(Base):
    """The status of one of the 40 steps for one of the 20 businesses' systems."""

    __tablename__ = "step_cell"
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), primary_key=True)
    step_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    planned_date: Mapped[date | None] = mapped_column(Date)
    actual_date: Mapped[date | None] = mapped_column(Date)
    actual_date_auto: Mapped[bool] = mapped_column(Boolean, default=False)  # filled in because it became 完了済み
    note: Mapped[str | None] = mapped_column(Text)


class JournalEntry(Base):
    """One append-only change record, chained to the previous one by SHA-256."""

    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recorded_at: Mapped[str] = mapped_column(String(32))  # ISO 8601, UTC, milliseconds
    actor: Mapped[str] = mapped_column(String(100))
    batch: Mapped[str] = mapped_column(String(32))  # entries written by one command share it
    action: Mapped[str] = mapped_column(String(16))  # edit / create / delete / undo / redo / import …
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
