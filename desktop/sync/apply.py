"""Applying a pulled page of server changes and its cursor in one SQLite transaction.

Changes from the server are written straight into the tables (never through the services), so
they make no outbox rows; the search index follows every ticket written; a ticket with edits not
yet pushed keeps them on top of the server's version (the server merges them when they arrive).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, text, update
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import OperationalError

from desktop.domain.clock import now_vn, to_vn
from desktop.services.erasure import erase_here
from desktop.services.phone.codes import CallbackKind, CallbackStatus
from desktop.services.tickets.rows import (
    BOOKKEEPING,
    delete_pulled,
    find_pulled,
    insert_pulled,
    stored_values,
    update_pulled,
)
from desktop.store import models
from desktop.store.forwarding_models import Forwarding
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncConflict
from desktop.store.types import IsoDate, VnDateTime
from desktop.sync.acks import to_json
from desktop.sync.apply_surveys import ENTITY as SURVEY_ATTEMPT
from desktop.sync.apply_surveys import apply_survey_attempt
from desktop.sync.events import AppliedPage
from desktop.sync.state import load_state
from protocol import STAMPED_TICKET_FIELDS, Change
from protocol.erasure import ENTITY as ERASURE

log = logging.getLogger(__name__)

FORWARDING = "forwarding"  # the server's, read-only here: desks never push one

# Catalog entity → its table and the column its feed key (entity_id) fills.
CATALOG_TABLES: dict[str, tuple[type[models.Base], str]] = {
    "unit": (models.Unit, "code"),
    "field": (models.Field, "code"),
    "level": (models.LevelRule, "level"),
    "holiday": (models.Holiday, "day"),
    "kb_qa": (models.KbQa, "id"),
    "setting": (models.CentralSetting, "name"),
}


def apply_page(
    store: LocalStore,
    changes: Sequence[Change],
    cursor: int,
    server_epoch: str = "",
    *,
    catch_up_key: str = "",
) -> AppliedPage:
    """Runs on the sync worker: the page and the cursor after it commit together or not at all. With
    `catch_up_key` the page is a catch-up of one kind of record (desktop.sync.catch_up): the cursor kept
    is that key's in the store's meta table, the desk's own cursor stays where it is.

    One change this desk cannot apply (a value its store refuses, a bug) must not stop the desk's pull for
    good: the page is then applied again change by change, each in a savepoint, the ones that fail are
    reported in `unapplied` (kinds and ids only: no personal data in the log) and the cursor moves on.
    """
    try:
        return _apply_page(store, changes, cursor, server_epoch, catch_up_key, one_by_one=False)
    except OperationalError:
        raise  # the store itself (busy, full, read-only): the whole page waits for the next cycle
    except Exception as error:
        log.warning("pulled page not applied whole (%s): applying it change by change", type(error).__name__)
        return _apply_page(store, changes, cursor, server_epoch, catch_up_key, one_by_one=True)


def _apply_page(
    store: LocalStore,
    changes: Sequence[Change],
    cursor: int,
    server_epoch: str,
    catch_up_key: str,
    *,
    one_by_one: bool,
) -> AppliedPage:
    result = AppliedPage()
    with store.writes.begin() as session:
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None
        page = _PageContext(
            edited=set(connection.scalars(_EDITED_NOT_PUSHED)) if changes else set(),
            catalog_codes=set(),
            raw=driver.cursor(),
        )
        for change in changes:
            if not one_by_one:
                _apply_change(connection, change, page, result)
                continue
            savepoint = connection.begin_nested()
            try:
                _apply_change(connection, change, page, result)
            except OperationalError:
                raise
            except Exception as error:
                savepoint.rollback()
                result.unapplied.append((change.entity, change.entity_id))
                log.error(
                    "pulled %s %s not applied: %s", change.entity, change.entity_id, type(error).__name__
                )
            else:
                savepoint.commit()
        if catch_up_key:
            session.merge(models.Meta(key=catch_up_key, value=str(cursor)))
            return result
        state = load_state(session)
        state.cursor = str(cursor)
        if server_epoch:
            state.server_id = server_epoch
    return result


def _apply_change(connection: Connection, change: Change, page: _PageContext, result: AppliedPage) -> None:
    if not _newer(page.raw, change):
        result.skipped += 1
        return
    if change.entity == "ticket":
        _apply_ticket(connection, change, page)
        result.tickets.append(change.entity_id)
    elif change.entity == "call":
        _apply_call(connection, page.raw, change)
    elif change.entity == FORWARDING:
        result.tickets.append(_apply_forwarding(connection, change))
    elif change.entity == "conflict":
        _apply_conflict(connection, change)
        result.conflicts_changed = True
    elif change.entity == SURVEY_ATTEMPT:
        if not apply_survey_attempt(connection, change):
            result.skipped += 1  # its ticket is not here yet; the server sends it again after it
            return
    elif change.entity == ERASURE:
        digest = str(_fields(change).get("phone_digest", ""))
        result.erased_recordings += erase_here(page.raw, digest)
        result.erased = True
        result.tickets.append("")  # the list shows the redacted tickets
    elif change.entity in CATALOG_TABLES:
        _apply_catalog(connection, change)
        if change.entity.startswith("kb_"):
            result.kb_changed = True
        else:
            result.catalogs_changed = True
    else:
        result.skipped += 1  # an entity this desktop version does not know
        return
    _remember_version(page.raw, change)
    result.applied += 1


@dataclass
class _PageContext:
    """Looked up once per page instead of once per change."""

    edited: set[str]  # tickets with edits not pushed yet
    catalog_codes: set[tuple[str, str]]  # units and fields known to exist
    raw: Any  # the transaction's sqlite3 cursor, for the statements run for every change


_EDITED_NOT_PUSHED = text("SELECT DISTINCT entity_id FROM outbox WHERE pushed_at IS NULL AND op = 'update'")


def _fields(change: Change) -> Mapping[str, Any]:
    return change.fields or {}


# The statements run for every pulled change go to the transaction's sqlite3 cursor as plain SQL:
# through SQLAlchemy each cost ~80 µs to prepare, ten times what SQLite takes to run it, and a page
# of tickets ran seven of them per change (the desktop pulled 800 changes/s, a bare client 24,000).
_KNOWN_VERSION = "SELECT server_version FROM sync_versions WHERE entity = ? AND entity_id = ?"
_REMEMBER_VERSION = (
    "INSERT INTO sync_versions (entity, entity_id, server_version) VALUES (?, ?, ?) "
    "ON CONFLICT (entity, entity_id) DO UPDATE SET server_version = excluded.server_version"
)
_CITIZEN_BY_PHONE = "SELECT id FROM citizens WHERE phone = ?"
_BIND_TIME = VnDateTime().bind_processor(sqlite_dialect())
_NEW_CITIZEN = (
    "INSERT INTO citizens (id, phone, name, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
)


def _newer(raw: Any, change: Change) -> bool:
    found = raw.execute(_KNOWN_VERSION, (change.entity, change.entity_id)).fetchone()
    return found is None or change.version > found[0]


def _remember_version(raw: Any, change: Change) -> None:
    raw.execute(_REMEMBER_VERSION, (change.entity, change.entity_id, change.version))


def _columns(table: Table, data: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values of `data` this table has, parsed to what its column types take."""
    kinds = _column_kinds(table)
    values: dict[str, Any] = {}
    for name, value in data.items():
        kind = kinds.get(name)
        if kind is None or name in skip:
            continue
        if isinstance(value, str):
            if kind is VnDateTime:
                value = to_vn(datetime.fromisoformat(value))
            elif kind is IsoDate:
                value = date.fromisoformat(value[:10])
        elif isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        values[name] = value
    return values


