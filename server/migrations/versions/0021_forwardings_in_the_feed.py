"""Forwardings reach the desks (issue #17 point 1): each one is a server-owned record in the change feed,
with a version that grows at every step, the deadline it was given when forwarded, and the requests for
more time a unit made before its latest one. Every forwarding made before this revision is put in the
feed here, after everything already in it: a desk gets them all at its next pull (from whatever cursor
it stands at), with no full re-pull and no special request of the desk.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 05:40:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)
BATCH = 2000

_forwardings = sa.table(
    "forwardings",
    *(sa.column(name) for name in ("id", "ticket_id", "unit_code", "state", "forwarded_by", "answered_by")),
    *(sa.column(name) for name in ("answer", "attachment", "return_reason", "extension_reason")),
    *(sa.column(name) for name in ("extension_state", "extension_asked_by", "extension_decided_by")),
    sa.column("extension_days", sa.Integer),
    sa.column("deadline", sa.Date),
    sa.column("first_deadline", sa.Date),
    *(sa.column(name, WHEN) for name in ("forwarded_at", "answered_at", "returned_at")),
    *(sa.column(name, WHEN) for name in ("extension_asked_at", "extension_decided_at")),
)
_feed = sa.table(
    "feed",
    sa.column("entity"),
    sa.column("entity_id"),
    sa.column("position", sa.BigInteger),
    sa.column("version", sa.Integer),
    sa.column("tombstone", sa.Boolean),
    sa.column("data", JSON),
    sa.column("origin_client"),
)


def upgrade() -> None:
    with op.batch_alter_table("forwardings") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))
        table.add_column(sa.Column("first_deadline", sa.Date(), nullable=True))
        table.add_column(
            sa.Column("earlier_extensions", JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    # A deadline no supervisor moved is the one the forward gave; a moved one's first is not known any more.
    op.execute("UPDATE forwardings SET first_deadline = deadline WHERE extension_state != 'granted'")
    _backfill_feed()


def downgrade() -> None:
    op.execute("DELETE FROM feed WHERE entity = 'forwarding'")
    with op.batch_alter_table("forwardings") as table:
        table.drop_column("earlier_extensions")
        table.drop_column("first_deadline")
        table.drop_column("version")


def _backfill_feed() -> None:
    """Every forwarding as the server publishes it from now on (`forwarding.forwarding_data`, as it is at
    this revision), at feed positions after the current head, oldest forwarding first."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_forwardings).order_by(_forwardings.c.forwarded_at, _forwardings.c.id)
    ).all()
    if not rows:
        return
    # The counter's row lock (see server/services/feed.py) is held until this migration commits.
    head = bind.execute(
        sa.text("UPDATE feed_counter SET value = value + :count WHERE id = 1 RETURNING value"),
        {"count": len(rows)},
    ).scalar_one()
    first = int(head) - len(rows) + 1
    entries = [
        {
            "entity": "forwarding",
            "entity_id": row.id,
            "position": first + n,
            "version": 1,
            "tombstone": False,
            "data": _data(row._mapping),
            "origin_client": "may-chu",
        }
        for n, row in enumerate(rows)
    ]
    for start in range(0, len(entries), BATCH):
        bind.execute(sa.insert(_feed), entries[start : start + BATCH])


def _data(row: Any) -> dict[str, Any]:
    return {
        "ticket_id": row["ticket_id"],
        "unit_code": row["unit_code"],
        "state": row["state"],
        "forwarded_at": _when(row["forwarded_at"]),
        "forwarded_by": row["forwarded_by"],
        "deadline": _day(row["deadline"]),
        "first_deadline": _day(row["first_deadline"]),
        "answered_at": _when(row["answered_at"]) if row["state"] == "answered" else None,
        "answered_by": row["answered_by"] or "",
        "answer": (row["answer"] or "") if row["state"] == "answered" else "",
        "has_attachment": bool(row["attachment"]) and row["state"] == "answered",
        "returned_at": _when(row["returned_at"]),
        "return_reason": row["return_reason"] or "",
        "extension_state": row["extension_state"] or "",
        "extension_reason": row["extension_reason"] or "",
        "extension_days": row["extension_days"] or 0,
        "extension_asked_at": _when(row["extension_asked_at"]),
        "extension_asked_by": row["extension_asked_by"] or "",
        "extension_decided_at": _when(row["extension_decided_at"]),
        "extension_decided_by": row["extension_decided_by"] or "",
        "earlier_extensions": [],
    }


def _when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
