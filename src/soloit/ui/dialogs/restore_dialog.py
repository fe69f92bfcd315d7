"""バックアップから復元: the list of backups (date, kind, size, municipality, last change) and the choice of one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soloit.services.backups import BackupInfo

KIND_LABELS = {
    "manual": "手動",
    "start": "起動時",
    "exit": "終了時",
    "pre-restore": "復元前",
    "pre-import": "取込前",
}


def kind_label(kind: str) -> str:
    if kind.startswith("pre-upgrade"):
        return "更新前"
    return KIND_LABELS.get(kind, kind)


def _local_time(iso_utc: str) -> str:
    try:
        return datetime.fromisoformat(iso_utc).astimezone().strftime("%Y/%m/%d %H:%M")
    except ValueError:
        return ""


class RestoreDialog(QDialog):
    def __init__(self, backups: list[BackupInfo], folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("バックアップから復元")
        self.resize(900, 420)
        self.backups = backups
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"バックアップの保存先: {folder}\n"
            "選んだバックアップは、復元の前に整合性と変更記録を検査します。今のデータベースは復元の前にバックアップします。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(backups), 6)
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(["作成日時", "種類", "サイズ", "団体", "最終変更", "変更記録"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, info in enumerate(backups):
            values = [
                info.created_at.strftime("%Y/%m/%d %H:%M:%S"),
                kind_label(info.kind),
                f"{info.size / 1024:,.0f} KB",
                info.municipality,
                _local_time(info.last_change),
                f"{info.journal_count:,} 件",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (2, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        if not backups:
            layout.addWidget(QLabel("バックアップはまだありません。"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("このバックアップに戻す(&R)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(self._update)
        if backups:
            self.table.selectRow(0)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None
