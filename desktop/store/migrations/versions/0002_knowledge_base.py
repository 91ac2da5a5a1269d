"""Knowledge base: procedure records and provinces' variants, abbreviations, Q&A and their links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.String(length=10), nullable=True),
        sa.Column("effective_to", sa.String(length=10), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_procedures")),
    )
    op.create_index("ix_kb_procedures_code_province", "kb_procedures", ["code", "province"], unique=True)
    op.create_table(
        "kb_aliases",
        sa.Column("folded", sa.String(length=100), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("expansions", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("folded", name=op.f("pk_kb_aliases")),
    )
    op.create_table(
        "kb_qa",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_qa")),
    )
    op.create_table(
        "kb_qa_procedures",
        sa.Column("qa_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["qa_id"], ["kb_qa.id"], name=op.f("fk_kb_qa_procedures_qa_id_kb_qa"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("qa_id", "code", name=op.f("pk_kb_qa_procedures")),
    )
    op.create_index(op.f("ix_kb_qa_procedures_code"), "kb_qa_procedures", ["code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_qa_procedures_code"), table_name="kb_qa_procedures")
    op.drop_table("kb_qa_procedures")
    op.drop_table("kb_qa")
    op.drop_table("kb_aliases")
    op.drop_index("ix_kb_procedures_code_province", table_name="kb_procedures")
    op.drop_table("kb_procedures")
