"""The province's release manager for update tests: offline keys, a signed repository, the server's CLI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.server_lab import ServerProcess
from bench.update import release_tool


def bundle(folder: Path, version: str, payload: int = 200_000) -> Path:
    """A stand-in for the frozen desk folder of one version (`payload` bytes that do not compress)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tongdai1022").write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    (folder / "_internal").mkdir(exist_ok=True)
    (folder / "_internal" / "base_library.zip").write_bytes(os.urandom(payload))
    return folder


class Admin:
    """Signs releases on the admin's own machine (installer/release.py) and publishes them to the server."""

    def __init__(self, root: Path) -> None:
        self.tool = release_tool()
        self.root, self.keys, self.repo = root, root / "keys", root / "repo"
        self.tool.init(self.keys, self.repo)

    @property
    def root_json(self) -> Path:
        """The trust anchor an installer built for this province carries."""
        return self.repo / "metadata" / "root.json"

    def sign(self, version: str, payload: int = 200_000) -> None:
        folder = bundle(self.root / f"bundle-{version}", version, payload)
        self.tool.add(folder, version, self.keys, self.repo)

    def publish(self, server: ServerProcess, updates: Path) -> subprocess.CompletedProcess[str]:
        return server.admin_command("publish-release", str(self.repo), "--updates-dir", str(updates))
