"""ステップ: the status of one of the 40 steps for one of the 20 businesses (key "business_code/seq"). The 800
cells are made with the ledger; they are never created or deleted one by one.

The rules of 実績日 live here, so they hold on every write path (the grid, the detail panel, bulk batches,
imports): becoming 完了済み fills an empty 実績日 with today (marked as automatic); leaving 完了済み clears a
実績日 that was filled automatically; a 実績日 typed by a person is never touched."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from soloit import reference
from soloit.services.entities.base import Entity, NameBook
from soloit.services.fields import BOOL, CHOICE, DATE, TEXT, FieldSpec, Option, cell_key, split_cell_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _statuses() -> tuple[Option, ...]:
    return tuple(Option(s.code, s.label_ja) for s in reference.load().statuses)


class CellEntity(Entity):
    name = "cell"
    label_ja = "ステップ"
    table = "step_cell"
    model_name = "StepCell"
    area = "標準化（20業務）"
    search_rank = 3
    subject_rank = 2
    views = ("ledger",)
    fields = (
        FieldSpec("status", "ステータス", CHOICE, required=True, options=_statuses, default=reference.load().default_status.code),
        FieldSpec("planned_date", "予定日", DATE),
        FieldSpec("actual_date", "実績日", DATE, happened="予定日"),
        FieldSpec("actual_date_auto", "実績日の自動入力", BOOL, default=False, hidden=True),
        FieldSpec("note", "メモ", TEXT, max_len=2000),
    )
    name_field = None
    creatable = False
    deletable = False

    # --- keys ---------------------------------------------------------------------------------------------------

    def valid_key(self, key: object) -> bool:
        """"koseki/5" exactly as soloit writes it: one of the 20 businesses and a step number without leading zeros
        or other digits, so the journal and the row name the same cell."""
        if not isinstance(key, str):
            return False
        try:
            code, seq = split_cell_key(key)
        except ValueError:
            return False
        return code in reference.load().business_by_code and 1 <= seq <= 999 and key == cell_key(code, seq)

    def load(self, session: Session, key: str) -> Any:
        from sqlalchemy import select

        from soloit.store.models import StepCell, System

        if not self.valid_key(key):
            return None
        code, seq = split_cell_key(key)
        return session.scalars(
            select(StepCell).join(System, StepCell.system_id == System.id).where(
                System.business_code == code, StepCell.step_seq == seq
            )
        ).one_or_none()

    def key_of(self, row: Any) -> str:
        from sqlalchemy.orm import object_session

        from soloit.store.models import System

        system = object_session(row).get(System, row.system_id)
        return cell_key(system.business_code if system else "?", row.step_seq)

    def raw_rows(
        self, conn: sqlite3.Connection, keys: Collection[str] | None = None
    ) -> Iterator[tuple[str, dict[str, object]]]:
        columns = [spec.name for spec in self.fields]
        sql = (
            f"SELECT s.business_code, c.step_seq, {', '.join('c.' + c for c in columns)} "
            "FROM step_cell c JOIN system s ON s.id = c.system_id "
            "WHERE s.business_code IS NOT NULL ORDER BY s.sort_order, c.step_seq"
        )
        for row in conn.execute(sql):
            key = cell_key(str(row[0]), row[1])
            if keys is None or key in keys:
                yield key, dict(zip(columns, row[2:], strict=True))

    # --- rules --------------------------------------------------------------------------------------------

    def derive(self, row: Any, before: Mapping[str, Any], changed: frozenset[str], today: date) -> dict[str, Any]:
        done = reference.load().done_status.code
        derived: dict[str, Any] = {}
        if "status" in changed and "actual_date" not in changed:
            if row.status == done and before["status"] != done and row.actual_date is None:
                derived = {"actual_date": today, "actual_date_auto": True}
            elif before["status"] == done and row.status != done and row.actual_date_auto:
                derived = {"actual_date": None, "actual_date_auto": False}
        elif "actual_date" in changed and "actual_date_auto" not in changed and row.actual_date_auto:
            derived = {"actual_date_auto": False}  # typed by a person from now on
        return derived

    # --- verify -------------------------------------------------------------------------------------------

    def seeded(self, conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        ref = reference.load()
        return {cell_key(b.code, s.seq): {} for b in ref.businesses for s in ref.steps}

    def checks(self, conn: sqlite3.Connection) -> list[str]:
        ref = reference.load()
        expected = {step.seq for step in ref.steps}
        grid: dict[str, set[int]] = {}
        problems = []
        names = {}
        for code, name, seq in conn.execute(
            "SELECT s.business_code, s.name, c.step_seq FROM system s LEFT JOIN step_cell c ON c.system_id = s.id "
            "WHERE s.business_code IS NOT NULL"
        ):
            names[code] = name
            if seq is not None:
                grid.setdefault(code, set()).add(seq)
        for code, name in names.items():
            steps = grid.get(code, set())
            added, missing = sorted(steps - expected), sorted(expected - steps)
            if added:
                keys = "、".join(cell_key(code, seq) for seq in added[:5])
                problems.append(f"「{name}」に40ステップ以外のステップ（{keys}）が追加されています。")
            if missing:
                keys = "、".join(cell_key(code, seq) for seq in missing[:5])
                more = f" ほか{len(missing) - 5}件" if len(missing) > 5 else ""
                problems.append(f"「{name}」のステップ（{keys}{more}）が記録にない方法で削除されています。")
        for (system_id,) in conn.execute(
            "SELECT DISTINCT c.system_id FROM step_cell c LEFT JOIN system s ON s.id = c.system_id "
            "WHERE s.business_code IS NULL"
        ):
            problems.append(f"ステップ（システム {system_id}）が標準化対象業務以外に付いています。")
        return problems

    # --- names ----------------------------------------------------------------------------------------------

    def display(self, key: str, names: NameBook) -> str:
        ref = reference.load()
        try:
            code, seq = split_cell_key(key)
        except ValueError:
            return f"ステップ（{key}）"
        business = ref.business_by_code.get(code)
        step = ref.step_by_seq.get(seq)
        business_name = business.name_ja if business else code
        return f"{business_name} ステップ{step.number if step else seq}"

    def subject(self, key: str, names: NameBook) -> str:
        return self.display(key, names)
