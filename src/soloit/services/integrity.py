"""`soloit verify`: the journal's hash chain, and that the data is exactly what the journal says it should be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soloit import reference
from soloit.services import fields
from soloit.services.fields import CELL, CREATE, MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.store import journal
from soloit.store.db import Store
from soloit.store.models import JournalEntry, Municipality, Organisation, StepCell, System


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None
    problems: tuple[str, ...]

    def summary_ja(self) -> str:
        if self.ok:
            return f"変更記録 {self.entries} 件を検証しました。改ざんの跡はありません（末尾ハッシュ {self.head_hash[:12]}…）。"
        return "検証に失敗しました：" + " / ".join(self.problems)


def verify(store: Store) -> VerifyReport:
    with store.read() as session:
        chain = journal.verify_chain(session)
        if not chain.ok:
            return VerifyReport(False, chain.entries, chain.head_hash, chain.first_bad_id, (chain.problem_ja or "",))
        problems = _state_problems(session)
        return VerifyReport(not problems, chain.entries, chain.head_hash, None, tuple(problems[:20]))


def _state_problems(session: Session) -> list[str]:
    """Every field's current value must equal the newest journal value for it (or the seeded baseline)."""
    latest: dict[tuple[str, str], dict[str, str | None]] = {}
    for entity, key, field, new in session.execute(
        select(JournalEntry.entity, JournalEntry.entity_key, JournalEntry.field, JournalEntry.new_value).order_by(
            JournalEntry.id
        )
    ):
        if field == CREATE:
            if new is None:
                latest.pop((entity, key), None)
            else:
                latest[(entity, key)] = {"name": new} if "name" in fields.FIELDS.get(entity, {}) else {}
            continue
        latest.setdefault((entity, key), {})[field] = new

    ref = reference.load()
    problems: list[str] = []

    def compare(entity: str, key: str, row: Any, baseline: dict[str, Any], label: str) -> None:
        recorded = latest.get((entity, key))
        if recorded is None and entity != CELL and not baseline:
            problems.append(f"{label} は変更記録なしに追加されています。")
            return
        recorded = recorded or {}
        for name, spec in fields.FIELDS[entity].items():
            if name == CREATE:
                continue
            expected = recorded[name] if name in recorded else fields.encode(baseline.get(name, spec.default))
            actual = fields.encode(getattr(row, name))
            if actual != expected:
                problems.append(f"{label} の「{spec.label_ja}」が変更記録にない方法で変更されています。")

    business_systems = {s.business_code for s in session.scalars(select(System).where(System.business_code.is_not(None)))}
    for business in ref.businesses:
        if business.code not in business_systems:
            problems.append(f"標準化対象業務「{business.name_ja}」のシステムが記録にない方法で削除されています。")
    for extra in sorted(business_systems - set(ref.business_by_code)):
        problems.append(f"不明な業務コード「{extra}」のシステムが記録にない方法で追加されています。")
    grid: dict[int, set[int]] = {}
    for system_id, seq in session.execute(select(StepCell.system_id, StepCell.step_seq)):
        grid.setdefault(system_id, set()).add(seq)
    expected_steps = {step.seq for step in ref.steps}

    code_by_system = {}
    for system in session.scalars(select(System)):
        baseline: dict[str, Any] = {}
        if system.business_code is not None:
            business = ref.business_by_code.get(system.business_code)
            baseline = {"name": business.name_ja if business else system.name}
            code_by_system[system.id] = system.business_code
        compare(SYSTEM, str(system.id), system, baseline, f"システム「{system.name}」")
        if system.business_code is not None:
            steps = grid.get(system.id, set())
            code = system.business_code
            added = sorted(steps - expected_steps)
            missing = sorted(expected_steps - steps)
            if added:
                keys = "、".join(fields.cell_key(code, seq) for seq in added[:5])
                problems.append(f"「{system.name}」に40ステップ以外のステップ（{keys}）が追加されています。")
            if missing:
                keys = "、".join(fields.cell_key(code, seq) for seq in missing[:5])
                more = f" ほか{len(missing) - 5}件" if len(missing) > 5 else ""
                problems.append(f"「{system.name}」のステップ（{keys}{more}）が記録にない方法で削除されています。")
    for cell in session.scalars(select(StepCell)):
        code = code_by_system.get(cell.system_id)
        if code is None:
            problems.append(f"ステップ（システム {cell.system_id}）が標準化対象業務以外に付いています。")
            continue
        key = fields.cell_key(code, cell.step_seq)
        compare(CELL, key, cell, {}, f"ステップ {key}")
    for org in session.scalars(select(Organisation)):
        compare(ORGANISATION, str(org.id), org, {}, f"組織「{org.name}」")
    for muni in session.scalars(select(Municipality)):
        compare(MUNICIPALITY, str(muni.id), muni, {}, "団体情報")
    for (entity, key) in latest:
        if entity in (SYSTEM, ORGANISATION, MUNICIPALITY):
            model = {SYSTEM: System, ORGANISATION: Organisation, MUNICIPALITY: Municipality}[entity]
            if session.get(model, int(key)) is None:
                problems.append(f"{fields.ENTITY_LABELS[entity]}（{key}）が変更記録なしに削除されています。")
    return problems
