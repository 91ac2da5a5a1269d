"""A citizen's erasure as both ends name it: by a digest of the number, so the change feed that tells every
desk to erase a number does not itself keep that number."""

from __future__ import annotations

import hashlib

ENTITY = "erasure"
REDACTED_TEXT = "(Nội dung đã được xóa theo yêu cầu xóa dữ liệu cá nhân của người dân.)"


def phone_digest(phone_e164: str) -> str:
    return hashlib.sha256(f"tongdai1022-erasure:{phone_e164}".encode()).hexdigest()
