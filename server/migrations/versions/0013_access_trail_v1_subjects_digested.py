"""Access trail entries written before 0011 (version 1: their hash covers the citizen's number itself) become
version-2 entries (the hash covers the number's keyed digest), so that an erasure can take the number out
of them too and "who saw X" finds them by digest like the rest (issue #18 point 4).

Why the trail is re-chained, and how. A version-1 entry's hash is SHA-256 over its fields, the number
included, and every later entry holds that hash as its `previous_hash`. No stored value lets anyone check
that hash without the number, so an entry cannot lose its number and keep its hash: the converted entries
get new hashes, and so does every entry after the first of them. Re-chaining is what a forger would do, so
it is done once, here, in the open:
- under the trail's writer lock and an exclusive table lock, in one transaction (a failure changes nothing);
- the chain is walked as it is before anything is rewritten. A break found (a deleted or edited entry) is
  carried over, not healed: a link that did not match still does not, an entry whose hash did not match
  keeps its stored hash (and its version 1 and its subject: evidence stays as found), so `verify` reports
  the same first break at the same entry after the migration as before it;
- the event is recorded twice: a row of `access_trail_rechains` (append-only: counts, the first rewritten
  entry, the chain's head before and after, the break found if any), and an entry appended to the trail
  itself (actor "he-thong", kind "trail", reason "rechain", subject the head before), which the new chain
  covers. Whoever noted the old head (a printed check, a copy of the database) can match it there;
- the old hashes are not kept: with the other fields known, an old hash would let anyone try every phone
  number against it, which is what this revision removes.

Downgrade drops the audit table only: version-2 entries are what 0011's code reads and verifies anyway.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 22:40:00
"""

import logging
import secrets
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from server.services.access_trail import GENESIS, entry_hash, subject_digest

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
REFUSAL = "Nhật ký truy cập chỉ được ghi thêm, không sửa hay xóa."
DIGEST_KEY = "access_trail_digest_key"
WRITER_LOCK = 1022018  # record_access's advisory lock
COLUMNS = ("seq", "at", "actor", "origin", "subject_kind", "subject", "screen", "reason", "previous_hash",
           "entry_hash", "subject_digest", "hash_version")  # fmt: skip
BATCH = 2000
WHEN = sa.DateTime(timezone=True)  # read back as verify reads it (a naive SQLite value is UTC)


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table(
        "access_trail_rechains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.String(32), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("converted", sa.Integer(), nullable=False),
        sa.Column("rehashed", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("head_before", sa.String(64), nullable=False),
        sa.Column("head_after", sa.String(64), nullable=False),
        sa.Column("broken_before", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_trail_rechains")),
    )
    if postgres:
        op.execute(
            """
            CREATE TRIGGER access_trail_rechains_append_only
            BEFORE UPDATE OR DELETE OR TRUNCATE ON access_trail_rechains
            FOR EACH STATEMENT EXECUTE FUNCTION access_trail_append_only();
            """
        )
        op.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        op.execute("LOCK TABLE access_trail IN EXCLUSIVE MODE")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER access_trail_rechains_no_{event.lower()} BEFORE {event}"
                f" ON access_trail_rechains BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
    if not bind.execute(sa.text("SELECT 1 FROM access_trail WHERE hash_version = 1 LIMIT 1")).first():
        return
    if postgres:
        op.execute("ALTER TABLE access_trail DISABLE TRIGGER access_trail_erasure_only")
        _rechain(bind)
        op.execute("ALTER TABLE access_trail ENABLE TRIGGER access_trail_erasure_only")
    else:
        guard = bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'access_trail_no_update'"
            )
        ).scalar_one()
        op.execute("DROP TRIGGER access_trail_no_update")
        _rechain(bind)
        op.execute(guard)


def _digest_key(bind: sa.Connection) -> bytes:
    value = bind.execute(sa.text("SELECT value FROM server_meta WHERE key = :k"), {"k": DIGEST_KEY}).scalar()
    if value is None:
        value = secrets.token_hex(32)
        bind.execute(
            sa.text("INSERT INTO server_meta (key, value) VALUES (:k, :v)"), {"k": DIGEST_KEY, "v": value}
        )
    return bytes.fromhex(value)


