"""はじめの日 (shown on the first start by someone the journal has not seen, and from ヘルプ): the five things due
soonest, the last 20 decisions, the pinned notes, the contacts of the vendors of systems in progress, and a field
for the code printed in the 事務引継書 to check the database received still extends it. Double-click (or Enter)
opens an item in its own view; the window stays open beside the main window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soloit.services.errors import ValidationError
from soloit.services.first_day import FirstDay
from soloit.services.tasks import NOTICE_ITEM, OVERDUE
from soloit.ui.views.formatting import day

TARGET_ROLE = Qt.ItemDataRole.UserRole


def _item(text: str, entity: str = "", key: str = "", tip: str = "", *, lines: bool = False) -> QListWidgetItem:
    item = QListWidgetItem(text if lines else " ".join(text.splitlines()))
    item.setToolTip(tip or text)
    if entity:
        item.setData(TARGET_ROLE, (entity, key))
    return item


class FirstDayDialog(QDialog):
    def __init__(
        self,
        facts: FirstDay,
        check_code: Callable[[str], tuple[bool, str]],
        open_record: Callable[[str, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("はじめの日 — 引継ぎの要点")
        self.setObjectName("firstDayDialog")
        self.resize(1000, 640)
        self._check_code = check_code
        self._open = open_record
        heading = QLabel("引き継いだ仕事の要点です。項目をダブルクリックすると、その画面を開きます（このウィンドウは開いたままです）。")
        heading.setWordWrap(True)
        self.lists: dict[str, QListWidget] = {}
        grid = QGridLayout()
        due = [
            _item(f"{day(i.due)}　{i.title}（{i.bucket_label}）", "contract" if i.kind == NOTICE_ITEM else "task", str(i.id))
            for i in facts.due
        ]
        for item, agenda in zip(due, facts.due, strict=True):
            if agenda.bucket == OVERDUE:
                item.setForeground(QColor("#b71c1c"))
        decisions = [
            _item(
                f"{d.line.when}　{d.line.actor}：{d.line.sentence()}{f' ほか {d.more} 件' if d.more else ''}（理由: {d.reason}）",
                d.line.entity, d.line.key,
            )
            for d in facts.decisions
        ]
        pinned = [_item(f"【{n.category_label}】{n.title}", "note", str(n.id), n.body or n.title) for n in facts.pinned]
        contacts = [
            _item(
                "　".join(p for p in (c.name, c.organisation) if p) + "\n" + "　".join(p for p in (c.phone, c.mail) if p),
                "contact", str(c.id), f"{c.role}（{c.systems}）" if c.systems else c.role, lines=True,
            )
            for c in facts.contacts
        ]
        in_progress = "、".join(facts.in_progress) if facts.in_progress else "なし"
        sections = (
            ("due", "期限の近いもの（5件）", due, "期限のあるやることはありません。"),
            ("decisions", "最近の判断（理由の付いた変更 20件）", decisions, "理由の付いた変更はまだありません。"),
            ("pinned", "ピン留めされた引継ぎメモ", pinned, "ピン留めされたメモはありません。"),
            ("contacts", "移行中のシステムのベンダ連絡先", contacts, "移行中のシステムに関係する連絡先は登録されていません。"),
        )
        for i, (name, title, items, empty) in enumerate(sections):
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            widget = QListWidget()
            widget.setObjectName(f"first_day_{name}")
            widget.setWordWrap(True)
            widget.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrapped to the width (never cut with …)
            widget.setTextElideMode(Qt.TextElideMode.ElideNone)
            for item in items:
                widget.addItem(item)
            if not items:
                widget.addItem(_item(empty))
            widget.itemActivated.connect(self._activate)
            box_layout.addWidget(widget)
            if name == "contacts":
                note = QLabel(f"移行中: {in_progress}")
                note.setWordWrap(True)
                note.setStyleSheet("color: #555;")
                box_layout.addWidget(note)
            self.lists[name] = widget
            grid.addWidget(box, i // 2, i % 2)
        code_box = QGroupBox("事務引継書の照合コードで確認")
        code_row = QHBoxLayout(code_box)
        self.code = QLineEdit()
        self.code.setObjectName("anchor_code")
        self.code.setPlaceholderText("例: 1950-BSRT-E3ZY-B2NG-5（事務引継書の表紙に印刷されています）")
        self.code.setMaxLength(60)
        self.check_button = QPushButton("照合する")
        self.check_button.setObjectName("check_code")
        self.code_result = QLabel("")
        self.code_result.setObjectName("code_result")
        self.code_result.setWordWrap(True)
        code_row.addWidget(self.code, 3)
        code_row.addWidget(self.check_button)
        code_row.addWidget(self.code_result, 4)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(grid, 1)
        layout.addWidget(code_box)
        layout.addWidget(buttons)
        self.check_button.clicked.connect(self.check)
        self.code.returnPressed.connect(self.check)

    def _activate(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self._open(*target)

    def check(self) -> None:
        try:
            ok, message = self._check_code(self.code.text())
        except ValidationError as exc:
            ok, message = False, exc.message_ja
        self.code_result.setText(("✔ " if ok else "✖ ") + message)
        self.code_result.setStyleSheet("color: #1b5e20;" if ok else "color: #b71c1c;")
