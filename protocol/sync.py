"""Push and pull: mutations numbered per client, their stored results, and the change feed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1  # the oldest protocol a server still applies; older batches get HTTP 426
API_PREFIX = "/api/v1"
MAX_BATCH = 500  # mutations in one push
MAX_PULL_LIMIT = 5000  # changes in one pull page
MAX_BODY_BYTES = 8 * 1024 * 1024  # a larger request body is refused with HTTP 413

PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
STATE_PATH = f"{API_PREFIX}/sync/state"
LOGIN_PATH = f"{API_PREFIX}/login"
LOGOUT_PATH = f"{API_PREFIX}/logout"


class ServerInfo(BaseModel):
    """Which server database answered: a different epoch means a new or restored database."""

    server_epoch: str
    protocol_version: int = PROTOCOL_VERSION
    min_protocol_version: int = MIN_PROTOCOL_VERSION
    server_time: datetime = Field(description="the server's clock, for showing skew; never used to order")


class Mutation(BaseModel):
    """One outbox row: entity ticket|call|conflict|survey_attempt; op create|import|update|resolve|settle."""

    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=2**62, description="consecutive per client, from 1")
    mutation_id: str = Field(min_length=1, max_length=64)
    entity: str = Field(min_length=1, max_length=30)
    op: str = Field(min_length=1, max_length=20)
    entity_id: str = Field(min_length=1, max_length=64)
    base_version: int = Field(default=0, ge=0, le=2**62)
    payload: dict[str, Any] = Field(default_factory=dict)
    made_at: datetime | None = Field(default=None, description="the desktop's clock; informational only")


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(min_length=1, max_length=64)
    protocol_version: int = Field(ge=0, le=1_000_000)
    mutations: list[Mutation] = Field(max_length=MAX_BATCH)


class MutationStatus(StrEnum):
    APPLIED = "applied"
    CONFLICT = "conflict"  # applied, but some fields lost to a concurrent edit (see field_outcomes)
    REJECTED = "rejected"  # a business refusal; `reason` says why in Vietnamese; the seq is consumed


class FieldOutcome(BaseModel):
    """What became of one field of an edit that raced another edit of the same field."""

    field: str
    outcome: Literal["lost_to_precedence", "conflict_recorded"]
    server_value: Any = None
    conflict_id: str | None = None


class MutationResult(BaseModel):
    seq: int
    mutation_id: str
    entity: str
    entity_id: str
    status: MutationStatus
    version: int | None = Field(default=None, description="the entity's version after this mutation")
    reason: str | None = None
    field_outcomes: list[FieldOutcome] = Field(default_factory=list)
    replayed: bool = Field(default=False, description="true when this is the stored result of an earlier try")


class PushResponse(BaseModel):
    results: list[MutationResult]
    last_seq: int
    feed_head: int
    server: ServerInfo


class GapError(BaseModel):
    """HTTP 409 body. "gap": send again from expected_seq. "seq_reused": that seq holds another mutation."""

    detail: str
    code: Literal["gap", "seq_reused"]
    expected_seq: int
    last_seq: int
    server: ServerInfo


class Change(BaseModel):
    """An entity's state after a committed change; `fields` is None for a tombstone."""

    cursor: int
    entity: str
    entity_id: str
    version: int
    tombstone: bool = False
    fields: dict[str, Any] | None = None
    # Kept for older servers' pages; this server no longer says which desk pushed a change (a desk id is
    # no business of the other desks).
    origin_client: str | None = Field(default=None, description="unused: always null")


class PullResponse(BaseModel):
    changes: list[Change]
    next_cursor: int
    has_more: bool
    feed_head: int
    last_seq: int
    server: ServerInfo


class SyncState(BaseModel):
    """`GET /api/v1/sync/state`: the cheap check an idle sync cycle makes."""

    last_seq: int
    feed_head: int
    server: ServerInfo
