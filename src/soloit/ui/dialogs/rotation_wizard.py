"""異動・引継ぎ: predecessor, successor, witness, the 発令日 and the 引継期限 (発令日 + the days of the setting); then
what to write (the 事務引継書 as PDF and Excel, the handover file the successor opens on their own PC) and where.
完了 records the handover (one change, undoable) and builds the 事務引継書 on the GUI thread (quick: plain data), then
writes the files as one job with a progress dialog, off the GUI thread (the PDF, the workbook and the handover file
take seconds on a large ledger); the wizard closes when they are written. A refusal keeps the wizard open and says
why; nothing is written when recording fails. After a failed write, 完了 again writes without recording twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from soloit.domain.dates import DateParseError, parse_date
from soloit.exchange.handover_outputs import HANDOVER_FILE, PDF, XLSX, HandoverOutputs, output_names
from soloit.services.rotation import handover_deadline
from soloit.ui.commands import Commander
from soloit.ui.errors import present
from soloit.ui.jobs import JobHandle, JobRunner, Progress
from soloit.ui.widgets.fields import DateLineEdit

KIND_LABELS = {
    PDF: "事務引継書（PDF）— 印刷して前任者・後任者・立会人が署名します",
    XLSX: "事務引継書（Excel）— 内容を書き足したいとき",
    HANDOVER_FILE: "引継ぎファイル — 後任者が自分のパソコンの soloit で「既存のデータを開く」から開きます",
}


def next_april_first(today: date) -> date:
    """The usual 発令日: the coming April 1 (today, when it is April 1)."""
    this_year = date(today.year, 4, 1)
    return this_year if today <= this_year else date(today.year + 1, 4, 1)


class PeoplePage(QWizardPage):
    def __init__(self, staff: list[str], me: str, today: date, days: int) -> None:
        super().__init__()
        self.setTitle("前任者・後任者と日付")
        self.setSubTitle("発令日と引継期限は、和暦（R9.4.1）でも西暦（2027/4/1）でも入力できます。")
        self.days = days
        self.predecessor = QComboBox()
        self.predecessor.setObjectName("predecessor")
        self.successor = QComboBox()
        self.successor.setObjectName("successor")
        for combo in (self.predecessor, self.successor):
            combo.setEditable(True)
            combo.addItems(staff)
            combo.lineEdit().setMaxLength(100)
        self.predecessor.setEditText(me)
        self.successor.setEditText("")
        self.successor.lineEdit().setPlaceholderText("後任者の氏名")
        self.witness = QLineEdit()
        self.witness.setObjectName("witness")
        self.witness.setMaxLength(100)
        self.witness.setPlaceholderText("例: 総務課長 鈴木 一郎（任意）")
        self.appointment = DateLineEdit()
        self.appointment.setObjectName("appointment_date")
        self.appointment.show_date(next_april_first(today))
        self.deadline = DateLineEdit()
        self.deadline.setObjectName("deadline")
        self.deadline.show_date(handover_deadline(next_april_first(today), days))
        self._deadline_typed = False
        self.error = QLabel("")
        self.error.setObjectName("people_error")
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("前任者(&P)", self.predecessor)
        form.addRow("後任者(&S)", self.successor)
        form.addRow("立会人(&W)", self.witness)
        form.addRow("発令日(&A)", self.appointment)
        form.addRow(f"引継期限（発令日の{days}日後）(&D)", self.deadline)
        form.addRow(self.error)
        self.appointment.committed.connect(self._appointment_changed)
        self.deadline.textEdited.connect(lambda _t: setattr(self, "_deadline_typed", True))

    def _appointment_changed(self, _text: str) -> None:
        day = self._date(self.appointment, "発令日")
        if day is not None and not self._deadline_typed:
            self.deadline.show_date(handover_deadline(day, self.days))

    def _date(self, edit: DateLineEdit, label: str) -> date | None:
        try:
            value = parse_date(edit.text())
        except DateParseError as exc:
            self.error.setText(f"【{label}】{exc.message_ja}")
            return None
        edit.show_date(value)
        return value

    def answer(self) -> dict[str, Any] | None:
        """The page's values, or None (with the reason shown) when one is missing or wrong."""
        self.error.setText("")
        before, after = self.predecessor.currentText().strip(), self.successor.currentText().strip()
        if not before:
            self.error.setText("【前任者】入力してください。")
            return None
        if not after:
            self.error.setText("【後任者】入力してください。")
            return None
        if before == after:
            self.error.setText("【後任者】前任者と同じ人は選べません。")
            return None
        appointment = self._date(self.appointment, "発令日")
        deadline = self._date(self.deadline, "引継期限") if appointment else None
        if appointment is None or deadline is None:
            return None
        if deadline < appointment:
            self.error.setText(f"【引継期限】発令日（{appointment:%Y/%m/%d}）より前の日付は設定できません。")
            return None
        return {
            "predecessor": before, "successor": after, "witness": self.witness.text().strip() or None,
            "appointment_date": appointment, "deadline": deadline,
        }

    def validatePage(self) -> bool:
        return self.answer() is not None


