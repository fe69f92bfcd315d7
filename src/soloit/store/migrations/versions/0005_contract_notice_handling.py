"""A contract's notice handled: the decision (更新する / 解約する / 申出済み), the day it was decided and the 契約終了日
it was decided for (a new term makes the notice due again).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("notice_decision", sa.String(20)))
        batch.add_column(sa.Column("notice_decided_on", sa.Date()))
        batch.add_column(sa.Column("notice_for", sa.Date()))


def downgrade() -> None:
    raise NotImplementedError("soloit never downgrades; restore a backup instead")
