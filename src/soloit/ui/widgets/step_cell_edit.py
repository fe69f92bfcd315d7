"""A step of one of the 20 businesses (a cell of the ledger), chosen as 業務 and ステップ rather than typed as its
key. Emits `committed('koseki/5' or '')` when the user chooses."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from soloit import reference
from soloit.services.fields import cell_key, split_cell_key


class StepCellEdit(QWidget):
    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ref = reference.load()
        self.business = QComboBox()
        self.business.setObjectName("cell_business")
        self.business.addItem("（なし）", "")
        for business in ref.businesses:
            self.business.addItem(business.name_ja, business.code)
        self.step = QComboBox()
        self.step.setObjectName("cell_step")
        self.step.setMinimumContentsLength(10)
        self.step.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for step in ref.steps:
            self.step.addItem(f"ステップ{step.number} {step.name_ja}", step.seq)
            self.step.setItemData(self.step.count() - 1, step.name_ja, Qt.ItemDataRole.ToolTipRole)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.business)
        layout.addWidget(self.step, 1)
        self._shown = ""
        self.business.activated.connect(lambda _i: self._changed())
        self.step.activated.connect(lambda _i: self._changed())

    def show_key(self, key: str | None) -> None:
        self._shown = key or ""
        code, seq = split_cell_key(key) if key else ("", 1)
        self.business.setCurrentIndex(max(self.business.findData(code), 0))
        self.step.setCurrentIndex(max(self.step.findData(seq), 0))
        self.step.setEnabled(bool(code))

    def key(self) -> str:
        code = self.business.currentData()
        return cell_key(code, int(self.step.currentData())) if code else ""

    def _changed(self) -> None:
        self.step.setEnabled(bool(self.business.currentData()))
        if self.key() != self._shown:
            self._shown = self.key()
            self.committed.emit(self._shown)
