"""A refused value never throws away what was typed: the one mechanism every form uses (RecordForm, the ledger's
detail panel).

A form wraps each editor in a `FieldSlot` (the editor, and under it a red line that says why its value was refused)
and keeps its refusals in a `Refusals`. When the Commander refuses a value (`Commander.last_refusal`):

- a text-like editor (a line, a date, a number, several lines, the editable organisation list) keeps exactly what
  the user typed, gets a red frame (the dynamic property `refused`, matched by the slot's style sheet) and an
  accessible description, and the reason shows under it. The form does not overwrite it while it reloads for other
  changes of the same record (`keeps_text`);
- a list, a check box or a composite chooser (繰り返し, ステップ, 対象) cannot hold a value that is not one of its
  choices: it shows the stored choice again, with the reason under it.

Esc in the field discards the refusal (`discarded` is emitted; the form shows the stored value again); the next
commit of the field releases it first (a value that saves, or the stored value typed back, clears the mark). When the
form shows another record, `drop` releases every refusal and returns the typed texts so the form can say what was
not saved (`dropped_notice`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from soloit.ui.widgets.fields import CommitLineEdit, CommitPlainTextEdit, OrganisationCombo

REFUSED = "refused"  # the dynamic property a refused editor carries
REFUSED_COLOUR = "#c62828"
FRAME_STYLE = (
    f'QLineEdit[{REFUSED}="true"], QPlainTextEdit[{REFUSED}="true"] '
    f"{{ border: 2px solid {REFUSED_COLOUR}; border-radius: 2px; background: #fff5f5; }}"
)
KEPT_HINT = "保存されていません。直して確定するか、Esc で保存済みの内容に戻せます。"
CHOICE_HINT = "保存されていません（保存済みの選択に戻しました）。"
NOTICE_LIMIT = 1000  # characters of one typed text quoted in the notice


def keeps_typed_text(editor: QWidget) -> bool:
    """True for editors that can hold a refused text as typed (the others show their stored choice again)."""
    return isinstance(editor, CommitLineEdit | CommitPlainTextEdit | OrganisationCombo)


def typed_text(editor: QWidget) -> str:
    if isinstance(editor, CommitPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, OrganisationCombo):
        return editor.currentText()
    if isinstance(editor, QLineEdit):
        return editor.text()
    return ""


def _marked(editor: QWidget) -> QWidget:
    """The widget that carries the red frame: the editable list's own line."""
    return editor.lineEdit() if isinstance(editor, OrganisationCombo) else editor


