"""A ticket's revisions for supervisors: every version of its fields, and putting back an overwritten one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from server.api.deps import Db, Supervisor, record_ticket_look
from server.models import Ticket
from server.services import revisions, tickets
from server.services.feed import PendingChanges, publish

router = APIRouter(prefix="/api/v1")


class RestoreRequest(BaseModel):
    version: int = Field(ge=2, le=2_147_483_647, description="the revision whose overwrite is undone")
    field: str = Field(pattern=r"^[a-z_]{1,64}$", description="a ticket field, e.g. content")


TicketId = Annotated[str, Path(max_length=36)]


@router.get("/tickets/{ticket_id}/revisions")
def ticket_revisions(ticket_id: TicketId, who: Supervisor, session: Db) -> dict[str, Any]:
    with session.begin():
        ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id))
        if ticket is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có phiếu này trên máy chủ.")
        record_ticket_look(session, who, ticket.id, "api_ticket_revisions")
        found = revisions.listing(session, ticket_id)
        return {
            "ticket_id": ticket.id,
            "code": ticket.code,
            "version": ticket.version,
            "revisions": [
                {
                    "version": revision.version,
                    "at": revision.at.isoformat(),
                    "username": revision.username,
                    "client_id": revision.client_id,
                    "changes": revision.changes,
                }
                for revision in found
            ],
        }


@router.post("/tickets/{ticket_id}/restore")
def restore_field(ticket_id: TicketId, body: RestoreRequest, who: Supervisor, session: Db) -> dict[str, Any]:
    now = datetime.now(UTC)
    feed = PendingChanges()
    actor = tickets.Actor(who.username, who.role.rank, who.client_id or "may-chu")
    with session.begin():
        try:
            applied = tickets.restore_field(session, ticket_id, body.version, body.field, actor, now, feed)
        except tickets.Rejected as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
        publish(session, feed)
    return {"ticket_id": ticket_id, "version": applied.version}
