"""Applying ticket and conflict mutations: create/import, field-by-field merge, settling conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from protocol import (
    FREE_TEXT_FIELDS,
    PRECEDENCE_FIELDS,
    STAMPED_TICKET_FIELDS,
    TICKET_FIELDS,
    FieldOutcome,
    Mutation,
)
from protocol.contract import CATALOG_REFERENCES, CatalogLookup, ReferenceRefused, stored_reference
from server.models import Conflict, Ticket
from server.services import revisions
from server.services.attempts import follow_ticket
from server.services.catalog_refs import session_lookup
from server.services.feed import PendingChanges
from server.services.publication import search_text
from server.services.values import TICKET_CONVERTERS, TICKET_REQUIRED, BadValue, convert, to_json


class Rejected(Exception):
    """A business refusal: stored as the mutation's result with this Vietnamese reason."""


@dataclass(frozen=True)
class Actor:
    username: str
    rank: int
    client_id: str


@dataclass
class Applied:
    version: int | None
    outcomes: list[FieldOutcome]
    reason: str | None = None  # Vietnamese, for the operator: why some of the edit did not apply


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    data = {name: to_json(getattr(ticket, name)) for name in TICKET_FIELDS}
    data.update({stamp: getattr(ticket, stamp) for stamp in STAMPED_TICKET_FIELDS.values()})
    data.update(
        id=ticket.id,
        version=ticket.version,
        created_by=ticket.created_by,
        updated_by=ticket.updated_by,
        created_at=ticket.created_at.isoformat(),
        updated_at=ticket.updated_at.isoformat(),
    )
    return data


def conflict_data(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "ticket_id": conflict.ticket_id,
        "field": conflict.field,
        "base_value": conflict.base_value,
        "server_value": conflict.server_value,
        "client_value": conflict.client_value,
        "client_id": conflict.client_id,
        "username": conflict.username,
        "created_at": conflict.created_at.isoformat(),
    }


# What a new ticket's fields are when its payload leaves them out: the columns' own defaults.
_TICKET_DEFAULTS: dict[str, Any] = dict.fromkeys(TICKET_FIELDS) | {
    column.name: column.default.arg
    for column in Ticket.__table__.columns
    if column.name in TICKET_FIELDS and column.default is not None
}
ID_LENGTH = 36


def new_ticket_values(mutation: Mutation, catalog: CatalogLookup) -> dict[str, Any]:
    """Every ticket field of a create/import, checked and converted; raises Rejected with the reason."""
    if len(mutation.entity_id) > ID_LENGTH:
        raise Rejected(f"Mã định danh phiếu dài quá {ID_LENGTH} ký tự.")
    fields = {k: v for k, v in mutation.payload.items() if k not in ("source", "id", "version")}
    if mutation.op == "import" and not set(TICKET_REQUIRED) <= set(fields):
        raise Rejected(
            "Phiếu nhập từ tệp được gửi thiếu nội dung phiếu "
            "(máy trạm phiên bản cũ chỉ gửi tên tệp và dòng). "
            "Hãy cập nhật phần mềm máy trạm rồi đồng bộ lại; phiếu vẫn còn nguyên trên máy trạm."
        )
    missing = [name for name in TICKET_REQUIRED if name not in fields]
    if missing:
        raise Rejected(f"Phiếu thiếu trường bắt buộc: {', '.join(missing)}.")
    try:
        values = {**_TICKET_DEFAULTS, **convert(TICKET_CONVERTERS, fields)}
    except BadValue as error:
        raise Rejected(str(error)) from None
    _check_references(values, catalog, follow_merge=mutation.op != "import")  # an import is history
    values["public_search"] = search_text(values["public_question"], values["public_answer"])
    return values


