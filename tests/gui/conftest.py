from __future__ import annotations

from pathlib import Path

import pytest

from soloit.context import AppContext
from soloit.settings import Settings


class Messages(list):
    """Records what would have been shown in a message box: (title, text)."""

    def __call__(self, _parent, title: str, text: str) -> None:
        self.append((title, text))


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def settings() -> Settings:
    return Settings(display_name="テスト 花子")


@pytest.fixture
def context(tmp_path: Path, db_path: Path) -> AppContext:
    return AppContext(tmp_path, tmp_path / "config", db_path, False, True)


@pytest.fixture
def window(qtbot, store, context, settings, messages, clock):
    from soloit.ui.app import make_application, open_window

    make_application()
    win = open_window(context, store, settings)
    win.commander.sink = messages
    win.commander.services.context.clock = clock
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win
