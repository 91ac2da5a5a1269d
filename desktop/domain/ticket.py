"""Tickets ("phiếu"), callers and calls as plain values, and the rules a ticket must satisfy."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    DissatisfactionReason,
    Level,
    Publication,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.phone import InvalidPhoneNumber, normalize_phone
from desktop.domain.ticket_step import TicketStep
from protocol.contract import moment_problem, text_problem

TTHC_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z]+)?$")


@dataclass(frozen=True)
class TicketDraft:
    """What an operator fills in; the service turns it into a stored ticket."""

    content: str
    phone: str = ""
    citizen_name: str = ""
    citizen_address: str = ""
    channel: Channel = Channel.PHONE
    request_type: RequestType = RequestType.INFORMATION
    level: Level = Level.ONE
    is_tthc: bool = False
    tthc_code: str = ""
    field_code: str | None = None
    unit_code: str | None = None
    answer: str = ""
    status: TicketStatus = TicketStatus.IN_PROGRESS
    satisfaction: Satisfaction = Satisfaction.NOT_RATED
    dissatisfaction_reason: DissatisfactionReason | None = None
    received_at: datetime | None = None
    call_id: str | None = None
    # Published answers (#17 point 5): the citizen's choice, and the texts rewritten without personal data
    publication: Publication = Publication.NOT_ASKED
    public_question: str = ""
    public_answer: str = ""


@dataclass(frozen=True)
class FieldError:
    """One broken rule, on one field, said to the operator in Vietnamese."""

    field: str
    message: str


HOTLINE_UNIT = "tong-dai-1022"  # the units catalog's "Tổng đài 1022": the operators answered it themselves


def unit_missing_when_resolved(draft: TicketDraft) -> FieldError | None:
    """The operator's save of a resolved ticket names who handled it (level 2-4 already must).

    Only the form asks it: tickets imported from the old books or pulled from older desks were
    resolved with no unit, and the report counts those as the hotline's, so the store takes them."""
    if draft.status is TicketStatus.RESOLVED and draft.level is Level.ONE and not draft.unit_code:
        return FieldError("unit_code", "Phiếu đã xử lý cần đơn vị xử lý (tự trả lời: chọn «Tổng đài 1022»).")
    return None


def validate_draft(draft: TicketDraft, *, require_answer_when_resolved: bool = True) -> list[FieldError]:
    """Every broken rule at once, so the form can mark all the fields in one go."""
    errors: list[FieldError] = []
    if not draft.content.strip():
        errors.append(FieldError("content", "Nội dung yêu cầu không được để trống."))
    if draft.phone.strip():
        try:
            normalize_phone(draft.phone)
        except InvalidPhoneNumber as error:
            errors.append(FieldError("phone", str(error)))
    elif draft.channel is Channel.PHONE:
        errors.append(FieldError("phone", "Phiếu nhận qua điện thoại cần số điện thoại người gọi."))
    if draft.is_tthc and not TTHC_CODE.match(draft.tthc_code.strip()):
        errors.append(FieldError("tthc_code", "Mã TTHC có dạng 1.000178 hoặc 1.012753.H19."))
    if draft.level > Level.ONE and not draft.unit_code:
        errors.append(FieldError("unit_code", "Phiếu cấp độ 2-4 phải chọn đơn vị xử lý."))
    if draft.status is TicketStatus.IN_PROGRESS and draft.satisfaction is not Satisfaction.NOT_RATED:
        errors.append(FieldError("satisfaction", "Phiếu đang xử lý chưa thể đánh giá mức độ hài lòng."))
    if draft.satisfaction is Satisfaction.DISSATISFIED and draft.dissatisfaction_reason is None:
        errors.append(FieldError("dissatisfaction_reason", "Chọn lý do người dân không hài lòng."))
    if draft.satisfaction is not Satisfaction.DISSATISFIED and draft.dissatisfaction_reason:
        errors.append(FieldError("dissatisfaction_reason", "Chỉ ghi lý do khi người dân không hài lòng."))
    if require_answer_when_resolved and draft.status is TicketStatus.RESOLVED and not draft.answer.strip():
        errors.append(FieldError("answer", "Phiếu đã xử lý cần có nội dung trả lời."))
    errors += _publication_errors(draft)
    # The contract the server checks too: what it would refuse never enters the outbox.
    for name in ("citizen_name", "citizen_address", "content", "answer", "tthc_code", *PUBLIC_TEXTS):
        problem = text_problem(name, getattr(draft, name))
        if problem is not None:
            errors.append(FieldError(name, problem))
    if draft.unit_code and (problem := text_problem("unit_code", draft.unit_code)) is not None:
        errors.append(FieldError("unit_code", problem))
    if draft.received_at is not None and (problem := moment_problem("received_at", draft.received_at)):
        errors.append(FieldError("received_at", problem))
    return errors


