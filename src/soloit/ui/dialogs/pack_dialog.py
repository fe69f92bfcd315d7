"""県への報告パック: the sheets it holds (the writer's own list), the as-of date (default today) and who prepared it,
before the file is chosen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from soloit.domain.dates import format_wareki


class PackDialog(QDialog):
    def __init__(self, as_of: date, prepared_by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("県への報告パック")
        layout = QVBoxLayout(self)
        from soloit.exchange.pack import META, SHEETS, STEPS

        shown = [f"{name}（総務省の様式）" if name == STEPS else name for name in SHEETS if name != META]
        self.intro = QLabel(
            f"次の {len(shown)} 枚のシートを 1 つの Excel ファイルに出力します: {'・'.join(shown)}。"
            "内容は今の台帳のとおりで、基準日は表紙とスケジュールの基準になります。"
        )
        self.intro.setObjectName("packSheets")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.date_edit = QDateEdit(QDate(as_of.year, as_of.month, as_of.day))
        self.date_edit.setObjectName("asOf")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy/MM/dd")
        self.wareki = QLabel(format_wareki(as_of))
        self.date_edit.dateChanged.connect(lambda _d: self.wareki.setText(format_wareki(self.as_of())))
        self.by_edit = QLineEdit(prepared_by)
        self.by_edit.setObjectName("preparedBy")
        form.addRow("基準日(&D)", self.date_edit)
        form.addRow("", self.wareki)
        form.addRow("作成者(&N)", self.by_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存先を選ぶ…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def as_of(self) -> date:
        value = self.date_edit.date()
        return date(value.year(), value.month(), value.day())

    @staticmethod
    def ask(as_of: date, prepared_by: str, parent: QWidget | None) -> tuple[date, str] | None:
        dialog = PackDialog(as_of, prepared_by, parent)
        if not dialog.exec():
            return None
        return dialog.as_of(), dialog.by_edit.text().strip()
