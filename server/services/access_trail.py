"""The access trail: append-only and hash-chained; desks push their records (entity "access"), the units'
pages add theirs with `record_access`, an admin asks "who saw citizen X between two dates" and checks
that nothing was deleted or edited (`verify`).

An entry (version 2) hashes a keyed digest of its subject rather than the subject: an erased citizen's
number, or a search that named them, is replaced by ERASED_SUBJECT (`erase_subjects`, the one update the
database lets through) while the chain still verifies and "who saw X" still finds the entries by digest.
The key is random, made once, and kept in the database: without it a digest cannot be tried against
every phone number."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from protocol import Mutation
from protocol.access import ACCESS_KINDS, ACCESS_REASONS
from protocol.erasure import ERASED_SUBJECT, search_matcher
from server.models import AccessEntry, AccessRechain, ServerMeta, Ticket
from server.services.feed import PendingChanges
from server.services.tickets import Actor, Applied, Rejected

GENESIS = "0" * 64
KINDS = ACCESS_KINDS
REASONS = ACCESS_REASONS
LIMITS = {"subject": 80, "screen": 40}
HASHED = {
    1: ("at", "actor", "origin", "subject_kind", "subject", "screen", "reason"),
    2: ("at", "actor", "origin", "subject_kind", "subject_digest", "screen", "reason"),
}
CURRENT_VERSION = 2
DIGEST_KEY = "access_trail_digest_key"


@dataclass(frozen=True)
class Broken:
    """Where the chain stops holding: the first entry whose hash or link is not what it should be."""

    seq: int
    problem: str


def entry_hash(previous: str, values: dict[str, Any], version: int = CURRENT_VERSION) -> str:
    fields = {key: values[key] for key in HASHED[version]}
    fields["at"] = _iso(fields["at"])
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


def record_access(
    session: Session,
    *,
    actor: str,
    origin: str,
    subject_kind: str,
    subject: str,
    screen: str,
    reason: str,
    at: datetime | None = None,
) -> AccessEntry:
    """Appends one entry after the last, under a lock so two writers never chain to the same entry."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(1022018)"))
    last = session.scalar(select(AccessEntry).order_by(AccessEntry.seq.desc()).limit(1))
    previous = last.entry_hash if last is not None else GENESIS
    subject = subject[: LIMITS["subject"]]
    values: dict[str, Any] = {
        "at": at or datetime.now(UTC),
        "actor": actor[:64],
        "origin": origin[:64],
        "subject_kind": subject_kind,
        "subject": subject,
        "subject_digest": subject_digest(_the_digest_key(session), subject),
        "screen": screen[: LIMITS["screen"]],
        "reason": reason,
    }
    entry = AccessEntry(
        **values,
        hash_version=CURRENT_VERSION,
        recorded_at=datetime.now(UTC),
        previous_hash=previous,
        entry_hash=entry_hash(previous, values),
    )
    session.add(entry)
    session.flush()
    return entry


def pushed(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, _feed: PendingChanges
) -> Applied:
    """A desk's access record: the operator from the token (never the payload), the desk as origin."""
    payload = mutation.payload
    kind, reason = payload.get("subject_kind"), payload.get("reason")
    subject, screen = payload.get("subject"), payload.get("screen")
    if kind not in KINDS or reason not in REASONS:
        raise Rejected("Bản ghi truy cập có loại hoặc lý do không hợp lệ.")
    if not isinstance(subject, str) or not subject or not isinstance(screen, str) or not screen:
        raise Rejected("Bản ghi truy cập thiếu đối tượng hoặc màn hình.")
    try:
        at = datetime.fromisoformat(str(payload.get("at")))
    except ValueError:
        raise Rejected("Bản ghi truy cập có thời điểm không hợp lệ.") from None
    if at.tzinfo is None:
        raise Rejected("Thời điểm của bản ghi truy cập thiếu múi giờ.")
    record_access(
        session,
        actor=actor.username,
        origin=actor.client_id,
        subject_kind=str(kind),
        subject=subject,
        screen=screen,
        reason=str(reason),
        at=at,
    )
    return Applied(1, [])


