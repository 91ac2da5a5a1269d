"""Sync with the central server: cursors, applied changes, conflicts (issue #5).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("server_url", sa.String(length=300), nullable=False),
        sa.Column("server_id", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.String(length=64), nullable=False),
        sa.Column("numbered_through", sa.Integer(), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("acked_seq", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.String(length=32), nullable=True),
        sa.Column("restore_detected_at", sa.String(length=32), nullable=True),
        sa.Column("restore_detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_pushes",
        sa.Column("outbox_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("client_seq", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("acked_at", sa.String(length=32), nullable=True),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_seq"], ["outbox.seq"], name=op.f("fk_sync_pushes_outbox_seq_outbox")
        ),
        sa.PrimaryKeyConstraint("outbox_seq", name=op.f("pk_sync_pushes")),
        sa.UniqueConstraint("client_seq", name=op.f("uq_sync_pushes_client_seq")),
    )
    with op.batch_alter_table("sync_pushes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_pushes_unseen_rejected",
            ["client_seq"],
            unique=False,
            sqlite_where=sa.text("outcome = 'rejected'"),
        )
    op.create_table(
        "sync_versions",
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=80), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_id", name=op.f("pk_sync_versions")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("base_value", sa.Text(), nullable=False),
        sa.Column("local_value", sa.Text(), nullable=False),
        sa.Column("server_value", sa.Text(), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("client_seq", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("conflict_id", name=op.f("uq_sync_conflicts_conflict_id")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(
            "ix_sync_conflicts_open", ["id"], unique=False, sqlite_where=sa.text("resolved_at IS NULL")
        )


def downgrade() -> None:
    op.drop_table("sync_conflicts")
    op.drop_table("sync_versions")
    op.drop_table("sync_pushes")
    op.drop_table("sync_state")
