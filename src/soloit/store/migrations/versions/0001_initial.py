"""The migration ledger: municipality, organisations, systems, step cells, the hash-chained journal.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefecture_code", sa.String(2), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("lg_code", sa.String(6), nullable=False),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "system",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("business_code", sa.String(40), unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("current_vendor_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("current_product", sa.String(200)),
        sa.Column("target_vendor_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("target_product", sa.String(200)),
        sa.Column("hosting", sa.String(20)),
        sa.Column("planned_start", sa.Date()),
        sa.Column("planned_go_live", sa.Date()),
        sa.Column("actual_go_live", sa.Date()),
        sa.Column("tokutei", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("tokutei_reason", sa.String(40)),
        sa.Column("tokutei_reason_text", sa.String(500)),
        sa.Column("tokutei_target_date", sa.Date()),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "step_cell",
        sa.Column("system_id", sa.Integer(), sa.ForeignKey("system.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("step_seq", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("planned_date", sa.Date()),
        sa.Column("actual_date", sa.Date()),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("batch", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_key", sa.String(64), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_journal_entity", "journal", ["entity", "entity_key"])
    # The journal is append-only at the SQL level too: the app never updates or deletes an entry.
    op.execute(
        "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal "
        "BEGIN SELECT RAISE(ABORT, 'soloit journal is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal "
        "BEGIN SELECT RAISE(ABORT, 'soloit journal is append-only'); END"
    )


def downgrade() -> None:
    raise NotImplementedError("soloit never downgrades; restore a backup instead")
