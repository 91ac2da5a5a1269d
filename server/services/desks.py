"""Which desk owns a client id: bound to the hash of the desk's secret at its first login, refused after."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.models import DeskKey

TAKEN_MESSAGE = (
    "Mã máy trạm này đã được một máy khác dùng, nên máy chủ không nhận đăng nhập từ máy này với mã đó. "
    "Nếu đây đúng là máy đó (ví dụ vừa cài lại), hãy nhờ quản trị chạy "
    "`tongdai1022-server unbind-desk {client_id}` rồi đăng nhập lại."
)


def key_hash(desk_key: str) -> str:
    return hashlib.sha256(desk_key.encode()).hexdigest()


def claim(session: Session, client_id: str, desk_key: str, username: str) -> bool:
    """True when `desk_key` owns `client_id` (binding it now if nobody does); False when another key does.

    The desk's secret is random and never leaves its store except here, so another operator who read
    the id in the change feed cannot push in its name and jam its sequence numbers."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    hashed = key_hash(desk_key)
    statement = dialect.insert(DeskKey).values(
        client_id=client_id, key_hash=hashed, bound_by=username, bound_at=datetime.now(UTC)
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=[DeskKey.client_id]))
    owner = session.scalar(select(DeskKey.key_hash).where(DeskKey.client_id == client_id))
    return owner is not None and hmac.compare_digest(owner, hashed)


def unbind(session: Session, client_id: str) -> bool:
    """Lets the next desk that logs in with `client_id` own it (a reinstalled PC restored from a backup)."""
    bound = session.get(DeskKey, client_id) is not None
    session.execute(delete(DeskKey).where(DeskKey.client_id == client_id))
    return bound
