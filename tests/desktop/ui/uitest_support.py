"""Helpers shared by the UI tests: typing Vietnamese key by key, seeding tickets in bulk."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import Channel, RequestType, Satisfaction, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.store import models
from desktop.store.local import LocalStore

KNOWN_PHONE = "0912 345 678"
KNOWN_NAME = "Nguyễn Văn An"


def draft(**values: object) -> TicketDraft:
    base: dict[str, object] = {
        "content": "Hỏi thủ tục cấp lại căn cước công dân",
        "phone": "0987 654 321",
        "citizen_name": "Trần Thị Bích",
    }
    base.update(values)
    return TicketDraft(**base)  # type: ignore[arg-type]


def bulk_tickets(store: LocalStore, count: int, start: datetime | None = None) -> None:
    """Inserts `count` plain tickets in one transaction (no history, no search index): for list tests."""
    start = start or datetime(2024, 1, 1, 8, 0, tzinfo=VN_TZ)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "code": f"240101-BULK0-{number:05d}",
            "version": 1,
            "received_at": start + timedelta(minutes=number),
            "channel": Channel.PHONE.value,
            "phone": f"+8491{number:07d}",
            "citizen_name": f"Người gọi {number}",
            "request_type": RequestType.INFORMATION.value,
            "level": 1,
            "content": f"Nội dung phiếu số {number}",
            "status": TicketStatus.IN_PROGRESS.value,
            "satisfaction": Satisfaction.NOT_RATED.value,
            "created_at": start,
            "updated_at": start,
        }
        for number in range(count)
    ]
    with store.sessions.begin() as session:
        session.execute(insert(models.Ticket), rows)


def type_text(widget: object, text: str) -> None:
    """Types `text` key by key, Vietnamese letters included (QTest.keyClicks only knows Latin-1 keys)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for char in text:
        if char.isascii():
            QTest.keyClick(widget, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier
            )