PUBLIC_TEXTS = ("public_question", "public_answer")
# An ID number written in a text for the public: the 12 digits of a CCCD or the 9 of an old CMND.
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")


def _publication_errors(draft: TicketDraft) -> list[FieldError]:
    """What the operator rewrote for the public page must not name the citizen: their name, address,
    number or an ID number. Checked whatever the choice, so a text is ready when the choice changes; and
    a resolved ticket the citizen agreed to publish needs both texts, or nothing would be published."""
    errors: list[FieldError] = []
    if draft.publication is Publication.PUBLIC and draft.status is TicketStatus.RESOLVED:
        errors += [
            FieldError(
                name,
                "Người dân đồng ý công khai: hãy viết lại câu hỏi và trả lời để công khai "
                "(không ghi họ tên, số điện thoại, địa chỉ), hoặc chọn «Không công khai».",
            )
            for name in PUBLIC_TEXTS
            if not getattr(draft, name).strip()
        ]
    written = [name for name in PUBLIC_TEXTS if getattr(draft, name).strip()]
    if not written:  # nearly every ticket (a whole import): nothing to look for, nothing compiled per row
        return errors
    personal = [v.strip() for v in (draft.citizen_name, draft.citizen_address) if len(v.strip()) >= 2]
    digits = re.sub(r"\D", "", draft.phone)
    for name in written:
        text = getattr(draft, name)
        named = any(re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) for value in personal)
        numbered = _ID_NUMBER.search(text) is not None or (
            len(digits) >= 9 and digits[-9:] in re.sub(r"\D", "", text)
        )
        if named or numbered:
            errors.append(
                FieldError(
                    name,
                    "Nội dung công khai không được có thông tin cá nhân của người dân "
                    "(họ tên, địa chỉ, số điện thoại, số giấy tờ); hãy viết lại.",
                )
            )
    return errors


