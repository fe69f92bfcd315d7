"""ヘルプ → 使い方 (F1): the manual, offline and in Japanese, from resources/help/ (HTML with pictures of the screens).
LGWAN PCs cannot reach a web page, so everything the manual shows ships with the program. A link `soloit:view/KEY`
opens that view of the main window and `soloit:do/NAME` runs a window command (最初にやること …); other links stay in
the manual. The window stays open beside the main window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from soloit.paths import resources_dir

APP_SCHEME = "soloit"


def help_dir() -> Path:
    return resources_dir() / "help"


def help_index() -> Path:
    return help_dir() / "index.html"


class HelpDialog(QDialog):
    def __init__(self, follow: Callable[[str], bool] | None = None, parent: QWidget | None = None) -> None:
        """`follow` takes the path of a soloit: link ("view/tasks", "do/first_steps") and says whether it knew it."""
        super().__init__(parent)
        self.setWindowTitle("soloit の使い方")
        self.setObjectName("helpDialog")
        self._follow = follow
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenLinks(False)  # every link goes through _on_link: nothing is ever opened outside
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setSearchPaths([str(help_dir())])
        self.home_button = QPushButton("目次(&T)")
        self.back_button = QPushButton("戻る(&B)")
        self.forward_button = QPushButton("進む(&N)")
        close_button = QPushButton("閉じる")
        self.home_button.clicked.connect(self.browser.home)
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        close_button.clicked.connect(self.close)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        buttons = QHBoxLayout()
        for button in (self.home_button, self.back_button, self.forward_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, activated=self.browser.backward)
        self.resize(1100, 700)
        self.browser.setSource(QUrl.fromLocalFile(str(help_index())))

    def show_section(self, anchor: str) -> None:
        """Scroll the manual to a section (its id), from the first page."""
        index = QUrl.fromLocalFile(str(help_index()))
        if self.browser.source().path() != index.path():
            self.browser.setSource(index)
        self.browser.scrollToAnchor(anchor)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == APP_SCHEME:
            if self._follow is not None:
                self._follow(url.path())
            return
        if url.isRelative() or url.isLocalFile():
            self.browser.setSource(self.browser.source().resolved(url))
        # any other link (http …) is not followed: there is no network here, and the manual needs none
