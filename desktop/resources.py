"""Where the shipped data lives: `resources/` in a source tree, `desktop/_resources` in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    for candidate in (_PACKAGE.parent / "resources", _PACKAGE / "_resources"):
        if (candidate / "catalogs").is_dir():
            return candidate
    raise FileNotFoundError("Không tìm thấy thư mục dữ liệu resources/ của ứng dụng.")