class OutputPage(QWizardPage):
    def __init__(self, folder: Path, choose_folder: Callable[[QWidget, str], str | None]) -> None:
        super().__init__()
        self.setTitle("作成するもの")
        self.setSubTitle("完了を押すと異動・引継ぎを記録し、選んだものを保存先に作成します。")
        self._choose_folder = choose_folder
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        for kind, text in KIND_LABELS.items():
            box = QCheckBox(text)
            box.setObjectName(f"make_{kind}")
            box.setChecked(True)
            self.boxes[kind] = box
            layout.addWidget(box)
        row = QHBoxLayout()
        self.folder = QLineEdit(str(folder))
        self.folder.setObjectName("output_folder")
        browse = QPushButton("参照…")
        browse.clicked.connect(self._browse)
        caption = QLabel("保存先(&O)")  # not &F: the wizard's 完了(&F) has it
        caption.setObjectName("output_folder_caption")
        caption.setBuddy(self.folder)  # Alt+O goes to the folder; the & is a mnemonic, not a character shown
        self.folder_caption = caption
        row.addWidget(caption)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.names = QLabel("")
        self.names.setObjectName("output_names")
        self.names.setWordWrap(True)
        self.names.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.names)
        self.note = QLabel(
            "引継ぎファイルには台帳のデータがすべて入っています。USBメモリ等で渡すときは、庁内の情報セキュリティポリシーに従ってください。"
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout.addWidget(self.note)
        layout.addStretch(1)
        for box in self.boxes.values():
            box.toggled.connect(lambda _on: self.completeChanged.emit())

    def _browse(self) -> None:
        chosen = self._choose_folder(self, self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def kinds(self) -> set[str]:
        return {kind for kind, box in self.boxes.items() if box.isChecked()}

    def isComplete(self) -> bool:
        return bool(self.kinds())

    def show_names(self, names: dict[str, str]) -> None:
        self.names.setText("作成するファイル: " + "、".join(names[k] for k in KIND_LABELS if k in self.kinds()))


def _choose_folder(parent: QWidget, start: str) -> str | None:
    return QFileDialog.getExistingDirectory(parent, "保存先のフォルダー", start) or None


class RotationWizard(QWizard):
    def __init__(
        self,
        commander: Commander,
        *,
        folder: Path,
        handover_days: int,
        choose_folder: Callable[[QWidget, str], str | None] = _choose_folder,
        jobs: JobRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("異動・引継ぎ")
        self.setObjectName("rotationWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.resize(720, 460)
        self.commander = commander
        if jobs is None:
            jobs = JobRunner(self, sink=commander.sink)
        self.jobs = jobs
        self.job: JobHandle | None = None  # the files being written
        self._recorded: dict[str, Any] | None = None  # the handover recorded by an earlier 完了 whose files failed
        services = commander.services
        today = services.context.clock.today()
        people = services.rotation.staff()
        in_charge = next((s.name for s in people if s.end_date is None), services.context.actor)
        self.people = PeoplePage([s.name for s in people], in_charge, today, handover_days)
        self.output = OutputPage(folder, choose_folder)
        self.addPage(self.people)
        self.addPage(self.output)
        self.outputs: HandoverOutputs | None = None
        self.currentIdChanged.connect(self._page_changed)
        for box in self.output.boxes.values():
            box.toggled.connect(lambda _on: self._page_changed(self.currentId()))

    def _page_changed(self, _page_id: int) -> None:
        answer = self.people.answer() if self.currentPage() is self.output else None
        if answer is not None:
            profile = self.commander.services.municipality.profile()
            self.output.show_names(output_names(profile.name if profile else "", answer["appointment_date"]))

    def accept(self) -> None:
        """Record the handover and build the 事務引継書, then write what was chosen as a job; the wizard closes when
        the files are written and stays open when recording or writing is refused."""
        if self.job is not None:
            return  # already writing
        answer = self.people.answer()
        if answer is None:
            self.restart()
            return
        folder = Path(self.output.folder.text().strip()).expanduser()
        if not folder.is_dir():
            self.commander.attempt(lambda: _no_folder(folder))
            return
        services = self.commander.services
        if self._recorded != answer:
            if self.commander.execute("異動・引継ぎを記録", lambda: services.rotation.record(**answer)) is None:
                return
            self._recorded = dict(answer)
        built: list[Any] = []
        if not self.commander.attempt(lambda: built.append(services.handover_report.build(**answer))):
            return
        from soloit.exchange.handover_outputs import write_handover_report

        report, kinds = built[0], self.output.kinds()
        db_path, actor, clock = Path(services.store.path), services.context.actor, services.context.clock

        def work(progress: Progress) -> HandoverOutputs:  # on the job's thread: plain data and the path only
            return write_handover_report(report, db_path, folder, kinds, actor=actor, clock=clock, step=progress.report)

        self._writing(True)
        self.job = self.jobs.start(
            "異動・引継ぎのファイルを作成", work, on_done=self._written, on_error=self._not_written, dialog=True,
            dialog_parent=self,
        )

    def _writing(self, busy: bool) -> None:
        self.output.setEnabled(not busy)
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def _written(self, outputs: HandoverOutputs) -> None:
        self.job = None
        self._writing(False)
        self.outputs = outputs
        super().accept()

    def _not_written(self, exc: BaseException) -> bool:
        self.job = None
        self._writing(False)
        present(self.commander.sink, self, exc)
        return True

    def reject(self) -> None:
        if self.job is None:  # never closed while its files are being written
            super().reject()

    def result_text(self) -> str:
        """What was made, for the message shown after the wizard closes."""
        if self.outputs is None:
            return ""
        lines = ["異動・引継ぎを記録し、次のファイルを作成しました。", ""]
        lines += [f"・{path}" for path in self.outputs.written.values()]
        lines += [
            "",
            f"照合コード: {self.outputs.anchor_code}（変更記録 {self.outputs.journal_count:,} 件目）",
            "事務引継書にも印刷されています。後任者は soloit の「はじめの日」画面でこのコードを入力し、"
            "受け取ったデータが引継書の時点から続いていることを確かめられます。",
        ]
        return "\n".join(lines)


def _no_folder(folder: Path) -> None:
    from soloit.services.errors import OutputError

    raise OutputError(f"保存先のフォルダー「{folder}」がありません。フォルダーを選び直してください。")
