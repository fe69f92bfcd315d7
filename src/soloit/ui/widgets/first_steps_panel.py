"""最初にやること: a slim strip above the views of a new ledger — the five first steps in order, each ticked when the
ledger shows it done, each a button that takes the user where it is done; below them, what the next one is about.
It can be closed (and brought back from ヘルプ)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from soloit.services.first_steps import FirstSteps

DONE_MARK = "☑"
TODO_MARK = "☐"


class FirstStepsPanel(QFrame):
    step_requested = Signal(str)  # a FirstStep key: take the user there
    help_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstSteps")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#firstSteps { background: #fff8e1; border: 1px solid #e0c068; border-radius: 4px; }"
            'QPushButton[done="true"] { color: #1b5e20; }'
        )
        self.title = QLabel("最初にやること")
        self.title.setObjectName("firstStepsTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.items_row = QHBoxLayout()
        self.items_row.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.next_label = QLabel("")
        self.next_label.setObjectName("firstStepsNext")
        self.next_label.setWordWrap(True)
        self.help_button = QPushButton("使い方を見る")
        self.help_button.setObjectName("firstStepsHelp")
        self.help_button.setFlat(True)
        self.help_button.setStyleSheet("color: #0d47a1; text-decoration: underline;")
        self.help_button.clicked.connect(self.help_requested)
        self.close_button = QToolButton()
        self.close_button.setObjectName("firstStepsClose")
        self.close_button.setText("×")
        self.close_button.setToolTip("最初にやることを閉じる（ヘルプ → 最初にやること で再び表示できます）")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.close_requested)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addLayout(self.items_row, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.next_label, 1)
        bottom.addWidget(self.help_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.steps: FirstSteps | None = None

    def set_steps(self, steps: FirstSteps) -> None:
        self.steps = steps
        if not self.buttons:
            for number, item in enumerate(steps.items, 1):
                if number > 1:
                    arrow = QLabel("→")
                    arrow.setStyleSheet("color: #8d6e63;")
                    self.items_row.addWidget(arrow)
                button = QPushButton()
                button.setObjectName(f"firstStep_{item.key}")
                button.clicked.connect(lambda _checked=False, key=item.key: self.step_requested.emit(key))
                self.items_row.addWidget(button)
                self.buttons[item.key] = button
            self.items_row.addStretch(1)
        for number, item in enumerate(steps.items, 1):
            button = self.buttons[item.key]
            button.setText(f"{DONE_MARK if item.done else TODO_MARK} {number}. {item.label}")
            button.setProperty("done", item.done)
            button.setToolTip(f"{item.label}: {item.detail}{'' if item.done else '（クリックで、その画面を開きます）'}")
            button.style().unpolish(button)
            button.style().polish(button)
        self.title.setText(f"最初にやること（{steps.done_count}/{len(steps.items)}）")
        upcoming = next((item for item in steps.items if not item.done), None)
        if upcoming is None:
            self.next_label.setText(
                "すべて済みました。× で閉じてください（ヘルプ → 最初にやること で再び表示できます）。"
            )
        else:
            self.next_label.setText(f"次は「{upcoming.label}」: {upcoming.detail}")

    def is_done(self, key: str) -> bool:
        return bool(self.buttons[key].property("done"))
