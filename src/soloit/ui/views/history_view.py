"""変更履歴: every change as a timeline, newest first, narrated by the one narrator — who, when, what (old → new)
and why — filtered by area, person, a range of days and one record; the selected entry shown whole (a note's
previous text) with its hashes; double-click (or 開く) brings the record forward in its own view. 出力 writes what
the filters select (the text of the filter box included), every entry with its stored values and hashes, as CSV
(UTF-8 with BOM) or xlsx. The filter box searches the whole journal, not only the lines on screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from soloit.domain.dates import DateParseError, parse_date
from soloit.services.changes import ChangeSet
from soloit.services.entities import ENTITIES
from soloit.services.narrator import ACTION_LABELS, Narration
from soloit.services.timeline import AREAS, Timeline, TimelineFilter
from soloit.ui.commands import Commander
from soloit.ui.views.base import View
from soloit.ui.widgets.fields import DateLineEdit
from soloit.ui.widgets.record_table import Column, RecordTable


def _action(line: Narration) -> str:
    return ACTION_LABELS.get(line.action, "変更")


COLUMNS = (
    Column("日時", lambda n: n.when, sort=lambda n: n.entry_id),
    Column("担当者", lambda n: n.actor),
    Column("操作", _action),
    Column("対象", lambda n: n.subject, width=220),
    Column("項目", lambda n: n.label or n.what.lstrip("をのに"), width=160),
    Column("変更前", lambda n: n.old, width=160),
    Column("変更後", lambda n: n.new, width=160),
    Column("理由", lambda n: " / ".join(n.reasons), width=200),
)


def export_history(store: Any, wanted: TimelineFilter, out: Path, facts: dict[str, str], progress: Any, total: int) -> int:
    """Write the history `wanted` selects to `out` (a job's work: its own connection on a worker thread, progress
    reported and cancellation honoured every 1,000 rows; a cancelled export leaves no file)."""
    from soloit.exchange.history_export import write_history
    from soloit.services.bundle import open_services

    own = store.for_this_thread() if progress is not None else store
    try:
        services = open_services(own, lambda: str(facts.get("出力者", "")))

        def step(count: int) -> None:
            if progress is not None:
                progress.check()
                progress.report(count, total, f"{count:,} / {total:,} 件" if total > 0 else f"{count:,} 件")

        return write_history(services.timeline.export_rows(wanted), out, facts=facts, progress=step)
    finally:
        if own is not store:
            own.close()


SEARCH_DELAY_MS = 300


class _Stopped(Exception):
    """A search overtaken by a newer one (its job returns nothing)."""


class HistoryView(View):
    def __init__(self, commander: Commander, parent: QWidget | None = None) -> None:
        super().__init__(commander, parent)
        self.area = QComboBox()
        self.area.setObjectName("history_area")
        self.area.addItem("すべて", "")
        for area in AREAS:
            self.area.addItem(area, area)
        self.actor = QComboBox()
        self.actor.setObjectName("history_actor")
        self.since = DateLineEdit()
        self.since.setObjectName("history_since")
        self.until = DateLineEdit()
        self.until.setObjectName("history_until")
        for edit in (self.since, self.until):
            edit.setPlaceholderText("例: 2026/4/1")
            edit.setMaximumWidth(130)
        self.record_label = QLabel("")
        self.record_label.setObjectName("history_record")
        self.clear_record = QPushButton("対象の絞り込みを解除")
        self.clear_record.setObjectName("history_clear_record")
        self.clear_record.setVisible(False)
        self.csv_button = QPushButton("CSVで出力…")
        self.csv_button.setObjectName("history_csv")
        self.xlsx_button = QPushButton("Excelで出力…")
        self.xlsx_button.setObjectName("history_xlsx")

        top = QHBoxLayout()
        for caption, widget in (("領域(&R)", self.area), ("担当者(&P)", self.actor), ("期間(&K)", self.since)):
            label = QLabel(caption)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        top.addWidget(QLabel("～"))
        top.addWidget(self.until)
        top.addWidget(self.record_label)
        top.addWidget(self.clear_record)
        top.addStretch(1)
        top.addWidget(self.csv_button)
        top.addWidget(self.xlsx_button)

        self.table = RecordTable(
            COLUMNS, key=lambda n: n.entry_id, placeholder="変更履歴の全体から検索（スペース区切りですべてを含む行）"
        )
        self.table.setObjectName("history")
        self.count = QLabel("")
        self.count.setObjectName("history_count")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("history_detail")
        self.detail.setReadOnly(True)
        self.open_button = QPushButton("この記録の画面を開く(&O)")
        self.open_button.setObjectName("history_open")
        self.open_button.setEnabled(False)
        self.only_button = QPushButton("この対象の変更だけを表示(&T)")
        self.only_button.setObjectName("history_only")
        self.only_button.setEnabled(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("選んだ記録の全文"))
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.open_button)
        right_layout.addWidget(self.only_button)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("historySplitter")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.table, 1)
        self.body.addWidget(left)
        self.body.addWidget(right)
        self.body.setStretchFactor(0, 1)
        self.body.setSizes([900, 360])
        self.body.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)

        self._entity = ("", "")
        self._search_generation = 0
        self._search_job: Any = None
        self._folder: Path | None = None
        self.last_export: tuple[int, Path] | None = None
        # the filter box searches the whole journal (the service's query), a moment after the typing stops
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.load)
        self.table.filter.textChanged.connect(lambda _t: self.search_timer.start())
        self.area.activated.connect(lambda _i: self.load())
        self.actor.activated.connect(lambda _i: self.load())
        self.since.committed.connect(lambda _t: self.load())
        self.until.committed.connect(lambda _t: self.load())
        self.clear_record.clicked.connect(lambda: self.filter_record("", ""))
        self.table.selected.connect(self._show)
        self.table.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.only_button.clicked.connect(self.only_selected)
        self.csv_button.clicked.connect(lambda: self.export(".csv"))
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        commander.changed.connect(self._on_changed)

    # --- the main window's hooks ---------------------------------------------------------------------------------

    def splitters(self) -> dict[str, QSplitter]:
        return {"main": self.body}

    def set_detail_visible(self, visible: bool) -> None:
        sizes = self.body.sizes()
        total = sum(sizes) or 1200
        if visible and sizes[1] == 0:
            self.body.setSizes([max(total - 360, 300), 360])
        elif not visible and sizes[1] != 0:
            self.body.setSizes([total, 0])

    # --- filtering -----------------------------------------------------------------------------------------------

    def _day(self, edit: DateLineEdit, caption: str) -> tuple[bool, date | None]:
        text = edit.text().strip()
        if not text:
            return True, None
        try:
            value = parse_date(text)
        except DateParseError as exc:
            self.status_message.emit(f"{caption}: {exc.message_ja}")
            return False, None
        edit.show_date(value)
        return True, value

    def current_filter(self) -> TimelineFilter | None:
        ok_since, since = self._day(self.since, "期間の開始")
        ok_until, until = self._day(self.until, "期間の終了")
        if not (ok_since and ok_until):
            return None
        if since and until and until < since:
            self.status_message.emit("期間の終了が開始より前です。")
            return None
        return TimelineFilter(
            self.area.currentData() or "", *self._entity, self.actor.currentData() or "", since, until,
            self.table.filter.text(),
        )

    def show_record_history(self, entity: str, key: str, entry_id: int | None = None) -> None:
        """Every change of one record, whatever the other filters were; the entry `entry_id` selected."""
        self.ensure_loaded()
        self.area.setCurrentIndex(0)
        self.actor.setCurrentIndex(0)
        self.since.show_value("")
        self.until.show_value("")
        self.table.clear_filter()
        self.filter_record(entity, key)
        if entry_id is not None:
            self.table.select_id(entry_id)

    def filter_record(self, entity: str, key: str) -> None:
        """Show only the changes of one record ('' for every record)."""
        self._entity = (entity, key)
        self.record_label.setText(f"対象: {self.services.timeline.subject_of(entity, key)}" if entity else "")
        self.clear_record.setVisible(bool(entity))
        self.load()

    def _fill_actors(self) -> None:
        keep = self.actor.currentData() or ""
        self.actor.clear()
        self.actor.addItem("すべて", "")
        for name in self.services.timeline.actors():
            self.actor.addItem(name, name)
        self.actor.setCurrentIndex(max(self.actor.findData(keep), 0))

    def load(self) -> None:
        self._loaded = True
        self.search_timer.stop()
        if self.actor.count() == 0:
            self._fill_actors()
        wanted = self.current_filter()
        if wanted is None:
            return
        self._search_generation += 1
        if self._search_job is not None:
            self._search_job.cancel()
            self._search_job = None
        if wanted.text.strip() and self.jobs is not None:
            self._start_search(wanted)
            return
        self._show_timeline(self.services.timeline.timeline(wanted))

    def _start_search(self, wanted: TimelineFilter) -> None:
        """A text is searched over the whole journal: a job, so the window stays live at 100,000 entries; a newer
        search (more typing) cancels it, and only the newest search's result is shown."""
        store, actor, generation = self.services.store, self.services.context.actor_source, self._search_generation

        def work(progress: Any) -> Any:
            own = store.for_this_thread()
            try:
                from soloit.services.bundle import open_services

                def step(done: int, total: int) -> None:
                    if progress.cancelled:
                        raise _Stopped
                    progress.report(done, total, f"{done:,} / {total:,} 件")

                try:
                    return open_services(own, actor).timeline.timeline(wanted, step=step)
                except _Stopped:
                    return None
            finally:
                own.close()

        def done(timeline: Any) -> None:
            if generation == self._search_generation:
                self._search_job = None
                if timeline is not None:
                    self._show_timeline(timeline)

        self._search_job = self.jobs.start("変更履歴の検索", work, on_done=done)

    def _show_timeline(self, timeline: Timeline) -> None:
        self.table.set_rows(timeline.lines)
        shown = len(timeline.lines)
        if not timeline.complete:
            self.count.setText(f"条件に合う記録 {timeline.total:,} 件のうち新しい {shown:,} 件を表示しています（すべては「出力」で）。")
        else:
            self.count.setText(f"条件に合う記録 {timeline.total:,} 件")
        self.summary.emit(f"変更履歴 {timeline.total:,} 件")

    # --- the selected entry ----------------------------------------------------------------------------------------

    def _show(self, entry_id: int | None) -> None:
        line: Narration | None = self.table.current_row() if entry_id is not None else None
        self.open_button.setEnabled(line is not None and bool(line.key))
        self.only_button.setEnabled(line is not None and bool(line.key) and line.entity in ENTITIES)
        if line is None:
            self.detail.setPlainText("")
            return
        entry = self.services.timeline.entry(line.entry_id)
        parts = [
            f"{line.when}　{line.actor}（{_action(line)}）",
            f"対象: {line.subject or '（なし）'}",
            line.what if not line.label else f"項目: {line.label}",
        ]
        if entry is not None and line.label:  # a value cut short in the table is shown whole here
            old = entry.old_value if line.old.endswith("…") and entry.old_value else line.old
            new = entry.new_value if line.new.endswith("…") and entry.new_value else line.new
            parts += ["", "【変更前】", old, "", "【変更後】", new]
        if line.reasons:
            parts += ["", "【理由】", *line.reasons]
        if entry is not None:
            parts += ["", f"記録番号 {entry.id}　一括番号 {entry.batch}", f"ハッシュ {entry.hash}", f"前の記録のハッシュ {entry.prev_hash}"]
        self.detail.setPlainText("\n".join(parts))

    def only_selected(self) -> None:
        line: Narration | None = self.table.current_row()
        if line is not None and line.key:
            self.filter_record(line.entity, line.key)

    def open_selected(self) -> None:
        line: Narration | None = self.table.current_row()
        if line is not None and line.key:
            self.open_requested.emit(line.entity, line.key)

    # --- export ----------------------------------------------------------------------------------------------------

    def choose_path(self, suggested: Path, suffix: str) -> Path | None:
        kind = "CSV（UTF-8）(*.csv)" if suffix == ".csv" else "Excel ブック (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, "変更履歴の保存先", str(suggested), kind)
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix.lower() == suffix else chosen.with_name(chosen.name + suffix)

    def export(self, suffix: str) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        folder = self._folder or Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        profile = self.services.municipality.profile()
        today = self.services.context.clock.today()
        name = f"変更履歴_{profile.name if profile else ''}_{today:%Y%m%d}{suffix}"
        out = self.choose_path(folder / name, suffix)
        if out is None:
            return
        self._folder = out.parent
        facts = {
            "団体": f"{profile.prefecture_name} {profile.name}（{profile.lg_code}）" if profile else "",
            "条件": self.describe_filter(wanted),
            "出力者": self.services.context.actor,
        }
        total = self.services.timeline.count(wanted) if not wanted.text.strip() else 0  # 0: known once written
        self.last_export = None
        if self.jobs is None:  # no job runner (a view on its own): write here
            written: list[int] = []
            done = self.commander.attempt(
                lambda: written.append(export_history(self.services.store, wanted, out, facts, None, total))
            )
            if done:
                self._exported(written[0], out)
            return
        store = self.services.store
        self.jobs.start(
            f"変更履歴の出力（{out.name}）",
            lambda progress: export_history(store, wanted, out, facts, progress, total),
            on_done=lambda count: self._exported(count, out),
            dialog=True,
            cancellable=True,
        )

    def _exported(self, count: int, out: Path) -> None:
        self.last_export = (count, out)
        self.status_message.emit(f"変更履歴 {count:,} 件を「{out}」に出力しました。")

    def describe_filter(self, wanted: TimelineFilter) -> str:
        parts = [wanted.area or "すべての領域"]
        if wanted.entity:
            parts.append(self.services.timeline.subject_of(wanted.entity, wanted.key))
        if wanted.actor:
            parts.append(f"担当者 {wanted.actor}")
        if wanted.since or wanted.until:
            parts.append(f"{wanted.since or ''}～{wanted.until or ''}".replace("-", "/"))
        if wanted.text.strip():
            parts.append(f"「{' '.join(wanted.text.split())}」を含む記録")
        return "、".join(parts)

    def _on_changed(self, _changeset: ChangeSet) -> None:
        if self._loaded:
            self._fill_actors()
            self.load()
