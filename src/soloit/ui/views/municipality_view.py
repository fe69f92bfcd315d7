"""団体情報: the municipality profile, the organisations, and the systems outside the 20 businesses."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from soloit import reference
from soloit.services import fields
from soloit.services.changes import ChangeSet
from soloit.services.entities import MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.ui.commands import Commander
from soloit.ui.views.system_detail import SystemDetailPanel
from soloit.ui.widgets.profile_fields import ProfileFields


class MunicipalityView(QWidget):
    status_message = Signal(str)
    profile_saved = Signal()

    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        ref = reference.load()

        profile = QGroupBox("団体情報")
        form = QFormLayout(profile)
        self.profile = ProfileFields(form)
        self.prefecture, self.name, self.lg_code = self.profile.prefecture, self.profile.name, self.profile.lg_code
        self.reason = QLineEdit()
        self.reason.setObjectName("profile_reason")
        self.reason.setPlaceholderText("変更の理由（任意）")
        form.addRow("理由", self.reason)
        self.save_button = QPushButton("団体情報を保存(&S)")
        self.save_button.setObjectName("save_profile")
        self.save_button.clicked.connect(self.save_profile)
        form.addRow(self.save_button)

        orgs = QGroupBox("組織（ベンダ・都道府県・庁内部署）")
        org_layout = QVBoxLayout(orgs)
        self.org_list = QListWidget()
        self.org_list.setObjectName("organisations")
        org_layout.addWidget(self.org_list)
        org_row = QHBoxLayout()
        self.org_name = QLineEdit()
        self.org_name.setObjectName("new_org_name")
        self.org_name.setPlaceholderText("組織名")
        self.org_name.setMaxLength(200)
        self.org_kind = QComboBox()
        self.org_kind.setObjectName("new_org_kind")
        for kind in ref.organisation_kinds:
            self.org_kind.addItem(kind.label_ja, kind.code)
        add_org = QPushButton("組織を追加")
        add_org.setObjectName("add_org")
        add_org.clicked.connect(self.add_organisation)
        org_row.addWidget(self.org_name, 1)
        org_row.addWidget(self.org_kind)
        org_row.addWidget(add_org)
        org_layout.addLayout(org_row)

        systems = QGroupBox("標準化対象外のシステム（財務会計・人事給与・共通機能など）")
        sys_layout = QVBoxLayout(systems)
        self.system_list = QListWidget()
        self.system_list.setObjectName("other_systems")
        sys_layout.addWidget(self.system_list)
        sys_row = QHBoxLayout()
        self.system_name = QLineEdit()
        self.system_name.setObjectName("new_system_name")
        self.system_name.setPlaceholderText("システム名")
        self.system_name.setMaxLength(200)
        add_system = QPushButton("システムを追加")
        add_system.setObjectName("add_system")
        add_system.clicked.connect(self.add_system)
        self.remove_button = QPushButton("削除")
        self.remove_button.setObjectName("remove_system")
        self.remove_button.clicked.connect(self.remove_system)
        sys_row.addWidget(self.system_name, 1)
        sys_row.addWidget(add_system)
        sys_row.addWidget(self.remove_button)
        sys_layout.addLayout(sys_row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(profile)
        left_layout.addWidget(orgs, 1)
        left_layout.addWidget(systems, 1)
        self.detail = SystemDetailPanel(commander)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("municipalitySplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([600, 380])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel("")
        layout.addWidget(self.hint)
        layout.addWidget(self.splitter)

        self._loaded = False
        self.system_list.currentItemChanged.connect(self._system_selected)
        self.commander.changed.connect(self._on_changed)

    def showEvent(self, event) -> None:
        if not self._loaded:
            self.load()
        super().showEvent(event)

    def load(self) -> None:
        self._loaded = True
        profile = self.services.municipality.profile()
        if profile is not None:
            self.profile.show(profile.prefecture_code, profile.name, profile.lg_code)
            self.hint.setText(f"{profile.prefecture_name} {profile.name}（団体コード {profile.lg_code}）")
        self._load_organisations()
        self._load_systems()

    def _load_organisations(self) -> None:
        ref = reference.load()
        self.org_list.clear()
        for org in self.services.organisations.organisations():
            self.org_list.addItem(f"{org.name}　［{ref.choice_label(ref.organisation_kinds, org.kind)}］")

    def _load_systems(self) -> None:
        current = self.system_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.system_list.blockSignals(True)
        self.system_list.clear()
        for system in self.services.ledger.systems():
            if system.business_code is None:
                item = QListWidgetItem(system.name)
                item.setData(Qt.ItemDataRole.UserRole, system.id)
                self.system_list.addItem(item)
                if system.id == keep:
                    self.system_list.setCurrentItem(item)
        self.system_list.blockSignals(False)
        if self.system_list.currentItem() is None and self.detail.system_id is not None:
            self.detail.show_system(None)

    def _system_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.detail.show_system(item.data(Qt.ItemDataRole.UserRole) if item else None)

    def save_profile(self) -> None:
        reason = self.reason.text().strip() or None
        result = self.commander.execute(
            "団体情報を変更",
            lambda: self.services.municipality.save(*self.profile.values(), reason=reason),
        )
        if result is not None:
            self.reason.clear()
            self.status_message.emit("団体情報を保存しました。" if result else "団体情報に変更はありません。")
            self.profile_saved.emit()

    def add_organisation(self) -> None:
        name = self.org_name.text()
        if self.commander.execute(
            "組織を追加", lambda: self.services.organisations.add(name, self.org_kind.currentData())
        ):
            self.org_name.clear()

    def add_system(self) -> None:
        name = self.system_name.text()
        result = self.commander.execute("システムを追加", lambda: self.services.ledger.add_system(name))
        if result:
            self.system_name.clear()
            new_id = int(next(c.key for c in result.changes if c.field == fields.CREATE))
            for i in range(self.system_list.count()):
                if self.system_list.item(i).data(Qt.ItemDataRole.UserRole) == new_id:
                    self.system_list.setCurrentRow(i)

    def remove_system(self) -> None:
        item = self.system_list.currentItem()
        if item is None:
            return
        system_id = item.data(Qt.ItemDataRole.UserRole)
        self.commander.execute(f"システム「{item.text()}」を削除", lambda: self.services.ledger.remove_system(system_id))

    def _on_changed(self, changeset: ChangeSet) -> None:
        if not self._loaded:
            return
        if changeset.touches(MUNICIPALITY):
            self.load()
            return
        if changeset.touches(ORGANISATION):
            self._load_organisations()
        if changeset.touches(SYSTEM):
            self._load_systems()
