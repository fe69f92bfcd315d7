"""検索 (Ctrl+F from anywhere): words typed (全角/半角 and case do not matter; every word must appear), results
grouped by area with where they were found; Enter or a double-click opens the item in its own view (a change of
the journal: the record it changed, or its history when the record is gone). It stays open beside the window.

The first search of a large ledger builds the index first (seconds): that build runs as a job while the dialog
says 「検索の準備中…（初回のみ）」 and stays responsive; the search runs when it is done, with the words typed by then."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soloit.services.search import GROUP_LIMIT, CatchUp, SearchGroup, SearchHit
from soloit.ui.jobs import JobHandle, JobRunner

PREPARING_FIRST = "検索の準備中…（初回のみ）。このまま入力を続けられます。準備ができると検索します。"
PREPARING = "検索の準備中…（前回から増えた変更記録を取り込んでいます）。準備ができると検索します。"

HIT_ROLE = Qt.ItemDataRole.UserRole
TYPING_PAUSE_MS = 250


class ResultTree(QTreeWidget):
    """Enter opens the selected result (a tree view would only expand it)."""

    def __init__(self, on_open: Callable[[QTreeWidgetItem], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_open = on_open

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._on_open(self.currentItem())
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    def __init__(
        self,
        search: Callable[[str], list[SearchGroup]],
        open_hit: Callable[[SearchHit], bool],
        parent: QWidget | None = None,
        *,
        catch_up: Callable[[], CatchUp | None] | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        """`catch_up()` tells a long index build to run as a job on `jobs` before searching (None: search now)."""
        super().__init__(parent)
        self.setWindowTitle("検索")
        self.setObjectName("searchDialog")
        self.resize(760, 520)
        self._search = search
        self._open_hit = open_hit
        self._catch_up = catch_up if jobs is not None else None
        self._jobs = jobs
        self.preparing: JobHandle | None = None  # the index being built
        self._select_first = False  # Enter was pressed while preparing
        self.query = QLineEdit()
        self.query.setObjectName("search_query")
        self.query.setPlaceholderText("検索する言葉（例: 移行判定、戸籍、LGWAN）— スペースで区切るとすべてを含むもの")
        self.query.setMaxLength(200)
        caption = QLabel("検索する言葉(&S)")
        caption.setBuddy(self.query)
        self.results = ResultTree(self._open_item)
        self.results.setObjectName("search_results")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels(["名前・内容", "見つかった箇所"])
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results.setColumnWidth(0, 340)
        self.results.setUniformRowHeights(True)
        self.status = QLabel("")
        self.status.setObjectName("search_status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.run)
        self.query.textChanged.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(lambda item, _col: self._open_item(item))

    def run(self) -> bool:
        """Search for the words typed; False when the index is being prepared first (the search follows)."""
        self.timer.stop()
        text = self.query.text()
        self.results.clear()
        if not text.strip():
            self.status.setText("")
            return True
        if self.preparing is not None or self._prepare():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            groups = self._search(text)
        finally:
            QApplication.restoreOverrideCursor()
        total = sum(group.total for group in groups)
        for group in groups:
            more = f"（{group.total}件中 {len(group.hits)}件を表示）" if group.total > len(group.hits) else f"（{group.total}件）"
            top = QTreeWidgetItem([f"{group.area}{more}", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for hit in group.hits:
                title = " ".join(hit.title.split())
                item = QTreeWidgetItem([title, hit.snippet])
                item.setToolTip(0, title)
                item.setToolTip(1, hit.snippet)
                item.setData(0, HIT_ROLE, hit)
                top.addChild(item)
            self.results.addTopLevelItem(top)
            top.setExpanded(True)
        if not groups:
            self.status.setText(f"「{text.strip()}」は見つかりませんでした。言葉を短くするか、別の言い方で探してください。")
        else:
            limit = f" 各分類の表示は{GROUP_LIMIT}件までです。" if any(g.total > len(g.hits) for g in groups) else ""
            self.status.setText(f"{total}件見つかりました。Enter またはダブルクリックで開きます。{limit}")
        return True

    def _prepare(self) -> bool:
        """Start the index build as a job when the next search would otherwise take long; True when started."""
        if self._catch_up is None or self._jobs is None:
            return False
        try:
            job = self._catch_up()
        except sqlite3.Error:
            return False  # the search itself falls back to an index in memory
        if job is None:
            return False
        self.status.setText(PREPARING_FIRST if job.first else PREPARING)
        self.preparing = self._jobs.start(
            "検索の準備", lambda progress: job.work(progress.report), on_done=self._prepared, on_error=self._not_prepared
        )
        return True

    def _prepared(self, adopt: Callable[[], None]) -> None:
        adopt()
        self.preparing = None
        if shiboken6.isValid(self):  # (the dialog may have been closed with its database meanwhile)
            self._search_now()

    def _not_prepared(self, exc: BaseException) -> bool:
        self.preparing = None
        if not isinstance(exc, sqlite3.Error) or not shiboken6.isValid(self):
            return False  # shown by the job runner (the ledger could not be read)
        self._catch_up = None  # the index file cannot be written: searches build an index in memory themselves
        self._search_now()
        return True

    def _search_now(self) -> None:
        if self._select_first:
            self._enter()
        else:
            self.run()

    def _enter(self) -> None:
        self._select_first = not self.run()
        if self._select_first:
            return
        first = self.first_hit()
        if first is not None:
            self.results.setCurrentItem(first)
            self.results.setFocus()

    def first_hit(self) -> QTreeWidgetItem | None:
        top = self.results.topLevelItem(0)
        return top.child(0) if top is not None and top.childCount() else None

    def hits(self) -> list[tuple[str, SearchHit]]:
        """(group label, hit) of every result shown (for tests and for reading aloud)."""
        found = []
        for i in range(self.results.topLevelItemCount()):
            top = self.results.topLevelItem(i)
            for j in range(top.childCount()):
                found.append((top.text(0), top.child(j).data(0, HIT_ROLE)))
        return found

    def _open_item(self, item: QTreeWidgetItem) -> None:
        hit = item.data(0, HIT_ROLE)
        if isinstance(hit, SearchHit):
            self._open_hit(hit)