@cache
def _column_kinds(table: Table) -> dict[str, type | None]:
    """Per column of the table: VnDateTime or IsoDate when a text from the feed must be parsed."""
    return {
        column.name: type(column.type) if isinstance(column.type, (VnDateTime, IsoDate)) else object
        for column in table.columns
    }


# ---- tickets ------------------------------------------------------------------------------------


def _pending_edits(connection: Connection, ticket_id: str) -> dict[str, Any]:
    """The fields this desktop changed and has not pushed yet, latest value last."""
    outbox = models.OutboxMutation
    payloads = connection.scalars(
        select(outbox.payload)
        .where(outbox.entity_id == ticket_id, outbox.op == "update", outbox.pushed_at.is_(None))
        .order_by(outbox.seq)
    ).all()
    edits: dict[str, Any] = {}
    for payload in payloads:
        edits.update(json.loads(payload).get("changes", {}))
    return edits


def _apply_ticket(connection: Connection, change: Change, page: _PageContext) -> None:
    table = models.Ticket.__table__
    assert isinstance(table, Table)
    raw = page.raw
    current = find_pulled(raw, change.entity_id)
    if change.tombstone:
        if current is not None:
            delete_pulled(connection, current)
        return
    values = _columns(table, _fields(change), skip=("pk", "id", "version", "citizen_id"))
    if change.entity_id in page.edited:
        pending = _pending_edits(connection, change.entity_id)
        values.update(_columns(table, pending, skip=("pk", "id")))
        for moment in pending.keys() & STAMPED_TICKET_FIELDS.keys():  # our step, not pushed yet: our name
            values.pop(STAMPED_TICKET_FIELDS[moment], None)
    for name, parent in (("unit_code", models.Unit), ("field_code", models.Field)):
        code = values.get(name)
        if code and (name, code) not in page.catalog_codes:
            _ensure_catalog_entry(connection, parent, code)
            page.catalog_codes.add((name, code))
    values["citizen_id"] = _citizen_for(raw, values)
    if current is None:
        now = now_vn()
        values.setdefault("created_at", now)
        values.setdefault("updated_at", now)
        values["id"] = change.entity_id
        values["version"] = change.version
        insert_pulled(raw, values)
        return
    stored = stored_values(values)
    if all(current.get(name) == value for name, value in stored.items() if name not in BOOKKEEPING):
        return  # our own change coming back (the server's own timestamps aside), or nothing new here
    stored.pop("created_at", None)  # when the operator typed it here, not when the server got it
    stored["version"] = max(current["version"] + 1, change.version)
    update_pulled(raw, current, stored)
    if current.get("unit_answered_at") is not None and stored.get("unit_answered_at", "kept") is None:
        _answer_superseded(raw, change.entity_id)


