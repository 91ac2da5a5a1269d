"""Operators' presence for the supervisor's dashboard, and the period counts it shows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class PresenceEntry(BaseModel):
    username: str
    full_name: str
    role: str
    client_id: str
    state: PresenceState
    detail: str
    since: datetime = Field(description="server time of the state change")
    updated_at: datetime = Field(description="server time of the last report")


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
