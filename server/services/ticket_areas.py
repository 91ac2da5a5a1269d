"""The area code stored on server tickets (tickets.area_code): the catalog's matcher (reports.areas) run once
per address when a push brings it, instead of at every report. PostgreSQL only (its trigger empties the
code when the address changes; SQLite's report reads the addresses)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from protocol import Mutation
from reports.areas import AreaResolver, CatalogArea

log = logging.getLogger(__name__)
NO_AREA = ""  # stamped: the address names no area of the catalog (NULL: not stamped yet)

_CATALOG = text('SELECT code, name, "group", active, merged_into FROM units')
# One statement for many tickets: a join with the (address, area) pairs, never an UPDATE per address.
_STAMP = text(
    "UPDATE tickets t SET area_code = m.area"
    " FROM (SELECT unnest(CAST(:addresses AS text[])) AS address, unnest(CAST(:areas AS text[])) AS area) m"
    " WHERE t.citizen_address = m.address"
    " AND (t.area_code IS NULL OR (:again AND t.area_code IS DISTINCT FROM m.area))"
    " AND (CAST(:ids AS text[]) IS NULL"
    " OR t.id = ANY(CAST(:ids AS text[])))"
)


def catalog_areas(connection: Connection) -> AreaResolver:
    return AreaResolver(CatalogArea(*row) for row in connection.execute(_CATALOG))


def stamp_all(connection: Connection) -> int:
    """Stamps every ticket that has no area code yet; returns how many."""
    addresses = connection.execute(
        text("SELECT DISTINCT citizen_address FROM tickets WHERE area_code IS NULL")
    ).scalars()
    return _stamp(connection, [address or "" for address in addresses], None)


def restamp_all(connection: Connection) -> int:
    """After the catalog's areas changed (a name, a new commune): every ticket's area read again, the rows
    whose area differs rewritten. A merge needs none of it: the report follows `merged_into`."""
    if connection.dialect.name != "postgresql":
        return 0
    addresses = connection.execute(text("SELECT DISTINCT citizen_address FROM tickets")).scalars()
    return _stamp(connection, [address or "" for address in addresses], None, again=True)


def stamp_pushed(engine: Engine, mutations: Iterable[Mutation]) -> None:
    """After a push: stamps its tickets that have no area code (new, or their address changed). A failure
    only leaves them unstamped: the report then reads their addresses."""
    ids = sorted({mutation.entity_id for mutation in mutations if mutation.entity == "ticket"})
    if not ids or engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as connection:
            addresses = connection.execute(
                text(
                    "SELECT DISTINCT citizen_address FROM tickets WHERE id = ANY(:ids) AND area_code IS NULL"
                ),
                {"ids": ids},
            ).scalars()
            _stamp(connection, [address or "" for address in addresses], ids)
    except SQLAlchemyError as error:
        log.warning(
            "area codes not stamped after a push (%s): the report reads those addresses", type(error).__name__
        )


def _stamp(connection: Connection, addresses: list[str], ids: list[str] | None, again: bool = False) -> int:
    if not addresses:
        return 0
    areas = catalog_areas(connection)
    codes = [areas.code_of(address) or NO_AREA for address in addresses]
    done = connection.execute(_STAMP, {"addresses": addresses, "areas": codes, "ids": ids, "again": again})
    return done.rowcount
