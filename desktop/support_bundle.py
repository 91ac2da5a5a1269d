"""The support bundle IT sends on: versions, settings, logs, checks and store counts, with no personal
data and no secrets (secrets never leave the keyring; names, numbers and addresses never leave the store)."""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import __version__
from desktop.logs import MASK, log_files, mask_personal

if TYPE_CHECKING:
    from desktop.commands.doctor import Check
    from desktop.store.cipher import StoreKey

# Settings that name a person (the operator, their server login): left out of the bundle.
PERSONAL_SETTINGS = ("operator", "chosen_operator", "sync_user")
COUNTED_TABLES = ("tickets", "calls", "citizens", "outbox", "sync_conflicts", "kb_records")


def write_bundle(target: Path, data_dir: Path, checks: list[Check], *, key: StoreKey | None = None) -> Path:
    """Writes the zip beside `target` then renames it in place: a failed write leaves no half file."""
    target = target.expanduser().resolve()
    members = {
        "versions.json": _json(versions()),
        "settings.json": _json(safe_settings(data_dir)),
        "checks.json": _json([asdict(check) for check in checks]),
        "store.json": _json(store_summary(data_dir, key)),
        "README.txt": (
            "Gói hỗ trợ của Tổng đài 1022: phiên bản, cài đặt (đã bỏ tên người), kết quả kiểm tra, số lượng "
            "bản ghi và nhật ký (số điện thoại, số định danh, thư điện tử đã được ẩn). Không có mật khẩu.\n"
        ),
    }
    for log in log_files(data_dir):
        try:
            members[f"logs/{log.name}"] = mask_personal(log.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, text in members.items():
                bundle.writestr(name, text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def versions() -> dict[str, str]:
    found = {
        "tongdai1022": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": str(bool(getattr(sys, "frozen", False))),
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        found.update(pyside6=PySide6.__version__, qt=qVersion())
    except ImportError:
        found["pyside6"] = "không có"
    return found


def safe_settings(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "settings.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        return {"error": "settings.json không đọc được"}
    if not isinstance(stored, dict):
        return {"error": "settings.json không đúng dạng"}
    return {
        key: MASK if key in PERSONAL_SETTINGS else (mask_personal(value) if isinstance(value, str) else value)
        for key, value in stored.items()
    }


def store_summary(data_dir: Path, key: StoreKey | None = None) -> dict[str, Any]:
    """Sizes and row counts only: enough to see a full outbox or a huge store, nothing about anyone.
    Rows are counted only with the store's key; without it the summary says the store is locked."""
    from desktop.store import cipher
    from desktop.store.engine import DB_FILENAME

    path = data_dir / DB_FILENAME
    if not path.exists():
        return {"exists": False}
    summary: dict[str, Any] = {
        "exists": True,
        "bytes": path.stat().st_size,
        "modified": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(),
        "encrypted": not cipher.is_plaintext(path),
        "rows": {},
    }
    if key is None:
        summary["error"] = "locked: no key given"
        return summary
    try:
        connection = cipher.connect(path, key, read_only=True, timeout=5)
        try:
            names = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            for table in COUNTED_TABLES:
                if table in names:
                    summary["rows"][table] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            connection.close()
    except (cipher.DatabaseError, cipher.StoreLocked) as error:
        summary["error"] = str(error) or type(error).__name__
    return summary
