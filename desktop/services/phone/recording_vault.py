"""Call recordings encrypted at rest: the key in the keyring, a chunked AES-GCM stream, decryption to memory.

A recording file is MAGIC, an 8-byte random prefix, then chunks of [4-byte length][AES-GCM ciphertext] of
the call's 16-bit 8 kHz mono PCM. Chunk i uses the nonce prefix + i, so chunks cannot be reordered or
swapped between files; the last chunk is sealed with FINAL as associated data, so a file cut short (a
crashed call) is recognised and refused rather than played as if complete. No plaintext touches the disk.
"""

from __future__ import annotations

import base64
import io
import secrets
import struct
import threading
import wave
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.keyring_service import KeyringService
from desktop.store.local import LocalStore
from desktop.store.models import Meta

__all__ = [
    "EXTENSION",
    "EncryptedRecorder",
    "RecordingError",
    "RecordingKey",
    "decrypt_pcm",
    "decrypted_wav",
]

MAGIC = b"TD1022REC1"
EXTENSION = ".rec"
SERVICE = "tongdai1022-recordings"
_KEY_NAME = "recording-key"
_STORE_KEY_NAME = "recording_key"
_CHUNK_BYTES = 16000  # one second of audio per sealed chunk: a crash loses at most the last second
_MORE, _FINAL = b"more", b"final"
_SAMPLE_RATE, _SAMPLE_BYTES = 8000, 2


class RecordingError(ValueError):
    """A recording that cannot be played; the message is Vietnamese."""


class RecordingKey:
    """The 32-byte recording key: made once at random and kept in the system keyring. On a machine with no
    usable keyring it is kept in the desk's store instead, which is itself encrypted with the key behind the
    user's passphrase (without a store, in memory for this session only). A key found in the store is used
    first, so recordings made before a keyring appeared still play."""

    def __init__(self, backend: Any, store: LocalStore | None = None) -> None:
        self._secrets = KeyringService(SERVICE, backend)
        self._store = store

    @property
    def persistent(self) -> bool:
        return self._secrets.persistent or self._store is not None

    def get_or_create(self) -> bytes:
        found = self.existing()
        if found is not None and len(found) == 32:
            return found
        key = secrets.token_bytes(32)
        encoded = base64.b64encode(key).decode("ascii")
        if not self._secrets.persistent and self._store is not None:
            with self._store.writes.begin() as session:
                session.merge(Meta(key=_STORE_KEY_NAME, value=encoded))
        else:
            self._secrets.set(_KEY_NAME, encoded)
        return key

    def existing(self) -> bytes | None:
        stored = self._in_store() or self._secrets.get(_KEY_NAME)
        return base64.b64decode(stored) if stored is not None else None

    def _in_store(self) -> str | None:
        if self._store is None:
            return None
        with self._store.sessions() as session:
            row = session.get(Meta, _STORE_KEY_NAME)
            return row.value if row is not None else None


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


class EncryptedRecorder:
    """An AudioSink sealing the far end's audio chunk by chunk into `path` (written on the RTP thread)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._aead = AESGCM(key)
        self._prefix = secrets.token_bytes(8)
        self._file: BinaryIO = open(path, "xb")  # noqa: SIM115  (closed in close())
        self._file.write(MAGIC + self._prefix)
        self._pending = bytearray()
        self._index = 0
        self._lock = threading.Lock()
        self._closed = False

    def write(self, pcm: bytes) -> None:
        with self._lock:
            if self._closed:
                return
            self._pending += pcm
            while len(self._pending) >= _CHUNK_BYTES:
                self._seal(bytes(self._pending[:_CHUNK_BYTES]), _MORE)
                del self._pending[:_CHUNK_BYTES]

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._seal(bytes(self._pending), _FINAL)
            self._pending.clear()
            self._file.close()

    def _seal(self, pcm: bytes, kind: bytes) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), pcm, kind)
        self._index += 1
        self._file.write(struct.pack(">I", len(sealed)) + sealed)
        self._file.flush()


def decrypt_pcm(path: Path, key: bytes) -> bytes:
    """The recording's PCM, decrypted in memory; RecordingError for a wrong key, a tampered or cut file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecordingError(f"Không đọc được bản ghi âm ({error.strerror}).") from None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise RecordingError("Tệp này không phải bản ghi âm của phần mềm.")
    aead = AESGCM(key)
    prefix = data[len(MAGIC) : len(MAGIC) + 8]
    position, index, pcm = len(MAGIC) + 8, 0, bytearray()
    while position < len(data):
        if position + 4 > len(data):
            break
        (size,) = struct.unpack(">I", data[position : position + 4])
        sealed = data[position + 4 : position + 4 + size]
        position += 4 + size
        if len(sealed) != size:
            break
        last = position >= len(data)
        try:
            pcm += aead.decrypt(_nonce(prefix, index), sealed, _FINAL if last else _MORE)
        except InvalidTag:
            if last:
                break  # a file cut after a whole chunk: no FINAL seal
            raise RecordingError(
                "Bản ghi âm không giải mã được: khóa của máy này không khớp hoặc tệp đã bị sửa."
            ) from None
        index += 1
        if last:
            return bytes(pcm)
    raise RecordingError("Bản ghi âm không trọn vẹn (cuộc gọi bị ngắt giữa chừng), không phát được.")


def decrypted_wav(path: Path, key: bytes) -> bytes:
    """The recording as WAV bytes in memory, for the desk's player (never written to disk)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(_SAMPLE_BYTES)
        wav.setframerate(_SAMPLE_RATE)
        wav.writeframes(decrypt_pcm(path, key))
    return out.getvalue()
