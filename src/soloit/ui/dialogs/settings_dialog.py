"""設定: the user's display name (written into every journal entry) and where backups go."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from soloit.settings import MAX_DISPLAY_NAME, MAX_HANDOVER_DAYS, Settings, display_name_problem


def choose_folder(parent: QWidget | None, start: str) -> str | None:
    return QFileDialog.getExistingDirectory(parent, "バックアップの保存先", start) or None


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        choose_dir: Callable[[QWidget | None, str], str | None] = choose_folder,
        proposed_name: str = "",
    ) -> None:
        """`proposed_name`: a name to propose while none is set (the 後任者 named in the handover file opened)."""
        super().__init__(parent)
        self.setWindowTitle("設定")
        self.setMinimumWidth(520)
        self.settings = settings
        self._choose_dir = choose_dir
        form = QFormLayout(self)
        self.display_name = QLineEdit(settings.display_name)
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(MAX_DISPLAY_NAME)
        self.display_name.setPlaceholderText("例: 情報政策係 山田")
        form.addRow("あなたの名前(&N)", self.display_name)
        self.proposed = QLabel("")
        self.proposed.setObjectName("proposed_name")
        self.proposed.setWordWrap(True)
        if proposed_name.strip() and not settings.display_name.strip():
            self.display_name.setText(proposed_name.strip()[:MAX_DISPLAY_NAME])
            self.proposed.setText("引継ぎファイルに後任者として記録された名前です。違う場合は直してください。")
            form.addRow(self.proposed)
        hint = QLabel("この名前は、これから行うすべての変更の記録（だれが・いつ・なぜ）に残ります。")
        hint.setWordWrap(True)
        form.addRow(hint)

        self.backup_dir = QLineEdit(settings.backup_dir)
        self.backup_dir.setObjectName("backup_dir")
        self.backup_dir.setPlaceholderText("空欄: データと同じ場所の backups フォルダ")
        browse = QPushButton("参照…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.backup_dir, 1)
        row.addWidget(browse)
        label = QLabel("バックアップの保存先(&B)")
        label.setBuddy(self.backup_dir)
        form.addRow(label, row)
        note = QLabel("ファイルサーバーの共有フォルダを指定できます（データベース本体はこのパソコンに置いたままにします）。")
        note.setWordWrap(True)
        form.addRow(note)
        self.interval = QSpinBox()
        self.interval.setObjectName("backup_interval")
        self.interval.setRange(0, 24 * 60)
        self.interval.setSuffix(" 分")
        self.interval.setValue(settings.backup_interval_minutes)
        form.addRow("起動時バックアップの間隔(&I)", self.interval)
        self.handover_days = QSpinBox()
        self.handover_days.setObjectName("handover_days")
        self.handover_days.setRange(1, MAX_HANDOVER_DAYS)
        self.handover_days.setSuffix(" 日")
        self.handover_days.setValue(settings.handover_days)
        self.handover_days.setToolTip("異動・引継ぎで、引継期限を発令日の何日後にするか（多くの事務引継規程では7日）")
        form.addRow("引継期限（発令日から）(&H)", self.handover_days)

        self.error = QLabel("")
        self.error.setStyleSheet("color: #b71c1c;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        chosen = self._choose_dir(self, self.backup_dir.text())
        if chosen:
            self.backup_dir.setText(chosen)

    def _accept(self) -> None:
        name = self.display_name.text().strip()
        problem = display_name_problem(name)
        if problem:
            self.error.setText(f"【あなたの名前】{problem}")
            return
        self.settings.display_name = name
        self.settings.backup_dir = self.backup_dir.text().strip()
        self.settings.backup_interval_minutes = self.interval.value()
        self.settings.handover_days = self.handover_days.value()
        self.accept()
