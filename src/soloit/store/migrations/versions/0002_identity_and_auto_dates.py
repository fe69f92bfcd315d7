"""Every database gets an identity (kept by its backups and restores); a step's 実績日 remembers when it was
filled in automatically (so leaving 完了済み clears only an automatic date).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("step_cell") as batch:
        batch.add_column(sa.Column("actual_date_auto", sa.Boolean(), nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    if conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'database_id'").first() is None:
        # A database from before identities: derive its identity from its first journal entry (the moment and the
        # person that created it), so its older backups, upgraded later, derive the very same identity.
        first = conn.exec_driver_sql("SELECT hash FROM journal WHERE id = 1").first()
        identity = first[0][:32] if first else uuid.uuid4().hex
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('database_id', ?)", (identity,))
    # soloit 0.1 did not mark its demo: one holding the demo municipality (団体コード 109991, fictional, from
    # resources/demo/demo.json as 0.1 shipped it) is marked now, so its backups stay apart from real ones.
    is_demo = conn.exec_driver_sql("SELECT 1 FROM municipality WHERE id = 1 AND lg_code = '109991'").first()
    if is_demo is not None and conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'demo'").first() is None:
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('demo', '1')")


def downgrade() -> None:
    raise NotImplementedError("soloit never downgrades; restore a backup instead")
