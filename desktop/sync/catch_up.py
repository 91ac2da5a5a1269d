"""Kinds of server records a desk's older release skipped in the feed, pulled again by themselves.

A desk ignores a feed entity its release does not know, and its cursor moves past it: a desk still on an
older release when the server began publishing forwardings (server 0022) never held those, and after its
own upgrade it would only get each at its next step. The store migration that brings a new kind lists it
here (meta key `catch_up:<entity>`, the cursor of its catch-up); the sync engine, before its own pull,
pulls that entity alone from there up to the desk's cursor (everything later comes with the usual pull)
and then forgets the key.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from desktop.store import models
from desktop.store.local import LocalStore

PREFIX = "catch_up:"


def key(entity: str) -> str:
    return PREFIX + entity


def waiting(store: LocalStore) -> dict[str, int]:
    """entity -> the cursor its catch-up stands at."""
    query = select(models.Meta.key, models.Meta.value).where(models.Meta.key.startswith(PREFIX))
    with store.sessions() as session:
        return {name.removeprefix(PREFIX): int(value or 0) for name, value in session.execute(query)}


def done(store: LocalStore, entity: str) -> None:
    with store.writes.begin() as session:
        session.execute(delete(models.Meta).where(models.Meta.key == key(entity)))
