"""The municipality profile's three fields (都道府県, 団体名, 団体コード), added to a form; used by the first-run
dialog and the 団体情報 view so both ask the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from soloit import reference


class ProfileFields:
    def __init__(self, form: QFormLayout) -> None:
        self.prefecture = QComboBox()
        self.prefecture.setObjectName("prefecture")
        for pref in reference.load().prefectures:
            self.prefecture.addItem(f"{pref.code} {pref.name_ja}", pref.code)
        form.addRow("都道府県(&P)", self.prefecture)
        self.name = QLineEdit()
        self.name.setObjectName("municipality_name")
        self.name.setMaxLength(100)
        self.name.setPlaceholderText("例: みどり野町")
        form.addRow("団体名(&M)", self.name)
        self.lg_code = QLineEdit()
        self.lg_code.setObjectName("lg_code")
        self.lg_code.setMaxLength(6)
        self.lg_code.setPlaceholderText("6桁、検査数字を含む（例: 011002）")
        form.addRow("団体コード(&C)", self.lg_code)

    def values(self) -> tuple[str, str, str]:
        """(prefecture code, name, 団体コード) as typed."""
        return self.prefecture.currentData(), self.name.text(), self.lg_code.text()

    def show(self, prefecture_code: str, name: str, lg_code: str) -> None:
        self.prefecture.setCurrentIndex(max(0, self.prefecture.findData(prefecture_code)))
        self.name.setText(name)
        self.lg_code.setText(lg_code)
