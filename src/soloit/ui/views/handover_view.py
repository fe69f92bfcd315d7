"""引継ぎ: the notes kept as work happens for whoever takes it over (by category, pinned first; each perhaps about
one record), and the contacts book (a person or desk, their organisation, phone, mail, role, and the systems and
contracts they are the contact for). Two tabs, each a table with the selected record's detail."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from soloit.services.changes import ChangeSet
from soloit.services.entities import CONTACT, NOTE, ORGANISATION, ROTATION, STAFF
from soloit.services.entities.note import note_categories
from soloit.services.entities.subject import SUBJECT_KINDS
from soloit.services.handover import ContactRow, NoteRow
from soloit.services.rotation import StaffRow
from soloit.ui.commands import Commander
from soloit.ui.views.base import View, link_owner, record_id
from soloit.ui.views.formatting import day, day_key
from soloit.ui.widgets.master_detail import MasterDetail
from soloit.ui.widgets.record_form import LinkEditor, RecordForm
from soloit.ui.widgets.record_table import Column, RecordTable

ALL = ""
PIN = "★"
NOTE_COLUMNS = (
    Column(PIN, lambda n: PIN if n.pinned else "", sort=lambda n: 0 if n.pinned else 1, tip=lambda n: "ピン留め" if n.pinned else ""),
    Column("区分", lambda n: n.category_label),
    Column("件名", lambda n: n.title, width=260),
    Column("関連", lambda n: n.subject_label, width=180),
    Column("記入者", lambda n: n.author),
    Column("記入日", lambda n: day(n.note_date), sort=lambda n: day_key(n.note_date)),
)
CONTACT_COLUMNS = (
    Column("担当者・窓口", lambda c: c.name, width=180),
    Column("所属組織", lambda c: c.organisation, width=180),
    Column("役割", lambda c: c.role, width=140),
    Column("電話", lambda c: c.phone),
    Column("メール", lambda c: c.mail),
    Column("関連システム", lambda c: c.systems),
)
STAFF_COLUMNS = (
    Column("氏名", lambda s: s.name, width=140),
    Column("所属・職名", lambda s: s.title, width=220),
    Column("担当開始日", lambda s: day(s.start_date), sort=lambda s: day_key(s.start_date)),
    Column("担当終了日", lambda s: day(s.end_date) or "（担当中）", sort=lambda s: day_key(s.end_date)),
)
ROTATION_COLUMNS = (
    Column("発令日", lambda r: day(r.appointment_date), sort=lambda r: day_key(r.appointment_date)),
    Column("前任者", lambda r: r.predecessor),
    Column("後任者", lambda r: r.successor),
    Column("引継期限", lambda r: day(r.deadline), sort=lambda r: day_key(r.deadline)),
    Column("立会人", lambda r: r.witness),
)


def note_watched() -> tuple[str, ...]:
    """The notes and every kind a note may be about (its name shows in the list; a step's name never changes)."""
    return (NOTE, *(kind for kind in SUBJECT_KINDS if kind != "cell"))


CONTACT_WATCHED = (CONTACT, ORGANISATION, "contact_system", "contact_contract", "system", "contract", STAFF, ROTATION)


class HandoverView(View):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("handover_tabs")
        self.tabs.addTab(self._notes_tab(commander), "引継ぎメモ")
        self.tabs.addTab(self._contacts_tab(commander), "連絡先")
        self.tabs.addTab(self._staff_tab(commander), "担当者・異動")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        commander.changed.connect(self._on_changed)
        self._show_note(None)
        self._show_contact(None)

    # --- building ----------------------------------------------------------------------------------------------

    def _notes_tab(self, commander: Commander) -> QWidget:
        self.notes = RecordTable(NOTE_COLUMNS)
        self.notes.setObjectName("notes")
        self.category = QComboBox()
        self.category.setObjectName("note_category_filter")
        self.category.addItem("すべて", ALL)
        for option in note_categories():
            self.category.addItem(option.label_ja, option.code)
        caption = QLabel("区分(&K)")
        caption.setBuddy(self.category)
        self.note_form = RecordForm(
            commander, NOTE, ("title", "category", "pinned", "note_date", "author", "subject", "body")
        )
        self.note_form.editors["body"].setFixedHeight(240)
        self.note_hint = QLabel("本文を書き直しても、前の文面は変更記録（変更履歴）に残ります。")
        self.note_hint.setWordWrap(True)
        self.note_hint.setStyleSheet("color: #555;")
        self.notes_body = MasterDetail(
            "note",
            self.notes,
            new_placeholder="新しいメモの件名（例: 住基の移行判定は4月の会議で）",
            add_text="メモを追加",
            remove_text="削除",
            on_add=self.add_note,
            on_remove=self.remove_note,
            detail=(self.note_form, self.note_hint),
        )
        tab = QWidget()
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.category)
        top.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.notes_body, 1)
        self.notes.selected.connect(self._show_note)
        self.category.activated.connect(lambda _i: self._apply_category())
        return tab

    def _contacts_tab(self, commander: Commander) -> QWidget:
        self.contacts = RecordTable(CONTACT_COLUMNS)
        self.contacts.setObjectName("contacts")
        self.contact_form = RecordForm(
            commander, CONTACT, ("name", "organisation_id", "role", "phone", "mail", "notes"),
            organisation_kinds={"organisation_id": "vendor"},
        )
        self.contact_systems = LinkEditor(commander, "contact_system", "担当するシステム")
        self.contact_contracts = LinkEditor(commander, "contact_contract", "担当する契約")
        self.contacts_body = MasterDetail(
            "contact",
            self.contacts,
            new_placeholder="担当者名・窓口名（例: ○○システム サポートデスク）",
            add_text="連絡先を追加",
            remove_text="削除",
            on_add=self.add_contact,
            on_remove=self.remove_contact,
            detail=(self.contact_form, self.contact_systems, self.contact_contracts),
        )
        self.contacts.selected.connect(self._show_contact)
        return self.contacts_body

    def _staff_tab(self, commander: Commander) -> QWidget:
        self.staff = RecordTable(STAFF_COLUMNS)
        self.staff.setObjectName("staff")
        self.staff_form = RecordForm(commander, STAFF, ("name", "title", "start_date", "end_date", "notes"))
        self.rotation_button = QPushButton("異動・引継ぎ（事務引継書の作成）…")
        self.rotation_button.setObjectName("start_rotation")
        self.rotations = RecordTable(ROTATION_COLUMNS, filterable=False)
        self.rotations.setObjectName("rotations")
        self.rotations.setMinimumHeight(140)
        history = QGroupBox("これまでの異動・引継ぎ")
        history_layout = QVBoxLayout(history)
        history_layout.addWidget(self.rotations)
        history_layout.addWidget(self.rotation_button)
        self.staff_body = MasterDetail(
            "staff",
            self.staff,
            new_placeholder="担当者の氏名（例: 佐藤 花子）",
            add_text="担当者を追加",
            remove_text="削除",
            on_add=self.add_staff,
            on_remove=self.remove_staff,
            detail=(self.staff_form,),
        )
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.staff_body, 3)
        layout.addWidget(history, 2)
        self.staff.selected.connect(self._show_staff)
        self.rotation_button.clicked.connect(lambda: self.command_requested.emit("rotation"))
        return tab

    def _show_staff(self, staff_id: int | None) -> None:
        self.staff_form.show_record(staff_id)
        row: StaffRow | None = self.staff.current_row() if staff_id is not None else None
        self.staff_body.title.setText(row.name if row else "担当者を選んでください")

    def add_staff(self, name: str) -> bool:
        result = self.commander.execute("担当者を追加", lambda: self.services.records.create(STAFF, name))
        if not result:
            return False
        self.staff.select_id(int(result.created(STAFF)[0]))
        self.staff_form.editors["title"].setFocus()
        return True

    def remove_staff(self) -> None:
        row: StaffRow | None = self.staff.current_row()
        if row is not None:
            self.commander.execute(f"担当者「{row.name}」を削除", lambda: self.services.records.delete(STAFF, row.id))

    # --- the main window's hooks ---------------------------------------------------------------------------------

    def splitters(self) -> dict[str, QSplitter]:
        return {"notes": self.notes_body, "contacts": self.contacts_body, "staff": self.staff_body}

    def set_detail_visible(self, visible: bool) -> None:
        for body in (self.notes_body, self.contacts_body, self.staff_body):
            body.set_detail_visible(visible)

    def load(self) -> None:
        self._loaded = True
        notes = self.services.handover.notes()
        contacts = self.services.handover.contacts()
        self.notes.set_rows(notes)
        self.contacts.set_rows(contacts)
        self.staff.set_rows(self.services.rotation.staff())
        self.rotations.set_rows(self.services.rotation.rotations())
        pinned = sum(1 for n in notes if n.pinned)
        self.summary.emit(f"引継ぎメモ {len(notes)}件（ピン留め {pinned}件）・連絡先 {len(contacts)}件")

    def _apply_category(self) -> None:
        wanted = self.category.currentData()
        self.notes.set_condition(None if wanted == ALL else (lambda n: n.category == wanted))

    # --- selection ---------------------------------------------------------------------------------------------

    def _show_note(self, note_id: int | None) -> None:
        self.note_form.show_record(note_id)
        row: NoteRow | None = self.notes.current_row() if note_id is not None else None
        self.notes_body.title.setText(row.title if row else "メモを選んでください")

    def _show_contact(self, contact_id: int | None) -> None:
        self.contact_form.show_record(contact_id)
        self.contact_systems.show_record(contact_id)
        self.contact_contracts.show_record(contact_id)
        row: ContactRow | None = self.contacts.current_row() if contact_id is not None else None
        self.contacts_body.title.setText(row.name if row else "連絡先を選んでください")

    def show_note(self, note_id: int) -> bool:
        """Bring one note forward whatever the filters (from history, search or the first-day view)."""
        self.ensure_loaded()
        self.tabs.setCurrentIndex(0)
        self.category.setCurrentIndex(0)
        self._apply_category()
        self.notes.clear_filter()
        return self.notes.select_id(note_id)

    def show_contact(self, contact_id: int) -> bool:
        self.ensure_loaded()
        self.tabs.setCurrentIndex(1)
        self.contacts.clear_filter()
        return self.contacts.select_id(contact_id)

    def show_entity(self, entity: str, key: str) -> bool:
        if entity in ("contact_system", "contact_contract"):
            owner = link_owner(self.services, entity, key)
            if owner is None:
                return False
            entity, key = owner[0], str(owner[1])
        wanted = record_id(key)
        if wanted is None:
            return False
        if entity == NOTE:
            return self.show_note(wanted)
        return entity == CONTACT and self.show_contact(wanted)

    # --- changing ----------------------------------------------------------------------------------------------

    def add_note(self, title: str) -> bool:
        wanted = self.category.currentData() or "progress"
        result = self.commander.execute("引継ぎメモを追加", lambda: self.services.handover.add_note(title, wanted))
        if not result:
            return False
        self.notes.select_id(int(result.created(NOTE)[0]))
        self.note_form.editors["body"].setFocus()
        return True

    def remove_note(self) -> None:
        row: NoteRow | None = self.notes.current_row()
        if row is not None:
            self.commander.execute(f"引継ぎメモ「{row.title}」を削除", lambda: self.services.records.delete(NOTE, row.id))

    def add_contact(self, name: str) -> bool:
        result = self.commander.execute("連絡先を追加", lambda: self.services.handover.add_contact(name))
        if not result:
            return False
        self.contacts.select_id(int(result.created(CONTACT)[0]))
        self.contact_form.editors["organisation_id"].setFocus()
        return True

    def remove_contact(self) -> None:
        row: ContactRow | None = self.contacts.current_row()
        if row is not None:
            self.commander.execute(f"連絡先「{row.name}」を削除", lambda: self.services.records.delete(CONTACT, row.id))

    def _on_changed(self, changeset: ChangeSet) -> None:
        if not self._loaded:
            return
        if any(changeset.touches(e) for e in note_watched()) or any(changeset.touches(e) for e in CONTACT_WATCHED):
            self.load()
