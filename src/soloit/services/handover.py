"""引継ぎ: the notes kept for a successor (by category, pinned first) and the contacts book, read as plain rows for
the 引継ぎ screen, the first-day view and the 事務引継書. A new note is signed by whoever is acting, dated today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet
from soloit.services.entities import CONTACT, NOTE
from soloit.services.entities.base import NameBook
from soloit.services.entities.note import PROGRESS, note_categories
from soloit.services.entities.subject import describe_subject
from soloit.services.records import RecordService


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    title: str
    category: str
    category_label: str
    body: str
    subject: str | None  # "system:12"
    subject_label: str  # 「システム『財務会計』」, '' when about nothing
    author: str
    note_date: date | None
    pinned: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    name: str
    organisation_id: int | None
    organisation: str
    role: str
    phone: str
    mail: str
    notes: str
    systems: str  # the names of the linked systems, joined with 、
    contracts: str


def _joined(rows: list[tuple[int, str]]) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for left, name in rows:
        found.setdefault(left, []).append(name)
    return {left: "、".join(names) for left, names in found.items()}


class HandoverService(AreaService):
    # --- notes ------------------------------------------------------------------------------------------------

    def notes(self, category: str | None = None) -> list[NoteRow]:
        """Pinned notes first, then the newest (by date, then number)."""
        labels = {option.code: option.label_ja for option in note_categories()}
        where, params = ("WHERE category = ?", (category,)) if category else ("", ())
        rows = self.store.query(
            f"SELECT id, title, category, body, subject, author, note_date, pinned FROM handover_note {where} "
            "ORDER BY pinned DESC, note_date IS NULL, note_date DESC, id DESC",
            params,
        )
        names = self.subject_names([r[4] for r in rows if r[4]])
        return [
            NoteRow(
                row_id, title, cat, labels.get(cat, cat), body or "", subject,
                describe_subject(subject, names) if subject else "", author or "",
                date.fromisoformat(day) if day else None, bool(pinned),
            )
            for row_id, title, cat, body, subject, author, day, pinned in rows
        ]

    def subject_names(self, subjects: list[str]) -> NameBook:
        """The names of the rows these subjects point at (one query per kind named)."""
        from soloit.services.entities import current_names
        from soloit.services.entities.subject import split_subject

        kinds: set[str] = set()
        for text in subjects:
            try:
                kinds.add(split_subject(text)[0])
            except ValueError:
                continue
        return current_names(self.store.raw(), kinds)

    def add_note(self, title: str, category: str = PROGRESS, *, reason: str | None = None, **values: Any) -> ChangeSet:
        values.setdefault("category", category)
        values.setdefault("author", self.context.actor)
        values.setdefault("note_date", self.context.clock.today())
        return RecordService(self.context, self.changes).create(NOTE, title, values, reason=reason)

    # --- contacts ---------------------------------------------------------------------------------------------

    def contacts(self) -> list[ContactRow]:
        systems = _joined(self.store.query(
            "SELECT l.contact_id, s.name FROM contact_system l JOIN system s ON s.id = l.system_id ORDER BY s.sort_order, s.id"
        ))
        contracts = _joined(self.store.query(
            "SELECT l.contact_id, c.title FROM contact_contract l JOIN contract c ON c.id = l.contract_id ORDER BY c.id"
        ))
        rows = self.store.query(
            "SELECT c.id, c.name, c.organisation_id, o.name, c.role, c.phone, c.mail, c.notes "
            "FROM contact c LEFT JOIN organisation o ON o.id = c.organisation_id ORDER BY o.name IS NULL, o.name, c.name, c.id"
        )
        return [
            ContactRow(
                row_id, name, org_id, org or "", role or "", phone or "", mail or "", notes or "",
                systems.get(row_id, ""), contracts.get(row_id, ""),
            )
            for row_id, name, org_id, org, role, phone, mail, notes in rows
        ]

    def add_contact(self, name: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        return RecordService(self.context, self.changes).create(CONTACT, name, values, reason=reason)

    def vendor_contacts(self, system_ids: set[int]) -> list[ContactRow]:
        """Contacts of a vendor (an organisation of the kind ベンダ) linked to one of these systems, or belonging to a
        vendor of one (current or target). A department's or the prefecture's contact linked to a system is not a
        vendor contact, nor is a contact of no organisation."""
        if not system_ids:
            return []
        vendor_orgs = {r[0] for r in self.store.query("SELECT id FROM organisation WHERE kind = 'vendor'")}
        marks = ", ".join("?" for _ in system_ids)
        ids = tuple(system_ids)
        linked = {r[0] for r in self.store.query(f"SELECT contact_id FROM contact_system WHERE system_id IN ({marks})", ids)}
        vendors = {
            v for row in self.store.query(
                f"SELECT current_vendor_id, target_vendor_id FROM system WHERE id IN ({marks})", ids
            ) for v in row if v is not None
        }
        return [
            c
            for c in self.contacts()
            if c.organisation_id in vendor_orgs and (c.id in linked or c.organisation_id in vendors)
        ]
