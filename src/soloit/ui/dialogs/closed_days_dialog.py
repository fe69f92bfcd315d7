"""閉庁日: the office's own closed days (besides weekends, national holidays and 12/29–1/3), which due dates and
contract notice dates skip. Added and deleted here; each change is journaled and undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soloit.services.entities import CLOSED_DAY
from soloit.ui.commands import Commander
from soloit.ui.widgets.fields import DateLineEdit


class ClosedDaysDialog(QDialog):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        self.setWindowTitle("閉庁日")
        self.resize(480, 420)
        intro = QLabel("土日・祝日・年末年始（12/29〜1/3）のほかに庁舎が閉まる日です。期限の計算で飛ばします。")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("closed_days")
        self.day = DateLineEdit()
        self.day.setObjectName("closed_day_date")
        self.day.setMinimumWidth(190)  # the placeholder 「例: 2026/03/31 または R8.3.31」 shows whole
        self.name = QLineEdit()
        self.name.setObjectName("closed_day_name")
        self.name.setPlaceholderText("名前（例: 開庁日変更、庁舎停電）")
        self.name.setMaxLength(200)
        add = QPushButton("追加")
        add.setObjectName("add_closed_day")
        add.clicked.connect(self.add)
        self.remove = QPushButton("削除")
        self.remove.setObjectName("remove_closed_day")
        self.remove.clicked.connect(self.delete)
        row = QHBoxLayout()
        row.addWidget(self.day)
        row.addWidget(self.name, 1)
        row.addWidget(add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.remove, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        self.list.clear()
        for day_id, name, day in self.services.tasks.closed_days():
            item = QListWidgetItem(f"{day:%Y/%m/%d}　{name}" if day else name)
            item.setData(Qt.ItemDataRole.UserRole, day_id)
            self.list.addItem(item)
        self.remove.setEnabled(self.list.count() > 0)

    def add(self) -> None:
        name, day = self.name.text().strip() or "閉庁日", self.day.text()
        if self.commander.execute("閉庁日を追加", lambda: self.services.tasks.add_closed_day(name, day)):
            self.name.clear()
            self.day.show_value("")
            self.load()

    def delete(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        day_id = item.data(Qt.ItemDataRole.UserRole)
        if self.commander.execute("閉庁日を削除", lambda: self.services.records.delete(CLOSED_DAY, day_id)):
            self.load()
