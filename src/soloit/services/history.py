"""The journal, told in Japanese: what changed, when, by whom and why — for the detail panel's 変更履歴 and,
later, the handover document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from soloit import reference
from soloit.services import fields
from soloit.services.fields import CELL, CREATE, SYSTEM
from soloit.store.db import Store
from soloit.store.models import JournalEntry, Organisation, System

ACTION_LABELS = {"undo": "元に戻す", "redo": "やり直し", "import": "一括登録", "create": "作成", "delete": "削除"}


@dataclass(frozen=True, slots=True)
class HistoryLine:
    entry_id: int
    when: str  # local time, 2026/11/22 10:31
    actor: str
    what: str  # 「ステップ5 状態」: 未着手 → 完了済み
    reason: str | None
    action: str

    def text(self) -> str:
        tag = f"［{ACTION_LABELS[self.action]}］" if self.action in ACTION_LABELS else ""
        why = f"（理由: {self.reason}）" if self.reason else ""
        return f"{self.when} {self.actor}：{tag}{self.what}{why}"


def system_history(store: Store, system_id: int, limit: int = 100) -> list[HistoryLine]:
    """The newest changes to one system and, for the 20 businesses, to its 40 step cells."""
    with store.read() as session:
        system = session.get(System, system_id)
        if system is None:
            return []
        wanted = and_(JournalEntry.entity == SYSTEM, JournalEntry.entity_key == str(system_id))
        if system.business_code is not None:
            wanted = or_(
                wanted, and_(JournalEntry.entity == CELL, JournalEntry.entity_key.startswith(f"{system.business_code}/"))
            )
        rows = list(session.scalars(select(JournalEntry).where(wanted).order_by(JournalEntry.id.desc()).limit(limit)))
        names = {org_id: name for org_id, name in session.execute(select(Organisation.id, Organisation.name))}
    return [_line(row, names) for row in rows]


def _line(row: JournalEntry, org_names: dict[int, str]) -> HistoryLine:
    ref = reference.load()
    if row.entity == CELL:
        _code, seq = fields.split_cell_key(row.entity_key)
        step = ref.step_by_seq.get(seq)
        subject = f"ステップ{seq}（{step.number}）" if step else f"ステップ{seq}"
    else:
        subject = ""
    if row.field == CREATE:
        what = f"「{row.new_value}」を登録" if row.new_value is not None else f"「{row.old_value}」を削除"
        return HistoryLine(row.id, _local(row.recorded_at), row.actor, what, row.reason, row.action)
    try:
        spec = fields.spec(row.entity, row.field)
    except ValueError:
        spec = None
    label = spec.label_ja if spec else row.field
    old = _show(spec, row.old_value, org_names)
    new = _show(spec, row.new_value, org_names)
    what = f"{subject}{label}: {old} → {new}"
    return HistoryLine(row.id, _local(row.recorded_at), row.actor, what, row.reason, row.action)


def _show(spec: fields.FieldSpec | None, text: str | None, org_names: dict[int, str]) -> str:
    if text is None or text == "":
        return "（なし）"
    if spec is None:
        return text
    ref = reference.load()
    if spec.kind == "status":
        status = ref.status_by_code.get(text)
        return status.label_ja if status else text
    if spec.kind == "bool":
        return "はい" if text == "true" else "いいえ"
    if spec.kind == "date":
        return text.replace("-", "/")
    if spec.kind == "org":
        return org_names.get(int(text), f"（削除された組織 {text}）")
    if spec.kind == "choice":
        for choices in (ref.hosting_kinds, ref.tokutei_reasons, ref.organisation_kinds):
            label = ref.choice_label(choices, text)
            if label:
                return label
    return text if len(text) <= 60 else text[:59] + "…"


def _local(iso_utc: str) -> str:
    try:
        return datetime.fromisoformat(iso_utc).astimezone().strftime("%Y/%m/%d %H:%M")
    except ValueError:
        return iso_utc


