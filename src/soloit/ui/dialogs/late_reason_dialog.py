"""直前の変更に理由を付ける: a reason for a change already made, recorded as its own journal entry naming it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget


class LateReasonDialog(QDialog):
    def __init__(self, parent: QWidget | None, description: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("直前の変更に理由を付ける")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        what = QLabel(f"変更: {description}")
        what.setObjectName("lateReasonChange")
        what.setWordWrap(True)
        form.addRow(what)
        self.reason = QLineEdit()
        self.reason.setObjectName("lateReason")
        self.reason.setMaxLength(1000)
        self.reason.setPlaceholderText("例: ベンダ定例会（11/20）で完了を確認")
        form.addRow("理由(&R)", self.reason)
        note = QLabel("理由は、この変更に後から付けたものとして変更記録に残ります（元の記録は書き換えません）。")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("記録する(&S)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason.setFocus()

    @classmethod
    def ask(cls, parent: QWidget | None, description: str) -> str | None:
        dialog = cls(parent, description)
        return dialog.reason.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
