"""Typed declarative models. The schema itself is owned by the Alembic revisions in migrations/versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, TypeDecorator
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


class DecimalText(TypeDecorator):
    """A decimal kept as text in one canonical form ("45.5"), so it is exact and the journal and the row agree."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else format(value, "f")

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


class FundingSource(Base):
    """A source of money for a budget line: the reference list (code set, never deleted) and the user's own."""

    __tablename__ = "funding_source"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)


class Initiative(Base):
    """A DX initiative (DX取組) of the municipality's plan."""

    __tablename__ = "initiative"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)


class Kpi(Base):
    """A measure of an initiative: target and actual as of a date."""

    __tablename__ = "kpi"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[Decimal | None] = mapped_column(DecimalText)
    actual: Mapped[Decimal | None] = mapped_column(DecimalText)
    as_of: Mapped[date | None] = mapped_column(Date)


class BudgetLine(Base):
    """One line of the IT budget of a 年度, in whole yen."""

    __tablename__ = "budget_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    account: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    requested: Mapped[int | None] = mapped_column(BigInteger)
    budget: Mapped[int | None] = mapped_column(BigInteger)
    contracted: Mapped[int | None] = mapped_column(BigInteger)
    spent: Mapped[int | None] = mapped_column(BigInteger)
    funding_source_id: Mapped[int | None] = mapped_column(ForeignKey("funding_source.id"))
    subsidy: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)


class Contract(Base):
    """A contract with a vendor: its term, amount and the notice it needs before renewal or termination."""

    __tablename__ = "contract"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    notice_decision: Mapped[str | None] = mapped_column(String(20))  # renew / terminate / notified (app_lists.json)
    notice_decided_on: Mapped[date | None] = mapped_column(Date)
    notice_for: Mapped[date | None] = mapped_column(Date)  # the end_date the decision was made for


class Task(Base):
    """Something to do by a date, perhaps recurring, perhaps about one record."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20))
    recurrence: Mapped[str | None] = mapped_column(String(60))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))
    cell_key: Mapped[str | None] = mapped_column(String(64))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    followed_by_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))


class ClosedDay(Base):
    """A day the office is closed besides weekends, national holidays and 12/29–1/3."""

    __tablename__ = "closed_day"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    day: Mapped[date | None] = mapped_column(Date)


class InitiativeSystem(Base):
    __tablename__ = "initiative_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))


class InitiativeBudget(Base):
    __tablename__ = "initiative_budget"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"))


class BudgetSystem(Base):
    __tablename__ = "budget_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))


class ContractSystem(Base):
    __tablename__ = "contract_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))


class HandoverNote(Base):
    """A note kept for whoever takes the work over (経過・現況, 方針・意見 …), perhaps about one record."""

    __tablename__ = "handover_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    body: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(80))  # "system:12", "cell:koseki/5" … (services/subjects.py)
    author: Mapped[str | None] = mapped_column(String(100))
    note_date: Mapped[date | None] = mapped_column(Date)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class Contact(Base):
    """A person or a desk to call: at a vendor, the prefecture, a department …"""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    mail: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)


class Staff(Base):
    """A person who has been responsible for the work, and for which period."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))  # 所属・職名
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Rotation(Base):
    """One handover (異動・引継ぎ): from whom, to whom, the appointment date and the deadline of the handover."""

    __tablename__ = "rotation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    appointment_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    witness: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)


class ContactSystem(Base):
    __tablename__ = "contact_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))


class ContactContract(Base):
    __tablename__ = "contact_contract"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(420))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
