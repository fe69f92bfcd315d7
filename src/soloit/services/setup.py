"""Creating a new ledger file: schema, the 20 businesses × 40 steps, and the municipality, in one go."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from soloit import reference
from soloit.domain.clock import SYSTEM_CLOCK, Clock
from soloit.domain.lgcode import normalise
from soloit.services.changes import Edit, apply_edits
from soloit.services.entities import MUNICIPALITY, MUNICIPALITY_KEY, spec
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE
from soloit.store import journal
from soloit.store.db import Store, create_database

SETUP_REASON = "新規作成"  # the reason of the 団体 entered when the database is made (soloit's words, not a decision)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def validate_profile(prefecture_code: str, name: str, lg_code: str) -> tuple[str, str, str]:
    """The cleaned profile, or ValidationError naming the field (before any file is touched)."""
    from soloit.domain.lgcode import problem

    ref = reference.load()
    if prefecture_code not in ref.prefecture_by_code:
        raise ValidationError("都道府県", "一覧から選んでください。")
    name = spec(MUNICIPALITY, "name").clean(name)
    lg_code = normalise(lg_code or "")
    issue = problem(lg_code, prefecture_code)
    if issue:
        raise ValidationError("団体コード", issue)
    return prefecture_code, name, lg_code


def create_ledger(
    path: Path,
    prefecture_code: str,
    name: str,
    lg_code: str,
    *,
    actor: str,
    clock: Clock = SYSTEM_CLOCK,
    demo: bool = False,
) -> Store:
    """A new database at `path` for one municipality. Nothing is left on disk when anything fails."""
    prefecture_code, name, lg_code = validate_profile(prefecture_code, name, lg_code)
    store = create_database(path, demo=demo)
    try:
        with store.write() as session:
            seed(session, actor=actor, clock=clock)
            apply_edits(
                session,
                [
                    Edit(MUNICIPALITY, MUNICIPALITY_KEY, CREATE, name),
                    Edit(MUNICIPALITY, MUNICIPALITY_KEY, "prefecture_code", prefecture_code),
                    Edit(MUNICIPALITY, MUNICIPALITY_KEY, "name", name),
                    Edit(MUNICIPALITY, MUNICIPALITY_KEY, "lg_code", lg_code),
                ],
                actor=actor,
                action="create",
                reason=SETUP_REASON,
                clock=clock,
            )
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return store


def seed(session: Session, *, actor: str, clock: Clock = SYSTEM_CLOCK) -> None:
    """The 20 business systems and their 40 cells each (all 未着手): the baseline the journal starts from."""
    from soloit import __version__
    from soloit.store.models import Meta, StepCell, System

    ref = reference.load()
    default = ref.default_status.code
    for business in ref.businesses:
        session.add(
            System(id=business.order, business_code=business.code, name=business.name_ja, sort_order=business.order,
                   tokutei=False)
        )
    session.flush()
    session.add_all(
        StepCell(system_id=business.order, step_seq=step.seq, status=default)
        for business in ref.businesses
        for step in ref.steps
    )
    session.add(Meta(key="created_by_version", value=__version__))
    session.add(Meta(key="created_at", value=journal.now_text(clock)))
    session.flush()
    journal.append(
        session,
        [journal.NewEntry("database", "-", CREATE, None, "created")],
        actor=actor,
        batch="seed",
        action="create",
        reason="データベースを作成（20業務×40ステップを未着手で登録）",
        clock=clock,
    )


def open_existing(path: Path) -> Store:
    """Open an existing ledger (for callers above services, which do not import the store)."""
    from soloit.store.db import open_database

    return open_database(path)