class TicketRejected(ValueError):
    """A draft that breaks the rules; `errors` says which and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class KeptForward(Enum):
    """A forward to a unit asked on this desk and kept on it: not sent yet (the server out of reach, or the
    ticket's edits not pushed), or refused by the server (to forward again)."""

    WAITING = "waiting"
    REFUSED = "refused"


@dataclass(frozen=True)
class TicketRow:
    """One line of the ticket list and of a caller's history."""

    id: str
    code: str
    received_at: datetime
    phone: str
    citizen_name: str
    channel: Channel
    request_type: RequestType
    level: Level
    unit_name: str
    status: TicketStatus
    deadline: date | None
    satisfaction: Satisfaction
    content: str
    step: TicketStep = TicketStep.RECEIVED
    days_left: int | None = None  # working days to the deadline while a unit has it (negative: overdue)
    kept_forward: KeptForward | None = None  # a forward kept on this desk, not on the server yet


@dataclass(frozen=True)
class Ticket:
    """A stored ticket with everything the form shows."""

    id: str
    code: str
    version: int
    draft: TicketDraft
    deadline: date | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    created_by: str
    return_reason: str = ""  # why the unit returned it, while it waits to be forwarded elsewhere
    unit_answered_at: datetime | None = None  # the unit's answer reached it (the server says when)
    called_back_at: datetime | None = None  # an operator gave the citizen the unit's answer


@dataclass(frozen=True)
class CallRow:
    """One logged call."""

    id: str
    direction: CallDirection
    phone: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    outcome: CallOutcome
    operator: str
    ticket_code: str | None
    packets_lost: int | None = None  # of the caller's audio, measured by RTCP; None: not measured
    loss_percent: float | None = None
    jitter_ms: float | None = None
    encrypted: bool | None = None  # SRTP; None: never connected, or logged before it was recorded
    recorded: bool = False  # a sealed recording of it is kept on this desk (playable from its history)

    @property
    def audio_summary(self) -> str:
        """The call's audio in one line for the operator (a tooltip), "" when nothing was measured."""
        parts: list[str] = []
        if self.packets_lost is not None and self.loss_percent is not None:
            percent = f"{self.loss_percent:.1f}".replace(".", ",")
            parts.append(f"mất {self.packets_lost} gói tin âm thanh ({percent} %)")
        if self.jitter_ms is not None:
            parts.append(f"độ dao động trễ {self.jitter_ms:.1f} ms".replace(".", ","))
        if self.encrypted is not None:
            parts.append("âm thanh được mã hoá (SRTP)" if self.encrypted else "âm thanh KHÔNG mã hoá")
        return ("Chất lượng cuộc gọi: " + "; ".join(parts) + ".") if parts else ""


@dataclass(frozen=True)
class Citizen:
    id: str
    phone: str
    name: str
    address: str


@dataclass(frozen=True)
class CallerHistory:
    """What an operator sees about a number before and while talking to the caller."""

    phone: str
    citizen: Citizen | None
    tickets: list[TicketRow] = field(default_factory=list)
    calls: list[CallRow] = field(default_factory=list)
    total_tickets: int = 0
    open_tickets: int = 0

    @property
    def is_repeat_caller(self) -> bool:
        return self.total_tickets > 0 or len(self.calls) > 1


def stored_fields(draft: TicketDraft) -> dict[str, Any]:
    """The columns a ticket stores for the draft: codes as their values, text stripped."""
    return {
        "channel": draft.channel.value,
        "citizen_name": draft.citizen_name.strip(),
        "citizen_address": draft.citizen_address.strip(),
        "request_type": draft.request_type.value,
        "level": int(draft.level),
        "is_tthc": draft.is_tthc,
        "tthc_code": draft.tthc_code.strip() if draft.is_tthc else "",
        "field_code": draft.field_code or None,
        "unit_code": draft.unit_code or None,
        "content": draft.content.strip(),
        "answer": draft.answer.strip(),
        "status": draft.status.value,
        "satisfaction": draft.satisfaction.value,
        "dissatisfaction_reason": (
            draft.dissatisfaction_reason.value if draft.dissatisfaction_reason else None
        ),
        "call_id": draft.call_id,
        "publication": draft.publication.value,
        "public_question": draft.public_question.strip(),
        "public_answer": draft.public_answer.strip(),
    }


def _draft_codes() -> dict[str, tuple[type[Enum], bool]]:
    """Per draft field holding a code: its enum, and whether it may be empty (None)."""
    codes = {}
    for name, hint in get_type_hints(TicketDraft).items():
        optional = get_origin(hint) in (Union, types.UnionType)
        kind = next((arg for arg in get_args(hint) if arg is not type(None)), None) if optional else hint
        if isinstance(kind, type) and issubclass(kind, Enum):
            codes[name] = (kind, optional)
    return codes


_DRAFT_FIELDS = tuple(item.name for item in fields(TicketDraft))
_DRAFT_CODES = _draft_codes()


def draft_from_stored(stored: Callable[[str], Any]) -> TicketDraft:
    """The draft of a stored ticket, `stored(name)` giving the column of the same name: codes become
    their enums again (an empty optional code, None); every other value is taken as stored."""
    values: dict[str, Any] = {}
    for name in _DRAFT_FIELDS:
        value = stored(name)
        code = _DRAFT_CODES.get(name)
        if code is not None:
            kind, optional = code
            value = None if optional and not value else kind(value)
        values[name] = value
    return TicketDraft(**values)
