"""The access trail's subjects can be erased (issue #18 point 4): entries hash a keyed digest of their
subject, and the append-only guard lets exactly one update through, a version-2 entry's subject replaced
by the erasure's mark, every other column unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "Nhật ký truy cập chỉ được ghi thêm, không sửa hay xóa."
ERASED = "(đã xóa)"
KEPT = ("seq", "at", "recorded_at", "actor", "origin", "subject_kind", "screen", "reason", "previous_hash",
        "entry_hash", "subject_digest", "hash_version")  # fmt: skip


def _unchanged(new: str, old: str, same: str) -> str:
    return " AND ".join(f"{new}.{column} {same} {old}.{column}" for column in KEPT)


def upgrade() -> None:
    op.add_column(
        "access_trail", sa.Column("subject_digest", sa.String(64), nullable=False, server_default="")
    )
    op.add_column("access_trail", sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1"))
    op.create_index("ix_access_trail_subject_digest", "access_trail", ["subject_digest"])
    erasure_only = f"OLD.hash_version = 2 AND NEW.subject = '{ERASED}'"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            DROP TRIGGER access_trail_append_only ON access_trail;
            CREATE TRIGGER access_trail_append_only BEFORE DELETE OR TRUNCATE ON access_trail
            FOR EACH STATEMENT EXECUTE FUNCTION access_trail_append_only();
            CREATE FUNCTION access_trail_erasure_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF {erasure_only} AND {_unchanged("NEW", "OLD", "IS NOT DISTINCT FROM")} THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION '{REFUSAL}';
            END $$;
            CREATE TRIGGER access_trail_erasure_only BEFORE UPDATE ON access_trail
            FOR EACH ROW EXECUTE FUNCTION access_trail_erasure_only();
            """
        )
    else:
        op.execute("DROP TRIGGER access_trail_no_update")
        op.execute(
            "CREATE TRIGGER access_trail_no_update BEFORE UPDATE ON access_trail "
            f"WHEN NOT ({erasure_only} AND {_unchanged('NEW', 'OLD', 'IS')}) "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            DROP TRIGGER access_trail_erasure_only ON access_trail;
            DROP FUNCTION access_trail_erasure_only();
            DROP TRIGGER access_trail_append_only ON access_trail;
            CREATE TRIGGER access_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_trail
            FOR EACH STATEMENT EXECUTE FUNCTION access_trail_append_only();
            """
        )
    else:
        op.execute("DROP TRIGGER access_trail_no_update")
        op.execute(
            "CREATE TRIGGER access_trail_no_update BEFORE UPDATE ON access_trail "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )
    op.drop_index("ix_access_trail_subject_digest", table_name="access_trail")
    op.drop_column("access_trail", "hash_version")
    op.drop_column("access_trail", "subject_digest")
