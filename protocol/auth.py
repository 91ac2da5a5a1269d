"""Login: who the user is, which desktop (client id) they sign in from, and the token they get."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from protocol.sync import PROTOCOL_VERSION, ServerInfo


class Role(StrEnum):
    """Operator: tickets and calls. Supervisor: also everyone's counts, reports, presence. Admin: catalogs."""

    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Precedence in same-field conflicts: a higher rank's edit is not overwritten by a lower one."""
        return {Role.OPERATOR: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}[self]


CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)

    @field_validator("username", "password")
    @classmethod
    def _encodable(cls, value: str) -> str:
        """A lone surrogate (`\\ud800` in the JSON) is no text: refused here, not a 500 further on."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("có ký tự không hợp lệ") from None
        return value

    client_id: str = Field(pattern=CLIENT_ID_PATTERN, description="the desktop's id (its store's client id)")
    desk_key: str | None = Field(
        default=None,
        min_length=32,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the desktop's secret: the first login binds client_id to it, later ones must match; "
        "a desk too old to send one gets 426",
    )
    protocol_version: int = Field(default=PROTOCOL_VERSION, ge=0, le=1_000_000)


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    username: str
    full_name: str
    role: Role
    client_id: str
    last_seq: int = Field(description="this client's highest applied seq on the server")
    feed_head: int = Field(description="the highest cursor of the change feed")
    server: ServerInfo