def create(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    values = new_ticket_values(mutation, session_lookup(session))
    clash = session.execute(
        select(Ticket.id).where(or_(Ticket.id == mutation.entity_id, Ticket.code == values["code"])).limit(1)
    ).scalar()
    if clash == mutation.entity_id:
        raise Rejected(f"Phiếu {values['code']} đã có trên máy chủ; không tạo lần nữa.")
    if clash is not None:
        raise Rejected(f"Mã phiếu {values['code']} đã được dùng cho một phiếu khác trên máy chủ.")
    ticket = Ticket(
        id=mutation.entity_id,
        version=1,
        created_by=actor.username,
        updated_by=actor.username,
        created_at=now,
        updated_at=now,
        creator_rank=actor.rank,
        field_meta={},
        origin_client=actor.client_id,
        **values,
        **new_ticket_stamps(mutation, values, actor.username),
    )
    session.add(ticket)
    session.flush()
    feed.record("ticket", ticket.id, 1, ticket_data(ticket), origin_client=actor.client_id)
    return Applied(1, [])


def update(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    """Merge an edit field by field; see protocol.records for who wins a same-field race.

    A field raced another edit when the server's value is no longer the `before` the desktop saw (and the
    server's value was not written by this same desktop: its own offline edits follow one another), or when
    another desk changed it at a server version above the edit's base_version even though the value is back
    to the `before` (resolved then reopened: see _changed_after_base). Without `before` (an older payload)
    the base_version alone decides.
    """
    changes = mutation.payload.get("changes", mutation.payload)
    before = mutation.payload.get("before", {}) if "changes" in mutation.payload else {}
    if not isinstance(changes, dict) or not isinstance(before, dict):
        raise Rejected("Nội dung sửa phiếu không đúng dạng {changes, before}.")
    try:
        values = convert(TICKET_CONVERTERS, changes)
    except BadValue as error:
        raise Rejected(str(error)) from None
    if "code" in values:
        raise Rejected("Không được đổi mã phiếu.")
    _check_references(values, session_lookup(session), follow_merge=True)
    ticket = _locked_ticket(session, mutation.entity_id)
    meta: dict[str, Any] = dict(ticket.field_meta or {})
    applied: dict[str, Any] = {}
    outcomes: list[FieldOutcome] = []
    for name, value in values.items():
        current = getattr(ticket, name)
        field_version, field_rank, writer = (
            meta.get(name) or [1, ticket.creator_rank, ticket.origin_client]
        )[:3]
        unseen_change = _changed_after_base(name, field_version, mutation.base_version)
        uncontested = not unseen_change and _unchanged_since(name, before, current)
        if current == value or writer == actor.client_id or uncontested:
            applied[name] = value
        elif name not in before and field_version <= mutation.base_version:
            applied[name] = value  # no `before` (an older payload): fall back on the version it started from
        elif name in FREE_TEXT_FIELDS:
            conflict = Conflict(
                id=str(uuid.uuid4()),
                ticket_id=ticket.id,
                field=name,
                base_value=before.get(name),
                server_value=current,
                client_value=value,
                client_id=actor.client_id,
                username=actor.username,
                created_at=now,
            )
            session.add(conflict)
            feed.record("conflict", conflict.id, 1, conflict_data(conflict), origin_client=actor.client_id)
            outcomes.append(
                FieldOutcome(
                    field=name, outcome="conflict_recorded", server_value=current, conflict_id=conflict.id
                )
            )
        elif actor.rank >= field_rank:
            applied[name] = value  # same or higher role: the edit applied later wins
        else:
            outcomes.append(
                FieldOutcome(field=name, outcome="lost_to_precedence", server_value=to_json(current))
            )
    if any(o.field == "status" for o in outcomes) and "resolved_at" in applied:
        del applied["resolved_at"]  # resolved_at follows the status that won
    really_changed = {name: value for name, value in applied.items() if getattr(ticket, name) != value}
    if really_changed:
        ticket.version += 1
        before_change = {name: getattr(ticket, name) for name in really_changed}
        for name, value in really_changed.items():
            setattr(ticket, name, value)
            meta[name] = [ticket.version, actor.rank, actor.client_id]
        _refresh_search(ticket, really_changed)
        ticket.field_meta = meta
        ticket.updated_by = actor.username
        ticket.updated_at = now
        stamp_steps(ticket, really_changed, actor.username)
        revisions.record(session, ticket, before_change, actor.username, actor.client_id, now)
        session.flush()
        feed.record("ticket", ticket.id, ticket.version, ticket_data(ticket), origin_client=actor.client_id)
        follow_ticket(session, ticket.id, feed)
    return Applied(ticket.version, outcomes, lost_reason(outcomes))


def new_ticket_stamps(mutation: Mutation, values: dict[str, Any], username: str) -> dict[str, str | None]:
    """Who took the steps a new ticket already has (resolved at once): its author; an imported ticket's
    steps were taken before this software knew them, by nobody it can name."""
    known = mutation.op != "import"
    return {
        stamp: username if known and values.get(moment) is not None else None
        for moment, stamp in STAMPED_TICKET_FIELDS.items()
    }


def stamp_steps(ticket: Ticket, changed: Collection[str], username: str) -> None:
    """Who took a step is whoever's edit (authenticated by its token) set its moment; emptied with it."""
    for moment, stamp in STAMPED_TICKET_FIELDS.items():
        if moment in changed:
            setattr(ticket, stamp, username if getattr(ticket, moment) is not None else None)


def edit_from_server(
    session: Session,
    ticket: Ticket,
    changes: dict[str, Any],
    actor: Actor,
    now: datetime,
    feed: PendingChanges,
) -> Applied:
    """An edit the server makes itself (a unit's answer, an erasure), merged by the same rules as a desk's."""
    mutation = Mutation(
        seq=1,
        mutation_id=str(uuid.uuid4()),
        entity="ticket",
        op="update",
        entity_id=ticket.id,
        base_version=ticket.version,
        payload={"changes": changes, "before": {name: to_json(getattr(ticket, name)) for name in changes}},
        made_at=now,
    )
    return update(session, mutation, actor, now, feed)


def republish(
    session: Session,
    ticket_id: str,
    published: dict[str, Any] | None,
    actor: Actor,
    now: datetime,
    feed: PendingChanges,
) -> list[str]:
    """A ticket a migration corrected in place, its feed row still holding `published`: the fields that
    differ from it become a new version written by `actor` (their field meta and a revision, as any edit),
    and the ticket goes to the feed again. Returns those fields (none: nothing is published)."""
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        return []
    sent = published or {}
    corrected = {
        name: sent.get(name)
        for name in (*TICKET_FIELDS, *STAMPED_TICKET_FIELDS.values())
        if _published_value(name, sent.get(name)) != getattr(ticket, name)
    }
    if not corrected:
        return []
    ticket.version += 1
    meta = dict(ticket.field_meta or {})
    for name in corrected.keys() - STAMPED_TICKET_FIELDS.values():  # a stamp is no desk's to edit
        meta[name] = [ticket.version, actor.rank, actor.client_id]
    ticket.field_meta = meta
    revisions.record(session, ticket, corrected, actor.username, actor.client_id, now)
    session.flush()
    feed.record("ticket", ticket.id, ticket.version, ticket_data(ticket), origin_client=actor.client_id)
    follow_ticket(session, ticket.id, feed)
    return sorted(corrected)


def _published_value(name: str, value: Any) -> Any:
    """A field's value as the feed carried it, read back as the column holds it (a different spelling of
    the same moment is no correction)."""
    if value is None:
        return None
    try:
        return TICKET_CONVERTERS[name](name, value)
    except (BadValue, KeyError):
        return value


def restore_field(
    session: Session,
    ticket_id: str,
    version: int,
    field: str,
    actor: Actor,
    now: datetime,
    feed: PendingChanges,
) -> Applied:
    """A supervisor puts back the value `field` had before revision `version` overwrote it, as a new edit
    (itself a revision) through the same write path, so every desk gets it by the usual merge."""
    found, value = revisions.value_before(session, ticket_id, version, field)
    if not found:
        raise Rejected(f"Không có lần sửa {version} của trường «{field}» ở phiếu này.")
    ticket = _locked_ticket(session, ticket_id)
    return edit_from_server(session, ticket, {field: value}, actor, now, feed)


def settle(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    """The operator's choice for a free-text conflict becomes the field's value; the conflict is gone."""
    conflict = session.scalar(select(Conflict).where(Conflict.id == mutation.entity_id).with_for_update())
    if conflict is None:
        raise Rejected("Không có xung đột này trên máy chủ.")
    if conflict.settled_at is not None:
        raise Rejected(f"Xung đột này đã được {conflict.settled_by} giải quyết.")
    value = mutation.payload.get("value")
    try:
        converted = TICKET_CONVERTERS[conflict.field](conflict.field, value)
    except BadValue as error:
        raise Rejected(str(error)) from None
    ticket = _locked_ticket(session, conflict.ticket_id)
    conflict.settled_by, conflict.settled_at = actor.username, now
    if getattr(ticket, conflict.field) != converted:
        ticket.version += 1
        before_change = {conflict.field: getattr(ticket, conflict.field)}
        setattr(ticket, conflict.field, converted)
        revisions.record(session, ticket, before_change, actor.username, actor.client_id, now)
        _refresh_search(ticket, {conflict.field})
        meta = {**(ticket.field_meta or {}), conflict.field: [ticket.version, actor.rank, actor.client_id]}
        ticket.field_meta = meta
        ticket.updated_by, ticket.updated_at = actor.username, now
        session.flush()
        feed.record("ticket", ticket.id, ticket.version, ticket_data(ticket), origin_client=actor.client_id)
        follow_ticket(session, ticket.id, feed)
    feed.record("conflict", conflict.id, 2, None, origin_client=actor.client_id)
    return Applied(ticket.version, [])


def _check_references(values: dict[str, Any], catalog: CatalogLookup, *, follow_merge: bool) -> None:
    """Each unit and field the ticket names exists in the catalog (protocol.contract), else the change
    is refused with the reason; a merged unit becomes its successor when `follow_merge`."""
    for name in CATALOG_REFERENCES:
        code = values.get(name)
        if code:
            try:
                values[name] = stored_reference(name, code, catalog, follow_merge=follow_merge)
            except ReferenceRefused as error:
                raise Rejected(str(error)) from None


def _changed_after_base(name: str, field_version: int, base_version: int) -> bool:
    """Whether another desk changed this precedence field at a server version the edit's base did not see.

    A desktop sends as base_version the server version it last pulled for the ticket (1 for its own
    create or import not pulled back yet), never its own version, which each offline edit raises: so a
    field changed at a higher server version than the edit's base was not seen, even if its value is
    back to the `before`. Free text is left out: back to the text the
    operator started from, there is nothing for a conflict to keep. base_version 0 means "not said".
    """
    return name in PRECEDENCE_FIELDS and base_version > 0 and field_version > base_version


FIELD_LABELS = {
    "status": "trạng thái",
    "resolved_at": "thời điểm xử lý xong",
    "unit_code": "đơn vị xử lý",
    "field_code": "lĩnh vực",
    "level": "cấp độ",
    "deadline": "hạn xử lý",
    "satisfaction": "mức hài lòng",
    "dissatisfaction_reason": "lý do không hài lòng",
    "request_type": "loại yêu cầu",
    "channel": "kênh tiếp nhận",
}


def lost_reason(outcomes: list[FieldOutcome]) -> str | None:
    lost = [
        f"{FIELD_LABELS[o.field]} ({o.field})" if o.field in FIELD_LABELS else o.field
        for o in outcomes
        if o.outcome == "lost_to_precedence"
    ]
    if not lost:
        return None
    return (
        f"Không áp dụng thay đổi của bạn ở {', '.join(lost)}: người có quyền cao hơn (giám sát viên) đã sửa "
        "trên máy chủ sau phiên bản bạn bắt đầu sửa (kể cả khi đã đổi rồi trả lại như cũ, ví dụ xử lý xong "
        "rồi mở lại phiếu). Phiếu giữ giá trị trên máy chủ; nếu vẫn cần đổi, hãy sửa lại sau khi đồng bộ."
    )


def _unchanged_since(name: str, before: dict[str, Any], current: Any) -> bool:
    if name not in before:
        return False
    try:
        return bool(TICKET_CONVERTERS[name](name, before[name]) == current)
    except BadValue:
        return False


def _refresh_search(ticket: Ticket, changed: Collection[str]) -> None:
    """The folded search text follows the published texts it is made of."""
    if "public_question" in changed or "public_answer" in changed:
        ticket.public_search = search_text(ticket.public_question, ticket.public_answer)


def _locked_ticket(session: Session, ticket_id: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        raise Rejected("Phiếu này chưa có trên máy chủ (lần tạo phiếu chưa được gửi lên hoặc đã bị từ chối).")
    return ticket
