"""Migration 0013 on real PostgreSQL: access trail entries written before 0011 (their hash covers the
citizen's number) become digest entries, the trail is re-chained once in the open (an audit row and an
entry of the trail itself), a chain that was already broken stays broken at the same entry, and the old
entries can then be erased like the newer ones."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from server_lab import REPO, SECRET, Postgres
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from protocol.erasure import ERASED_SUBJECT
from server.db import alembic_config, create_server_engine
from server.models import AccessEntry, AccessRechain
from server.services import access_trail
from server.services.access_trail import GENESIS, entry_hash

LAN, BINH = "+84912345678", "+84903111222"
START = datetime(2026, 11, 20, 1, 2, 3, 456789, tzinfo=UTC)


@pytest.fixture
def engine(postgres: Postgres) -> Iterator[Engine]:
    made = create_server_engine(postgres.url(postgres.create_database()))
    yield made
    made.dispose()


def upgrade(engine: Engine, revision: str) -> None:
    command.upgrade(alembic_config(engine), revision)


def write_version_1_entries(engine: Engine, subjects: list[str]) -> list[str]:
    """Entries as desks pushed them before 0011 (at 0010 the trail has no digest and no version)."""
    hashes, previous = [], GENESIS
    with engine.begin() as connection:
        for n, subject in enumerate(subjects):
            values = {
                "at": START + timedelta(minutes=n),
                "actor": f"dtv{n % 2 + 1}",
                "origin": "desk-a",
                "subject_kind": "phone",
                "subject": subject,
                "screen": "history_panel",
                "reason": "call" if n % 2 else "search",
            }
            current = entry_hash(previous, values, 1)
            connection.execute(
                text(
                    "INSERT INTO access_trail (at, recorded_at, actor, origin, subject_kind, subject, screen,"
                    " reason, previous_hash, entry_hash) VALUES (:at, :at, :actor, :origin, :subject_kind,"
                    " :subject, :screen, :reason, :previous, :hash)"
                ),
                {**values, "previous": previous, "hash": current},
            )
            hashes.append(current)
            previous = current
    return hashes


def add_version_2_entry(engine: Engine, subject: str) -> None:
    with Session(engine) as session, session.begin():
        access_trail.record_access(
            session,
            actor="dtv1",
            origin="desk-b",
            subject_kind="phone",
            subject=subject,
            screen="call_popup",
            reason="call",
            at=START + timedelta(days=1),
        )


def admin_command(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "server", "--db", url, *args],
        cwd=REPO,
        env={**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET},
        capture_output=True,
        text=True,
        timeout=120,
    )


def trail(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT seq, subject, subject_kind, reason, hash_version, entry_hash"
                " FROM access_trail ORDER BY seq"
            )
        )
        return [dict(row._mapping) for row in rows]


def seen(engine: Engine, subject: str) -> list[int]:
    with Session(engine) as session:
        found = access_trail.who_accessed(
            session, subject, START - timedelta(days=1), START + timedelta(days=9)
        )
        return [entry.seq for entry in found]


def check(engine: Engine) -> access_trail.Broken | None:
    with Session(engine) as session:
        return access_trail.verify(session)


def test_entries_from_before_0011_become_digests_and_the_rechain_is_on_record(engine: Engine) -> None:
    upgrade(engine, "0010")
    old_hashes = write_version_1_entries(engine, [LAN, BINH, LAN, BINH, LAN])
    upgrade(engine, "0011")
    add_version_2_entry(engine, LAN)
    before = trail(engine)
    assert [row["hash_version"] for row in before] == [1, 1, 1, 1, 1, 2]
    assert check(engine) is None
    lan_seen_before = seen(engine, LAN)
    assert len(lan_seen_before) == 4
    with Session(engine) as session, session.begin():  # 0011 cannot erase a version-1 entry's number
        access_trail.erase_subjects(session, [LAN], [])
    assert [row["subject"] for row in trail(engine)].count(LAN) == 3

    upgrade(engine, "head")

    after = trail(engine)
    assert [row["hash_version"] for row in after] == [2] * 7
    assert check(engine) is None
    assert seen(engine, LAN) == lan_seen_before and len(seen(engine, BINH)) == 2
    assert not {row["entry_hash"] for row in after} & set(old_hashes)  # no hash of a number is left
    marker = after[-1]
    assert (marker["subject_kind"], marker["reason"], marker["subject"]) == (
        "trail",
        "rechain",
        before[-1]["entry_hash"],
    )
    with Session(engine) as session:
        (audit,) = session.query(AccessRechain).all()
        marker_entry = session.get(AccessEntry, marker["seq"])
        assert marker_entry is not None and marker_entry.actor == "he-thong"
    assert (audit.revision, audit.entries, audit.converted, audit.rehashed) == ("0013", 6, 5, 6)
    assert audit.first_seq == before[0]["seq"] and audit.broken_before == ""
    assert (audit.head_before, audit.head_after) == (before[-1]["entry_hash"], marker["entry_hash"])
    asked = admin_command(
        engine, "access-log", "--phone", "0912 345 678", "--from", "2026-11-01", "--to", "2026-12-31"
    )
    assert asked.returncode == 0, asked.stderr
    assert "4 lần xem" in asked.stdout and "nguyên vẹn" in asked.stdout
    assert f"đầu chuỗi trước đó {audit.head_before}" in asked.stdout  # the admin is told, with the old head

    with Session(engine) as session, session.begin():  # the old entries now erase like the new ones
        assert access_trail.erase_subjects(session, [LAN], []) == 3
    assert LAN not in {row["subject"] for row in trail(engine)}
    assert [row["subject"] for row in trail(engine)].count(ERASED_SUBJECT) == 4
    assert check(engine) is None and seen(engine, LAN) == lan_seen_before

    with engine.connect() as connection:  # the guards are back, on the trail and on its audit
        for statement in (
            "UPDATE access_trail SET actor = 'ai-do' WHERE seq = 1",
            "UPDATE access_trail SET entry_hash = previous_hash WHERE seq = 2",
            "DELETE FROM access_trail WHERE seq = 3",
            "UPDATE access_trail_rechains SET head_before = head_after",
            "DELETE FROM access_trail_rechains",
        ):
            with pytest.raises(DBAPIError) as refused, connection.begin():
                connection.execute(text(statement))
            assert "chỉ được ghi thêm" in str(refused.value)


def test_a_chain_broken_before_the_migration_stays_broken_at_the_same_entry(engine: Engine) -> None:
    upgrade(engine, "0010")
    write_version_1_entries(engine, [LAN, BINH, LAN, BINH, LAN, BINH])
    with engine.begin() as connection:  # the database's owner lifts the guard and edits one entry
        connection.execute(text("ALTER TABLE access_trail DISABLE TRIGGER access_trail_append_only"))
        connection.execute(text("UPDATE access_trail SET actor = 'ai-do' WHERE seq = 4"))
        connection.execute(text("ALTER TABLE access_trail ENABLE TRIGGER access_trail_append_only"))
    upgrade(engine, "0011")
    broken = check(engine)
    assert broken is not None and broken.seq == 4 and "bị sửa" in broken.problem

    upgrade(engine, "head")

    assert check(engine) == broken  # not healed by the re-chaining
    rows = trail(engine)
    assert rows[3]["hash_version"] == 1 and rows[3]["subject"] == BINH  # the evidence stays as found
    assert [row["hash_version"] for row in rows[:3] + rows[4:]] == [2] * 6
    with Session(engine) as session:
        (audit,) = session.query(AccessRechain).all()
    assert audit.converted == 5 and "mục 4" in audit.broken_before and "bị sửa" in audit.broken_before
    assert seen(engine, BINH) == [2, 4, 6]  # the edited entry is found by its digest too


def test_a_deleted_entry_before_the_migration_is_still_reported(engine: Engine) -> None:
    upgrade(engine, "0010")
    write_version_1_entries(engine, [LAN, BINH, LAN, BINH])
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE access_trail DISABLE TRIGGER access_trail_append_only"))
        connection.execute(text("DELETE FROM access_trail WHERE seq = 2"))
        connection.execute(text("ALTER TABLE access_trail ENABLE TRIGGER access_trail_append_only"))
    upgrade(engine, "head")
    broken = check(engine)
    assert broken is not None and broken.seq == 3 and "bị xóa" in broken.problem
    assert [row["hash_version"] for row in trail(engine)] == [2, 2, 2, 2]  # three entries and the marker


def test_a_trail_without_version_1_entries_is_left_as_it_is(engine: Engine) -> None:
    upgrade(engine, "0011")
    add_version_2_entry(engine, LAN)
    before = trail(engine)
    upgrade(engine, "head")
    assert trail(engine) == before and check(engine) is None
    with Session(engine) as session:
        assert session.query(AccessRechain).count() == 0
