"""Which server and which user this desk syncs as (no secrets: those live in the keyring)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Login:
    server_url: str
    username: str
