"""The store encrypted at rest: nothing readable without its key, the key in the keyring or behind a
passphrase, a store copied elsewhere unreadable, an older plaintext store encrypted once with its copies."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from memory_keyring import MemoryKeyring
from sqlcipher_pages import data_dir_bytes
from store_keys import CHEAP_COST, TEST_PASSPHRASE, open_test_store, store_key_for

from desktop.app import build_parser
from desktop.domain.ticket import TicketDraft
from desktop.keyring_service import KeyringService
from desktop.services.store_unlock import (
    KEY_INFO_FILENAME,
    PASSPHRASE_ENV,
    SERVICE,
    KeyUnavailable,
    PassphraseNeeded,
    StoreUnlock,
)
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.service import TicketService
from desktop.store import cipher
from desktop.store.engine import DB_FILENAME
from desktop.store.local import LocalStore

REPO = Path(__file__).resolve().parents[2]
NAME, PHONE, ADDRESS = "Hoàng Thị Bảo Mật", "0912 777 888", "Số 9 ngõ Kín, phường Tràng Tiền"
TRACES = [NAME.encode(), b"+84912777888", ADDRESS.encode()]


def write_a_ticket(store: LocalStore) -> None:
    TicketService(store, "dtv-lan").create(
        TicketDraft(content="Hỏi cấp đổi căn cước", phone=PHONE, citizen_name=NAME, citizen_address=ADDRESS)
    )


def raw_bytes(data_dir: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(data_dir.glob("tongdai1022*")) if path.is_file())


def tongdai(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env if env is not None else os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_citizen_is_readable_in_the_store_files_but_all_are_there_with_the_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    write_a_ticket(store)
    everything_in_the_clear = raw_bytes(data_dir)
    decrypted = data_dir_bytes(data_dir, store.key)
    store.close()

    for trace in TRACES:
        assert trace not in everything_in_the_clear, trace
        assert trace in decrypted, trace  # the reader above works: the same bytes, decrypted, hold them
    assert not cipher.is_plaintext(data_dir / DB_FILENAME)


def test_the_store_file_opened_without_its_key_or_with_another_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    write_a_ticket(store)
    store.close()
    path = data_dir / DB_FILENAME

    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM tickets")
    with pytest.raises(cipher.StoreLocked):
        cipher.connect(path, cipher.StoreKey.random())
    with pytest.raises(cipher.StoreLocked):
        LocalStore.open(data_dir, key=cipher.StoreKey.random())
    reopened = LocalStore.open(data_dir, key=store_key_for(data_dir))
    assert CallerHistoryService(reopened).lookup(PHONE).citizen is not None
    reopened.close()


def test_with_a_keyring_the_key_is_random_kept_there_and_written_nowhere_on_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    backend = MemoryKeyring()
    unlock = StoreUnlock(data_dir, KeyringService(SERVICE, backend))
    assert unlock.method() is None

    key = unlock.key()  # no passphrase asked
    store = LocalStore.open(data_dir, key=key)
    write_a_ticket(store)
    store.close()

    info = json.loads((data_dir / KEY_INFO_FILENAME).read_text(encoding="utf-8"))
    assert info["kind"] == "keyring" and key.hex() not in json.dumps(info)
    assert backend.get_password(SERVICE, info["entry"]) == key.hex()
    on_disk = b"".join(path.read_bytes() for path in data_dir.rglob("*") if path.is_file())
    assert key.hex().encode() not in on_disk and key.raw not in on_disk
    assert StoreUnlock(data_dir, KeyringService(SERVICE, backend)).key() == key  # the next start


def test_a_store_copied_to_another_computer_cannot_be_read_there(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    here = MemoryKeyring()
    store = LocalStore.open(data_dir, key=StoreUnlock(data_dir, KeyringService(SERVICE, here)).key())
    write_a_ticket(store)
    store.close()
    stolen = tmp_path / "stolen"
    shutil.copytree(data_dir, stolen)

    elsewhere = StoreUnlock(stolen, KeyringService(SERVICE, MemoryKeyring()))
    with pytest.raises(KeyUnavailable, match="kho khóa"):
        elsewhere.key()
    (stolen / KEY_INFO_FILENAME).unlink()  # nor by pretending it never had a key
    with pytest.raises(KeyUnavailable, match=KEY_INFO_FILENAME):
        elsewhere.key()
    for trace in TRACES:
        assert trace not in raw_bytes(stolen)


def test_without_a_keyring_a_passphrase_is_chosen_then_asked_and_a_wrong_one_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    no_keyring = KeyringService(SERVICE, None)
    unlock = StoreUnlock(data_dir, no_keyring, cost=CHEAP_COST)
    with pytest.raises(PassphraseNeeded) as first:
        unlock.key()
    assert first.value.new
    with pytest.raises(KeyUnavailable, match="ít nhất 10"):
        unlock.key("ngắn")
    store = LocalStore.open(data_dir, key=unlock.key("một mật khẩu dài"))
    write_a_ticket(store)
    store.close()

    with pytest.raises(PassphraseNeeded) as later:
        unlock.key()
    assert not later.value.new
    with pytest.raises(cipher.StoreLocked):
        LocalStore.open(data_dir, key=unlock.key("mật khẩu khác hẳn"))
    assert LocalStore.open(data_dir, key=unlock.key("một mật khẩu dài")).client_id


def make_plaintext(data_dir: Path, key: cipher.StoreKey) -> None:
    """Turns an encrypted test store back into what an older desk left: a plaintext file, and a plaintext
    pre-upgrade copy beside it."""
    path = data_dir / DB_FILENAME
    plain = path.with_name("plain.sqlite3")
    connection = cipher.connect(path, key, isolation_level=None)
    connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    connection.execute("SELECT sqlcipher_export('plain')")
    connection.execute("DETACH DATABASE plain")
    connection.close()
    for leftover in data_dir.glob(f"{DB_FILENAME}-*"):
        leftover.unlink()
    os.replace(plain, path)
    shutil.copyfile(path, data_dir / "tongdai1022.truoc-nang-cap-0009-20260101-080000.sqlite3")
    assert cipher.is_plaintext(path)


def test_a_plaintext_store_of_an_older_desk_is_encrypted_once_with_progress_and_its_copies_too(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    for _ in range(200):
        write_a_ticket(store)
    key = store.key
    store.close()
    make_plaintext(data_dir, key)
    assert NAME.encode() in raw_bytes(data_dir)

    heard: list[float] = []
    store = LocalStore.open(data_dir, key=key, on_encrypting=heard.append)
    history = CallerHistoryService(store).lookup(PHONE, ticket_limit=500)
    store.close()

    assert len(history.tickets) == 200
    assert heard and heard[-1] == 1.0 and heard == sorted(heard)
    for trace in TRACES:
        assert trace not in raw_bytes(data_dir), trace
    for copy in [data_dir / DB_FILENAME, *data_dir.glob("*.truoc-nang-cap-*")]:
        assert not cipher.is_plaintext(copy), copy.name
    assert not list(data_dir.glob("*.ma-hoa"))  # no temporary copy left behind


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command and subcommand of the CLI, by its words."""
    found = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_commands(sub, (*path, name)))
    return found


