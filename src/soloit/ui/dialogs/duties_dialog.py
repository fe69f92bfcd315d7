"""定例業務を追加: the starter list of a municipal IT office's yearly duties, each with its rule; the user ticks the
ones that apply (those already registered are shown as such and cannot be added twice)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from soloit.services.tasks import Duty


class DutiesDialog(QDialog):
    def __init__(self, duties: tuple[Duty, ...], registered: set[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("定例業務を追加")
        self.resize(640, 520)
        self.duties = duties
        intro = QLabel(
            "ひとり情シスの1年によくある業務です。追加するものにチェックを付けてください。"
            "次の期限（閉庁日なら前の開庁日）で「やること」に登録し、完了にすると次の回を作ります。"
            "日付は目安です。今年度の照会文や庁内の日程で確かめ、追加後に直してください。"
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("duties")
        for duty in duties:
            done = (duty.title, duty.recurrence) in registered
            item = QListWidgetItem(f"{duty.title}（{duty.rule_label}）" + ("　— 登録済み" if done else ""))
            item.setToolTip(duty.notes)
            if done:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("追加する")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def chosen(self) -> list[Duty]:
        return [
            duty for i, duty in enumerate(self.duties)
            if self.list.item(i).checkState() == Qt.CheckState.Checked
            and self.list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
        ]