def who_accessed(
    session: Session, subject: str, start: datetime, end: datetime, *, tickets: Iterable[str] = ()
) -> list[AccessEntry]:
    """By the subject's digest (an erased subject's entries too), and by the subject for older entries;
    with `tickets`, the looks at those tickets as well."""
    key = _digest_key(session, create=False)
    matches = AccessEntry.subject == subject
    if key is not None:
        matches = or_(
            AccessEntry.subject_digest == subject_digest(key, subject[: LIMITS["subject"]]), matches
        )
    ticket_ids = list(tickets)
    if ticket_ids:
        matches = or_(
            matches, and_(AccessEntry.subject_kind == "ticket", AccessEntry.subject.in_(ticket_ids))
        )
    return list(
        session.scalars(
            select(AccessEntry)
            .where(matches, AccessEntry.at >= start, AccessEntry.at < end)
            .order_by(AccessEntry.at, AccessEntry.seq)
        )
    )


def who_accessed_citizen(session: Session, phone: str, start: datetime, end: datetime) -> list[AccessEntry]:
    """Who saw a citizen: the looks at their number and at each ticket of theirs the server holds (an opened
    ticket shows the citizen as much as their history does)."""
    tickets = session.scalars(select(Ticket.id).where(Ticket.phone == phone)).all()
    return who_accessed(session, phone, start, end, tickets=tickets)


def erase_subjects(session: Session, phones: Iterable[str], words: Iterable[str]) -> int:
    """An erased citizen leaves the trail's subjects: the entries about their number, and the searches
    that named them, say ERASED_SUBJECT; who looked, when, where and why stay. Returns how many."""
    key = _digest_key(session, create=False)
    if key is None:
        return 0
    phones, words = list(phones), list(words)
    digests = {subject_digest(key, phone) for phone in phones}
    erased = list(
        session.scalars(
            select(AccessEntry).where(
                AccessEntry.hash_version == CURRENT_VERSION,
                AccessEntry.subject != ERASED_SUBJECT,
                or_(
                    AccessEntry.subject_digest.in_(digests),
                    AccessEntry.subject_kind == "search",
                ),
            )
        )
    )
    count = 0
    names_them = search_matcher(phones, words)
    for entry in erased:
        if entry.subject_digest in digests or names_them(entry.subject):
            entry.subject = ERASED_SUBJECT
            count += 1
    session.flush()
    return count


def subject_digest(key: bytes, subject: str) -> str:
    return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()


def _the_digest_key(session: Session) -> bytes:
    key = _digest_key(session, create=True)
    assert key is not None
    return key


def _digest_key(session: Session, *, create: bool) -> bytes | None:
    row = session.get(ServerMeta, DIGEST_KEY)
    if row is None:
        if not create:
            return None
        row = ServerMeta(key=DIGEST_KEY, value=secrets.token_hex(32))  # under record_access's lock
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def verify(session: Session) -> Broken | None:
    """Walks the whole chain; None when every entry links to the one before and hashes to itself."""
    previous = GENESIS
    for entry in session.scalars(select(AccessEntry).order_by(AccessEntry.seq)).yield_per(5000):
        if entry.previous_hash != previous:
            return Broken(entry.seq, "một mục phía trước đã bị xóa hoặc sửa (mắt xích không khớp)")
        values = {name: getattr(entry, name) for name in HASHED[entry.hash_version]}
        if entry_hash(previous, values, entry.hash_version) != entry.entry_hash:
            return Broken(entry.seq, "nội dung mục này đã bị sửa")
        previous = entry.entry_hash
    return None


def rechains(session: Session) -> list[str]:
    """Each time the chain's hashes were computed again (migration 0013), said in Vietnamese for the admin."""
    said = []
    for done in session.scalars(select(AccessRechain).order_by(AccessRechain.id)):
        line = (
            f"Chuỗi băm đã được tính lại lúc {_iso(done.at)[:19]}Z (nâng cấp {done.revision}): "
            f"{done.converted} mục cũ chuyển sang mã băm của đối tượng, {done.rehashed} mục tính lại băm; "
            f"đầu chuỗi trước đó {done.head_before}, sau đó {done.head_after}"
        )
        said.append(line + (f"; chuỗi đã đứt từ trước ở {done.broken_before}" if done.broken_before else ""))
    return said


def _iso(moment: Any) -> str:
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    return str(moment)
