"""What a note is about, chosen rather than typed: the kind of record (システム, ステップ, DX取組 …) and then the
record (a step as 業務 + ステップ). Emits `committed('system:12' or '')` when the user chooses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QStackedWidget, QVBoxLayout, QWidget

from soloit.services import entities
from soloit.services.entities.subject import SUBJECT_KINDS, split_subject, subject_text
from soloit.ui.widgets.step_cell_edit import StepCellEdit

CELL = "cell"


class SubjectEdit(QWidget):
    committed = Signal(str)

    def __init__(self, choices: Callable[[str], Sequence[tuple[int, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = choices
        self.kind = QComboBox()
        self.kind.setObjectName("subject_kind")
        self.kind.addItem("（なし）", "")
        for name in SUBJECT_KINDS:
            self.kind.addItem("ステップ" if name == CELL else entities.entity(name).label_ja, name)
        self.record = QComboBox()
        self.record.setObjectName("subject_record")
        self.record.setMinimumContentsLength(12)
        self.record.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.cell = StepCellEdit()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.record)
        self.stack.addWidget(self.cell)
        self.stack.setMaximumHeight(self.record.sizeHint().height() + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.stack)
        self._shown = ""
        self.kind.activated.connect(lambda _i: self._kind_chosen())
        self.record.activated.connect(lambda _i: self._changed())
        self.cell.committed.connect(lambda _key: self._changed())

    def show_subject(self, text: str | None) -> None:
        self._shown = text or ""
        try:
            kind, key = split_subject(text) if text else ("", "")
        except ValueError:
            kind, key = "", ""
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self._fill(kind)
        if kind == CELL:
            self.cell.show_key(key)
        elif kind:
            self.record.setCurrentIndex(max(self.record.findData(int(key)), 0))

    def _fill(self, kind: str) -> None:
        self.stack.setCurrentWidget(self.cell if kind == CELL else self.record)
        self.stack.setEnabled(bool(kind))
        self.record.blockSignals(True)
        self.record.clear()
        self.record.addItem("（選んでください）", None)
        if kind and kind != CELL:
            for record_id, name in self._choices(kind):
                self.record.addItem(name, record_id)
        self.record.blockSignals(False)
        if kind == CELL:
            self.cell.show_key(None)

    def value(self) -> str:
        kind = self.kind.currentData()
        if not kind:
            return ""
        if kind == CELL:
            key = self.cell.key()
            return subject_text(CELL, key) if key else ""
        record_id = self.record.currentData()
        return subject_text(kind, str(record_id)) if record_id is not None else ""

    def _kind_chosen(self) -> None:
        self._fill(self.kind.currentData() or "")
        if not self.kind.currentData():
            self._changed()

    def _changed(self) -> None:
        value = self.value()
        if value != self._shown:
            self._shown = value
            self.committed.emit(value)
