"""First run: 新しく始める / 既存のデータを開く / デモを見る."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from soloit.ui.widgets.profile_fields import ProfileFields


@dataclass(frozen=True)
class FirstRunChoice:
    kind: str  # "new" | "open" | "demo"
    display_name: str = ""
    prefecture_code: str = ""
    name: str = ""
    lg_code: str = ""
    path: str = ""


def choose_database_file(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        "引継ぎファイル・soloit のデータベース・バックアップを開く",
        "",
        "引継ぎファイル・データベース (*.soloit-handover *.sqlite3 *.db *.sqlite);;引継ぎファイル (*.soloit-handover);;"
        "すべてのファイル (*)",
    )
    return path or None


class FirstRunDialog(QDialog):
    """Asks how to start. `validate_new` checks the profile (raises ValidationError) before the dialog closes."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        validate_new: Callable[[str, str, str], object] | None = None,
        choose_file: Callable[[QWidget | None], str | None] = choose_database_file,
        display_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("soloit へようこそ")
        self.setMinimumWidth(520)
        self.choice: FirstRunChoice | None = None
        self._validate_new = validate_new
        self._choose_file = choose_file
        self.pages = QStackedWidget()
        start = QWidget()
        start_layout = QVBoxLayout(start)
        intro = QLabel(
            "soloit は、標準化対象20業務の移行・DX・予算・契約を一つの台帳で管理します。\n"
            "データはこのパソコンの中だけに保存され、ネットワークには接続しません。\n\nはじめ方を選んでください。"
        )
        intro.setWordWrap(True)
        start_layout.addWidget(intro)
        self.new_button = QPushButton("新しく始める(&N)\n団体情報を入力して、新しい台帳を作ります")
        self.open_button = QPushButton("既存のデータを開く(&O)\n前任者から引き継いだファイルやバックアップを開きます")
        self.demo_button = QPushButton("デモを見る(&D)\n架空の町のデータで試します（実データとは別のファイルです）")
        for button in (self.new_button, self.open_button, self.demo_button):
            button.setMinimumHeight(56)
            start_layout.addWidget(button)
        self.new_button.setObjectName("first_run_new")
        self.open_button.setObjectName("first_run_open")
        self.demo_button.setObjectName("first_run_demo")
        self.pages.addWidget(start)

        new_page = QWidget()
        form = QFormLayout(new_page)
        self.profile = ProfileFields(form)
        self.prefecture, self.name, self.lg_code = self.profile.prefecture, self.profile.name, self.profile.lg_code
        self.display_name = QLineEdit(display_name)
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(50)
        self.display_name.setPlaceholderText("変更記録に残る名前（例: 情報政策係 山田）")
        form.addRow("あなたの名前(&Y)", self.display_name)
        self.error = QLabel("")
        self.error.setObjectName("first_run_error")
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("作成(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("first_run_create")
        buttons.accepted.connect(self._accept_new)
        buttons.rejected.connect(lambda: self.pages.setCurrentIndex(0))
        form.addRow(buttons)
        self.pages.addWidget(new_page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.new_button.clicked.connect(lambda: (self.pages.setCurrentIndex(1), self.name.setFocus()))
        self.open_button.clicked.connect(self._open)
        self.demo_button.clicked.connect(lambda: self._finish(FirstRunChoice("demo")))
        self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _finish(self, choice: FirstRunChoice) -> None:
        self.choice = choice
        self.accept()

    def _open(self) -> None:
        path = self._choose_file(self)
        if path:
            self._finish(FirstRunChoice("open", path=path))

    def _accept_new(self) -> None:
        from soloit.services.errors import ValidationError
        from soloit.settings import display_name_problem

        pref, name, code = self.profile.values()
        if not self.display_name.text().strip():
            self.error.setText("【あなたの名前】変更記録に残る名前を入力してください。")
            return
        problem = display_name_problem(self.display_name.text())
        if problem:
            self.error.setText(f"【あなたの名前】{problem}")
            return
        try:
            if self._validate_new is not None:
                self._validate_new(pref, name, code)
        except ValidationError as exc:
            self.error.setText(exc.user_message())
            return
        self._finish(FirstRunChoice("new", self.display_name.text().strip(), pref, name.strip(), code.strip()))
