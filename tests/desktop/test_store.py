"""The local store: where it lives, its pragmas, and migrations that copy the database aside first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from store_keys import open_test_store

from desktop.settings import HOME_ENV, resolve_data_dir
from desktop.store import cipher
from desktop.store import engine as store_engine
from desktop.store.local import LocalStore


def test_data_dir_comes_from_the_flag_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_dir(None) == tmp_path / "from-env"
    monkeypatch.delenv(HOME_ENV)
    assert "tongdai1022" in str(resolve_data_dir(None))


def test_the_store_runs_in_wal_with_full_sync_and_foreign_keys(store: LocalStore) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_new_store_is_migrated_to_head_and_seeded_with_the_catalogs(store: LocalStore) -> None:
    assert store_engine.current_revision(store.engine) == store_engine.head_revision()
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM units")).scalar() == 52
        assert connection.execute(text("SELECT count(*) FROM levels")).scalar() == 4
        assert connection.execute(text("SELECT count(*) FROM holidays")).scalar() > 50
    assert store.backup_before_migration is None


def test_reopening_keeps_the_client_id_and_its_key_and_does_not_reload_catalogs(data_dir: Path) -> None:
    first = open_test_store(data_dir)
    with first.engine.begin() as connection:
        connection.execute(text("UPDATE units SET name = 'Đổi tên ở máy này' WHERE code = 'so-y-te'"))
    first.close()
    second = open_test_store(data_dir)
    with second.engine.connect() as connection:
        name = connection.execute(text("SELECT name FROM units WHERE code = 'so-y-te'")).scalar()
    second.close()
    assert second.client_id == first.client_id
    assert second.identity == first.identity and len(second.identity.key) >= 32
    assert second.identity.key not in repr(second.identity)
    assert name == "Đổi tên ở máy này"


NEXT_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "next"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("callback_notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("callback_notes")
"""


def test_an_old_database_is_copied_aside_before_it_is_migrated(data_dir: Path, tmp_path: Path) -> None:
    store = open_test_store(data_dir)
    with store.engine.begin() as connection:
        connection.execute(text("INSERT INTO meta VALUES ('marker', 'dữ liệu cũ')"))
    newer_scripts = tmp_path / "migrations"
    shutil.copytree(store_engine.MIGRATIONS, newer_scripts)
    head = store_engine.head_revision()
    (newer_scripts / "versions" / "next_callback_notes.py").write_text(NEXT_REVISION.format(head=head))

    copy = store_engine.migrate(store.engine, store.path, store.key, newer_scripts)

    assert copy is not None and copy.parent == data_dir
    assert f"truoc-nang-cap-{head}" in copy.name
    assert store_engine.current_revision(store.engine) == "next"
    assert not cipher.is_plaintext(copy), "the copy aside is encrypted with the store's key"
    old = cipher.connect(copy, store.key)
    assert old.execute("SELECT value FROM meta WHERE key = 'marker'").fetchone() == ("dữ liệu cũ",)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
    old.close()
    assert store_engine.migrate(store.engine, store.path, store.key, newer_scripts) is None
    store.close()


def test_a_bulk_write_skips_foreign_key_lookups_and_gives_its_connection_back_checking_them(
    store: LocalStore,
) -> None:
    with store_engine.bulk_writer(store.engine) as connection:
        raw = connection.connection.driver_connection
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 0
        connection.execute(text("INSERT INTO meta (key, value) VALUES ('bulk', 'yes')"))

    assert raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert raw.execute("PRAGMA threads").fetchone() == (0,)
    with store.engine.connect() as reader:
        assert reader.execute(text("SELECT value FROM meta WHERE key = 'bulk'")).scalar_one() == "yes"
