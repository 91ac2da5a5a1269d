"""The area code stored on server tickets (tickets.area_code): the catalog's matcher (reports.areas) run once
per address when a push brings it, instead of at every report. PostgreSQL only (its trigger empties the
code when the address changes; SQLite's report reads the addresses).

The code stored is the area the address names, merged away or not: the report follows `merged_into` when
it counts (AreaResolver.current), so a merge, and its undoing, holds for every ticket at once.

A catalog edit that renames an area (or makes a unit one, or undoes a merge) only asks for the tickets to
be read again (`ask_restamp`, in the edit's transaction); `restamp_asked` does it after the admin's answer
is sent, one job at a time, again if another edit came meanwhile; a server that stopped before it ran does
it when it starts (server.cli). Meanwhile the report names each stored code as the catalog names it now."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from protocol import Mutation
from reports.areas import AreaResolver, CatalogArea

log = logging.getLogger(__name__)
NO_AREA = ""  # stamped: the address names no area of the catalog (NULL: not stamped yet)
RESTAMP_ASKED = "areas_restamp_asked"  # server_meta: the catalog's areas changed since the tickets were read
_RESTAMP_LOCK = 1022_0016  # pg advisory lock: the re-reads of all the server's processes in turn

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
    """After the catalog's areas changed (a name, a new commune, a merge undone): every ticket's area read
    again, the rows whose area differs rewritten. A merge needs none of it: the report follows
    `merged_into`."""
    if connection.dialect.name != "postgresql":
        return 0
    addresses = connection.execute(text("SELECT DISTINCT citizen_address FROM tickets")).scalars()
    return _stamp(connection, [address or "" for address in addresses], None, again=True)


def ask_restamp(connection: Connection) -> bool:
    """In a catalog edit's transaction: asks for every ticket's area to be read again (a new token, so a
    job already running reads once more); False where nothing is stored (SQLite)."""
    if connection.dialect.name != "postgresql":
        return False
    connection.execute(
        text(
            "INSERT INTO server_meta (key, value) VALUES (:key, :token)"
            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        ),
        {"key": RESTAMP_ASKED, "token": uuid.uuid4().hex},
    )
    return True


def restamp_asked(engine: Engine) -> int:
    """Reads the tickets' areas again while it is asked (after the edits' commits); returns the tickets
    rewritten. The jobs of all processes take turns; each reads the token once it has its turn, so an edit
    committed during a job is read by that job's next round or by the job after it."""
    if engine.dialect.name != "postgresql":
        return 0
    rewritten = 0
    while True:
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _RESTAMP_LOCK})
            token = connection.execute(
                text("SELECT value FROM server_meta WHERE key = :key"), {"key": RESTAMP_ASKED}
            ).scalar()
            if token is None:
                return rewritten
            rewritten += restamp_all(connection)
            connection.execute(
                text("DELETE FROM server_meta WHERE key = :key AND value = :token"),
                {"key": RESTAMP_ASKED, "token": token},
            )


def restamp_in_background(engine: Engine) -> None:
    """`restamp_asked` for a background task: a failure is logged and the request stays asked (the next
    edit or the server's next start reads the tickets again)."""
    try:
        restamp_asked(engine)
    except SQLAlchemyError as error:
        log.warning(
            "areas of the tickets not read again (%s): asked again at the next start", type(error).__name__
        )


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
    codes = [areas.named_code(address) or NO_AREA for address in addresses]
    done = connection.execute(_STAMP, {"addresses": addresses, "areas": codes, "ids": ids, "again": again})
    return done.rowcount
