"""Applying call mutations: a call is created once, then its outcome and times are set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol import CALL_FIELDS, Mutation
from protocol.auth import Role
from server.models import Call
from server.services.feed import PendingChanges
from server.services.tickets import Actor, Applied, Rejected
from server.services.values import CALL_CONVERTERS, BadValue, convert, to_json


def call_data(call: Call) -> dict[str, Any]:
    return {
        "id": call.id,
        "version": call.version,
        **{name: to_json(getattr(call, name)) for name in CALL_FIELDS},
    }


def create(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    try:
        values = convert(CALL_CONVERTERS, {k: v for k, v in mutation.payload.items() if k != "id"})
    except BadValue as error:
        raise Rejected(str(error)) from None
    missing = [name for name in ("direction", "phone", "started_at") if name not in values]
    if missing:
        raise Rejected(f"Cuộc gọi thiếu trường bắt buộc: {', '.join(missing)}.")
    if session.get(Call, mutation.entity_id) is not None:
        raise Rejected("Cuộc gọi này đã có trên máy chủ; không ghi lần nữa.")
    values["operator"] = actor.username  # who made the call is who signed in, never what the payload says
    values.setdefault("outcome", "dang_do_chuong")
    call = Call(id=mutation.entity_id, version=1, origin_client=actor.client_id, **values)
    session.add(call)
    session.flush()
    feed.record("call", call.id, 1, call_data(call), origin_client=actor.client_id)
    return Applied(1, [])


def update(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    try:
        values = convert(CALL_CONVERTERS, mutation.payload.get("changes", mutation.payload))
    except BadValue as error:
        raise Rejected(str(error)) from None
    values.pop("operator", None)  # set once, from the token of the desk that logged the call
    call = session.scalar(select(Call).where(Call.id == mutation.entity_id).with_for_update())
    if call is None:
        raise Rejected("Cuộc gọi này chưa có trên máy chủ.")
    if call.origin_client != actor.client_id and actor.rank < Role.SUPERVISOR.rank:
        raise Rejected("Chỉ máy trạm đã ghi cuộc gọi này (hoặc giám sát viên) mới được sửa nó.")
    changed = {name: value for name, value in values.items() if getattr(call, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(call, name, value)
        call.version += 1
        session.flush()
        feed.record("call", call.id, call.version, call_data(call), origin_client=actor.client_id)
    return Applied(call.version, [])
