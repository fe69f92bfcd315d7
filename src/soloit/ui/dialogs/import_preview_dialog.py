"""取り込みの確認: which cells the ministry's sheet would change (business, step, now → after), before anything is
written. 取り込む applies them all at once (a backup first); キャンセル changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
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

from soloit import reference
from soloit.services.step_import import ImportPlan


class ImportPreviewDialog(QDialog):
    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ref = reference.load()
        self.setWindowTitle("総務省の進捗シートの取り込み")
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{plan.summary_ja()}\n取り込み元: {plan.source}\n"
            "「取り込む」を押すと、バックアップを作ってから、下の変更をまとめて保存します（変更記録の理由はファイル名）。"
            "完了済みになるセルで実績日が空のものには、今日の日付が入ります。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(plan.updates), 4)
        self.table.setObjectName("importChanges")
        self.table.setHorizontalHeaderLabels(["業務", "ステップ", "現在", "取り込み後"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for row, update in enumerate(plan.updates):
            step = ref.step_by_seq[update.seq]
            values = [
                ref.business_by_code[update.business_code].name_ja,
                f"{step.number} {step.name_ja}",
                ref.status_by_code[update.old].label_ja,
                ref.status_by_code[update.new].label_ja,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column >= 2:
                    status = ref.status_by_code[update.old if column == 2 else update.new]
                    item.setBackground(QBrush(QColor(status.color)))
                    item.setForeground(QBrush(QColor(status.text_color)))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("取り込む(&I)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("applyImport")
        self.apply_button.setEnabled(bool(plan.updates))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if plan.updates:
            self.apply_button.setDefault(True)

    @staticmethod
    def ask(plan: ImportPlan, parent: QWidget | None) -> bool:
        return bool(ImportPreviewDialog(plan, parent).exec())
