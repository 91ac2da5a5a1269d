"""A citizen erased on this desk, as the server asked (by the digest of their number): the number, name and
address gone from tickets, history, calls, callbacks, the outbox and the access log; ticket texts redacted;
recordings deleted; then the store rewritten so that no freed page, WAL frame or index segment keeps
them, and the pre-upgrade copies (which hold the old data) removed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.services.tickets.search_index import (
    FTS_DELETE_SQL,
    FTS_INSERT_SQL,
    FTS_OPTIMIZE_SQL,
    TICKET_BODY_SQL,
)
from desktop.store import cipher
from desktop.store.local import LocalStore
from protocol.erasure import ERASED_SUBJECT, REDACTED_TEXT, phone_digest, search_matcher, text_scrubber

log = logging.getLogger(__name__)

PHONE_TABLES = ("citizens", "tickets", "calls", "callbacks")
PERSONAL_KEYS = ("phone", "citizen_name", "citizen_address", "content", "name", "address", "subject")


def erase_here(raw: Any, digest: str) -> list[str]:
    """Inside the pull's transaction: scrubs every row of the numbers whose digest is `digest`; returns
    the recording files to delete once it commits."""
    phones = {
        phone
        for table in PHONE_TABLES
        for (phone,) in raw.execute(f"SELECT DISTINCT phone FROM {table} WHERE phone != ''")
        if phone_digest(phone) == digest
    }
    if not phones:
        return []
    marks = ",".join("?" * len(phones))
    found = list(phones)
    people = raw.execute(
        f"SELECT name, address FROM citizens WHERE phone IN ({marks}) "
        f"UNION SELECT citizen_name, citizen_address FROM tickets WHERE phone IN ({marks})",
        [*found, *found],
    ).fetchall()
    words = {text for row in people for text in row if text and len(text) >= 3}
    tickets = raw.execute(
        f"SELECT pk, id, {TICKET_BODY_SQL} FROM tickets WHERE phone IN ({marks})", found
    ).fetchall()
    for pk, _id, body in tickets:
        raw.execute(FTS_DELETE_SQL, (pk, body))
    raw.execute(
        "UPDATE tickets SET phone = '', citizen_name = '', citizen_address = '', citizen_id = NULL, "
        f"content = ? WHERE phone IN ({marks})",
        [REDACTED_TEXT, *found],
    )
    scrub = text_scrubber(found, words)
    for pk, _id, _body in tickets:
        _scrub_answer(raw, pk, scrub)
        (body,) = raw.execute(f"SELECT {TICKET_BODY_SQL} FROM tickets WHERE pk = ?", (pk,)).fetchone()
        raw.execute(FTS_INSERT_SQL, (pk, body))
    ticket_ids = [ticket_id for _pk, ticket_id, _body in tickets]
    _redact_conflicts(raw, ticket_ids)
    _scrub_json(raw, "ticket_history", "id", "changes", "ticket_id", ticket_ids, scrub)
    _scrub_forwardings(raw, ticket_ids, scrub)
    _scrub_json(raw, "outbox", "seq", "payload", None, None, scrub)
    recordings = [
        path
        for (path,) in raw.execute(
            "SELECT r.path FROM call_recordings r JOIN calls c ON c.id = r.call_id "
            f"WHERE c.phone IN ({marks})",
            found,
        )
    ]
    raw.execute(
        f"DELETE FROM call_recordings WHERE call_id IN (SELECT id FROM calls WHERE phone IN ({marks}))", found
    )
    raw.execute(f"UPDATE calls SET phone = '', citizen_id = NULL WHERE phone IN ({marks})", found)
    raw.execute(f"UPDATE callbacks SET phone = '', note = '' WHERE phone IN ({marks})", found)
    raw.execute(f"DELETE FROM citizens WHERE phone IN ({marks})", found)
    raw.execute(f"UPDATE access_log SET subject = ? WHERE subject IN ({marks})", [ERASED_SUBJECT, *found])
    _scrub_searches(raw, found, words)
    return recordings


def _scrub_answer(raw: Any, pk: int, scrub: Callable[[str], str]) -> None:
    """The ticket's answer (often a unit's words, copied) keeps its sense and loses a name or number, as the
    server's next version of the ticket will have it (even before that version arrives)."""
    (answer,) = raw.execute("SELECT answer FROM tickets WHERE pk = ?", (pk,)).fetchone()
    cleaned = scrub(answer or "")
    if cleaned != (answer or ""):
        raw.execute("UPDATE tickets SET answer = ? WHERE pk = ?", (cleaned, pk))


