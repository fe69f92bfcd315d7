"""Creating a new ledger file: schema, the 20 businesses × 40 steps, and the municipality, in one go."""

from __future__ import annotations

from pathlib import Path

from soloit import __version__, reference
from soloit.domain.lgcode import normalise
from soloit.services import fields
from soloit.services.changes import Edit, apply_edits
from soloit.services.errors import ValidationError
from soloit.services.fields import CREATE, MUNICIPALITY
from soloit.store import journal
from soloit.store.db import Store, create_database
from soloit.store.models import Meta, StepCell, System

MUNICIPALITY_KEY = "1"


def validate_profile(prefecture_code: str, name: str, lg_code: str) -> tuple[str, str, str]:
    """The cleaned profile, or ValidationError naming the field (before any file is touched)."""
    from soloit.domain.lgcode import problem

    ref = reference.load()
    if prefecture_code not in ref.prefecture_by_code:
        raise ValidationError("都道府県", "一覧から選んでください。")
    name = fields.spec(MUNICIPALITY, "name").clean(name)
    lg_code = normalise(lg_code or "")
    issue = problem(lg_code, prefecture_code)
    if issue:
        raise ValidationError("団体コード", issue)
    return prefecture_code, name, lg_code


def create_ledger(path: Path, prefecture_code: str, name: str, lg_code: str, *, actor: str) -> Store:
    """A new database at `path` for one municipality. Nothing is left on disk when anything fails."""
    prefecture_code, name, lg_code = validate_profile(prefecture_code, name, lg_code)
    store = create_database(path)
    try:
        with store.write() as session:
            seed(session, actor=actor)
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
                reason="新規作成",
            )
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return store


def seed(session, *, actor: str) -> None:
    """The 20 business systems and their 40 cells each (all 未着手): the baseline the journal starts from."""
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
    session.add(Meta(key="created_at", value=journal.now_text()))
    session.flush()
    journal.append(
        session,
        [journal.NewEntry("database", "-", CREATE, None, "created")],
        actor=actor,
        batch="seed",
        action="create",
        reason="データベースを作成（20業務×40ステップを未着手で登録）",
    )


def open_existing(path: Path) -> Store:
    """Open an existing ledger (for callers above services, which do not import the store)."""
    from soloit.store.db import open_database

    return open_database(path)
