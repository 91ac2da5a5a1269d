"""Wrap-ups and call recordings in the store: one disposition per call, WAV files kept for a period."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.services.phone_codes import Disposition
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.phone_models import CallRecording, CallWrapUp


def save_wrap_up(
    store: LocalStore, log_id: str, disposition: Disposition, operator: str, at: datetime
) -> None:
    """The call's disposition (a later choice replaces an earlier one)."""
    try:
        with store.writes.begin() as session:
            if session.get(models.Call, log_id) is None:
                raise LookupError(f"Không có cuộc gọi {log_id}.")
            row = session.get(CallWrapUp, log_id)
            if row is None:
                session.add(
                    CallWrapUp(call_id=log_id, disposition=disposition.value, operator=operator, at=at)
                )
            else:
                row.disposition, row.operator, row.at = disposition.value, operator, at
    except OperationalError as error:
        raise explain(error) from error


def wrap_up_of(store: LocalStore, log_id: str) -> Disposition | None:
    with store.engine.connect() as connection:
        value = connection.scalar(select(CallWrapUp.disposition).where(CallWrapUp.call_id == log_id))
    return Disposition(value) if value else None


def register_recording(store: LocalStore, log_id: str, path: Path, at: datetime) -> None:
    try:
        with store.writes.begin() as session:
            session.merge(CallRecording(call_id=log_id, path=str(path), created_at=at))
    except OperationalError as error:
        raise explain(error) from error


def recording_of(store: LocalStore, log_id: str) -> Path | None:
    with store.engine.connect() as connection:
        value = connection.scalar(select(CallRecording.path).where(CallRecording.call_id == log_id))
    return Path(value) if value else None


def purge_recordings(store: LocalStore, older_than: datetime) -> int:
    """Deletes the WAV files recorded before `older_than` and their rows; returns how many were removed."""
    removed = 0
    try:
        with store.writes.begin() as session:
            old = session.scalars(select(CallRecording).where(CallRecording.created_at < older_than)).all()
            for recording in old:
                Path(recording.path).unlink(missing_ok=True)
                session.delete(recording)
                removed += 1
    except OperationalError as error:
        raise explain(error) from error
    return removed
