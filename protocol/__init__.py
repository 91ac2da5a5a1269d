"""The wire contract between the desktop and the central server (sync protocol v1), Qt-free.

Authentication: `POST /api/v1/login` (`LoginRequest` → `LoginResponse`) gives a bearer token bound to one
user and one desktop (`client_id`); every other endpoint except `/health` needs `Authorization: Bearer …`.

Push (`POST /api/v1/sync/push`, `PushRequest` → `PushResponse`): the desktop sends its outbox in order, each
`Mutation` numbered by `seq` = 1, 2, 3 … per client with no hole. The server applies each one once, in its own
transaction, stores its `MutationResult` under (client_id, seq) and returns that stored result to any retry
(same seq and mutation_id). `status` is `applied`, `conflict` (applied, but some fields lost to a concurrent
edit: see `field_outcomes`) or `rejected` (a business refusal with a Vietnamese `reason` the operator reads;
the seq is still consumed). A batch whose first new seq is not `last_seq + 1` is refused whole with HTTP 409
and a `GapError` (`expected_seq`); nothing is skipped. A protocol_version the server no longer (or not yet)
speaks is refused whole with HTTP 426 and a Vietnamese `detail`; nothing is applied, nothing dropped.
Payloads: ticket `create`/`import` carry the whole ticket (`TICKET_FIELDS`; an imported ticket's row is sent
as its first version, optionally with `"source": {"tep": …, "dong": …}`); ticket `update`/`resolve` carry
`{"changes": {...}, "before": {...}}` with the `base_version` the edit started from (the server version
the desktop last pulled for the ticket, not its own); call `create`/`update`
carry the call's columns (`CALL_FIELDS`); `conflict`/`settle` carries `{"value": ...}` (the text the operator
kept; entity_id = the conflict's id); survey_attempt `create` carries `{ticket_id, at, operator, outcome,
reason, call_id}` (outcome: a satisfaction code or `khong_nghe_may`; the rating itself is a ticket update).
Client clocks (`made_at`) are informational only.

Pull (`GET /api/v1/sync/pull?cursor=N&limit=M` → `PullResponse`): every committed change after `cursor` in
COMMIT order (one `Change` per entity: its latest state, or a tombstone), including catalogs (unit, field,
level, holiday), the knowledge base (kb_qa), the conflicts waiting for an operator and every survey attempt
(survey_attempt; always after its ticket: each new version of a ticket moves its attempts behind it). Save
`next_cursor` with the applied page in one local transaction; repeat while `has_more`.

Restore detection: `ServerInfo.server_epoch` names the server's database; it changes when the database is
created anew or an administrator runs `tongdai1022-server new-epoch` after restoring a backup. Every login,
push, pull and `GET /api/v1/sync/state` also returns `last_seq` (this client's highest applied seq) and
`feed_head` (the highest cursor). A client that has seen an acknowledgement for seq S or pulled up to cursor C
and now sees `last_seq < S`, `feed_head < C` or a new epoch talks to a server restored from a backup: it must
re-push its outbox from `last_seq + 1` (keep pushed rows until then) and pull again from cursor 0.
"""

from protocol.auth import LoginRequest, LoginResponse, Role
from protocol.presence import CountsResponse, PresenceEntry, PresenceList, PresenceState, PresenceUpdate
from protocol.records import (
    CALL_FIELDS,
    CATALOG_ENTITIES,
    FREE_TEXT_FIELDS,
    PRECEDENCE_FIELDS,
    PUBLICATION_FIELDS,
    STAMPED_TICKET_FIELDS,
    TICKET_FIELDS,
    CatalogKind,
)
from protocol.sync import (
    API_PREFIX,
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    Change,
    FieldOutcome,
    GapError,
    Mutation,
    MutationResult,
    MutationStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    ServerInfo,
    SyncState,
)

__all__ = [
    "API_PREFIX",
    "CALL_FIELDS",
    "CATALOG_ENTITIES",
    "FREE_TEXT_FIELDS",
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "MAX_PULL_LIMIT",
    "MIN_PROTOCOL_VERSION",
    "PRECEDENCE_FIELDS",
    "PROTOCOL_VERSION",
    "PUBLICATION_FIELDS",
    "STAMPED_TICKET_FIELDS",
    "TICKET_FIELDS",
    "CatalogKind",
    "Change",
    "CountsResponse",
    "FieldOutcome",
    "GapError",
    "LoginRequest",
    "LoginResponse",
    "Mutation",
    "MutationResult",
    "MutationStatus",
    "PresenceEntry",
    "PresenceList",
    "PresenceState",
    "PresenceUpdate",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "Role",
    "ServerInfo",
    "SyncState",
]
