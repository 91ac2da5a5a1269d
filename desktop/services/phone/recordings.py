"""Wrap-ups and call recordings in the store: one disposition per call, sealed recordings kept a while."""

from __future__ import annotations

import time
import wave
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.services.phone.codes import Disposition
from desktop.services.phone.recording_vault import EXTENSION, EncryptedRecorder
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.phone_models import CallRecording, CallWrapUp
from protocol.records import RECORDING_RETENTION_DAYS


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


ORPHAN_AGE = timedelta(hours=6)  # a file no call registered by then was left by a crash (or a killed desk)
RECORDING_PATTERNS = ("*.wav", f"*{EXTENSION}")  # plain WAVs of older versions, sealed recordings


def seal_plain_recordings(store: LocalStore, key: bytes) -> int:
    """Recordings an older version left as plain WAV files are sealed (and the WAV removed); returns how
    many. A WAV that cannot be read is left for the retention purge."""
    with store.engine.connect() as connection:
        plain = connection.execute(
            select(CallRecording.call_id, CallRecording.path).where(CallRecording.path.like("%.wav"))
        ).all()
    sealed = 0
    for call_id, path_text in plain:
        wav_path = Path(path_text)
        try:
            with wave.open(str(wav_path), "rb") as wav:
                pcm = wav.readframes(wav.getnframes())
        except (OSError, EOFError, wave.Error):
            continue
        target = wav_path.with_suffix(EXTENSION)
        target.unlink(missing_ok=True)  # a half-sealed copy from an interrupted earlier run
        recorder = EncryptedRecorder(target, key)
        recorder.write(pcm)
        recorder.close()
        try:
            with store.writes.begin() as session:
                row = session.get(CallRecording, call_id)
                if row is not None:
                    row.path = str(target)
        except OperationalError as error:
            target.unlink(missing_ok=True)
            raise explain(error) from error
        wav_path.unlink(missing_ok=True)
        sealed += 1
    return sealed


def central_retention_days(store: LocalStore) -> int | None:
    """The centre's retention period for recordings as last synced, or None before the first sync."""
    with store.engine.connect() as connection:
        value = connection.scalar(
            select(models.CentralSetting.value).where(models.CentralSetting.name == RECORDING_RETENTION_DAYS)
        )
    return int(value) if value is not None and value.isdigit() else None


def purge_recordings(store: LocalStore, older_than: datetime, folder: Path | None = None) -> int:
    """Deletes the recordings made before `older_than` and their rows, and in `folder` the recording files
    no call registered that are older than ORPHAN_AGE (a call cut by a crash); returns how many went."""
    removed = _purge_orphans(store, folder) if folder is not None else 0
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


def _purge_orphans(store: LocalStore, folder: Path) -> int:
    if not folder.is_dir():
        return 0
    with store.engine.connect() as connection:
        registered = {Path(path).resolve() for path in connection.scalars(select(CallRecording.path))}
    stale = time.time() - ORPHAN_AGE.total_seconds()
    removed = 0
    for pattern in RECORDING_PATTERNS:
        for file in folder.rglob(pattern):
            try:
                if file.resolve() not in registered and file.stat().st_mtime < stale:
                    file.unlink()
                    removed += 1
            except OSError:
                continue
    return removed
