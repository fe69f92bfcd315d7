"""申出期限を処理: how a contract's renewal or termination notice was handled (更新する / 解約する / 申出済み), the day,
and why (the reason goes into the change history like every reason)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from soloit import reference
from soloit.domain.dates import format_with_weekday
from soloit.ui.widgets.fields import DateLineEdit

NoticeAnswer = tuple[str, str, str | None]  # (decision code, the day as typed, reason or None)


class NoticeDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, title: str, notice_date: date | None, end_date: date | None, today: date
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("申出期限を処理")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        what = QLabel(
            f"契約「{title}」\n申出期限 {format_with_weekday(notice_date)}・契約終了日 {format_with_weekday(end_date)}"
        )
        what.setObjectName("notice_subject")
        what.setWordWrap(True)
        form.addRow(what)
        self.decision = QComboBox()
        self.decision.setObjectName("notice_decision")
        for option in reference.load().notice_decisions:
            self.decision.addItem(option.label_ja, option.code)
        form.addRow("処理(&K)", self.decision)
        self.day = DateLineEdit()
        self.day.setObjectName("notice_decided_on")
        self.day.setMinimumWidth(190)  # the placeholder 「例: 2026/03/31 または R8.3.31」 shows whole
        self.day.show_date(today)
        form.addRow("処理日(&D)", self.day)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(1000)
        self.reason.setPlaceholderText("例: 課長決裁済み（更新の伺い 12/1）")
        form.addRow("理由(&R)", self.reason)
        note = QLabel(
            "処理すると「やること」の一覧から外れます（「完了も表示」で処理済みとして表示）。契約終了日が変わると"
            "（更新など）、新しい契約期間の申出期限がまた表示されます。変更記録に残り、Ctrl+Z で元に戻せます。"
        )
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("処理する(&S)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.decision.setFocus()

    def answer(self) -> NoticeAnswer:
        return self.decision.currentData(), self.day.text().strip(), self.reason.text().strip() or None

    @classmethod
    def ask(
        cls, parent: QWidget | None, title: str, notice_date: date | None, end_date: date | None, today: date
    ) -> NoticeAnswer | None:
        dialog = cls(parent, title, notice_date, end_date, today)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
