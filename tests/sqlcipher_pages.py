"""Reads what is really on disk: a SQLCipher 4 store file or WAL decrypted page by page, free pages included.

Tests that must prove a value is gone from every byte of a store (erasure) or was never written in the
clear (encryption) cannot ask SQLite, which shows live rows only. Each page of SQLCipher 4's default
format (with the store's HMAC-SHA256, desktop/store/cipher.py) is AES-256-CBC over the page less its
reserve (a 16-byte IV and a 32-byte HMAC at its end); page 1 starts with the 16-byte salt. With a raw
key the key is the AES key. WAL frames hold pages the same way.
"""

from __future__ import annotations

import struct
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from desktop.store.cipher import StoreKey

PAGE_SIZE = 4096
RESERVE = 48  # IV 16 + HMAC-SHA256 32
SALT = 16
WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER, FRAME_HEADER = 32, 24


def decrypt_page(page: bytes, number: int, key: StoreKey) -> bytes:
    start = SALT if number == 1 else 0
    iv = page[PAGE_SIZE - RESERVE : PAGE_SIZE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key.raw), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : PAGE_SIZE - RESERVE]) + decryptor.finalize()


def decrypted_bytes(path: Path, key: StoreKey) -> bytes:
    """Every page of a store file, or of a WAL's frames, decrypted; the plain bytes of any other file."""
    data = path.read_bytes()
    if len(data) >= WAL_HEADER and struct.unpack(">I", data[:4])[0] in WAL_MAGIC:
        pages = []
        offset = WAL_HEADER
        while offset + FRAME_HEADER + PAGE_SIZE <= len(data):
            number = struct.unpack(">I", data[offset : offset + 4])[0]
            pages.append(
                decrypt_page(data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE_SIZE], number, key)
            )
            offset += FRAME_HEADER + PAGE_SIZE
        return b"".join(pages)
    if path.suffix == ".sqlite3" and len(data) % PAGE_SIZE == 0 and data:
        return b"".join(
            decrypt_page(data[i : i + PAGE_SIZE], i // PAGE_SIZE + 1, key)
            for i in range(0, len(data), PAGE_SIZE)
        )
    return data


def data_dir_bytes(data_dir: Path, key: StoreKey) -> bytes:
    """The store, its WAL and shared memory, its pre-upgrade copies and key file: all as plaintext."""
    return b"".join(
        decrypted_bytes(path, key) for path in sorted(data_dir.glob("tongdai1022*")) if path.is_file()
    )
