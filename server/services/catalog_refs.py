"""The catalog a pushed ticket's unit and field are checked against: server tables over the shipped one."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy.orm import Session

from protocol.contract import CatalogEntry, CatalogLookup
from protocol.shipped_catalogs import shipped_entries
from server.models import Field, Unit


def session_lookup(session: Session) -> CatalogLookup:
    """Entries read through `session` (in its transaction), remembered for the lookup's life."""

    def read(kind: str, code: str) -> CatalogEntry | None:
        if kind == "unit":
            unit = session.get(Unit, code)
            return None if unit is None else CatalogEntry(unit.name, unit.active, unit.merged_into)
        field = session.get(Field, code)
        return None if field is None else CatalogEntry(field.name, field.active)

    return _over_shipped(read)


_ALL = {
    "unit": "SELECT code, name, active, merged_into FROM units",
    "field": "SELECT code, name, active, NULL FROM fields",
}


def connection_lookup(connection: psycopg.Connection[Any]) -> CatalogLookup:
    """Entries read on a raw connection (the PostgreSQL push's batch): each catalog in one query, on
    first use, for the batch (a catalog is a few hundred rows; a batch names many of them)."""
    tables: dict[str, dict[str, CatalogEntry]] = {}

    def read(kind: str, code: str) -> CatalogEntry | None:
        if kind not in tables:
            rows = connection.execute(_ALL[kind]).fetchall()
            tables[kind] = {row[0]: CatalogEntry(row[1], bool(row[2]), row[3]) for row in rows}
        return tables[kind].get(code)

    return _over_shipped(read)


def _over_shipped(read: CatalogLookup) -> CatalogLookup:
    """The server's row when it has one (an admin's edit, a retirement, a merge), else the shipped entry."""
    known: dict[tuple[str, str], CatalogEntry | None] = {}

    def lookup(kind: str, code: str) -> CatalogEntry | None:
        key = (kind, code)
        if key not in known:
            known[key] = read(kind, code) or shipped_entries(kind).get(code)
        return known[key]

    return lookup