def _scrub_forwardings(raw: Any, ticket_ids: list[str], scrub: Callable[[str], str]) -> None:
    """The units' words kept for the erased tickets' history (answers, reasons) lose a name or number
    written in them, as the server's next version of each forwarding will have it."""
    if not ticket_ids:
        return
    marks = ",".join("?" * len(ticket_ids))
    texts = ("answer", "return_reason", "extension_reason", "earlier_extensions")
    rows = raw.execute(
        f"SELECT id, {', '.join(texts)} FROM forwardings WHERE ticket_id IN ({marks})", ticket_ids
    )
    for forwarding_id, *values in rows.fetchall():
        cleaned = [scrub(value or "") for value in values]
        if cleaned != [value or "" for value in values]:
            assignments = ", ".join(f"{name} = ?" for name in texts)
            raw.execute(f"UPDATE forwardings SET {assignments} WHERE id = ?", [*cleaned, forwarding_id])


def _redact_conflicts(raw: Any, ticket_ids: list[str]) -> None:
    """Both versions of a text conflict on an erased ticket hold the citizen's story: redacted too."""
    if not ticket_ids:
        return
    redacted = json.dumps(REDACTED_TEXT, ensure_ascii=False)
    marks = ",".join("?" * len(ticket_ids))
    raw.execute(
        "UPDATE sync_conflicts SET base_value = ?, local_value = ?, server_value = ?, "
        "resolution = CASE WHEN resolution IS NULL THEN NULL ELSE ? END "
        f"WHERE entity = 'ticket' AND entity_id IN ({marks})",
        [redacted, redacted, redacted, redacted, *ticket_ids],
    )


def _scrub_searches(raw: Any, phones: list[str], words: set[str]) -> None:
    """A search typed on the ticket list is kept as typed, in the access log and in its outbox row: one
    that names the citizen is scrubbed too."""
    names_them = search_matcher(phones, words)
    searches = raw.execute("SELECT id, subject FROM access_log WHERE subject_kind = 'search'").fetchall()
    for record_id, subject in searches:
        if names_them(subject):
            raw.execute("UPDATE access_log SET subject = ? WHERE id = ?", (ERASED_SUBJECT, record_id))
    queued = raw.execute("SELECT seq, payload FROM outbox WHERE entity = 'access'").fetchall()
    for seq, payload in queued:
        document = json.loads(payload or "{}")
        typed = str(document.get("subject", ""))
        if document.get("subject_kind") == "search" and names_them(typed):
            document["subject"] = ERASED_SUBJECT
            raw.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(document), seq))


def _scrub_json(
    raw: Any,
    table: str,
    key: str,
    column: str,
    owner: str | None,
    owners: list[str] | None,
    scrub: Callable[[str], str],
) -> None:
    """Rows whose JSON names the citizen: personal keys blanked wherever they sit in the document."""
    rows = raw.execute(f"SELECT {key}, {column} FROM {table}").fetchall()
    for row_key, document in rows:
        if scrub(document or "") == (document or ""):
            continue
        try:
            cleaned = json.dumps(_blank(json.loads(document)), ensure_ascii=False)
        except ValueError:
            cleaned = "{}"
        cleaned = scrub(cleaned)  # a number or a name written inside free text
        raw.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (cleaned, row_key))


def _blank(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_emptied(v) if k in PERSONAL_KEYS else _blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(item) for item in value]
    return value


def _emptied(value: Any) -> Any:
    """A personal field's value, emptied whatever its shape (a history keeps [old, new])."""
    if isinstance(value, list):
        return ["" if isinstance(item, str) else item for item in value]
    return "" if isinstance(value, str) else value


def compact(store: LocalStore, recordings: list[str]) -> None:
    """After the erasure commits: the recordings deleted, the store rewritten (no freed page keeps the
    old rows), the WAL emptied, the full-text index merged, the pre-upgrade copies removed."""
    for path in recordings:
        Path(path).unlink(missing_ok=True)
    raw = cipher.connect(store.path, store.key, timeout=30)
    try:
        raw.execute("PRAGMA secure_delete = ON")
        raw.execute(FTS_OPTIMIZE_SQL)
        raw.commit()
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    for copy in store.path.parent.glob(store.path.stem + ".truoc-nang-cap-*"):
        copy.unlink(missing_ok=True)
    log.info("a citizen was erased on this desk (%d recordings deleted)", len(recordings))
