"""The detail form of one record of any declared entity, built from its FieldSpecs: a text field per text, a date
field per date, a list per choice or reference, an amount field per yen figure. Each value is saved when the user
commits it (Enter, leaving the field, choosing), journaled and undoable through the Commander. A refused value is
explained under its field and what was typed stays there, marked, until it is corrected or discarded with Esc (a list
or a check box shows its stored choice again; ui/widgets/refusal.py). `LinkEditor` keeps the links of the record to
others of a kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soloit.domain.amounts import format_decimal, format_yen
from soloit.services import entities
from soloit.services.changes import ChangeSet
from soloit.services.entities import ORGANISATION
from soloit.services.fields import BOOL, CHOICE, DATE, DECIMAL, INT, REF, TEXT, YEN, FieldSpec
from soloit.services.records import Record, link_entity
from soloit.ui.commands import Commander
from soloit.ui.widgets.fields import ChoiceCombo, CommitLineEdit, CommitPlainTextEdit, DateLineEdit, OrganisationCombo
from soloit.ui.widgets.recurrence_edit import RecurrenceEdit
from soloit.ui.widgets.refusal import Refusals, dropped_notice
from soloit.ui.widgets.step_cell_edit import StepCellEdit
from soloit.ui.widgets.subject_edit import SubjectEdit

LONG_TEXT = 500  # text fields allowed more than this are edited over several lines
NUMBER_KINDS = (YEN, INT, DECIMAL)


class RefCombo(ChoiceCombo):
    """A reference to another record, chosen from the records there are. Given its choices (`set_choices`), or
    shown with the chosen record's name and where to read the choices (`show_ref`): then the list is read when it
    is wanted (the box focused, opened, typed or wheeled into, or asked which entry holds a value), as it is then;
    until that the box holds the chosen name alone (a form showing one record after another listed 2,000 budget
    lines for each)."""

    def __init__(self, parent: QWidget | None = None, *, empty: str = "（未設定）") -> None:
        super().__init__([], parent)
        self.empty = empty
        self._choices: list[tuple[int, str]] | None = None
        self._read: Callable[[], Sequence[tuple[int, str]]] | None = None  # the choices still to be read

    def show_ref(self, record_id: int | None, label: str | None, read: Callable[[], Sequence[tuple[int, str]]]) -> None:
        """Show the record `record_id` named `label` (None for none, or one not found: the empty entry); the
        choices are `read()` when the list is wanted."""
        if label is None:
            record_id = None
        self._read = read
        i = super().findData(record_id) if self._choices is not None else -1
        if i < 0 or self.itemText(i) != (label if record_id is not None else self.empty):
            self._choices = None  # the list read before does not hold it as it is named now: the name alone
            self.blockSignals(True)
            self.clear()
            self.addItem(self.empty, None)
            if record_id is not None:
                self.addItem(str(label), record_id)
            self.blockSignals(False)
            i = self.count() - 1
        self.setCurrentIndex(i)
        self.setToolTip(self.currentText())

    def choices_loaded(self) -> bool:
        """Whether the box lists the choices (not only the name it shows)."""
        return self._read is None and self._choices is not None

    def load_choices(self) -> None:
        """Read the choices if they are still to be read, keeping the record shown."""
        if self._read is None:
            return
        read, self._read = self._read, None
        shown = self.currentData()
        self.set_choices(read())
        self.setCurrentIndex(max(super().findData(shown), 0))
        self.setToolTip(self.currentText())

    def findData(self, *args: Any, **kwargs: Any) -> int:
        self.load_choices()
        return super().findData(*args, **kwargs)

    def showPopup(self) -> None:
        self.load_choices()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.load_choices()
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.load_choices()
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.load_choices()
        super().wheelEvent(event)

    def set_choices(self, choices: Sequence[tuple[int, str]]) -> None:
        self._read = None
        if self._choices == list(choices):
            return  # the list is as it is (a form shows one record after another: 2,000 budget lines to add again)
        self._choices = list(choices)
        self.blockSignals(True)
        self.clear()
        self.addItem(self.empty, None)
        for record_id, name in choices:
            self.addItem(name, record_id)
        self.blockSignals(False)


def field_label(spec: FieldSpec) -> str:
    """要求額（円）; a label that already explains itself in brackets keeps them and shows the unit in the field."""
    if spec.unit and spec.kind in NUMBER_KINDS and "（" not in spec.label_ja:
        return f"{spec.label_ja}（{spec.unit}）"
    return spec.label_ja


def shown_number(spec: FieldSpec, value: Any) -> str:
    if value is None:
        return ""
    return format_decimal(value) if spec.kind == DECIMAL else (format_yen(value) if spec.kind == YEN else str(value))


class RecordForm(QWidget):
    """Fields of one entity; `show_record(id)` fills it, `None` empties and disables it."""

    def __init__(
        self,
        commander: Commander,
        entity_name: str,
        fields: Sequence[str],
        *,
        organisation_kinds: Mapping[str, str] | None = None,  # REF-to-organisation field → kind of a new one
        info: Callable[[Record], str] | None = None,  # a line under the fields (a rate, a notice date …)
        info_depends_on: Sequence[str] = (),  # other entities whose changes change that line (closed days …)
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        self.entity_name = entity_name
        self.record_id: int | None = None
        self.record: Record | None = None
        self._org_kinds = dict(organisation_kinds or {})
        self._info = info
        self._info_depends_on = tuple(info_depends_on)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.reason = QLineEdit()
        self.reason.setObjectName(f"{entity_name}_reason")
        self.reason.setPlaceholderText("次の変更の理由（任意）")
        self.reason.setMaxLength(1000)
        self.form.addRow("理由", self.reason)
        self.editors: dict[str, QWidget] = {}
        self.refusals = Refusals(self)
        self.refusals.discarded.connect(self._discarded)
        for field in fields:
            spec = entities.spec(entity_name, field)
            editor = self._editor(spec)
            editor.setObjectName(field)
            self.editors[field] = editor
            slot = self.refusals.wrap(field, editor)
            if isinstance(editor, CommitPlainTextEdit | OrganisationCombo) or len(spec.label_ja) > 12:
                caption = QLabel(field_label(spec))
                caption.setWordWrap(True)
                caption.setBuddy(editor)
                self.form.addRow(caption)
                self.form.addRow(slot)
            else:
                self.form.addRow(field_label(spec), slot)
        self.history_button = QPushButton("この記録の変更履歴…")
        self.history_button.setObjectName(f"{entity_name}_history")
        self.history_button.setToolTip("変更履歴の画面で、この記録の変更だけを表示します")
        self.history_button.clicked.connect(self._want_history)
        self.info = QLabel("")
        self.info.setObjectName(f"{entity_name}_info")
        self.info.setWordWrap(True)
        outer.addWidget(self.info)
        history_row = QHBoxLayout()
        history_row.addStretch(1)
        history_row.addWidget(self.history_button)
        outer.addLayout(history_row)
        commander.changed.connect(self._on_changed)
        self.setEnabled(False)

    def _editor(self, spec: FieldSpec) -> QWidget:
        if spec.name == "recurrence":
            editor = RecurrenceEdit()
            editor.committed.connect(self._committer(spec.name))
            return editor
        if spec.name == "cell_key":
            cell = StepCellEdit()
            cell.committed.connect(self._committer(spec.name))
            return cell
        if spec.name == "subject":
            subject = SubjectEdit(self.services.records.choices)
            subject.committed.connect(self._committer(spec.name))
            return subject
        if spec.kind == TEXT:
            if (spec.max_len or 0) > LONG_TEXT:
                text = CommitPlainTextEdit()
                text.setFixedHeight(72)
                text.committed.connect(self._committer(spec.name))
                return text
            line = CommitLineEdit()
            if spec.max_len:
                line.setMaxLength(spec.max_len)
            line.committed.connect(self._committer(spec.name))
            return line
        if spec.kind == DATE:
            day = DateLineEdit()
            day.committed.connect(self._committer(spec.name))
            return day
        if spec.kind in NUMBER_KINDS:
            number = CommitLineEdit()
            number.setAlignment(Qt.AlignmentFlag.AlignRight)
            number.setMaxLength(30)
            number.setToolTip("全角の数字やカンマ（１，２００，０００）でも入力できます")
            number.setPlaceholderText(spec.unit)
            number.committed.connect(self._committer(spec.name))
            return number
        if spec.kind == CHOICE:
            options = spec.options() if spec.options else ()
            combo = ChoiceCombo([(o.code, o.label_ja) for o in options], allow_empty=not spec.required)
            combo.chosen.connect(self._committer(spec.name))
            return combo
        if spec.kind == REF and spec.ref == ORGANISATION:
            org = OrganisationCombo()
            org.committed.connect(self._committer(spec.name))
            return org
        if spec.kind == REF:
            ref = RefCombo()
            ref.chosen.connect(self._committer(spec.name))
            return ref
        if spec.kind == BOOL:
            box = QCheckBox("該当する")
            box.clicked.connect(self._committer(spec.name))
            return box
        raise AssertionError(spec.kind)

    # --- showing ---------------------------------------------------------------------------------------------

    def show_record(self, record_id: int | None) -> None:
        """Fill the fields from the stored record. A refused text of the same record stays as typed; showing another
        record drops the refusals, saying what was typed and not saved."""
        record = self.services.records.record(self.entity_name, record_id) if record_id is not None else None
        if (record.id if record else None) != self.record_id:
            self._drop_refusals()
        self.record_id = record.id if record else None
        self.record = record
        self.setEnabled(record is not None)
        names = {}
        for field, editor in self.editors.items():
            spec = entities.spec(self.entity_name, field)
            if self.refusals.keeps_text(field):
                if isinstance(editor, OrganisationCombo):
                    kind = self._org_kinds.get(field)
                    editor.set_names([o.name for o in self.services.organisations.organisations(kind)])
                continue  # what the user typed stays until corrected or discarded (Esc)
            value = record.get(field) if record else None
            if isinstance(editor, OrganisationCombo):
                kind = self._org_kinds.get(field)
                editor.set_names([o.name for o in self.services.organisations.organisations(kind)])
                if spec.ref not in names:
                    names[spec.ref] = self.services.records.names(ORGANISATION)
                editor.show_value(names[spec.ref].get(value, "") if value is not None else "")
            elif isinstance(editor, RefCombo):
                ref = spec.ref or ""
                label = self.services.records.choice_label(ref, value) if value is not None else None
                editor.show_ref(value, label, lambda ref=ref: self.services.records.choices(ref))
            elif isinstance(editor, RecurrenceEdit):
                editor.show_rule(value)
            elif isinstance(editor, StepCellEdit):
                editor.show_key(value)
            elif isinstance(editor, SubjectEdit):
                editor.show_subject(value)
            elif isinstance(editor, DateLineEdit):
                editor.show_date(value)
            elif isinstance(editor, CommitLineEdit) and spec.kind in NUMBER_KINDS:
                editor.show_value(shown_number(spec, value))
            elif isinstance(editor, CommitLineEdit | CommitPlainTextEdit):
                editor.show_value(value or "")
            elif isinstance(editor, ChoiceCombo):
                editor.show_code(value)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
        self.info.setText(self._info(record) if record is not None and self._info else "")
        self.info.setVisible(bool(self.info.text()))

    def _drop_refusals(self) -> None:
        lost = self.refusals.drop()
        if lost:
            labels = [(entities.spec(self.entity_name, field).label_ja, text) for field, text in lost]
            self.commander.sink(self.commander.dialog_parent, *dropped_notice(labels))

    def _discarded(self, _field: str) -> None:
        """Esc in a refused field: the stored value again."""
        self.show_record(self.record_id)

    def _want_history(self) -> None:
        if self.record_id is not None:
            self.commander.history_wanted.emit(self.entity_name, str(self.record_id))

    # --- committing ------------------------------------------------------------------------------------------

    def _committer(self, field: str) -> Callable[[Any], None]:
        return lambda value: self.commit(field, value)

    def commit(self, field: str, value: Any) -> ChangeSet | None:
        if self.record_id is None:
            return None
        record_id = self.record_id
        spec = entities.spec(self.entity_name, field)
        typed_reason = self.reason.text()
        reason = typed_reason.strip() or None
        self.reason.clear()
        records = self.services.records
        self.refusals.release(field)  # a new try: the refusal before no longer stands
        if spec.kind == REF and spec.ref == ORGANISATION:
            kind = self._org_kinds.get(field, "other")
            result = self.commander.execute(
                f"{spec.label_ja}を変更",
                lambda: records.set_organisation(self.entity_name, record_id, field, value, kind, reason=reason),
                beside_field=True,
            )
        else:
            result = self.commander.execute(
                f"{spec.label_ja}を変更",
                lambda: records.edit(self.entity_name, record_id, field, value, reason=reason),
                beside_field=True,
            )
        refusal = self.commander.last_refusal
        if refusal is not None:  # refused: what was typed stays, marked, with the reason (a list shows what is stored)
            self.reason.setText(typed_reason)  # the reason written for this change is not lost either
            self.refusals.hold(field, refusal.reason)
            self.show_record(record_id)
        elif not result:  # unchanged: show what is stored (an amount typed 全角 shows back as 1,200,000)
            self.show_record(record_id)
        return result

    def _on_changed(self, changeset: ChangeSet) -> None:
        if self.record_id is None:
            return
        key = str(self.record_id)
        if key in changeset.deleted(self.entity_name):
            self.refusals.drop()  # the record is gone: nothing to keep for it
            self.show_record(None)
        elif key in changeset.keys(self.entity_name) or changeset.touches(ORGANISATION):
            self.show_record(self.record_id)
        elif any(changeset.touches(e) for e in self._info_depends_on):
            self.show_record(self.record_id)  # the derived line follows other records (a notice date, closed days)


class LinkEditor(QGroupBox):
    """The records of one kind linked to the shown one: listed, added from a list, removed. With `reverse`, the
    shown record is the link's right end (a budget line's initiatives are kept by the initiative_budget link)."""

    def __init__(self, commander: Commander, link_name: str, title: str, *, reverse: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"links_{link_name}")
        self.commander = commander
        self.services = commander.services
        self.link = link_entity(link_name)
        self.reverse = reverse
        other_field = self.link.left if reverse else self.link.right
        self.other = self.link.spec(other_field).ref or ""
        self.record_id: int | None = None
        self.list = QListWidget()
        self.list.setObjectName(f"{link_name}_list")
        self.list.setMaximumHeight(110)
        self.candidates = RefCombo(empty="（追加するものを選ぶ）")
        self.candidates.setObjectName(f"{link_name}_candidates")
        self.add_button = QPushButton("関連付ける")
        self.add_button.setObjectName(f"{link_name}_add")
        self.remove_button = QPushButton("外す")
        self.remove_button.setObjectName(f"{link_name}_remove")
        row = QHBoxLayout()
        row.addWidget(self.candidates, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        commander.changed.connect(self._on_changed)
        self.setEnabled(False)

    def _linked(self, record_id: int) -> list[int]:
        found = (
            self.services.records.linked_from(self.link.name, record_id)
            if self.reverse
            else self.services.records.linked(self.link.name, record_id)
        )
        return list(found)

    def show_record(self, record_id: int | None) -> None:
        self.record_id = record_id
        self.setEnabled(record_id is not None)
        self.list.clear()
        if record_id is None:
            return
        choices = self.services.records.choices(self.other)
        linked = set(self._linked(record_id))
        for other_id, name in choices:
            if other_id in linked:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, other_id)
                self.list.addItem(item)
        self.candidates.set_choices([c for c in choices if c[0] not in linked])
        if not linked:
            self.list.addItem("（なし）")
        self.remove_button.setEnabled(bool(linked))

    def _set(self, text: str, other_id: int, adding: bool) -> None:
        if self.record_id is None:
            return
        me = self.record_id
        records = self.services.records
        if self.reverse:  # the link belongs to the other record: change that record's list
            current = list(records.linked(self.link.name, other_id))
            wanted = [*current, me] if adding else [r for r in current if r != me]
            self.commander.execute(text, lambda: records.set_links(self.link.name, other_id, wanted))
        else:
            current = self._linked(me)
            wanted = [*current, other_id] if adding else [r for r in current if r != other_id]
            self.commander.execute(text, lambda: records.set_links(self.link.name, me, wanted))

    def add_selected(self) -> None:
        other_id = self.candidates.currentData()
        if other_id is not None:
            self._set(f"{self.title()}を追加", other_id, True)

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        other_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if other_id is not None:
            self._set(f"{self.title()}を外す", other_id, False)

    def _on_changed(self, changeset: ChangeSet) -> None:
        if self.record_id is not None and (changeset.touches(self.link.name) or changeset.touches(self.other)):
            self.show_record(self.record_id)
