"""Taking in step statuses from outside (the ministry's step sheet, a pack): a plan that says which cells change,
shown to the user first, then applied all-or-nothing through the bulk mechanism — validated, a backup first, one
journal entry per changed cell with the file's name as the reason, and the cell's rules (完了済み fills 実績日) as on
every write path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soloit import reference
from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.services.base import AreaService
from soloit.services.changes import ChangeSet, Edit
from soloit.services.entities import CELL
from soloit.services.errors import ValidationError
from soloit.services.fields import cell_key


@dataclass(frozen=True, slots=True)
class CellUpdate:
    business_code: str
    seq: int
    old: str  # status codes
    new: str

    def describe(self) -> str:
        ref = reference.load()
        business, step = ref.business_by_code[self.business_code], ref.step_by_seq[self.seq]
        return (
            f"{business.name_ja} ステップ{step.number}: "
            f"{ref.status_by_code[self.old].label_ja} → {ref.status_by_code[self.new].label_ja}"
        )


@dataclass(frozen=True, slots=True)
class ImportPlan:
    source: str  # the file's name: the reason every journal entry carries
    prefecture: str
    municipality: str
    updates: tuple[CellUpdate, ...]  # in 政令 order, then step order
    unchanged: int  # cells whose status already matches

    @property
    def reason(self) -> str:
        return f"総務省の進捗シート「{self.source}」から取り込み"

    def summary_ja(self) -> str:
        if not self.updates:
            return f"{self.prefecture} {self.municipality}: 変更はありません（{self.unchanged} セルとも台帳と同じです）。"
        touched = len({u.business_code for u in self.updates})
        return (
            f"{self.prefecture} {self.municipality}: {touched} 業務の {len(self.updates)} セルが変わります"
            f"（{self.unchanged} セルは台帳と同じ）。"
        )


class StepImportService(AreaService):
    def plan(
        self, statuses: dict[str, tuple[str, ...]], *, source: str, prefecture: str, municipality: str
    ) -> ImportPlan:
        """What taking in `statuses` (business code → the 40 status codes) would change."""
        ref = reference.load()
        current: dict[tuple[str, int], str] = {}
        for code, seq, status in self.store.query(
            "SELECT s.business_code, c.step_seq, c.status FROM step_cell c JOIN system s ON s.id = c.system_id "
            "WHERE s.business_code IS NOT NULL"
        ):
            current[(code, seq)] = status
        updates, unchanged = [], 0
        for business in ref.businesses:
            wanted = statuses.get(business.code)
            if wanted is None or len(wanted) != ref.step_count:
                raise ValidationError("取り込み", f"「{business.name_ja}」の 40 ステップがそろっていません。")
            for step, new in zip(ref.steps, wanted, strict=True):
                if new not in ref.status_by_code:
                    raise ValidationError("取り込み", f"不明なステータス「{new}」です。")
                old = current[(business.code, step.seq)]
                if old == new:
                    unchanged += 1
                else:
                    updates.append(CellUpdate(business.code, step.seq, old, new))
        return ImportPlan(source, prefecture, municipality, tuple(updates), unchanged)

    def apply(self, plan: ImportPlan, *, backup_dir: Path | None, clock: Clock = SYSTEM_CLOCK) -> ChangeSet:
        """Apply `plan` all-or-nothing (a checked backup first when `backup_dir` is given). Refused when a cell it
        would change no longer holds the status the plan was made from (the ledger changed since the preview)."""
        from soloit.services.bulk import apply_batch

        if not plan.updates:
            return ChangeSet(batch="", action="import", reason=plan.reason, changes=())
        stale = [u for u in plan.updates if self._status(u.business_code, u.seq) != u.old]
        if stale:
            raise ValidationError(
                "取り込み",
                f"確認した後に台帳が変わりました（{stale[0].describe()} など {len(stale)} セル）。もう一度取り込んでください。",
            )
        edits = [Edit(CELL, cell_key(u.business_code, u.seq), "status", u.new) for u in plan.updates]
        return apply_batch(
            self.store, edits, actor=self.context.actor, action="import", reason=plan.reason,
            backup_dir=backup_dir, clock=clock,
        )

    def _status(self, business_code: str, seq: int) -> str | None:
        rows = self.store.query(
            "SELECT c.status FROM step_cell c JOIN system s ON s.id = c.system_id WHERE s.business_code = ? AND c.step_seq = ?",
            (business_code, seq),
        )
        return rows[0][0] if rows else None
