"""DX initiatives and their KPIs, funding sources, budget lines, contracts, tasks, closed days, and the links
between initiatives, budget lines, contracts and systems.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The reference list of funding sources as this revision ships it (resources/reference/standardization.json,
# funding_sources): rows 1..9, never deleted; a user's own sources are numbered after them.
FUNDING_SOURCES = (
    ("ippan_zaigen", "一般財源"),
    ("digital_kiban_hojokin", "デジタル基盤改革支援補助金"),
    ("tokubetsu_kofuzei", "特別交付税"),
    ("digiden_kofukin", "デジタル田園都市国家構想交付金"),
    ("chiho_sosei_kofukin", "新しい地方経済・生活環境創生交付金"),
    ("digital_katsuyo_jigyohi", "デジタル活用推進事業費（地方財政措置）"),
    ("chiiki_digital_suishinhi", "地域デジタル社会推進費（地方財政措置）"),
    ("pref_hojokin", "県補助金"),
    ("sonota", "その他"),
)


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
        "funding_source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("start_date", sa.Date()),
        sa.Column("end_date", sa.Date()),
        sa.Column("description", sa.Text()),
    )
    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(20)),
        sa.Column("target", sa.String(40)),
        sa.Column("actual", sa.String(40)),
        sa.Column("as_of", sa.Date()),
    )
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("account", sa.String(200)),
        sa.Column("kind", sa.String(20)),
        sa.Column("requested", sa.BigInteger()),
        sa.Column("budget", sa.BigInteger()),
        sa.Column("contracted", sa.BigInteger()),
        sa.Column("spent", sa.BigInteger()),
        sa.Column("funding_source_id", sa.Integer(), sa.ForeignKey("funding_source.id")),
        sa.Column("subsidy", sa.BigInteger()),
        sa.Column("notes", sa.Text()),
    )
    op.create_index("ix_budget_line_fiscal_year", "budget_line", ["fiscal_year"])
    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("vendor_id", sa.Integer(), sa.ForeignKey("organisation.id")),
        sa.Column("start_date", sa.Date()),
        sa.Column("end_date", sa.Date()),
        sa.Column("amount", sa.BigInteger()),
        sa.Column("notice_days", sa.Integer()),
        sa.Column("document", sa.String(500)),
        sa.Column("notes", sa.Text()),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recurrence", sa.String(60)),
        sa.Column("system_id", sa.Integer(), sa.ForeignKey("system.id")),
        sa.Column("cell_key", sa.String(64)),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id")),
        sa.Column("budget_line_id", sa.Integer(), sa.ForeignKey("budget_line.id")),
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contract.id")),
        sa.Column("notes", sa.Text()),
        sa.Column("followed_by_id", sa.Integer(), sa.ForeignKey("task.id")),
    )
    op.create_index("ix_task_due_date", "task", ["due_date"])
    op.create_table(
        "closed_day",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("day", sa.Date()),
    )
    _link("initiative_system", ("initiative_id", "initiative.id"), ("system_id", "system.id"))
    _link("initiative_budget", ("initiative_id", "initiative.id"), ("budget_line_id", "budget_line.id"))
    _link("budget_system", ("budget_line_id", "budget_line.id"), ("system_id", "system.id"))
    _link("contract_system", ("contract_id", "contract.id"), ("system_id", "system.id"))
    conn = op.get_bind()
    for order, (code, name) in enumerate(FUNDING_SOURCES, start=1):
        conn.exec_driver_sql(
            "INSERT INTO funding_source (id, code, name, sort_order) VALUES (?, ?, ?, ?)", (order, code, name, order)
        )


def downgrade() -> None:
    raise NotImplementedError("soloit never downgrades; restore a backup instead")
