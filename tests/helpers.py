"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from soloit.domain.clock import Clock
from soloit.services.bundle import Services, open_services


class DayClock(Clock):
    """A clock whose day the test sets (`clock.day = date(...)`); the time of day runs as usual."""

    def __init__(self, day: date = date(2026, 11, 20)) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:  # type: ignore[override]
        return self.day


def as_clock(today: Callable[[], date] | Clock | None) -> Clock | None:
    if today is None or isinstance(today, Clock):
        return today
    return DayClock(today())


class AllServices:
    """The services per area behind the method names of soloit 0.1's single LedgerService, so the tests written
    then keep reading the same; newer tests use the areas (`.ledger`, `.organisations` …) directly."""

    def __init__(self, store, actor: Callable[[], str], today: Callable[[], date] | Clock | None = None) -> None:
        clock = as_clock(today)
        self.services: Services = open_services(store, actor, clock) if clock else open_services(store, actor)
        self.store = store

    def __getattr__(self, name: str):
        ledger = self.services.ledger
        mapped = {
            "municipality": self.services.municipality.profile,
            "save_municipality": self.services.municipality.save,
            "organisations": self.services.organisations.organisations,
            "add_organisation": self.services.organisations.add,
            "journal": self.services.journal.entries,
            "system_history": self.services.journal.system_history,
            "undo": self.services.changes.undo,
            "redo": self.services.changes.redo,
            "apply": self.services.changes.apply,
        }
        if name in mapped:
            return mapped[name]
        if name in ("ledger", "organisations_service", "journal_service", "changes", "context"):
            return getattr(self.services, name)
        return getattr(ledger, name)


class Asked:
    """Scripted answers to the open flow (services.session.Prompts); records every question asked."""

    def __init__(self, answer: str = "quit", *, rescue: bool = False) -> None:
        self.answer = answer
        self._rescue = rescue
        self.lost: list[tuple[str, object]] = []
        self.errors: list[tuple[str, str]] = []
        self.rescue: list[object] = []

    def prompts(self):
        from soloit.services.session import Prompts

        return Prompts(
            error=lambda title, text: self.errors.append((title, text)),
            ask_rescue=lambda _text, newest: self.rescue.append(newest) or self._rescue,
            ask_relocate=lambda *_: False,
            ask_lost=lambda text, backup: self.lost.append((text, backup)) or self.answer,
        )


def never_asked():
    """Prompts that fail the test if the open flow asks anything at all."""
    from soloit.services.session import Prompts

    def fail(*args: object) -> None:
        raise AssertionError(f"asked: {args}")

    return Prompts(error=fail, ask_rescue=fail, ask_relocate=fail, ask_lost=fail)


def ime_type(widget, text: str) -> None:
    """Type `text` into `widget` as an input method commits it (qtbot.keyClicks cannot type Japanese)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def choose(combo, data) -> None:
    """Pick the entry holding `data` in a combo box as a user does (the choice and its activated signal)."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
