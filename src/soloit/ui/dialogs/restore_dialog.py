"""バックアップから復元: this database's backups (date, kind, 団体, entry count, last change, size), and — as a
separate, explicit choice — a file of another database (a predecessor's ledger, say)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soloit.domain.clock import format_jst
from soloit.services.backups import BackupInfo
from soloit.services.divergence import VERDICT_LABELS, kind_label


class RestoreDialog(QDialog):
    def __init__(self, backups: list[BackupInfo], folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("バックアップから復元")
        self.resize(960, 440)
        self.backups = backups
        self.other_file = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"このデータベースのバックアップ（保存先: {folder}）\n"
            "選んだバックアップは、復元の前に整合性と変更記録を検査します。今のデータベースは復元の前にバックアップします。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(backups), 7)
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(["作成日時", "種類", "団体（団体コード）", "変更記録", "最終変更", "サイズ", "元の検証"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, info in enumerate(backups):
            values = [
                format_jst(info.created_at, seconds=True),
                kind_label(info.kind),
                f"{info.municipality}（{info.lg_code}）" if info.lg_code else info.municipality,
                f"{info.journal_count:,} 件",
                format_jst(info.last_change),
                f"{info.size / 1024:,.0f} KB",
                VERDICT_LABELS[info.source_verified],
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (3, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(info.path.name)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        if not backups:
            layout.addWidget(QLabel("このデータベースのバックアップはまだありません。"))
        self.other_button = QPushButton("別のデータベースのファイルから復元…(&O)")
        self.other_button.setObjectName("restore_other")
        self.other_button.setToolTip("前任者から受け取ったデータベースなど、このデータベース以外のファイルを選びます（確認があります）")
        self.other_button.clicked.connect(self._choose_other)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("このバックアップに戻す(&R)")
        self.buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(self._update)
        if backups:
            self.table.selectRow(0)
        self._update()

    def _choose_other(self) -> None:
        self.other_file = True
        self.accept()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None
