"""What the synced entities carry: ticket and call field names, catalog and knowledge-base records."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# Published answers (Decision 31/2021/QĐ-TTg, Art. 43 and 46; issue #17 point 5): whether the citizen agreed
# to publication (vocabulary set "publication") and the question and answer as the operator rewrote them
# without personal data. The desk's form writes them, the server publishes them.
PUBLICATION_FIELDS: tuple[str, ...] = ("publication", "public_question", "public_answer")

# The ticket as the desktop snapshots it (desktop.services.tickets.rows.SNAPSHOT_FIELDS is this list): dates
# and datetimes as ISO 8601 strings (datetimes with their offset), codes as in DOMAIN.md.
TICKET_FIELDS: tuple[str, ...] = (
    "code",
    "received_at",
    "channel",
    "phone",
    "citizen_id",
    "citizen_name",
    "citizen_address",
    "request_type",
    "level",
    "is_tthc",
    "tthc_code",
    "field_code",
    "unit_code",
    "content",
    "answer",
    "status",
    "satisfaction",
    "dissatisfaction_reason",
    "deadline",
    "resolved_at",
    "call_id",
    *PUBLICATION_FIELDS,
    # Why the unit returned the ticket (#17: "không thuộc thẩm quyền"); the server writes it when the unit
    # returns the ticket and empties it when the ticket is forwarded again; the desks show it.
    "return_reason",
    # When a unit's answer reached the ticket (the server writes it with the answer) and when an operator
    # reached the citizen with it (the desk whose "answer ready" call got through writes it): together
    # they are the steps "answered" and "called back" on every desk, so a second desk never calls the
    # citizen again with an answer already given, and a later answer (after a new forward) is new again.
    "unit_answered_at",
    "called_back_at",
)

# Who took the steps "called back" and "resolved": the server stamps them from the authenticated account
# whose edit set called_back_at / resolved_at (emptied with them), as it does the operator of a call or a
# survey. The feed carries them to every desk; no desk ever pushes them (a push naming one is refused as
# an unknown field), so a desk cannot name another operator as the author.
STAMPED_TICKET_FIELDS: dict[str, str] = {"called_back_at": "called_back_by", "resolved_at": "resolved_by"}

# Concurrent edits of one of these keep the server's text on the ticket and the other text in a conflict
# record (entity "conflict" in the feed) that an operator settles.
FREE_TEXT_FIELDS: frozenset[str] = frozenset(
    {"content", "answer", "citizen_name", "citizen_address", "public_question", "public_answer"}
)

# Concurrent edits of any other ticket field: the higher role wins (supervisor > operator), a tie goes to
# the edit the server applied later. Status and unit are the ones that matter; resolved_at follows status.
PRECEDENCE_FIELDS: frozenset[str] = (
    frozenset(TICKET_FIELDS + PUBLICATION_FIELDS) - FREE_TEXT_FIELDS - {"code"}
)

CALL_FIELDS: tuple[str, ...] = (
    "direction",
    "phone",
    "citizen_id",
    "operator",
    "started_at",
    "answered_at",
    "ended_at",
    "outcome",
    "ticket_id",
    "sip_call_id",
)


class CatalogKind(StrEnum):
    """Catalog and knowledge-base entities an administrator edits; they reach desktops through the feed."""

    UNIT = "unit"
    FIELD = "field"
    LEVEL = "level"
    HOLIDAY = "holiday"
    KB_QA = "kb_qa"
    SETTING = "setting"


CATALOG_ENTITIES: frozenset[str] = frozenset(kind.value for kind in CatalogKind)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitRecord(_Record):
    """A handling unit; key = its code. Retire it (active=False, merged_into) rather than delete it."""

    name: str = Field(min_length=1, max_length=200)
    group: str = Field(default="khac", max_length=20)
    active: bool = True
    merged_into: str | None = Field(default=None, max_length=64)
    retired_at: datetime | None = None
    sort_order: int = Field(default=0, ge=-1_000_000, le=1_000_000)


class FieldRecord(_Record):
    """A field of requests (lĩnh vực); key = its code."""

    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    sort_order: int = Field(default=0, ge=-1_000_000, le=1_000_000)


class LevelRecord(_Record):
    """A ticket level and its deadline in working days; key = the level number 1-4."""

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    deadline_working_days: int = Field(ge=0, le=365)


class HolidayRecord(_Record):
    """A public holiday, or a worked Saturday; key = the day (YYYY-MM-DD)."""

    name: str = Field(min_length=1, max_length=200)
    is_working_day: bool = False


class KbQaRecord(_Record):
    """A question callers ask and the agreed answer; key = its id. `procedures` are TTHC codes."""

    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(min_length=1, max_length=20000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    procedures: list[str] = Field(default_factory=list, max_length=50)


class SettingRecord(_Record):
    """A setting the centre decides for every desk; key = its name (see CENTRAL_SETTINGS)."""

    value: str = Field(min_length=1, max_length=200)


RECORDING_RETENTION_DAYS = "recording_retention_days"
# name -> (smallest, largest) whole number allowed
CENTRAL_SETTINGS: dict[str, tuple[int, int]] = {RECORDING_RETENTION_DAYS: (1, 3650)}
DEFAULT_RECORDING_RETENTION_DAYS = 30


def central_setting_problem(name: str, value: str) -> str | None:
    """Why a central setting is refused (Vietnamese), or None."""
    if name not in CENTRAL_SETTINGS:
        return f"Không có thiết lập chung «{name[:64]}»."
    low, high = CENTRAL_SETTINGS[name]
    if not value.isdigit() or not low <= int(value) <= high:
        return f"Thiết lập «{name}» phải là số nguyên từ {low} đến {high}."
    return None


CATALOG_RECORDS: dict[CatalogKind, type[_Record]] = {
    CatalogKind.UNIT: UnitRecord,
    CatalogKind.FIELD: FieldRecord,
    CatalogKind.LEVEL: LevelRecord,
    CatalogKind.HOLIDAY: HolidayRecord,
    CatalogKind.KB_QA: KbQaRecord,
    CatalogKind.SETTING: SettingRecord,
}


def holiday_key(day: date) -> str:
    return day.isoformat()