def test_every_command_takes_the_passphrase_from_a_named_environment_variable() -> None:
    commands = _commands(build_parser())
    assert {("history",), ("import-tickets",), ("kb", "search"), ("report",), ("sync",), ("doctor",)} <= set(
        commands
    )
    for words, parser in commands.items():
        options = {option for action in parser._actions for option in action.option_strings}
        assert "--passphrase-env" in options, words


def test_the_cli_opens_a_passphrase_store_from_its_variable_and_says_what_is_missing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    write_a_ticket(store)
    store.close()
    bare = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}

    found = tongdai(
        data_dir,
        "history",
        PHONE,
        "--json",
        "--passphrase-env",
        "KHO_1022",
        env={**bare, "KHO_1022": TEST_PASSPHRASE},
    )
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["citizen"]["name"] == NAME

    missing = tongdai(data_dir, "history", PHONE, env=bare)
    assert missing.returncode == 2
    assert "--passphrase-env" in missing.stderr and "Traceback" not in missing.stderr

    wrong = tongdai(
        data_dir,
        "history",
        PHONE,
        "--passphrase-env",
        "KHO_1022",
        env={**bare, "KHO_1022": "sai mật khẩu rồi"},
    )
    assert wrong.returncode == 2
    assert "không đúng" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_doctor_checks_an_encrypted_store_with_its_key_and_says_when_it_has_none(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_test_store(data_dir).close()
    bare = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}

    with_key = tongdai(data_dir, "doctor", "--json", "--no-network")
    store_check = next(check for check in json.loads(with_key.stdout) if check["key"] == "store")
    assert store_check["status"] == "ok", store_check

    without = tongdai(data_dir, "doctor", "--json", "--no-network", env=bare)
    store_check = next(check for check in json.loads(without.stdout) if check["key"] == "store")
    assert store_check["status"] == "warn" and "mã hóa" in store_check["detail"]