def _answer_superseded(raw: Any, ticket_id: str) -> None:
    """The ticket was forwarded again (the server emptied its unit's answered mark): an "answer ready"
    call nobody made yet leaves the queue, as there is nothing to tell the citizen until the new unit
    answers (which queues it again). Only here does the desk see the forward happen."""
    assert _BIND_TIME is not None
    raw.execute(
        "UPDATE callbacks SET status = ?, updated_at = ? WHERE ticket_id = ? AND kind = ? AND status = ?",
        (
            CallbackStatus.CLOSED.value,
            _BIND_TIME(now_vn()),
            ticket_id,
            CallbackKind.ANSWER_READY.value,
            CallbackStatus.PENDING.value,
        ),
    )


def _citizen_for(raw: Any, values: Mapping[str, Any]) -> str | None:
    """This desktop's citizen for the ticket's number (citizens are per desktop, keyed by number)."""
    phone = values.get("phone") or ""
    if not phone:
        return None
    found = raw.execute(_CITIZEN_BY_PHONE, (phone,)).fetchone()
    if found is not None:
        return str(found[0])
    assert _BIND_TIME is not None
    now = _BIND_TIME(now_vn())  # the citizen's timestamps, as the cursor must bind them
    citizen_id = str(uuid.uuid4())
    name, address = values.get("citizen_name") or "", values.get("citizen_address") or ""
    raw.execute(_NEW_CITIZEN, (citizen_id, phone, name, address, now, now))
    return citizen_id


def _ensure_catalog_entry(
    connection: Connection, parent: type[models.Unit | models.Field], code: str
) -> None:
    """A ticket naming a unit or field this desktop has not received yet gets a placeholder entry;
    the catalog's own change, later in the feed, fills it in."""
    if connection.scalar(select(parent.code).where(parent.code == code)) is None:
        connection.execute(insert(parent).values(code=code, name=code, active=False, sort_order=0))


# ---- calls and catalogs ------------------------------------------------------------------------


