"""When the verify at open fails: say what was found, offer the newest backup that passes, and let the user
choose — go back to it, decide later (automatic backups stay off meanwhile), or go on with this state as the
correct one, which needs a reason and is journaled. Never go on silently."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soloit.services.divergence import backup_label
from soloit.services.session import ACCEPT, LATER, RESTORE


def offer_text(backup: Any) -> str:
    if backup is None:
        return "検証に合格するこのデータベースのバックアップはありません。"
    source = {True: "作成時に元のデータベースも検証済み", None: "作成時の元のデータベースは未検証"}.get(
        backup.source_verified, "作成時の元のデータベースは不合格"
    )
    return f"検証に合格する最新のバックアップ: {backup_label(backup)}（{source}、今の検査にも合格）"


class VerifyFailedDialog(QDialog):
    def __init__(self, message: str, backup: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("データベースの検証に失敗しました")
        self.resize(720, 420)
        self.choice = LATER
        layout = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        text.setObjectName("finding")
        layout.addWidget(text)
        offer = QLabel(offer_text(backup))
        offer.setWordWrap(True)
        offer.setObjectName("offer")
        layout.addWidget(offer)
        explain = QLabel(
            "「今は戻さない」を選ぶと、データベースはそのまま開きますが、決めるまで起動時・終了時の自動バックアップは作りません"
            "（検証済みのバックアップが入れ替わって消えないようにするためです）。\n"
            "「この状態を正として続ける」には理由が必要です。判断と理由は変更記録に残ります。"
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("この状態を正として続ける理由（例: 外部ツールでの修正を係長と確認済み）")
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox()
        self.restore_button: QPushButton | None = None
        if backup is not None:
            self.restore_button = self.buttons.addButton("このバックアップに戻す(&R)", QDialogButtonBox.ButtonRole.AcceptRole)
            self.restore_button.clicked.connect(lambda: self._choose(RESTORE))
        self.later_button = self.buttons.addButton("今は戻さない(&L)", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.clicked.connect(lambda: self._choose(LATER))
        self.accept_button = self.buttons.addButton("この状態を正として続ける(&A)", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.accept_button.clicked.connect(lambda: self._choose(ACCEPT))
        self.accept_button.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.accept_button.setEnabled(bool(text.strip())))
        layout.addWidget(self.buttons)
        (self.restore_button or self.later_button).setDefault(True)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == LATER:
            self.reject()
        else:
            self.accept()


def ask_verify_failed(parent: QWidget | None, message: str, backup: Any) -> tuple[str, str]:
    """(RESTORE, LATER or ACCEPT, the reason given for ACCEPT). Closing the dialog is LATER."""
    dialog = VerifyFailedDialog(message, backup, parent)
    dialog.exec()
    return dialog.choice, dialog.reason.text().strip()
