"""The desk's record of who looked at a citizen's data: appended only, pushed to the server's trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base
from desktop.store.types import VnDateTime


class AccessRecord(Base):
    """One display of personal data: who, when, which citizen (phone) or ticket, on which screen, why."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(VnDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(10))  # phone | ticket | search | export
    subject: Mapped[str] = mapped_column(String(80), index=True)
    screen: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
