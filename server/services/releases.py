"""Signed desk releases on the server: `publish-release` checks a repository signed elsewhere against the
root the server already serves and copies only metadata and archives (the server never holds a key)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tuf.api._payload import Root, Snapshot, Targets, Timestamp
from tuf.api.exceptions import RepositoryError
from tuf.api.metadata import Metadata

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")


class ReleaseRefused(ValueError):
    """Why a repository was not published, in Vietnamese; nothing was copied."""


def publish(repo: Path, served: Path) -> list[str]:
    """Verifies `repo` (metadata/ and targets/ as installer/release.py leaves them) and publishes it into
    `served`; returns the archives now offered. A root rotation is accepted only when signed by the root
    served now, so a publish cannot swap the keys desks trust."""
    metadata_dir, targets_dir = repo / "metadata", repo / "targets"
    if not (metadata_dir / "root.json").is_file():
        raise ReleaseRefused(f"không có {metadata_dir / 'root.json'}: đây không phải kho phát hành đã ký")
    try:
        root = _trusted_root(metadata_dir, served / "metadata" / "root.json")
        timestamp = Metadata[Timestamp].from_file(str(metadata_dir / "timestamp.json"))
        snapshot = Metadata[Snapshot].from_file(str(metadata_dir / "snapshot.json"))
        signed_targets = Metadata[Targets].from_file(str(metadata_dir / "targets.json"))
        _verify(root, Timestamp.type, timestamp)
        _verify(root, Snapshot.type, snapshot)
        _verify(root, Targets.type, signed_targets)
        targets = signed_targets.signed.targets
        for name, target in targets.items():
            if not SAFE_NAME.match(name):
                raise ReleaseRefused(f"tên tệp phát hành không hợp lệ: {name!r}")
            with open(targets_dir / name, "rb") as archive:
                target.verify_length_and_hashes(archive)
    except (RepositoryError, ValueError) as error:
        if isinstance(error, ReleaseRefused):
            raise
        raise ReleaseRefused(f"chữ ký hoặc tệp không khớp ({type(error).__name__}: {error})") from error
    except OSError as error:
        raise ReleaseRefused(f"thiếu tệp trong kho phát hành ({error.filename})") from error
    for name in targets:
        _copy(targets_dir / name, served / "targets" / name)
    versions = sorted(metadata_dir.glob("[0-9]*.root.json"), key=lambda p: int(p.name.split(".")[0]))
    for path in [
        *versions,
        *(metadata_dir / f"{n}.json" for n in ("root", "targets", "snapshot", "timestamp")),
    ]:
        _copy(path, served / "metadata" / path.name)  # timestamp last: desks see a whole release or none
    return sorted(targets)


def _trusted_root(metadata_dir: Path, served_root: Path) -> Metadata[Root]:
    """The root to verify the release with: the served one, walked forward through each new root version
    it signed; the repository's own root (self-signed) only for the very first publish."""
    if not served_root.exists():
        first = Metadata[Root].from_file(str(metadata_dir / "root.json"))
        _verify(first, Root.type, first)
        return first
    trusted = Metadata[Root].from_file(str(served_root))
    while (candidate := metadata_dir / f"{trusted.signed.version + 1}.root.json").exists():
        newer = Metadata[Root].from_file(str(candidate))
        _verify(trusted, Root.type, newer)
        _verify(newer, Root.type, newer)
        trusted = newer
    offered = Metadata[Root].from_file(str(metadata_dir / "root.json"))
    if offered.signed.version != trusted.signed.version or offered.signed_bytes != trusted.signed_bytes:
        raise ReleaseRefused("gốc tin cậy (root.json) của kho này không nối tiếp gốc máy chủ đang phát")
    return trusted


def _verify(root: Metadata[Root], role: str, signed: Metadata[Any]) -> None:
    """`signed` carries the threshold of signatures `root` asks of `role` (raises otherwise)."""
    root.signed.verify_delegate(role, signed.signed_bytes, signed.signatures)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".publish-")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def served_file(served: Path, kind: str, name: str) -> Path | None:
    """The file a desk asks for, or None: only plain names, only inside the served folder."""
    if kind not in ("metadata", "targets") or not SAFE_NAME.match(name):
        return None
    path = served / kind / name
    return path if path.is_file() else None
