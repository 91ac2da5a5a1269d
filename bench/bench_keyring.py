"""A keyring for the benchmarks: the desks they start find their store key as an office PC's keyring gives it.

The benchmark machines have no Secret Service; the desk there would ask for a passphrase at every start.
This backend (chosen with PYTHON_KEYRING_BACKEND, in the benchmarks' processes only) keeps entries in a
JSON file under the benchmark data folder, so a started desk looks its key up the way it would in
Windows Credential Manager: one call, no passphrase, no argon2.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

FILE_ENV = "TONGDAI1022_BENCH_KEYRING"
BACKEND = f"{__name__}.BenchKeyring"


class BenchKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _file(self) -> Path:
        return Path(os.environ[FILE_ENV])

    def _entries(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}\t{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._entries()
        entries[f"{service}\t{username}"] = password
        self._file.write_text(json.dumps(entries), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        entries.pop(f"{service}\t{username}", None)
        self._file.write_text(json.dumps(entries), encoding="utf-8")
