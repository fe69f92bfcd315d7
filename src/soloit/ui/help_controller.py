"""The window's help: ヘルプ → 使い方 (F1), the manual of resources/help/, and 最初にやること, the checklist strip shown
above the views of a new ledger until its five steps are done or the user closes it. Each step's button takes the
user where the step is done; the ticks are read from the ledger (services/first_steps.py) after every change that can
move one. Nothing of the data layer is imported before a database is attached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from soloit.services.first_steps import FirstSteps
    from soloit.ui.dialogs.help_dialog import HelpDialog
    from soloit.ui.main_window import MainWindow
    from soloit.ui.widgets.first_steps_panel import FirstStepsPanel

# the entities whose changes can tick (or untick) a step; an import, undo or redo is always looked at
WATCHED = ("municipality", "organisation", "task", "closed_day")
HIDDEN_KEY = "first_steps_hidden"


class HelpController(QObject):
    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: HelpDialog | None = None
        self.panel: FirstStepsPanel | None = None
        self.steps: FirstSteps | None = None
        self.manual_action = QAction("使い方(&M)", window)
        self.manual_action.setObjectName("manual")
        self.manual_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        self.manual_action.triggered.connect(lambda _checked=False: self.show_manual())
        self.first_steps_action = QAction("最初にやること(&C)", window)
        self.first_steps_action.setObjectName("firstSteps")
        self.first_steps_action.triggered.connect(lambda _checked=False: self.show_first_steps())
        window.addAction(self.manual_action)
        menu.addAction(self.manual_action)
        menu.addAction(self.first_steps_action)
        menu.addSeparator()
        # the strip sits above the views, in the splitter's place of the stack
        self.area = QWidget()
        self.area.setObjectName("viewArea")
        self._layout = QVBoxLayout(self.area)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        body = window.body
        body.replaceWidget(body.indexOf(window.stack), self.area)
        self._layout.addWidget(window.stack, 1)

    # --- the manual -----------------------------------------------------------------------------------------

    def show_manual(self, anchor: str = "") -> HelpDialog:
        from soloit.ui.dialogs.help_dialog import HelpDialog

        if self.dialog is None:
            self.dialog = HelpDialog(self.follow, self.window)
        if anchor:
            self.dialog.show_section(anchor)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def follow(self, path: str) -> bool:
        """A soloit: link of the manual: view/KEY shows that view, do/first_steps shows the checklist."""
        kind, _, name = path.partition("/")
        if kind == "view" and self.window.commander is not None and any(s.key == name for s in self.window.specs):
            self.go_to(name)
            return True
        if kind == "do" and name == "first_steps":
            self.show_first_steps()
            return True
        return False

    def go_to(self, key: str) -> Any:
        row = next(i for i, spec in enumerate(self.window.specs) if spec.key == key)
        self.window.nav.setCurrentRow(row)
        self.window.raise_()
        self.window.activateWindow()
        return self.window.view(key)

    # --- 最初にやること ---------------------------------------------------------------------------------------

    def _mark(self) -> str:
        commander = self.window.commander
        assert commander is not None
        return f"{HIDDEN_KEY}:{commander.services.store.facts().identity}"

    def attached(self) -> None:
        """A database was attached: the strip is shown when a step is not done, unless the user closed it for this
        database (or it is the demo, or opened read-only: nothing could be done)."""
        commander = self.window.commander
        if commander is None:
            return
        commander.changed.connect(self._on_changed)
        readonly = self.window.controller is not None and self.window.controller.session.readonly
        if readonly or commander.services.store.facts().demo or self.window.settings.ui_state.get(self._mark()) == "1":
            if self.panel is not None:  # nothing read, nothing made: a ledger past its first steps opens as before
                self.panel.setVisible(False)
            return
        steps = self.refresh()
        self._panel().setVisible(steps is not None and not steps.all_done)

    def _panel(self) -> FirstStepsPanel:
        if self.panel is None:
            from soloit.ui.widgets.first_steps_panel import FirstStepsPanel

            self.panel = FirstStepsPanel()
            self.panel.setVisible(False)
            self.panel.step_requested.connect(self.do_step)
            self.panel.help_requested.connect(lambda: self.show_manual("first-steps"))
            self.panel.close_requested.connect(self.close_first_steps)
            self._layout.insertWidget(0, self.panel)
        return self.panel

    def refresh(self) -> FirstSteps | None:
        """Read the five steps again and show them (whether or not the strip is on screen)."""
        commander = self.window.commander
        if commander is None:
            if self.panel is not None:
                self.panel.setVisible(False)
            return None
        from soloit.services.first_steps import FirstStepsService

        services = commander.services
        self.steps = FirstStepsService(services.context, services.changes).first_steps(self.window.settings.backup_dir)
        self._panel().set_steps(self.steps)
        if self.steps.all_done:  # not shown by itself again (ヘルプ → 最初にやること still can)
            self.window.settings.ui_state[self._mark()] = "1"
        return self.steps

    def _on_changed(self, changeset: object) -> None:
        if self.panel is None or not self.panel.isVisible():
            return
        action = getattr(changeset, "action", "")
        touches = getattr(changeset, "touches", None)
        if action in ("import", "undo", "redo") or (touches is not None and any(touches(e) for e in WATCHED)):
            self.refresh()

    def show_first_steps(self) -> None:
        """ヘルプ → 最初にやること: the strip again, even when closed before or all done."""
        if self.window.commander is None:
            return
        self.window.settings.ui_state.pop(self._mark(), None)
        self.refresh()
        self._panel().setVisible(True)

    def close_first_steps(self) -> None:
        if self.window.commander is not None:
            self.window.settings.ui_state[self._mark()] = "1"
        self._panel().setVisible(False)

    def do_step(self, key: str) -> None:
        """Take the user to where the step `key` is done."""
        from soloit.services import first_steps as fs

        if self.window.commander is None:
            return
        if key == fs.ORGANISATION:
            view = self.go_to("municipality")
            kinds = view.org_kind
            index = kinds.findData("department")
            if index >= 0:
                kinds.setCurrentIndex(index)
            view.org_name.setFocus()
            self.window.statusBar().showMessage("「組織」の欄に庁内部署（原課）の名前を入れて追加してください。", 10000)
        elif key == fs.SOUMU_IMPORT:
            if self.window.exchange is None:
                self.window.statusBar().showMessage(
                    "取り込みは「出力・取り込み → 総務省の進捗シートを取り込む…」で行います。", 10000
                )
            else:
                self.window.import_soumu_action.trigger()
        elif key == fs.BACKUP:
            self.window.edit_settings()
            self.refresh()
        elif key == fs.DUTIES:
            self.go_to("tasks").add_duties()
        elif key == fs.CLOSED_DAYS:
            self.go_to("tasks").edit_closed_days()
            self.refresh()
