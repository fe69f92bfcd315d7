"""理由を付けて変更…: choose a status and write why."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from soloit import reference


class ReasonDialog(QDialog):
    def __init__(self, parent: QWidget | None, current_status: str | None, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("理由を付けて変更")
        ref = reference.load()
        form = QFormLayout(self)
        form.addRow(QLabel(f"選択中の {count} 件のステップの状態を変更します。"))
        self.status = QComboBox()
        for code in ref.status_key_order:
            self.status.addItem(ref.status_by_code[code].label_ja, code)
        if current_status:
            self.status.setCurrentIndex(max(0, self.status.findData(current_status)))
        form.addRow("状態(&S)", self.status)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(1000)
        self.reason.setPlaceholderText("例: ベンダ定例会で完了を確認")
        form.addRow("理由(&R)", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason.setFocus()

    def answer(self) -> tuple[str, str | None]:
        return self.status.currentData(), self.reason.text().strip() or None

    @classmethod
    def ask(cls, parent: QWidget | None, current_status: str | None, count: int) -> tuple[str, str | None] | None:
        dialog = cls(parent, current_status, count)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
