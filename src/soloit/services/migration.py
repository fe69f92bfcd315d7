"""The migration ledger (標準化 20業務 × 40ステップ): the grid, the step cells and the systems.

Reads go through the store's raw sqlite3 connection (the grid is on screen before SQLAlchemy is imported);
changes go through the shared ChangeService, so the cell rules (実績日) and the journal apply on every path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.services import entities
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import CELL, SYSTEM
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE, cell_key
from soloit.services.views import BusinessRow, CellView, LedgerSnapshot, SystemView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_CELL_COLUMNS = ("status", "planned_date", "actual_date", "note")


class LedgerService(AreaService):
    """Queries and commands of the 20 × 40 ledger and of the systems."""

    # --- queries ------------------------------------------------------------------------------------------

    def snapshot(self) -> LedgerSnapshot:
        ref = reference.load()
        cell = entities.entity(CELL)
        specs = [cell.spec(name) for name in _CELL_COLUMNS]
        systems = {
            code: (system_id, name, bool(tokutei))
            for system_id, code, name, tokutei in self.store.query(
                "SELECT id, business_code, name, tokutei FROM system WHERE business_code IS NOT NULL"
            )
        }
        cells: dict[int, dict[int, CellView]] = {}
        for system_id, seq, *raw in self.store.query(
            f"SELECT system_id, step_seq, {', '.join(_CELL_COLUMNS)} FROM step_cell"
        ):
            cells.setdefault(system_id, {})[seq] = CellView(*(spec.from_row(v) for spec, v in zip(specs, raw, strict=True)))
        rows = []
        for business in ref.businesses:
            system_id, name, tokutei = systems[business.code]
            by_seq = cells.get(system_id, {})
            rows.append(
                BusinessRow(
                    system_id=system_id,
                    business_code=business.code,
                    name=name,
                    tokutei=tokutei,
                    cells=tuple(by_seq[step.seq] for step in ref.steps),
                )
            )
        return LedgerSnapshot(rows=tuple(rows))

    def cell(self, business_code: str, seq: int) -> CellView:
        cell = entities.entity(CELL)
        rows = self.store.query(
            f"SELECT {', '.join('c.' + c for c in _CELL_COLUMNS)} FROM step_cell c JOIN system s ON s.id = c.system_id "
            "WHERE s.business_code = ? AND c.step_seq = ?",
            (business_code, seq),
        )
        if not rows:
            raise ValidationError("ステップ", f"{business_code} のステップ {seq} が見つかりません。")
        return CellView(*(cell.spec(name).from_row(v) for name, v in zip(_CELL_COLUMNS, rows[0], strict=True)))

    def systems(self) -> list[SystemView]:
        names = self._organisation_names()
        return [self._system_view(names, row) for row in self._system_rows("1 = 1")]

    def system(self, system_id: int) -> SystemView:
        rows = self._system_rows("id = ?", (system_id,))
        if not rows:
            raise ValidationError("システム", "対象のシステムが見つかりません。")
        return self._system_view(self._organisation_names(), rows[0])

    def _system_rows(self, where: str, params: tuple = ()) -> list[tuple[int, str | None, dict[str, Any]]]:
        kind = entities.entity(SYSTEM)
        columns = [spec.name for spec in kind.fields]
        found = []
        for row_id, code, *raw in self.store.query(
            f"SELECT id, business_code, {', '.join(columns)} FROM system WHERE {where} ORDER BY sort_order, id", params
        ):
            values = {spec.name: spec.from_row(value) for spec, value in zip(kind.fields, raw, strict=True)}
            found.append((row_id, code, values))
        return found

    def _organisation_names(self) -> dict[int, str]:
        return dict(self.store.query("SELECT id, name FROM organisation"))

    @staticmethod
    def _system_view(names: dict[int, str], row: tuple[int, str | None, dict[str, Any]]) -> SystemView:
        row_id, code, values = row

        def org_name(org_id: int | None) -> str | None:
            return None if org_id is None else names.get(org_id)

        return SystemView(
            id=row_id,
            business_code=code,
            current_vendor=org_name(values["current_vendor_id"]),
            target_vendor=org_name(values["target_vendor_id"]),
            department=org_name(values["department_id"]),
            **values,
        )

    # --- commands -------------------------------------------------------------------------------------------

    def set_statuses(self, cells: Iterable[tuple[str, int]], status: str, *, reason: str | None = None) -> ChangeSet:
        """Set many cells to one status in one step (the cell's rules fill or clear an automatic 実績日)."""
        targets = list(dict.fromkeys(cells))
        if status not in reference.load().status_by_code:
            raise ValidationError("ステータス", "一覧から選んでください。")
        return self.changes.apply([Edit(CELL, cell_key(code, seq), "status", status) for code, seq in targets], reason=reason)

    def edit_cell(self, business_code: str, seq: int, field: str, value: Any, *, reason: str | None = None) -> ChangeSet:
        return self.changes.apply([Edit(CELL, cell_key(business_code, seq), field, value)], reason=reason)

    def edit_system(self, system_id: int, field: str, value: Any, *, reason: str | None = None) -> ChangeSet:
        if field == CREATE:
            raise ValueError("use add_system / remove_system")
        return self.changes.apply([Edit(SYSTEM, str(system_id), field, value)], reason=reason)

    def set_system_organisation(
        self, system_id: int, field: str, name: str | None, kind: str, *, reason: str | None = None
    ) -> ChangeSet:
        """Point a system's vendor or department at the organisation called `name`, creating it when new."""
        from soloit.services.records import RecordService

        return RecordService(self.context, self.changes).set_organisation(SYSTEM, system_id, field, name, kind, reason=reason)

    def add_system(self, name: str, *, reason: str | None = None, **values: Any) -> ChangeSet:
        """A system outside the 20 businesses (財務会計, 人事給与, 共通機能 …)."""

        def build(session: Session) -> list[Edit]:
            key = entities.entity(SYSTEM).new_key(session)
            return [Edit(SYSTEM, key, CREATE, name)] + [Edit(SYSTEM, key, f, v) for f, v in values.items()]

        return self.changes.run(build, reason=reason, action="create")

    def remove_system(self, system_id: int, *, reason: str | None = None) -> ChangeSet:
        """Delete a system outside the 20 (its fields are journaled back to empty first, so undo restores them)."""
        return self.changes.delete(SYSTEM, str(system_id), reason=reason)
