"""The migration ledger (標準化 20業務 × 40ステップ): reading it and every command that changes it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soloit import reference
from soloit.services import fields
from soloit.services.changes import ChangeSet, Edit, apply_edits, forward_edits, new_id, reverse_edits
from soloit.services.errors import ValidationError
from soloit.services.fields import CELL, CREATE, MUNICIPALITY, ORGANISATION, SYSTEM
from soloit.services.views import (
    BusinessRow,
    CellView,
    JournalView,
    LedgerSnapshot,
    MunicipalityView,
    OrganisationView,
    SystemView,
)
from soloit.store.db import Store
from soloit.store.models import JournalEntry, Municipality, Organisation, StepCell, System

UNDO_REASON = "元に戻す"
REDO_REASON = "やり直し"
MUNICIPALITY_KEY = "1"


class LedgerService:
    """Commands and queries over one open database, on behalf of one user (`actor` gives their display name)."""

    def __init__(self, store: Store, actor: Callable[[], str], today: Callable[[], date] = date.today) -> None:
        self.store = store
        self._actor = actor
        self._today = today

    @property
    def actor(self) -> str:
        return self._actor().strip() or "（名前未設定）"

    # --- queries ------------------------------------------------------------------------------------------

    def snapshot(self) -> LedgerSnapshot:
        ref = reference.load()
        with self.store.read() as session:
            systems = {
                s.business_code: s
                for s in session.scalars(select(System).where(System.business_code.is_not(None)))
            }
            cells: dict[int, dict[int, CellView]] = {}
            for cell in session.scalars(select(StepCell)):
                cells.setdefault(cell.system_id, {})[cell.step_seq] = CellView(
                    cell.status, cell.planned_date, cell.actual_date, cell.note
                )
        rows = []
        for business in ref.businesses:
            system = systems[business.code]
            by_seq = cells.get(system.id, {})
            rows.append(
                BusinessRow(
                    system_id=system.id,
                    business_code=business.code,
                    name=system.name,
                    tokutei=system.tokutei,
                    cells=tuple(by_seq[step.seq] for step in ref.steps),
                )
            )
        return LedgerSnapshot(rows=tuple(rows))

    def cell(self, business_code: str, seq: int) -> CellView:
        with self.store.read() as session:
            cell = session.scalars(
                select(StepCell).join(System).where(System.business_code == business_code, StepCell.step_seq == seq)
            ).one()
            return CellView(cell.status, cell.planned_date, cell.actual_date, cell.note)

    def systems(self) -> list[SystemView]:
        with self.store.read() as session:
            names = _organisation_names(session)
            return [_system_view(names, s) for s in session.scalars(select(System).order_by(System.sort_order))]

    def system(self, system_id: int) -> SystemView:
        with self.store.read() as session:
            row = session.get(System, system_id)
            if row is None:
                raise ValidationError("システム", "対象のシステムが見つかりません。")
            return _system_view(_organisation_names(session), row)

    def organisations(self, kind: str | None = None) -> list[OrganisationView]:
        with self.store.read() as session:
            query = select(Organisation).order_by(Organisation.name)
            if kind is not None:
                query = query.where(Organisation.kind == kind)
            return [OrganisationView(o.id, o.name, o.kind) for o in session.scalars(query)]

    def municipality(self) -> MunicipalityView | None:
        with self.store.read() as session:
            row = session.get(Municipality, int(MUNICIPALITY_KEY))
            if row is None:
                return None
            pref = reference.load().prefecture_by_code.get(row.prefecture_code)
            return MunicipalityView(row.prefecture_code, pref.name_ja if pref else "", row.name, row.lg_code)

    def journal(self, limit: int = 200, entity: str | None = None, key: str | None = None) -> list[JournalView]:
        """The newest entries first."""
        with self.store.read() as session:
            query = select(JournalEntry).order_by(JournalEntry.id.desc()).limit(limit)
            if entity is not None:
                query = query.where(JournalEntry.entity == entity)
            if key is not None:
                query = query.where(JournalEntry.entity_key == key)
            return [
                JournalView(
                    e.id, e.recorded_at, e.actor, e.action, e.entity, e.entity_key, e.field,
                    e.old_value, e.new_value, e.reason,
                )
                for e in session.scalars(query)
            ]

    def system_history(self, system_id: int, limit: int = 100) -> list:
        """The newest changes to a system and its step cells, told in Japanese (services.history.HistoryLine)."""
        from soloit.services.history import system_history

        return system_history(self.store, system_id, limit)

    # --- commands -------------------------------------------------------------------------------------------

    def apply(self, edits: Sequence[Edit], *, reason: str | None = None, action: str = "edit") -> ChangeSet:
        """Apply edits in one transaction (all or nothing)."""
        with self.store.write() as session:
            return apply_edits(session, edits, actor=self.actor, action=action, reason=reason)

    def set_statuses(
        self, cells: Iterable[tuple[str, int]], status: str, *, reason: str | None = None
    ) -> ChangeSet:
        """Set many cells to one status in one step; 完了済み fills an empty actual date with today."""
        targets = list(dict.fromkeys(cells))
        ref = reference.load()
        if status not in ref.status_by_code:
            raise ValidationError("ステータス", "一覧から選んでください。")
        today = self._today()
        with self.store.write() as session:
            current = _cells_by_key(session, targets)
            edits: list[Edit] = []
            for code, seq in targets:
                key = fields.cell_key(code, seq)
                cell = current.get(key)
                if cell is None:
                    raise ValidationError("ステップ", f"{code} のステップ {seq} が見つかりません。")
                edits.append(Edit(CELL, key, "status", status))
                if status == ref.done_status.code and cell.actual_date is None:
                    edits.append(Edit(CELL, key, "actual_date", today))
            return apply_edits(session, edits, actor=self.actor, reason=reason)

    def edit_cell(self, business_code: str, seq: int, field: str, value: Any, *, reason: str | None = None) -> ChangeSet:
        if field == "status":
            return self.set_statuses([(business_code, seq)], value, reason=reason)
        return self.apply([Edit(CELL, fields.cell_key(business_code, seq), field, value)], reason=reason)

    def edit_system(self, system_id: int, field: str, value: Any, *, reason: str | None = None) -> ChangeSet:
        if field == CREATE:
            raise ValueError("use add_system / remove_system")
        return self.apply([Edit(SYSTEM, str(system_id), field, value)], reason=reason)

    def set_system_organisation(
        self, system_id: int, field: str, name: str | None, kind: str, *, reason: str | None = None
    ) -> ChangeSet:
        """Point a system's vendor or department at the organisation called `name`, creating it when new."""
        spec = fields.spec(SYSTEM, field)
        if spec.kind != "org":
            raise ValueError(field)
        name = (name or "").strip()
        with self.store.write() as session:
            edits: list[Edit] = []
            org_id: int | None = None
            if name:
                existing = session.scalars(
                    select(Organisation).where(Organisation.name == name, Organisation.kind == kind)
                ).first() or session.scalars(select(Organisation).where(Organisation.name == name)).first()
                if existing is not None:
                    org_id = existing.id
                else:
                    key = new_id(session, ORGANISATION)
                    edits += [Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)]
                    org_id = int(key)
            edits.append(Edit(SYSTEM, str(system_id), field, org_id))
            return apply_edits(session, edits, actor=self.actor, reason=reason)

    def add_organisation(self, name: str, kind: str, *, reason: str | None = None) -> ChangeSet:
        with self.store.write() as session:
            key = new_id(session, ORGANISATION)
            return apply_edits(
                session,
                [Edit(ORGANISATION, key, CREATE, name), Edit(ORGANISATION, key, "kind", kind)],
                actor=self.actor,
                reason=reason,
                action="create",
            )

    def add_system(self, name: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        """A system outside the 20 businesses (財務会計, 人事給与, 共通機能 …)."""
        with self.store.write() as session:
            key = new_id(session, SYSTEM)
            edits = [Edit(SYSTEM, key, CREATE, name)] + [Edit(SYSTEM, key, f, v) for f, v in values.items()]
            return apply_edits(session, edits, actor=self.actor, reason=reason, action="create")

    def remove_system(self, system_id: int, *, reason: str | None = None) -> ChangeSet:
        """Delete a system outside the 20 (its fields are journaled back to empty first, so undo restores them)."""
        view = self.system(system_id)
        if view.business_code is not None:
            raise ValidationError("システム", "標準化対象の20業務のシステムは削除できません。")
        edits = [
            Edit(SYSTEM, str(system_id), name, spec.default)
            for name, spec in fields.FIELDS[SYSTEM].items()
            if name not in (CREATE, "name")
        ]
        edits.append(Edit(SYSTEM, str(system_id), CREATE, None))
        return self.apply(edits, reason=reason, action="delete")

    def save_municipality(
        self, prefecture_code: str, name: str, lg_code: str, *, reason: str | None = None
    ) -> ChangeSet:
        """Create or update the municipality profile; 団体コード is checked against its check digit and prefecture."""
        from soloit.domain.lgcode import normalise

        lg_code = normalise(lg_code or "")
        with self.store.write() as session:
            exists = session.get(Municipality, int(MUNICIPALITY_KEY)) is not None
            edits = [] if exists else [Edit(MUNICIPALITY, MUNICIPALITY_KEY, CREATE, name)]
            edits += [
                Edit(MUNICIPALITY, MUNICIPALITY_KEY, "prefecture_code", prefecture_code),
                Edit(MUNICIPALITY, MUNICIPALITY_KEY, "name", name),
                Edit(MUNICIPALITY, MUNICIPALITY_KEY, "lg_code", lg_code),
            ]
            return apply_edits(session, edits, actor=self.actor, reason=reason, action="edit" if exists else "create")

    def undo(self, changeset: ChangeSet) -> ChangeSet:
        """Put back what `changeset` changed, as a new journaled change."""
        return self.apply(reverse_edits(changeset), reason=_with_reason(UNDO_REASON, changeset), action="undo")

    def redo(self, changeset: ChangeSet) -> ChangeSet:
        return self.apply(forward_edits(changeset), reason=_with_reason(REDO_REASON, changeset), action="redo")


def _with_reason(prefix: str, changeset: ChangeSet) -> str:
    return f"{prefix}：{changeset.reason}" if changeset.reason else prefix


def _cells_by_key(session: Session, targets: list[tuple[str, int]]) -> dict[str, StepCell]:
    codes = {code for code, _ in targets}
    rows = session.execute(
        select(System.business_code, StepCell).join(StepCell, StepCell.system_id == System.id).where(
            System.business_code.in_(codes)
        )
    ).all()
    return {fields.cell_key(code, cell.step_seq): cell for code, cell in rows}


def _organisation_names(session: Session) -> dict[int, str]:
    return {org_id: name for org_id, name in session.execute(select(Organisation.id, Organisation.name))}


def _system_view(names: dict[int, str], row: System) -> SystemView:
    def org_name(org_id: int | None) -> str | None:
        return None if org_id is None else names.get(org_id)

    return SystemView(
        id=row.id,
        business_code=row.business_code,
        name=row.name,
        current_vendor_id=row.current_vendor_id,
        current_vendor=org_name(row.current_vendor_id),
        current_product=row.current_product,
        target_vendor_id=row.target_vendor_id,
        target_vendor=org_name(row.target_vendor_id),
        target_product=row.target_product,
        hosting=row.hosting,
        planned_start=row.planned_start,
        planned_go_live=row.planned_go_live,
        actual_go_live=row.actual_go_live,
        tokutei=row.tokutei,
        tokutei_reason=row.tokutei_reason,
        tokutei_reason_text=row.tokutei_reason_text,
        tokutei_target_date=row.tokutei_target_date,
        department_id=row.department_id,
        department=org_name(row.department_id),
        notes=row.notes,
    )