def _rechain(bind: sa.Connection) -> None:
    key = _digest_key(bind)
    old_previous = new_previous = GENESIS
    entries = converted = rehashed = 0
    first_seq: int | None = None
    broken = ""
    updates: list[dict[str, object]] = []
    for entry in _entries(bind):
        entries += 1
        version = entry["hash_version"]
        link_held = entry["previous_hash"] == old_previous
        content_held = entry_hash(entry["previous_hash"], entry, version) == entry["entry_hash"]
        if not broken and not link_held:
            broken = f"mục {entry['seq']}: một mục phía trước đã bị xóa hoặc sửa (mắt xích không khớp)"
        elif not broken and not content_held:
            broken = f"mục {entry['seq']}: nội dung mục này đã bị sửa"
        old_previous = entry["entry_hash"]
        changed = dict(entry)
        if version == 1:
            changed["subject_digest"] = subject_digest(key, entry["subject"])
            if content_held:  # an edited entry is evidence: it stays version 1, as found
                changed["hash_version"] = 2
                converted += 1
        if link_held:
            changed["previous_hash"] = new_previous
        if content_held:
            changed["entry_hash"] = entry_hash(changed["previous_hash"], changed, changed["hash_version"])
        if changed != entry:
            if first_seq is None:
                first_seq = entry["seq"]
            rehashed += changed["entry_hash"] != entry["entry_hash"]
            updates.append(
                {
                    name: changed[name]
                    for name in ("seq", "previous_hash", "entry_hash", "subject_digest", "hash_version")
                }
            )
        new_previous = changed["entry_hash"]
    _write(bind, updates)
    head_before, head_after = old_previous, new_previous
    now = datetime.now(UTC)
    marker = {
        "at": now,
        "actor": "he-thong",
        "origin": f"migration {revision}",
        "subject_kind": "trail",
        "subject": head_before,
        "subject_digest": subject_digest(key, head_before),
        "screen": f"migration {revision}",
        "reason": "rechain",
    }
    marker_hash = entry_hash(head_after, marker, 2)
    bind.execute(
        sa.text(
            "INSERT INTO access_trail (at, recorded_at, actor, origin, subject_kind, subject, screen, reason,"
            " previous_hash, entry_hash, subject_digest, hash_version) VALUES (:at, :at, :actor, :origin,"
            " :subject_kind, :subject, :screen, :reason, :previous, :hash, :subject_digest, 2)"
        ).bindparams(sa.bindparam("at", type_=WHEN)),
        {**marker, "previous": head_after, "hash": marker_hash},
    )
    bind.execute(
        sa.text(
            "INSERT INTO access_trail_rechains (at, revision, entries, converted, rehashed, first_seq,"
            " head_before, head_after, broken_before) VALUES (:at, :revision, :entries, :converted,"
            " :rehashed, :first_seq, :head_before, :head_after, :broken)"
        ).bindparams(sa.bindparam("at", type_=WHEN)),
        {
            "at": now,
            "revision": revision,
            "entries": entries,
            "converted": converted,
            "rehashed": rehashed,
            "first_seq": first_seq or 0,
            "head_before": head_before,
            "head_after": marker_hash,
            "broken": broken,
        },
    )
    log.warning(
        "access trail re-chained: %d of %d entries converted to version 2, %d re-hashed from seq %s;"
        " head before %s, after %s%s",
        converted,
        entries,
        rehashed,
        first_seq,
        head_before,
        marker_hash,
        f"; the chain was already broken at {broken}" if broken else "",
    )


def _entries(bind: sa.Connection) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, a batch at a time (by seq: rewriting a batch never moves the next)."""
    query = sa.text(
        f"SELECT {', '.join(COLUMNS)} FROM access_trail WHERE seq > :after ORDER BY seq LIMIT {BATCH}"
    ).columns(at=WHEN)
    after = 0
    while True:
        batch = [dict(row) for row in bind.execute(query, {"after": after}).mappings()]
        if not batch:
            return
        yield from batch
        after = batch[-1]["seq"]


def _write(bind: sa.Connection, updates: list[dict[str, object]]) -> None:
    if updates:
        bind.execute(
            sa.text(
                "UPDATE access_trail SET previous_hash = :previous_hash, entry_hash = :entry_hash,"
                " subject_digest = :subject_digest, hash_version = :hash_version WHERE seq = :seq"
            ),
            updates,
        )
        updates.clear()


def downgrade() -> None:
    op.drop_table("access_trail_rechains")  # its triggers go with it
