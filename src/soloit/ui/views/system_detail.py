"""The detail panel of one system (and, in the 20-business grid, of the selected step cell): every field editable,
each saved when committed. 特定移行支援 applies only to the 20 businesses and is shown only for them. A refused value
stays as typed, marked, with the reason under it, until corrected or discarded with Esc (ui/widgets/refusal.py).
The step panel says why the step has its status: the reason given with the change that set it, who and when."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from soloit import reference
from soloit.services import entities
from soloit.services.changes import ChangeSet
from soloit.services.entities import CELL, ORGANISATION, SYSTEM
from soloit.services.fields import cell_key
from soloit.services.views import SystemView
from soloit.ui.commands import Commander
from soloit.ui.widgets.fields import (
    ChoiceCombo,
    CommitLineEdit,
    CommitPlainTextEdit,
    DateLineEdit,
    OrganisationCombo,
)
from soloit.ui.widgets.refusal import Refusals, dropped_notice

_ORG_FIELDS = {"current_vendor_id": "vendor", "target_vendor_id": "vendor", "department_id": "department"}
# Fields that hold long names (株式会社…): their label goes above the field, so the field has the panel's width.
_WIDE_FIELDS = (
    "current_vendor_id", "current_product", "target_vendor_id", "target_product", "department_id", "tokutei_reason"
)
HISTORY_LINES = 50


class SystemDetailPanel(QScrollArea):
    def __init__(self, commander: Commander, parent: QWidget | None = None, *, with_cells: bool = False) -> None:
        super().__init__(parent)
        self.commander = commander
        self.services = commander.services
        self.system_id: int | None = None
        self.cell_key: tuple[str, int] | None = None
        self._view: SystemView | None = None
        self.refusals = Refusals(self)
        self.refusals.discarded.connect(self._discarded)
        self._taken_reason = ""  # the 理由 as written for the change being tried (written back if it is refused)
        ref = reference.load()
        self.setWidgetResizable(True)
        self.setMinimumWidth(300)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)

        self.title = QLabel("業務を選んでください" if with_cells else "システムを選んでください")
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setWordWrap(True)
        outer.addWidget(self.title)
        self.subtitle = QLabel("")
        self.subtitle.setWordWrap(True)
        outer.addWidget(self.subtitle)

        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("次の変更の理由（任意。後からは 編集→直前の変更に理由を付ける）")
        self.reason.setMaxLength(1000)
        reason_form = QFormLayout()
        reason_form.addRow("理由(&R)", self.reason)
        outer.addLayout(reason_form)
        forms = [reason_form]

        # --- the selected step cell (only in the 20-business grid) ---
        self.cell_box: QGroupBox | None = None
        if with_cells:
            self.cell_box = QGroupBox("選択中のステップ")
            cell_form = QFormLayout(self.cell_box)
            self.cell_title = QLabel("グリッドでステップを選ぶと表示されます")
            self.cell_title.setWordWrap(True)
            cell_form.addRow(self.cell_title)
            self.cell_status = QLabel("")
            self.cell_status.setObjectName("cell_status")
            self.cell_status_why = QLabel("")  # the reason given for the current status, who and when
            self.cell_status_why.setObjectName("cell_status_reason")
            self.cell_status_why.setWordWrap(True)
            self.cell_status_why.setTextFormat(Qt.TextFormat.PlainText)
            self.cell_status_why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            status_box = QWidget()
            status_layout = QVBoxLayout(status_box)
            status_layout.setContentsMargins(0, 0, 0, 0)
            status_layout.setSpacing(2)
            status_layout.addWidget(self.cell_status)
            status_layout.addWidget(self.cell_status_why)
            cell_form.addRow("状態", status_box)
            self.cell_planned = DateLineEdit()
            self.cell_planned.setObjectName("cell_planned_date")
            cell_form.addRow("予定日", self.refusals.wrap("cell:planned_date", self.cell_planned))
            self.cell_actual = DateLineEdit()
            self.cell_actual.setObjectName("cell_actual_date")
            cell_form.addRow("実績日", self.refusals.wrap("cell:actual_date", self.cell_actual))
            self.cell_note = CommitPlainTextEdit()
            self.cell_note.setObjectName("cell_note")
            self.cell_note.setFixedHeight(56)
            cell_form.addRow("メモ", self.refusals.wrap("cell:note", self.cell_note))
            outer.addWidget(self.cell_box)
            forms.append(cell_form)
            self.cell_planned.committed.connect(lambda t: self._commit_cell("planned_date", t))
            self.cell_actual.committed.connect(lambda t: self._commit_cell("actual_date", t))
            self.cell_note.committed.connect(lambda t: self._commit_cell("note", t))

        # --- the system ---
        box = QGroupBox("システム")
        form = QFormLayout(box)
        forms.append(form)
        self.editors: dict[str, Any] = {}

        def add(target: QFormLayout, field: str, widget: QWidget, label: str | None = None) -> None:
            widget.setObjectName(field)
            self.editors[field] = widget
            text = label or entities.spec(SYSTEM, field).label_ja
            slot = self.refusals.wrap(field, widget)
            if field in _WIDE_FIELDS:
                caption = QLabel(text)
                caption.setBuddy(widget)
                target.addRow(caption)
                target.addRow(slot)
            else:
                target.addRow(text, slot)

        add(form, "name", CommitLineEdit())
        add(form, "department_id", OrganisationCombo())
        add(form, "current_vendor_id", OrganisationCombo())
        add(form, "current_product", CommitLineEdit())
        add(form, "target_vendor_id", OrganisationCombo())
        add(form, "target_product", CommitLineEdit())
        add(form, "hosting", ChoiceCombo([(c.code, c.label_ja) for c in ref.hosting_kinds]))
        add(form, "planned_start", DateLineEdit())
        add(form, "planned_go_live", DateLineEdit())
        add(form, "actual_go_live", DateLineEdit())
        outer.addWidget(box)

        self.tokutei_box = QGroupBox("特定移行支援システム")
        tokutei_form = QFormLayout(self.tokutei_box)
        forms.append(tokutei_form)
        add(tokutei_form, "tokutei", QCheckBox("該当する"), "特定移行支援")
        add(tokutei_form, "tokutei_reason", ChoiceCombo([(c.code, c.label_ja) for c in ref.tokutei_reasons]))
        # the official wordings run to 28 characters: when the box cuts the chosen one, it is spelled out under it
        self.tokutei_reason_full = QLabel("")
        self.tokutei_reason_full.setObjectName("tokutei_reason_full")
        self.tokutei_reason_full.setWordWrap(True)
        self.tokutei_reason_full.setStyleSheet("color: #444;")
        self.tokutei_reason_full.setVisible(False)
        tokutei_form.addRow(self.tokutei_reason_full)
        self.editors["tokutei_reason"].currentIndexChanged.connect(lambda _i: self._spell_out_reason())
        self.editors["tokutei_reason"].installEventFilter(self)
        add(tokutei_form, "tokutei_reason_text", CommitLineEdit())
        add(tokutei_form, "tokutei_target_date", DateLineEdit())
        self.editors["tokutei_target_date"].set_hint(f"{ref.tokutei_deadline:%Y/%m/%d}（2030年度末）まで")
        outer.addWidget(self.tokutei_box)
        self._with_cells = with_cells
        self.tokutei_box.setVisible(with_cells)  # shown once a system of the 20 businesses is selected
        notes_form = QFormLayout()
        forms.append(notes_form)
        notes = CommitPlainTextEdit()
        notes.setFixedHeight(80)
        add(notes_form, "notes", notes)
        outer.addLayout(notes_form)
        history_box = QGroupBox("変更履歴（新しい順）")
        history_layout = QVBoxLayout(history_box)
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self.history.setMinimumHeight(160)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history_layout.addWidget(self.history)
        outer.addWidget(history_box)
        outer.addStretch(1)
        for layout in forms:
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        for field, widget in self.editors.items():
            if isinstance(widget, CommitLineEdit | CommitPlainTextEdit | OrganisationCombo):
                widget.committed.connect(self._committer(field))
            elif isinstance(widget, ChoiceCombo):
                widget.chosen.connect(self._committer(field))
            elif isinstance(widget, QCheckBox):
                widget.clicked.connect(self._committer(field))
        self.commander.changed.connect(self._on_changed)
        self.commander.annotated.connect(self._on_annotated)
        self.setEnabled(False)

    # --- showing ---------------------------------------------------------------------------------------------

    def show_system(self, system_id: int | None) -> None:
        """Fill the fields from the stored system; a refused text of the same system stays as typed."""
        if system_id != self.system_id:
            self._drop_refusals([f for f in self.refusals.held() if not f.startswith("cell:")])
        self.system_id = system_id
        if system_id is None:
            self._view = None
            self.setEnabled(False)
            if not self._with_cells:
                self.tokutei_box.setVisible(False)
            return
        self.setEnabled(True)
        view = self.services.ledger.system(system_id)
        self._view = view
        ref = reference.load()
        business = ref.business_by_code.get(view.business_code or "")
        self.title.setText(view.name)
        self.subtitle.setText(
            f"標準化対象業務 {business.order}（{business.ministry}）" if business else "標準化対象外のシステム"
        )
        self.editors["name"].setReadOnly(business is not None)
        self.editors["name"].setToolTip("20業務の名称は変更できません" if business else "")
        self._refresh_org_lists()
        for field, widget in self.editors.items():
            value = getattr(view, field)
            if self.refusals.keeps_text(field):
                continue  # what the user typed stays until corrected or discarded (Esc)
            if field in _ORG_FIELDS:
                widget.show_value(getattr(view, field.removesuffix("_id")) or "")
            elif isinstance(widget, DateLineEdit):
                widget.show_date(value)
            elif isinstance(widget, CommitLineEdit | CommitPlainTextEdit):
                widget.show_value(value or "")
            elif isinstance(widget, ChoiceCombo):
                widget.show_code(value)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
        self._update_tokutei_enabled(view.tokutei)
        self.tokutei_box.setVisible(business is not None)  # 特定移行支援 is about the 20 businesses only
        if self.cell_box is not None:
            self.cell_box.setVisible(business is not None)
        self.reload_history()

    def reload_history(self) -> None:
        self.history.clear()
        if self.system_id is None:
            return
        lines = self.services.journal.system_history(self.system_id, limit=HISTORY_LINES)
        for line in lines:
            self.history.addItem(line.text())
        if not lines:
            self.history.addItem("まだ変更はありません。")

    def show_cell(self, business_code: str | None, seq: int | None) -> None:
        if self.cell_box is None:
            return
        if (business_code, seq) != (self.cell_key or (None, None)):
            self._drop_refusals([f for f in self.refusals.held() if f.startswith("cell:")])
        if business_code is None or seq is None:
            self.cell_key = None
            self.cell_title.setText("グリッドでステップを選ぶと表示されます")
            for w in (self.cell_planned, self.cell_actual, self.cell_note):
                w.setEnabled(False)
            self.cell_status.setText("")
            self.cell_status_why.setText("")
            return
        ref = reference.load()
        self.cell_key = (business_code, seq)
        cell = self.services.ledger.cell(business_code, seq)
        step = ref.step_by_seq[seq]
        self.cell_title.setText(f"ステップ{step.number}（{step.seq}/40）{step.name_ja}")
        self.cell_status.setText(ref.status_by_code[cell.status].label_ja)
        self.cell_status_why.setText(self._status_why(business_code, seq))
        if not self.refusals.keeps_text("cell:planned_date"):
            self.cell_planned.show_date(cell.planned_date)
        if not self.refusals.keeps_text("cell:actual_date"):
            self.cell_actual.show_date(cell.actual_date)
        if not self.refusals.keeps_text("cell:note"):
            self.cell_note.show_value(cell.note or "")
        for w in (self.cell_planned, self.cell_actual, self.cell_note):
            w.setEnabled(True)

    def _status_why(self, business_code: str, seq: int) -> str:
        """「理由: …」 and who set the current status when, from the newest journal entry that set it."""
        change = self.services.journal.last_change(CELL, cell_key(business_code, seq), "status")
        if change is None:
            return "理由: （変更の記録はありません）"
        reasons = " / ".join(change.reasons) or "（理由なし）"
        how = f"（{change.how}）" if change.how else ""
        return f"理由: {reasons}\n{change.when} {change.actor} が設定{how}"

    def _drop_refusals(self, fields: list[str]) -> None:
        lost = self.refusals.drop(fields)
        if lost:
            labels = [(self._refusal_label(field), text) for field, text in lost]
            self.commander.sink(self.commander.dialog_parent, *dropped_notice(labels))

    @staticmethod
    def _refusal_label(field: str) -> str:
        if field.startswith("cell:"):
            return f"ステップの{entities.spec(CELL, field.removeprefix('cell:')).label_ja}"
        return entities.spec(SYSTEM, field).label_ja

    def _discarded(self, field: str) -> None:
        """Esc in a refused field: the stored value again."""
        if field.startswith("cell:"):
            if self.cell_key is not None:
                self.show_cell(*self.cell_key)
        elif self.system_id is not None:
            self.show_system(self.system_id)

    def _refresh_org_lists(self) -> None:
        for field, kind in _ORG_FIELDS.items():
            self.editors[field].set_names([o.name for o in self.services.organisations.organisations(kind)])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is getattr(self, "editors", {}).get("tokutei_reason"):
            self._spell_out_reason()
        return super().eventFilter(watched, event)

    def _spell_out_reason(self) -> None:
        combo = self.editors["tokutei_reason"]
        cut = combo.currentData() is not None and not combo.text_fits()
        self.tokutei_reason_full.setText(combo.currentText() if cut else "")
        self.tokutei_reason_full.setVisible(cut)

    def _update_tokutei_enabled(self, on: bool) -> None:
        for field in ("tokutei_reason", "tokutei_reason_text", "tokutei_target_date"):
            self.editors[field].setEnabled(on)

    # --- committing ------------------------------------------------------------------------------------------

    def take_reason(self) -> str | None:
        text = self.reason.text().strip() or None
        self._taken_reason = self.reason.text()
        self.reason.clear()
        return text

    def _refused(self, field: str) -> bool:
        """After a command: hold the refusal of `field` (the reason written for it goes back into 理由)."""
        refusal = self.commander.last_refusal
        if refusal is None:
            return False
        self.reason.setText(self._taken_reason)
        self.refusals.hold(field, refusal.reason)
        return True

    def _committer(self, field: str) -> Callable[[Any], None]:
        return lambda value: self._commit_system(field, value)

    def _commit_system(self, field: str, value: Any) -> None:
        if self.system_id is None:
            return
        system_id = self.system_id
        label = entities.spec(SYSTEM, field).label_ja
        reason = self.take_reason()
        ledger = self.services.ledger
        self.refusals.release(field)  # a new try: the refusal before no longer stands
        if field in _ORG_FIELDS:
            result = self.commander.execute(
                f"{label}を変更",
                lambda: ledger.set_system_organisation(system_id, field, value, _ORG_FIELDS[field], reason=reason),
                beside_field=True,
            )
        else:
            result = self.commander.execute(
                f"{label}を変更", lambda: ledger.edit_system(system_id, field, value, reason=reason), beside_field=True
            )
        self._refused(field)
        if not result:  # refused (a typed text stays) or unchanged: show what is stored
            self.show_system(system_id)

    def _commit_cell(self, field: str, value: Any) -> None:
        if self.cell_key is None:
            return
        code, seq = self.cell_key
        label = entities.spec(CELL, field).label_ja
        reason = self.take_reason()
        self.refusals.release(f"cell:{field}")
        result = self.commander.execute(
            f"ステップの{label}を変更",
            lambda: self.services.ledger.edit_cell(code, seq, field, value, reason=reason),
            beside_field=True,
        )
        self._refused(f"cell:{field}")
        if not result:
            self.show_cell(code, seq)

    def _on_annotated(self, _changeset: ChangeSet) -> None:
        """A reason given afterwards may be the reason of the shown step's status."""
        if self.cell_key is not None:
            self.cell_status_why.setText(self._status_why(*self.cell_key))

    def _on_changed(self, changeset: ChangeSet) -> None:
        if self.system_id is not None and (
            str(self.system_id) in changeset.keys(SYSTEM) or changeset.touches(ORGANISATION)
        ):
            if str(self.system_id) in changeset.deleted(SYSTEM):
                self.refusals.drop()  # the system is gone: nothing to keep for it
                self.show_system(None)
            else:
                self.show_system(self.system_id)
        if self.cell_key is not None and cell_key(*self.cell_key) in changeset.keys(CELL):
            self.show_cell(*self.cell_key)
        if self._view is not None and self._view.business_code and any(
            key.startswith(f"{self._view.business_code}/") for key in changeset.keys(CELL)
        ):
            self.reload_history()

