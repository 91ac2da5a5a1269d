"""Operators' presence for the supervisor's dashboard, and the period counts it shows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

READY = "san_sang"  # the vocabulary's agent_state with role "ready"


class PresenceState(StrEnum):
    REGISTERED = "registered"
    IDLE = "idle"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    OFFLINE = "offline"


class PresenceUpdate(BaseModel):
    """`PUT /api/v1/presence`: the signed-in operator's state; the server stamps it with its own clock."""

    model_config = ConfigDict(extra="forbid")

    state: PresenceState
    detail: str = Field(default="", max_length=200)
    agent_state: str = Field(
        default=READY,
        pattern=r"^[a-z][a-z_]{0,39}$",
        description="the operator's chosen state, a code of the vocabulary's agent_state set",
    )


class PresenceEntry(BaseModel):
    username: str
    full_name: str
    role: str
    client_id: str
    state: PresenceState
    detail: str
    since: datetime = Field(description="server time of the state change")
    updated_at: datetime = Field(description="server time of the last report")
    agent_state: str = READY
    agent_state_since: datetime | None = Field(default=None, description="server time the agent state began")
    after_call_seconds_today: float = Field(
        default=0.0, description="after-call work (wrap-up) today, Vietnam's day, the running one included"
    )


class PresenceList(BaseModel):
    """`GET /api/v1/presence` (supervisor): everyone's last reported state."""

    entries: list[PresenceEntry]
    server_time: datetime


class CountsResponse(BaseModel):
    """`GET /api/v1/counts?from=…&to=…` (supervisor): tickets by received_at, calls by started_at."""

    period_from: datetime
    period_to: datetime
    tickets: int
    tickets_resolved: int
    tickets_in_progress: int
    calls: int
    calls_inbound: int
    calls_outbound: int
    calls_missed: int
