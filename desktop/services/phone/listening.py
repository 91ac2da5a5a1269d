"""Listening to a call's recording on the desk: decrypted in memory only, each listen on the access record."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from desktop.domain.phone import is_hidden
from desktop.services.access_log import AccessLog
from desktop.services.phone.recording_vault import decrypt_pcm
from desktop.services.phone.recordings import recording_of
from desktop.store import models
from desktop.store.local import LocalStore

LISTENING = "recording"  # the access record's reason: listening to a recording

__all__ = ["LISTENING", "NoRecording", "RecordingListening"]


class NoRecording(LookupError):
    """The call has no recording to play (never recorded, or deleted at the end of its retention)."""


class RecordingListening:
    """Opens recordings for the desk's player. `key` answers the recording key, or None while the keyring has
    not been read yet; runs on a worker thread (a file read, a decryption and a store read)."""

    def __init__(self, store: LocalStore, key: Callable[[], bytes | None], access: AccessLog) -> None:
        self._store = store
        self._key = key
        self._access = access

    def open(self, call_id: str, screen: str) -> bytes:
        """The call's audio (16-bit 8 kHz mono PCM) in memory, and a record of who listened, from `screen`.
        Raises NoRecording, or RecordingError for a file that cannot be decrypted (both in Vietnamese)."""
        path = recording_of(self._store, call_id)
        if path is None:
            raise NoRecording("Cuộc gọi này không có bản ghi âm (chưa ghi, hoặc đã xóa khi hết hạn lưu).")
        key = self._key()
        if key is None:
            raise NoRecording("Chưa đọc được khóa bản ghi âm từ kho khóa của máy. Hãy thử lại sau ít giây.")
        pcm = decrypt_pcm(path, key)
        self._access.record(*self._subject(call_id), screen, LISTENING)
        return pcm

    def _subject(self, call_id: str) -> tuple[str, str]:
        """The citizen by number; a withheld number's call by its ticket when it has one."""
        with self._store.engine.connect() as connection:
            phone, ticket_id = connection.execute(
                select(models.Call.phone, models.Call.ticket_id).where(models.Call.id == call_id)
            ).one()
        if is_hidden(phone) and ticket_id:
            return "ticket", ticket_id
        return "phone", phone
