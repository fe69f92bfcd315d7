"""When the database does not extend what its backups (or its -wal) recorded: say so, name the backup, and let the
user choose — restore it, look read-only, or (explicitly) accept the loss. Never go on silently."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from soloit.services.divergence import backup_label
from soloit.services.session import ACCEPT, QUIT, READ_ONLY, RESTORE


def ask_lost(parent: QWidget | None, message: str, backup) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("変更が失われています")
    box.setText(message)
    offer = f"\n\n戻せるバックアップ: {backup_label(backup)}" if backup is not None else "\n\n戻せるバックアップはありません。"
    box.setInformativeText(
        offer.strip() + "\n\n「読み取り専用で開く」では、今の内容を確認できますが変更はできません。"
        "「失われた変更を了承して開く」を選ぶと、その判断が変更記録に残ります。"
    )
    restore = box.addButton("バックアップに戻す", QMessageBox.ButtonRole.AcceptRole) if backup is not None else None
    readonly = box.addButton("読み取り専用で開く", QMessageBox.ButtonRole.ActionRole)
    accept = box.addButton("失われた変更を了承して開く", QMessageBox.ButtonRole.DestructiveRole)
    quit_button = box.addButton("終了", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or readonly)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE
    if clicked is readonly:
        return READ_ONLY
    if clicked is accept:
        return ACCEPT
    if clicked is quit_button:
        return QUIT
    return QUIT
