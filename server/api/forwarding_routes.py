"""Forwarding tickets to units from the desks, and a supervisor's answer to a unit asking for more time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from server.api.deps import Admin, Db, Operator, Rt, Supervisor, record_ticket_look
from server.models import Forwarding, Unit
from server.services import forwarding as steps
from server.services import unit_mail
from server.web.routes import attachment_response

router = APIRouter(prefix="/api/v1")


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(min_length=1, max_length=64)


class ForwardingOut(BaseModel):
    id: str
    ticket_id: str
    unit_code: str
    state: str
    deadline: date
    extension_state: str


class ExtensionDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grant: bool


def _out(forwarding: Forwarding) -> ForwardingOut:
    return ForwardingOut(
        id=forwarding.id,
        ticket_id=forwarding.ticket_id,
        unit_code=forwarding.unit_code,
        state=forwarding.state,
        deadline=forwarding.deadline,
        extension_state=forwarding.extension_state,
    )


@router.post(
    "/tickets/{ticket_id}/forward", response_model=ForwardingOut, status_code=status.HTTP_201_CREATED
)
def forward(
    ticket_id: Annotated[str, Path(max_length=36)], body: ForwardIn, who: Operator, session: Db, rt: Rt
) -> ForwardingOut:
    try:
        with session.begin():
            made = steps.forward(session, ticket_id, body.unit_code, who.username, datetime.now(UTC))
            unit_mail.queue(session, made, "forwarded", rt.settings.public_url)  # sent by send-mail
            return _out(made)
    except steps.ForwardRefused as refused:
        raise HTTPException(status.HTTP_409_CONFLICT, str(refused)) from None


@router.post("/forwardings/{forwarding_id}/extension", response_model=ForwardingOut)
def decide_extension(
    forwarding_id: Annotated[str, Path(max_length=36)], body: ExtensionDecision, who: Supervisor, session: Db
) -> ForwardingOut:
    with session.begin():
        found = session.get(Forwarding, forwarding_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có lượt chuyển đơn vị này.")
        try:
            steps.decide_extension(session, found, body.grant, who.username, datetime.now(UTC))
        except steps.ForwardRefused as refused:
            raise HTTPException(status.HTTP_409_CONFLICT, str(refused)) from None
        return _out(found)


class ExtensionRequestOut(BaseModel):
    forwarding_id: str
    ticket_id: str
    ticket_code: str
    unit_code: str
    unit_name: str
    deadline: date
    days: int
    reason: str
    asked_at: datetime | None
    asked_by: str


@router.get("/forwardings/extension-requests", response_model=list[ExtensionRequestOut])
def extension_requests(_who: Supervisor, session: Db) -> list[ExtensionRequestOut]:
    """Units' requests for more time waiting for a supervisor's answer, the oldest first (the unit's
    reason, the working days asked, the deadline they would move)."""
    with session.begin():
        names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
        return [
            ExtensionRequestOut(
                forwarding_id=f.id,
                ticket_id=t.id,
                ticket_code=t.code,
                unit_code=f.unit_code,
                unit_name=names.get(f.unit_code, f.unit_code),
                deadline=f.deadline,
                days=f.extension_days,
                reason=f.extension_reason,
                asked_at=f.extension_asked_at,
                asked_by=f.extension_asked_by,
            )
            for f, t in steps.extension_requests(session)
        ]


class StepOut(BaseModel):
    step: str  # forwarded | extension_asked | extension_granted | extension_refused | answered | returned
    at: datetime
    by: str
    unit_code: str
    text: str
    deadline: date
    forwarding_id: str
    attachment: bool = False  # the unit's PDF reply: GET /forwardings/{forwarding_id}/attachment


@router.get("/tickets/{ticket_id}/steps", response_model=list[StepOut])
def ticket_steps(ticket_id: Annotated[str, Path(max_length=36)], who: Operator, session: Db) -> list[StepOut]:
    """The ticket's steps with the units, each with when and who (the desk's own steps, called back,
    resolved, surveyed, are in its revisions and survey attempts). The units' texts are about the citizen:
    the look is on the access trail."""
    with session.begin():
        found = [StepOut(**step) for step in steps.ticket_steps(session, ticket_id)]
        if found:
            record_ticket_look(session, who, ticket_id, "api_ticket_steps")
        return found


@router.get(
    "/forwardings/{forwarding_id}/attachment",
    responses={200: {"content": {"application/pdf": {}}}, 404: {"description": "no PDF with this answer"}},
)
def answer_attachment(
    forwarding_id: Annotated[str, Path(max_length=36)], who: Operator, session: Db, rt: Rt
) -> Response:
    """The official reply (PDF) a unit attached to its answer, for the operator calling the citizen back;
    the look is on the access trail."""
    with session.begin():
        found = session.get(Forwarding, forwarding_id)
        ticket = steps.ticket_by_id(session, found.ticket_id) if found is not None else None
        sent = attachment_response(rt.settings.files_dir, found, ticket.code) if found and ticket else None
        if sent is None or ticket is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Đơn vị không gửi văn bản PDF kèm trả lời này.")
        record_ticket_look(session, who, ticket.id, "api_answer_attachment")
        return sent


class MailOut(BaseModel):
    recipient: str
    subject: str
    kind: str
    attempts: int
    last_error: str
    created_at: datetime


@router.get("/mail/failing", response_model=list[MailOut])
def failing_mail(_who: Admin, session: Db) -> list[MailOut]:
    """Mail to units that has not gone yet after at least one try, with why."""
    with session.begin():
        return [
            MailOut(
                recipient=m.recipient,
                subject=m.subject,
                kind=m.kind,
                attempts=m.attempts,
                last_error=m.last_error,
                created_at=m.created_at,
            )
            for m in unit_mail.failing(session)
        ]
