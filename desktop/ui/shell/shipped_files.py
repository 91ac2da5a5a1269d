"""What the desk found of the files it ships (the ready file reports it; the installers' smoke test reads it).

A frozen desk (PyInstaller) must find everything inside its own folder: the catalogs, its Vietnamese
translation, the ringtone, a Qt Multimedia backend, the CA certificates requests verifies HTTPS with,
the keyring's backends (the server password and token live there).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def _ca_bundle() -> str | None:
    try:
        import certifi

        path = Path(certifi.where())  # what requests.certs.where() returns
    except Exception:
        return None
    return str(path) if path.is_file() else None


def _keyring_backends() -> list[str]:
    """The keyring backends whose module loads (keyring finds them through its package metadata)."""
    from importlib.metadata import entry_points

    loaded = []
    for entry in entry_points(group="keyring.backends"):
        try:
            entry.load()
        except Exception:
            continue
        loaded.append(entry.name)
    return sorted(loaded)


def _media_decoders() -> int:
    """How many file formats Qt Multimedia's backend plugin decodes (0: no backend was found)."""
    try:
        from PySide6.QtMultimedia import QMediaFormat
    except ImportError:
        return 0
    return len(QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode))


def shipped_files(window_title: str) -> dict[str, Any]:
    from desktop import __version__
    from desktop.resources import resources_dir
    from desktop.services.phone.ringtone import ringtone_path

    resources = resources_dir()
    return {
        "version": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "resources": str(resources),
        "catalogs": sorted(p.stem for p in (resources / "catalogs").glob("*.json")),
        "window_title": window_title,
        "ringtone": ringtone_path().is_file(),
        "ca_bundle": _ca_bundle(),
        "media_decoders": _media_decoders(),
        "keyring_backends": _keyring_backends(),
    }
