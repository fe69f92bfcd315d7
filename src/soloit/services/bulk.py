"""All-or-nothing bulk changes (the demo loader now; every importer later): validate everything first, then
apply in one transaction. A rejected batch leaves the database exactly as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.services import entities
from soloit.services.changes import ChangeSet, Edit, apply_edits
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE
from soloit.store.db import Store

MAX_BATCH = 200_000


@dataclass(frozen=True, slots=True)
class BatchProblem:
    index: int  # position of the edit in the batch (0-based); -1 when it concerns the batch as a whole
    field_label: str
    message_ja: str

    def describe(self) -> str:
        where = f"{self.index + 1}件目" if self.index >= 0 else "全体"
        return f"{where}【{self.field_label}】{self.message_ja}"


class BatchRejectedError(ValidationError):
    """The batch was refused; nothing was saved. `problems` lists every problem found before writing."""

    def __init__(self, problems: list[BatchProblem]) -> None:
        self.problems = problems
        shown = "\n".join(p.describe() for p in problems[:10])
        more = f"\n…ほか {len(problems) - 10} 件" if len(problems) > 10 else ""
        super().__init__("一括変更", f"{len(problems)}件の問題があるため、何も保存していません。\n{shown}{more}")


def validate_batch(edits: Sequence[Edit]) -> list[BatchProblem]:
    """Every problem that can be found without the database: unknown fields, bad values, lengths, dates."""
    problems: list[BatchProblem] = []
    if len(edits) > MAX_BATCH:
        return [BatchProblem(-1, "一括変更", f"一度に変更できるのは {MAX_BATCH} 件までです。")]
    for i, edit in enumerate(edits):
        if not isinstance(edit, Edit):
            problems.append(BatchProblem(i, "一括変更", "変更の形式が正しくありません。"))
            continue
        kind = entities.ENTITIES.get(edit.entity) if isinstance(edit.entity, str) else None
        if kind is None or not isinstance(edit.field, str) or not kind.has_field(edit.field):
            problems.append(BatchProblem(i, "一括変更", f"不明な項目です（{edit.entity}.{edit.field}）。"))
            continue
        spec = kind.spec(edit.field)
        if not kind.valid_key(edit.key):
            problems.append(BatchProblem(i, spec.label_ja, f"対象の指定「{edit.key}」が正しくありません。"))
            continue
        if edit.field == CREATE and edit.value is None:
            continue
        try:
            spec.clean(edit.value)
        except ValidationError as exc:
            problems.append(BatchProblem(i, exc.field_label, exc.message_ja))
    return problems


def apply_batch(
    store: Store,
    edits: Sequence[Edit],
    *,
    actor: str,
    action: str = "import",
    reason: str | None = None,
    backup_dir: Path | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ChangeSet:
    """Validate all of `edits`, then apply them in one transaction, or raise BatchRejectedError having saved nothing.

    With `backup_dir`, a checked backup ("pre-import") is made after validation and before anything is written."""
    problems = validate_batch(edits)
    if problems:
        raise BatchRejectedError(problems)
    if backup_dir is not None:
        from soloit.store.backup import make_backup

        make_backup(store.path, backup_dir, kind="pre-import")
    try:
        with store.write() as session:
            return apply_edits(session, list(edits), actor=actor, action=action, reason=reason, clock=clock)
    except BatchRejectedError:
        raise
    except ValidationError as exc:  # found against the database (a missing row, a cross-field rule): rolled back
        raise BatchRejectedError([BatchProblem(-1, exc.field_label, exc.message_ja)]) from exc
