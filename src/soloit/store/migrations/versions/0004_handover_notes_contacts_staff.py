"""Handover notes, contacts (and their links to systems and contracts), staff and rotations (異動・引継ぎ).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("label", sa.String(420), nullable=False),
        sa.Column(left[0], sa.Integer(), sa.ForeignKey(left[1])),
        sa.Column(right[0], sa.Integer(), sa.ForeignKey(right[1])),
    )


def upgrade() -> None:
    op.create_table(
        "handover_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("body", sa.Text()),
        sa.Column("subject", sa.String(80)),
        sa.Column("author", sa.String(100)),
        sa.Column("note_date", sa.Date()),
        sa.Column("pinned", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("role", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("mail", sa.String(254)),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("start_date", sa.Date()),
        sa.Column("end_date", sa.Date()),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "rotation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("successor_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("appointment_date", sa.Date()),
        sa.Column("deadline", sa.Date()),
        sa.Column("witness", sa.String(100)),
        sa.Column("notes", sa.Text()),
    )
    _link("contact_system", ("contact_id", "contact.id"), ("system_id", "system.id"))
    _link("contact_contract", ("contact_id", "contact.id"), ("contract_id", "contract.id"))


def downgrade() -> None:
    raise NotImplementedError("soloit never downgrades; restore a backup instead")