def _set_mark(widget: QWidget, on: bool) -> None:
    widget.setProperty(REFUSED, on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


class ReasonLabel(QLabel):
    """A word-wrapped line that is always as tall as its text needs at its width (a form row spanning the panel
    would otherwise give it the height for a wider line and cut the last words)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setMinimumHeight(max(self.heightForWidth(self.width()), 0) if text and self.width() > 0 else 0)


class FieldSlot(QWidget):
    """An editor with the line under it that says why its value was refused (hidden until then)."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.reason = ReasonLabel("")
        self.reason.setObjectName(f"{editor.objectName()}_refusal")
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setVisible(False)
        layout.addWidget(self.reason)
        self.setFocusProxy(editor)  # a form label's mnemonic (its buddy is this slot) reaches the editor
        self._styled = False

    def style_for_refusal(self) -> None:
        """The red line's colour and the frame rule, given when a refusal is first shown: a style sheet costs ~0.7 ms
        a slot to set up, and a form of 18 fields that are never refused would pay it on every opening."""
        if not self._styled:
            self._styled = True
            self.reason.setStyleSheet(f"color: {REFUSED_COLOUR};")
            self.setStyleSheet(FRAME_STYLE)


class Refusals(QObject):
    """The refused fields of one form, by field name."""

    discarded = Signal(str)  # the user pressed Esc in a refused field: the form shows the stored value again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._slots: dict[str, FieldSlot] = {}
        self._watched: dict[QObject, str] = {}
        self._held: dict[str, str] = {}  # field → reason
        self._descriptions: dict[str, str] = {}  # field → the editor's accessible description before

    def wrap(self, field: str, editor: QWidget) -> FieldSlot:
        """The slot to put in the form instead of `editor`; Esc in the editor (or its parts) discards a refusal."""
        slot = FieldSlot(editor)
        self._slots[field] = slot
        parts = [editor, *editor.findChildren(QWidget)]
        for part in parts:
            if part is editor or isinstance(
                part, QLineEdit | QComboBox | QAbstractSpinBox | QAbstractButton | QPlainTextEdit
            ):
                self._watched[part] = field  # watched while the field holds a refusal (Esc then discards it)
        return slot

    def _watch(self, field: str, on: bool) -> None:
        """The Esc filter on the field's parts only while it holds a refusal: a filter in Python on every editor
        would see every event of every form (a detail panel gets hundreds while it is built and shown)."""
        for part, watched in self._watched.items():
            if watched == field:
                if on:
                    part.installEventFilter(self)
                else:
                    part.removeEventFilter(self)

    def slot(self, field: str) -> FieldSlot:
        return self._slots[field]

    # --- state -----------------------------------------------------------------------------------------------

    def is_held(self, field: str) -> bool:
        return field in self._held

    def keeps_text(self, field: str) -> bool:
        """A held refusal whose typed text the form must not overwrite when it shows the same record again."""
        return field in self._held and keeps_typed_text(self._slots[field].editor)

    def held(self) -> list[str]:
        return list(self._held)

    def reason(self, field: str) -> str | None:
        return self._held.get(field)

    def hold(self, field: str, reason: str) -> None:
        """Mark `field` refused for `reason`. A text-like editor keeps what it shows (what was typed)."""
        slot = self._slots[field]
        editor = slot.editor
        keeps = keeps_typed_text(editor)
        if field not in self._held:
            self._descriptions[field] = editor.accessibleDescription()
            self._watch(field, True)
        self._held[field] = reason
        slot.style_for_refusal()
        slot.reason.setText(f"{reason}\n{KEPT_HINT if keeps else CHOICE_HINT}")
        slot.reason.setVisible(True)
        _set_mark(editor, True)
        if _marked(editor) is not editor:
            _set_mark(_marked(editor), True)
        editor.setAccessibleDescription(f"入力が保存されていません: {reason}")

    def release(self, field: str) -> None:
        if field not in self._held:
            return
        del self._held[field]
        self._watch(field, False)
        slot = self._slots[field]
        slot.reason.clear()
        slot.reason.setVisible(False)
        _set_mark(slot.editor, False)
        if _marked(slot.editor) is not slot.editor:
            _set_mark(_marked(slot.editor), False)
        slot.editor.setAccessibleDescription(self._descriptions.pop(field, ""))

    def drop(self, fields: list[str] | None = None) -> list[tuple[str, str]]:
        """Release the refusals of `fields` (all when None); (field, typed text) of those that held a typed text."""
        lost = []
        for field in list(self._held) if fields is None else [f for f in fields if f in self._held]:
            if self.keeps_text(field):
                text = typed_text(self._slots[field].editor)
                if text.strip():
                    lost.append((field, text))
            self.release(field)
        return lost

    # --- Esc ------------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            field = self._watched.get(watched)
            if (
                field is not None
                and field in self._held
                and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
            ):
                combo = watched if isinstance(watched, QComboBox) else None
                if combo is not None and combo.view().isVisible():
                    return False  # Esc closes an open list first
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    self.release(field)
                    self.discarded.emit(field)
                return True
        return False  # what QObject.eventFilter returns, without the round trip through it for every event


def dropped_notice(items: list[tuple[str, str]]) -> tuple[str, str]:
    """(title, text) saying which typed texts were not saved when the form moved to another record, quoting them."""
    parts = []
    for label, text in items:
        quoted = text if len(text) <= NOTICE_LIMIT else text[: NOTICE_LIMIT - 1] + "…"
        parts.append(f"【{label}】\n{quoted}")
    body = "\n\n".join(parts)
    return (
        "入力が保存されていません",
        "次の入力は受け付けられなかったため保存されていません（別の記録を表示したので、入力欄からは消えました）。"
        f"必要なら、ここから写して入力し直してください。\n\n{body}",
    )
