"""The server's typed settings: database URL, secret, token lifetime; refuses a default or empty secret."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SECRET_ENV = "TONGDAI1022_SERVER_SECRET"
DB_ENV = "TONGDAI1022_SERVER_DB"
UPDATES_ENV = "TONGDAI1022_SERVER_UPDATES"
MIN_SECRET_LENGTH = 32
_DEFAULT_SECRETS = frozenset({"changethis", "change-me", "changeme", "secret", "default", "password"})


class SettingsError(ValueError):
    """Settings the server must not start with; the message says what to do, in Vietnamese."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret: str
    token_hours: int = 12
    max_body_bytes: int = 0  # 0: protocol.MAX_BODY_BYTES
    updates_dir: str = ""  # the signed releases desks update from (publish-release fills it); "": none
    files_dir: str = ""  # units' PDF replies; "": ./tongdai1022-files
    public_url: str = ""  # the address units open (links in their mail), e.g. https://1022.tinh.gov.vn

    def __post_init__(self) -> None:
        check_secret(self.secret)
        if not self.database_url.strip():
            raise SettingsError(
                "Thiếu địa chỉ cơ sở dữ liệu (--db hoặc biến môi trường TONGDAI1022_SERVER_DB)."
            )
        if not 1 <= self.token_hours <= 24 * 30:
            raise SettingsError("Thời hạn phiên đăng nhập phải từ 1 giờ đến 30 ngày.")

    @classmethod
    def from_env(cls, database_url: str | None = None, token_hours: int | None = None) -> Settings:
        return cls(
            database_url=database_url or os.environ.get(DB_ENV) or str(default_sqlite_path()),
            secret=os.environ.get(SECRET_ENV, ""),
            token_hours=token_hours or int(os.environ.get("TONGDAI1022_SERVER_TOKEN_HOURS", "12")),
            updates_dir=os.environ.get(UPDATES_ENV, ""),
            files_dir=os.environ.get("TONGDAI1022_SERVER_FILES", ""),
            public_url=os.environ.get("TONGDAI1022_SERVER_PUBLIC_URL", ""),
        )


def check_secret(secret: str) -> None:
    if not secret.strip():
        raise SettingsError(
            f"Chưa đặt khoá bí mật của máy chủ. Hãy đặt biến môi trường {SECRET_ENV} "
            f"bằng một chuỗi ngẫu nhiên dài ít nhất {MIN_SECRET_LENGTH} ký tự "
            "(ví dụ: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if secret.strip().lower() in _DEFAULT_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"Khoá bí mật trong {SECRET_ENV} là giá trị mặc định hoặc quá ngắn. Hãy dùng một chuỗi ngẫu "
            f"nhiên dài ít nhất {MIN_SECRET_LENGTH} ký tự; máy chủ không chạy với khoá mặc định."
        )


def default_sqlite_path() -> Path:
    """The one-machine trial's database file, in the current directory."""
    return Path.cwd() / "tongdai1022-server.sqlite3"
