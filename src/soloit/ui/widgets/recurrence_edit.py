"""A recurrence rule chosen rather than typed: the kind (毎年 決まった日, 毎月 決まった日, 月の最終開庁日, 決まった日の○開庁日前)
and its month, day and number of business days. Emits `committed(rule text, '' for none)` when the user changes it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from soloit.domain.recurrence import (
    BUSINESS_DAYS_BEFORE,
    KINDS,
    LAST_BUSINESS_DAY,
    MAX_DAYS_BEFORE,
    MONTHLY,
    YEARLY,
    Rule,
    RuleError,
    parse_rule,
)

EVERY_MONTH = 0  # the month box's special value: every month (月の最終開庁日)


class RecurrenceEdit(QWidget):
    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("recurrence_kind")
        self.kind.addItem("繰り返さない", "")
        for code, label in KINDS.items():
            self.kind.addItem(label, code)
        self.month = QSpinBox()
        self.month.setObjectName("recurrence_month")
        self.month.setRange(EVERY_MONTH, 12)
        self.month.setSuffix("月")
        self.month.setSpecialValueText("毎月")
        self.day = QSpinBox()
        self.day.setObjectName("recurrence_day")
        self.day.setRange(1, 31)
        self.day.setSuffix("日")
        self.before = QSpinBox()
        self.before.setObjectName("recurrence_days_before")
        self.before.setRange(1, MAX_DAYS_BEFORE)
        self.before.setPrefix("の")
        self.before.setSuffix("開庁日前")
        self.unreadable = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind, self.month, self.day, self.before, self.unreadable):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._shown = ""
        self._showing = False
        self.kind.activated.connect(lambda _i: self._changed())
        for box in (self.month, self.day, self.before):
            box.editingFinished.connect(self._changed)
        self._arrange()

    def show_rule(self, text: str | None) -> None:
        self._showing = True
        self._shown = text or ""
        self.unreadable.setText("")
        rule: Rule | None = None
        if text:
            try:
                rule = parse_rule(text)
            except RuleError:
                self.unreadable.setText(f"（読めない規則: {text}）")
        self.kind.setCurrentIndex(max(self.kind.findData(rule.kind if rule else ""), 0))
        self.month.setValue(rule.month if rule and rule.month else (4 if not rule or rule.kind != LAST_BUSINESS_DAY else EVERY_MONTH))
        self.day.setValue(rule.day if rule and rule.day else 1)
        self.before.setValue(rule.days_before if rule and rule.days_before else 5)
        self._arrange()
        self._showing = False

    def rule_text(self) -> str:
        kind = self.kind.currentData()
        month, day = self.month.value(), self.day.value()
        if kind == YEARLY:
            return Rule(YEARLY, max(month, 1), day).text()
        if kind == MONTHLY:
            return Rule(MONTHLY, None, day).text()
        if kind == LAST_BUSINESS_DAY:
            return Rule(LAST_BUSINESS_DAY, month or None).text()
        if kind == BUSINESS_DAYS_BEFORE:
            return Rule(BUSINESS_DAYS_BEFORE, max(month, 1), day, self.before.value()).text()
        return ""

    def _arrange(self) -> None:
        kind = self.kind.currentData()
        self.month.setVisible(kind in (YEARLY, LAST_BUSINESS_DAY, BUSINESS_DAYS_BEFORE))
        self.month.setMinimum(EVERY_MONTH if kind == LAST_BUSINESS_DAY else 1)
        self.day.setVisible(kind in (YEARLY, MONTHLY, BUSINESS_DAYS_BEFORE))
        self.before.setVisible(kind == BUSINESS_DAYS_BEFORE)

    def _changed(self) -> None:
        if self._showing:
            return
        self._arrange()
        text = self.rule_text()
        if text != self._shown:
            self._shown = text
            self.committed.emit(text)
