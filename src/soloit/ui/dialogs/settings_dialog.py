"""設定: the user's display name (written into every journal entry)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from soloit.settings import MAX_DISPLAY_NAME, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("設定")
        self.settings = settings
        form = QFormLayout(self)
        self.display_name = QLineEdit(settings.display_name)
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(MAX_DISPLAY_NAME)
        self.display_name.setPlaceholderText("例: 情報政策係 山田")
        form.addRow("あなたの名前(&N)", self.display_name)
        hint = QLabel("この名前は、これから行うすべての変更の記録（だれが・いつ・なぜ）に残ります。")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b71c1c;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        name = self.display_name.text().strip()
        if not name:
            self.error.setText("【あなたの名前】入力してください。")
            return
        self.settings.display_name = name
        self.accept()
