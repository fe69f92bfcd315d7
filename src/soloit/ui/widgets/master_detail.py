"""The shape every record view shares: on the left a row to add a record by its name, the filterable table and a
delete button; on the right, in a scroll area, the detail of the selected record (a title, forms, link editors)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from soloit.ui.widgets.record_table import RecordTable

DETAIL_WIDTH = 400


class MasterDetail(QSplitter):
    def __init__(
        self,
        name: str,
        table: RecordTable,
        *,
        new_placeholder: str,
        add_text: str,
        remove_text: str,
        on_add: Callable[[str], bool],  # given the typed name; True when the record was created
        on_remove: Callable[[], None],
        detail: Sequence[QWidget],
        extra_buttons: Sequence[QWidget] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName(f"{name}Splitter")
        self.table = table
        self.new_name = QLineEdit()
        self.new_name.setObjectName(f"new_{name}_name")
        self.new_name.setPlaceholderText(new_placeholder)
        self.new_name.setMaxLength(200)
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"add_{name}")
        self.remove_button = QPushButton(remove_text)
        self.remove_button.setObjectName(f"remove_{name}")
        self.remove_button.setEnabled(False)
        self.new_name.returnPressed.connect(self._add)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(on_remove)
        self._on_add = on_add
        table.selected.connect(lambda key: self.remove_button.setEnabled(key is not None))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.add_button)
        for button in extra_buttons:
            add_row.addWidget(button)
        add_row.addWidget(self.remove_button)
        left_layout.addLayout(add_row)
        left_layout.addWidget(table, 1)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setMinimumWidth(300)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.title = QLabel("一覧から選んでください")
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.title.setWordWrap(True)
        body_layout.addWidget(self.title)
        for widget in detail:
            body_layout.addWidget(widget)
        body_layout.addStretch(1)
        self.scroll.setWidget(body)

        self.addWidget(left)
        self.addWidget(self.scroll)
        self.setStretchFactor(0, 1)
        self.setCollapsible(0, False)
        self.setCollapsible(1, True)
        self.setSizes([800, DETAIL_WIDTH])

    def _add(self) -> None:
        if self._on_add(self.new_name.text()):
            self.new_name.clear()

    def set_detail_visible(self, visible: bool) -> None:
        sizes = self.sizes()
        total = sum(sizes) or 1200
        if visible and sizes[1] == 0:
            self.setSizes([max(total - DETAIL_WIDTH, 300), DETAIL_WIDTH])
        elif not visible and sizes[1] != 0:
            self.setSizes([total, 0])
