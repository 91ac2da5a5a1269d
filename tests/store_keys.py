"""The test stores' key: a passphrase every test process knows, stretched cheaply (the real cost is 64 MiB).

Stores opened with `open_test_store` carry a key file that names this cheap argon2 cost, so a command
run as a subprocess (which reads TONGDAI1022_PASSPHRASE, set for the whole suite by tests/conftest.py)
derives the same key as the test that made the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.keyring_service import KeyringService
from desktop.services.store_unlock import StoreUnlock
from desktop.store.cipher import StoreKey
from desktop.store.local import LocalStore

TEST_PASSPHRASE = "mat-khau-kho-thu-nghiem"
CHEAP_COST = {"time_cost": 1, "memory_kib": 1024, "parallelism": 1}


def store_key_for(data_dir: Path) -> StoreKey:
    """The key of the test store in `data_dir`, set up on first use (no keyring: the passphrase)."""
    no_keyring = KeyringService("tongdai1022-tests", None)
    return StoreUnlock(data_dir, no_keyring, cost=CHEAP_COST).key(TEST_PASSPHRASE)


def open_test_store(data_dir: Path, **options: Any) -> LocalStore:
    return LocalStore.open(data_dir, key=store_key_for(data_dir), **options)