def _apply_call(connection: Connection, raw: Any, change: Change) -> None:
    table = models.Call.__table__
    assert isinstance(table, Table)
    if change.tombstone:
        connection.execute(delete(table).where(table.c.id == change.entity_id))
        return
    values = _columns(table, _fields(change), skip=("id", "citizen_id", "ticket_id"))
    values["citizen_id"] = _citizen_for(raw, values)
    ticket_id = _fields(change).get("ticket_id")
    known_ticket = ticket_id and connection.scalar(
        select(models.Ticket.id).where(models.Ticket.id == ticket_id)
    )
    values["ticket_id"] = ticket_id if known_ticket else None
    done = connection.execute(update(table).where(table.c.id == change.entity_id).values(**values))
    if not done.rowcount:
        connection.execute(insert(table).values(id=change.entity_id, **values))


def _apply_forwarding(connection: Connection, change: Change) -> str:
    """A forwarding as the server published it, replacing the older version whole (nothing of it is ever
    edited on a desk, so there is nothing to merge); a tombstone removes it. Returns its ticket's id."""
    table = Forwarding.__table__
    assert isinstance(table, Table)
    where = table.c.id == change.entity_id
    if change.tombstone:
        ticket_id = connection.scalar(select(table.c.ticket_id).where(where))
        connection.execute(delete(table).where(where))
        return str(ticket_id or "")
    values = _columns(table, _fields(change), skip=("id", "version"))
    values["version"] = change.version
    done = connection.execute(update(table).where(where).values(**values))
    if not done.rowcount:
        connection.execute(insert(table).values(id=change.entity_id, **values))
    return str(values.get("ticket_id") or "")


def _apply_catalog(connection: Connection, change: Change) -> None:
    model, key_name = CATALOG_TABLES[change.entity]
    table = model.__table__
    assert isinstance(table, Table)
    values = _columns(table, {**_fields(change), key_name: change.entity_id})
    key = values[key_name] if change.entity != "level" else int(change.entity_id)
    where = table.c[key_name] == key
    if change.entity == "kb_qa":
        connection.execute(delete(models.KbQaProcedure).where(models.KbQaProcedure.qa_id == key))
    if change.tombstone:
        if change.entity in ("unit", "field"):  # tickets keep them: retire, never delete
            connection.execute(update(table).where(where).values(active=False))
        else:
            connection.execute(delete(table).where(where))
        return
    if change.entity == "kb_qa":
        values.setdefault("updated_at", now_vn())
        values.setdefault("author", "")
    values[key_name] = key
    done = connection.execute(update(table).where(where).values(**values))
    if not done.rowcount:
        connection.execute(insert(table).values(**values))
    if change.entity == "kb_qa":
        codes = dict.fromkeys(str(code) for code in _fields(change).get("procedures") or [])
        if codes:
            connection.execute(insert(models.KbQaProcedure), [{"qa_id": key, "code": code} for code in codes])


def _first(data: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in data:
            return data[name]
    return None


def _apply_conflict(connection: Connection, change: Change) -> None:
    """A conflict the server keeps for an operator: open (both texts) or settled (a tombstone or
    `settled`/`resolved` set)."""
    table = SyncConflict.__table__
    assert isinstance(table, Table)
    data = _fields(change)
    where = table.c.conflict_id == change.entity_id
    settled = change.tombstone or bool(_first(data, "settled", "resolved", "settled_at", "resolved_at"))
    if settled:
        connection.execute(
            update(table)
            .where(where, table.c.resolved_at.is_(None))
            .values(resolved_at=now_vn(), resolved_by=str(_first(data, "settled_by", "resolved_by") or ""))
        )
        return
    values = {
        "entity": str(_first(data, "entity") or "ticket"),
        "entity_id": str(_first(data, "ticket_id", "entity_id") or ""),
        "field": str(_first(data, "field") or ""),
        "base_value": to_json(_first(data, "base_value", "base")),
        "local_value": to_json(_first(data, "client_value", "other_value", "local_value")),
        "server_value": to_json(_first(data, "server_value", "kept_value", "value")),
        "server_version": change.version,
    }
    done = connection.execute(update(table).where(where).values(**values))
    if not done.rowcount:
        connection.execute(
            insert(table).values(conflict_id=change.entity_id, detected_at=now_vn(), resolved_by="", **values)
        )
