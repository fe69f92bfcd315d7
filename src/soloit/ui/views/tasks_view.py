"""やること: open tasks and contract notice dates sorted into 期限切れ (red), 14日以内, 90日以内, それ以降 and 期限なし,
each due date with its weekday; filtered by the area they are about; a task's fields (due date, status, recurrence,
what it is about) in the detail panel; 完了にする (a recurring task's next occurrence appears at once), 申出期限を処理…
(更新する / 解約する / 申出済み: the notice leaves the list), the starter list of yearly duties and the office's closed
days. Every row opens on Enter or double-click: a task in its form, a notice as its contract in 予算・契約."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from soloit.domain.dates import format_with_weekday
from soloit.services.changes import ChangeSet
from soloit.services.entities import CONTRACT, DATED, TASK, entity
from soloit.services.entities.contract import notice_decisions
from soloit.services.tasks import (
    ABOUT_FIELDS,
    AREA_LABELS,
    BUCKET_LABELS,
    COMPLETED,
    NOTICE_ITEM,
    OVERDUE,
    SOON,
    TASK_ITEM,
    AgendaItem,
    starter_duties,
)
from soloit.ui.commands import Commander
from soloit.ui.dialogs.notice_dialog import NoticeDialog
from soloit.ui.views.base import RecordView, record_id
from soloit.ui.views.formatting import day, day_key
from soloit.ui.widgets.master_detail import MasterDetail
from soloit.ui.widgets.record_form import RecordForm
from soloit.ui.widgets.record_table import Column, RecordTable

BUCKET_ORDER = {code: i for i, code in enumerate(BUCKET_LABELS)}
COLOURS = {OVERDUE: "#b71c1c", SOON: "#e65100", COMPLETED: "#757575"}
ALL_AREAS = "*"


def watched() -> tuple[str, ...]:
    """The kinds whose changes change the list: tasks, notices, closed days, what a task is about (a step's name
    never changes) and every kind with a declared date (Entity.dated)."""
    about = (entity(TASK).spec(field).ref or "" for field in ABOUT_FIELDS)
    return ("task", "contract", "closed_day", *about, *DATED)


def _colour(item: AgendaItem) -> str | None:
    return COLOURS.get(item.bucket)


COLUMNS = (
    Column("区分", lambda i: i.bucket_label, sort=lambda i: (BUCKET_ORDER[i.bucket], day_key(i.due)), color=_colour),
    Column("期限", lambda i: format_with_weekday(i.due), sort=lambda i: day_key(i.due), color=_colour),
    Column("件名", lambda i: i.title, width=300, color=_colour),
    Column("状況", lambda i: i.status_label, width=80),  # 更新する・申出済み (a handled notice) show whole
    Column("繰り返し", lambda i: i.recurrence, width=160),
    Column("関連", lambda i: f"{AREA_LABELS[i.area]}：{i.about}" if i.area else ""),
)


class TasksView(RecordView):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.table = RecordTable(COLUMNS, key=lambda i: (i.kind, i.id))
        self.table.setObjectName("agenda")
        self.area = QComboBox()
        self.area.setObjectName("area_filter")
        self.area.addItem("すべて", ALL_AREAS)
        for code, label in AREA_LABELS.items():
            self.area.addItem(label, code)
        area_label = QLabel("関連(&A)")
        area_label.setBuddy(self.area)
        self.show_done = QCheckBox("完了も表示")
        self.show_done.setObjectName("show_done")
        self.complete_button = QPushButton("完了にする(&D)")
        self.complete_button.setObjectName("complete_task")
        self.complete_button.setEnabled(False)
        self.handle_button = QPushButton("申出期限を処理…(&H)")
        self.handle_button.setObjectName("handle_notice")
        self.handle_button.setToolTip("契約の更新・解約の申出を、更新する・解約する・申出済みとして記録します")
        self.handle_button.setEnabled(False)
        self.open_contract_button = QPushButton("契約を開く(&O)")
        self.open_contract_button.setObjectName("open_contract")
        self.open_related_button = QPushButton("関連する記録を開く(&R)")
        self.open_related_button.setObjectName("open_related")
        self.open_related_button.setEnabled(False)
        self.notice_dialog = NoticeDialog.ask  # seam: tests replace it
        self.duties_button = QPushButton("定例業務を追加…")
        self.duties_button.setObjectName("add_duties")
        self.closed_button = QPushButton("閉庁日…")
        self.closed_button.setObjectName("closed_days")
        self.form = RecordForm(
            commander,
            TASK,
            ("title", "due_date", "status", "recurrence", "system_id", "cell_key", "initiative_id", "budget_line_id",
             "contract_id", "notes"),
        )
        self.notice_text = QLabel("")
        self.notice_text.setObjectName("notice_text")
        self.notice_text.setWordWrap(True)
        self.notice = QWidget()
        notice_layout = QVBoxLayout(self.notice)
        notice_layout.setContentsMargins(0, 0, 0, 0)
        notice_layout.addWidget(self.notice_text)
        notice_buttons = QHBoxLayout()
        notice_buttons.addWidget(self.open_contract_button)
        notice_buttons.addStretch(1)
        notice_layout.addLayout(notice_buttons)
        self.notice.setVisible(False)
        related = QHBoxLayout()
        related.addWidget(self.open_related_button)
        related.addStretch(1)
        self.related = QWidget()
        self.related.setLayout(related)
        related.setContentsMargins(0, 0, 0, 0)
        self.body = MasterDetail(
            "task",
            self.table,
            new_placeholder="新しいやること（例: 端末の更新計画を作る）",
            add_text="追加",
            remove_text="削除",
            on_add=self.add_task,
            on_remove=self.remove_task,
            detail=(self.notice, self.form, self.related),
            extra_buttons=(self.complete_button, self.handle_button),
        )
        top = QHBoxLayout()
        top.addWidget(area_label)
        top.addWidget(self.area)
        top.addWidget(self.show_done)
        top.addStretch(1)
        top.addWidget(self.duties_button)
        top.addWidget(self.closed_button)
        self.counts = QLabel("")
        self.counts.setObjectName("bucket_counts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.body, 1)

        self.area.activated.connect(lambda _i: self._apply_area())
        self.show_done.toggled.connect(lambda _on: self.load())
        self.table.selected.connect(self._show)
        self.table.activated.connect(lambda _key: self.open_selected())
        self.table.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.view.customContextMenuRequested.connect(self._context_menu)
        self.complete_button.clicked.connect(self.complete_selected)
        self.handle_button.clicked.connect(self.handle_selected)
        self.open_contract_button.clicked.connect(self.open_selected)
        self.open_related_button.clicked.connect(self.open_related)
        self.duties_button.clicked.connect(self.add_duties)
        self.closed_button.clicked.connect(self.edit_closed_days)
        commander.changed.connect(self._on_changed)
        self._show(None)

    def load(self) -> None:
        self._loaded = True
        items = self.services.tasks.agenda(include_done=self.show_done.isChecked())
        self.table.set_rows(items)
        counts = {code: 0 for code in BUCKET_LABELS}
        for item in items:
            counts[item.bucket] += 1
        shown = [f"{BUCKET_LABELS[c]} {n}件" for c, n in counts.items() if n and (c != COMPLETED or self.show_done.isChecked())]
        self.counts.setText("　".join(shown) if shown else "登録されたやることはありません。「定例業務を追加…」から始められます。")
        self.summary.emit(f"期限切れ {counts[OVERDUE]}件・14日以内 {counts[SOON]}件")

    def _apply_area(self) -> None:
        wanted = self.area.currentData()
        self.table.set_condition(None if wanted == ALL_AREAS else (lambda item: item.area == wanted))

    # --- selection ---------------------------------------------------------------------------------------------

    def _show(self, key: tuple[str, int] | None) -> None:
        item: AgendaItem | None = self.table.current_row() if key is not None else None
        is_task = item is not None and item.kind == TASK_ITEM
        self.form.show_record(item.id if item is not None and is_task else None)
        self.form.setVisible(item is None or is_task)
        is_notice = item is not None and item.kind == NOTICE_ITEM
        self.notice.setVisible(is_notice)
        self.related.setVisible(item is None or is_task)
        if item is not None and is_notice:
            self.notice_text.setText(self._notice_text(item))
        self.complete_button.setEnabled(is_task and item is not None and item.bucket != COMPLETED)
        self.handle_button.setEnabled(is_notice)
        self.open_related_button.setEnabled(is_task and item is not None and bool(item.about_key))
        self.open_related_button.setText(
            f"{AREA_LABELS[item.area]}を開く(&R)" if is_task and item is not None and item.area else "関連する記録を開く(&R)"
        )
        self.body.remove_button.setEnabled(is_task)
        self.body.title.setText(item.title if item is not None else "やることを選んでください")

    # --- changing ----------------------------------------------------------------------------------------------

    def add_task(self, title: str) -> bool:
        result = self.commander.execute("やることを追加", lambda: self.services.tasks.add(title))
        if not result:
            return False
        self.table.select_id((TASK_ITEM, int(result.created(TASK)[0])))
        self.form.editors["due_date"].setFocus()
        return True

    def remove_task(self) -> None:
        item: AgendaItem | None = self.table.current_row()
        if item is not None and item.kind == TASK_ITEM:
            self.commander.execute(f"やること「{item.title}」を削除", lambda: self.services.records.delete(TASK, item.id))

    def complete_selected(self) -> None:
        item: AgendaItem | None = self.table.current_row()
        if item is None or item.kind != TASK_ITEM:
            return
        result = self.commander.execute(f"「{item.title}」を完了", lambda: self.services.tasks.complete(item.id))
        if result:
            created = result.created(TASK)
            if created:
                follow = self.services.records.record(TASK, int(created[0]))
                due = day(follow.get("due_date")) if follow else ""
                self.status_message.emit(f"「{item.title}」を完了にしました。次の回（期限 {due}）を登録しました。")
                self.table.select_id((TASK_ITEM, int(created[0])))
            else:
                self.status_message.emit(f"「{item.title}」を完了にしました。")

    def _notice_text(self, item: AgendaItem) -> str:
        due = f"契約「{item.about}」の更新・解約の申出期限は{format_with_weekday(item.due)}です。"
        opens = "契約の内容は「契約を開く」（Enter・ダブルクリック）で「予算・契約」の契約タブに開いて編集します。"
        if item.bucket != COMPLETED:
            return f"{due}まだ処理していません。\n「申出期限を処理…」で更新する・解約する・申出済みを記録すると、一覧から外れます。{opens}"
        contract = next((c for c in self.services.contracts.contracts() if c.id == item.id), None)
        handling = contract.notice_handling if contract is not None else item.status_label
        return f"{due}処理済み：{handling}。\n処理を変えるときは「申出期限を処理…」で記録し直します（Ctrl+Z で取り消せます）。{opens}"

    def open_selected(self) -> None:
        """Enter or double-click: a task's form takes the focus; a notice opens its contract in 予算・契約."""
        item: AgendaItem | None = self.table.current_row()
        if item is None:
            return
        if item.kind == NOTICE_ITEM:
            self.open_requested.emit(CONTRACT, str(item.id))
        elif item.kind != TASK_ITEM:  # a row of a kind with a declared date (Entity.dated): in its own view
            self.open_requested.emit(item.kind, item.about_key)
        else:
            self.form.editors["title"].setFocus()

    def open_related(self) -> None:
        """The record a task is about, in its own view (a step in the grid, a system, a contract …)."""
        item: AgendaItem | None = self.table.current_row()
        if item is not None and item.kind == TASK_ITEM and item.area and item.about_key:
            self.open_requested.emit(item.area, item.about_key)

    def handle_selected(self) -> None:
        """申出期限を処理…: the decision, its day and a reason, asked in a dialog and recorded as one change."""
        item: AgendaItem | None = self.table.current_row()
        if item is None or item.kind != NOTICE_ITEM:
            return
        contract = self.services.records.record(CONTRACT, item.id)
        if contract is None:
            return
        today = self.services.context.clock.today()
        answer = self.notice_dialog(self, item.about, item.due, contract.get("end_date"), today)
        if answer is None:
            return
        decision, decided_on, reason = answer
        result = self.commander.execute(
            f"契約「{item.about}」の申出期限を処理",
            lambda: self.services.contracts.handle_notice(item.id, decision, decided_on, reason=reason),
        )
        if result:
            label = next((o.label_ja for o in notice_decisions() if o.code == decision), decision)
            self.status_message.emit(
                f"契約「{item.about}」の申出期限を「{label}」として処理しました。やることの一覧から外しました"
                "（「完了も表示」で表示、Ctrl+Z で元に戻せます）。"
            )

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu()
        if menu is not None:
            menu.exec(self.table.view.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu | None:
        item: AgendaItem | None = self.table.current_row()
        if item is None:
            return None
        menu = QMenu(self)

        def add(text: str, slot: object, enabled: bool = True) -> None:
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
            menu.addAction(action)

        if item.kind == NOTICE_ITEM:
            add("契約を開く(&O)", self.open_selected)
            add("申出期限を処理…(&H)", self.handle_selected)
        else:
            add("詳細を編集(&E)", self.open_selected)
            add("完了にする(&D)", self.complete_selected, item.bucket != COMPLETED)
            if item.area and item.about_key:
                add(f"{AREA_LABELS[item.area]}を開く(&R)", self.open_related)
        return menu

    def add_duties(self) -> None:
        from soloit.ui.dialogs.duties_dialog import DutiesDialog

        dialog = DutiesDialog(starter_duties(), self.services.tasks.registered_duties(), self)
        self._dialog = dialog  # reachable by tests
        if dialog.exec() and dialog.chosen():
            chosen = dialog.chosen()
            if self.commander.execute("定例業務を追加", lambda: self.services.tasks.add_duties(chosen)):
                self.status_message.emit(f"定例業務を{len(chosen)}件追加しました。")

    def edit_closed_days(self) -> None:
        from soloit.ui.dialogs.closed_days_dialog import ClosedDaysDialog

        dialog = ClosedDaysDialog(self.commander, self)
        self._dialog = dialog
        dialog.exec()

    def show_entity(self, entity: str, key: str) -> bool:
        self.ensure_loaded()
        wanted = record_id(key)
        task = self.services.records.record(TASK, wanted) if wanted is not None else None
        if task is None:
            return False
        if task.get("status") == "done" and not self.show_done.isChecked():
            self.show_done.setChecked(True)  # reloads with completed tasks shown
        self.table.clear_filter()
        choose_area = self.area.findData(ALL_AREAS)
        self.area.setCurrentIndex(choose_area)
        self._apply_area()
        return self.table.select_id((TASK_ITEM, wanted))

    def _on_changed(self, changeset: ChangeSet) -> None:
        if self._loaded and any(changeset.touches(e) for e in watched()):
            self.load()
