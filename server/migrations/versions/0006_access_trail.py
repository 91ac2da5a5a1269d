"""The access trail: who looked at which citizen's data, hash-chained and append-only (issue #18, point 3).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 16:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
REFUSAL = "Nhật ký truy cập chỉ được ghi thêm, không sửa hay xóa."


def upgrade() -> None:
    op.create_table(
        "access_trail",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("subject_kind", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("screen", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_trail")),
    )
    op.create_index("ix_access_trail_subject", "access_trail", ["subject"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION access_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$;
            CREATE TRIGGER access_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_trail
            FOR EACH STATEMENT EXECUTE FUNCTION access_trail_append_only();
            """
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER access_trail_no_{event.lower()} BEFORE {event} ON access_trail "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER access_trail_append_only ON access_trail")
        op.execute("DROP FUNCTION access_trail_append_only()")
    op.drop_index("ix_access_trail_subject", table_name="access_trail")
    op.drop_table("access_trail")
