"""団体情報: the municipality profile, the organisations (added, renamed, deleted when nothing uses them), and the
systems outside the 20 businesses with their detail panel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soloit import reference
from soloit.services.changes import ChangeSet
from soloit.services.entities import MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.ui.commands import Commander
from soloit.ui.views.base import View
from soloit.ui.views.system_detail import SystemDetailPanel
from soloit.ui.widgets.profile_fields import ProfileFields

ORG_ID = Qt.ItemDataRole.UserRole
ORG_NAME = Qt.ItemDataRole.UserRole + 1


class MunicipalityView(View):
    profile_saved = Signal()

    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        ref = reference.load()

        profile = QGroupBox("団体情報")
        form = QFormLayout(profile)
        self.profile = ProfileFields(form)
        self.prefecture, self.name, self.lg_code = self.profile.prefecture, self.profile.name, self.profile.lg_code
        self.reason = QLineEdit()
        self.reason.setObjectName("profile_reason")
        self.reason.setPlaceholderText("変更の理由（任意）")
        self.reason.setMaxLength(1000)
        form.addRow("理由", self.reason)
        self.save_button = QPushButton("団体情報を保存(&S)")
        self.save_button.setObjectName("save_profile")
        self.save_button.clicked.connect(self.save_profile)
        form.addRow(self.save_button)

        orgs = QGroupBox("組織（ベンダ・都道府県・庁内部署）")
        org_layout = QVBoxLayout(orgs)
        self.org_list = QTableWidget(0, 2)
        self.org_list.setObjectName("organisations")
        self.org_list.setHorizontalHeaderLabels(["組織名", "種別"])
        self.org_list.verticalHeader().setVisible(False)
        self.org_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.org_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.org_list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.org_list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.org_list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.org_list.setToolTip("組織名をダブルクリック（または F2）で名前を変更できます")
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
        self.rename_org_button = QPushButton("名前を変更")
        self.rename_org_button.setObjectName("rename_org")
        self.rename_org_button.clicked.connect(self.rename_organisation)
        self.remove_org_button = QPushButton("組織を削除")
        self.remove_org_button.setObjectName("remove_org")
        self.remove_org_button.clicked.connect(self.remove_organisation)
        org_row.addWidget(self.org_name, 1)
        org_row.addWidget(self.org_kind)
        org_row.addWidget(add_org)
        org_row.addWidget(self.rename_org_button)
        org_row.addWidget(self.remove_org_button)
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
        self.remove_button = QPushButton("システムを削除")
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
        self.detail = SystemDetailPanel(commander, with_cells=False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("municipalitySplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([600, 380])
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel("")
        layout.addWidget(self.hint)
        layout.addWidget(self.splitter)

        self.system_list.currentItemChanged.connect(self._system_selected)
        self.org_list.itemChanged.connect(self._org_item_edited)
        self.org_list.currentCellChanged.connect(lambda *_: self._update_org_buttons())
        self.commander.changed.connect(self._on_changed)
        self.commander.annotated.connect(lambda _cs: self.detail.reload_history())
        self._update_org_buttons()

    def splitters(self) -> dict[str, QSplitter]:
        return {"main": self.splitter}

    def set_detail_visible(self, visible: bool) -> None:
        sizes = self.splitter.sizes()
        total = sum(sizes) or 980
        if visible and sizes[1] == 0:
            self.splitter.setSizes([max(total - 380, 300), 380])
        elif not visible and sizes[1] != 0:
            self.splitter.setSizes([total, 0])

    def load(self) -> None:
        self._loaded = True
        profile = self.services.municipality.profile()
        if profile is not None:
            self.profile.show(profile.prefecture_code, profile.name, profile.lg_code)
            self.hint.setText(f"{profile.prefecture_name} {profile.name}（団体コード {profile.lg_code}）")
        self._load_organisations()
        self._load_systems()

    def _emit_summary(self) -> None:
        profile = self.services.municipality.profile()
        who = f"{profile.name}（団体コード {profile.lg_code}）・" if profile is not None else ""
        self.summary.emit(f"{who}組織 {self.org_list.rowCount()}件・その他のシステム {self.system_list.count()}件")

    def show_entity(self, entity: str, key: str) -> bool:
        """The profile, an organisation (its row) or a system outside the 20 businesses (its detail)."""
        self.ensure_loaded()
        if entity == MUNICIPALITY:
            return True
        if entity == ORGANISATION:
            for row in range(self.org_list.rowCount()):
                if str(self.org_list.item(row, 0).data(ORG_ID)) == key:
                    self.org_list.setCurrentCell(row, 0)
                    return True
            return False
        for row in range(self.system_list.count()):
            item = self.system_list.item(row)
            if str(item.data(Qt.ItemDataRole.UserRole)) == key:
                self.system_list.setCurrentItem(item)
                return True
        return False

    # --- organisations ----------------------------------------------------------------------------------------

    def _load_organisations(self) -> None:
        current = self.org_list.currentItem()
        keep = self.org_list.item(current.row(), 0).data(ORG_ID) if current else None
        self.org_list.blockSignals(True)
        orgs = self.services.organisations.organisations()
        self.org_list.setRowCount(len(orgs))
        for row, org in enumerate(orgs):
            name = QTableWidgetItem(org.name)
            name.setData(ORG_ID, org.id)
            name.setData(ORG_NAME, org.name)
            name.setToolTip(org.name)
            kind = QTableWidgetItem(org.kind_label)
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.org_list.setItem(row, 0, name)
            self.org_list.setItem(row, 1, kind)
            if org.id == keep:
                self.org_list.setCurrentCell(row, 0)
        self.org_list.blockSignals(False)
        self._update_org_buttons()
        self._emit_summary()

    def _selected_org(self) -> QTableWidgetItem | None:
        current = self.org_list.currentItem()
        return None if current is None else self.org_list.item(current.row(), 0)

    def _update_org_buttons(self) -> None:
        selected = self._selected_org() is not None
        self.rename_org_button.setEnabled(selected)
        self.remove_org_button.setEnabled(selected)

    def add_organisation(self) -> None:
        name = self.org_name.text()
        kind = self.org_kind.currentData()
        if self.commander.execute("組織を追加", lambda: self.services.organisations.add(name, kind)):
            self.org_name.clear()

    def rename_organisation(self) -> None:
        item = self._selected_org()
        if item is not None:
            self.org_list.setCurrentItem(item)
            self.org_list.editItem(item)

    def _org_item_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        org_id, old = item.data(ORG_ID), item.data(ORG_NAME)
        new = item.text()
        if new.strip() == old:
            return
        result = self.commander.execute(
            f"組織「{old}」の名前を変更", lambda: self.services.organisations.rename(org_id, new)
        )
        if result is None:  # refused: show the stored name again
            self.org_list.blockSignals(True)
            item.setText(old)
            self.org_list.blockSignals(False)

    def remove_organisation(self) -> None:
        item = self._selected_org()
        if item is None:
            return
        org_id, name = item.data(ORG_ID), item.data(ORG_NAME)
        self.commander.execute(f"組織「{name}」を削除", lambda: self.services.organisations.delete(org_id))

    # --- systems ----------------------------------------------------------------------------------------------

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
        self._emit_summary()

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

    def add_system(self) -> None:
        name = self.system_name.text()
        result = self.commander.execute("システムを追加", lambda: self.services.ledger.add_system(name))
        if result:
            self.system_name.clear()
            new_id = int(result.created(SYSTEM)[0])
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
