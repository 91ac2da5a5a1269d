"""Store failures said to the operator in Vietnamese: what happened and what to do."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError


class StoreError(RuntimeError):
    """A write or read of the local store that failed; the message is for the operator."""


def explain(error: OperationalError) -> StoreError:
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()
    if "disk is full" in text or "database or disk is full" in text:
        message = (
            "Ổ đĩa đã đầy nên chưa lưu được. Dữ liệu đang nhập vẫn còn trên màn hình: "
            "hãy giải phóng dung lượng đĩa rồi bấm Lưu lại."
        )
    elif "locked" in text or "busy" in text:
        message = "Cơ sở dữ liệu đang bận (có thể một cửa sổ khác đang ghi). Chờ vài giây rồi thử lại."
    elif "readonly" in text or "read-only" in text:
        message = "Không có quyền ghi vào thư mục dữ liệu. Hãy báo bộ phận CNTT kiểm tra quyền."
    else:
        message = f"Không ghi được vào cơ sở dữ liệu cục bộ ({error.orig}). Hãy thử lại."
    return StoreError(message)
