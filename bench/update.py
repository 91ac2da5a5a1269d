"""`update`: a desk's update check and the download + verification of a release, through the real server.

Baselines in the same run: for the check, a plain GET of the server's timestamp.json (the HTTP cost
alone); for the download, the same archive fetched with plain requests and hashed with SHA-256 (what
any download costs before TUF's checks and tufup's unpacking).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench import REPO, BenchError, Size, figure, log
from bench.server_lab import ServerProcess, cluster, make_template

CHECKS = 20
QUICK_CHECKS = 5


def release_tool() -> Any:
    """installer/release.py, a script: the admin's signing tool, for the bench and the tests."""
    spec = importlib.util.spec_from_file_location("release", REPO / "installer" / "release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    from desktop.updates import Updater

    megabytes = 10 if quick else 50
    checks = QUICK_CHECKS if quick else CHECKS
    with tempfile.TemporaryDirectory(prefix="tongdai1022-bench-update-") as temporary, cluster() as pg:
        work = Path(temporary)
        bundle = work / "bundle"
        bundle.mkdir()
        (bundle / "payload.bin").write_bytes(os.urandom(megabytes * 1_000_000))  # incompressible
        tool = release_tool()
        tool.init(work / "keys", work / "repo")
        log(f"update: signing a {megabytes} MB release")
        tool.add(bundle, "0.2.0", work / "keys", work / "repo")
        served = work / "served"
        server = ServerProcess(
            pg.url(pg.create_database(make_template(pg))), env={"TONGDAI1022_SERVER_UPDATES": str(served)}
        )
        server.start()
        try:
            published = server.admin_command(
                "publish-release", str(work / "repo"), "--updates-dir", str(served)
            )
            if published.returncode != 0:
                raise BenchError(f"publish-release failed: {published.stderr[-2000:]}")
            root = work / "repo" / "metadata" / "root.json"
            ours, bare = [], []
            for n in range(checks):
                started = time.perf_counter()
                offer = Updater(server.base, work / f"desk-{n}", current_version="0.1.0", root=root).check()
                ours.append((time.perf_counter() - started) * 1000)
                assert offer is not None
                started = time.perf_counter()
                requests.get(f"{server.base}/updates/metadata/timestamp.json", timeout=30).raise_for_status()
                bare.append((time.perf_counter() - started) * 1000)
            yield figure(
                "update",
                "check_p50_ms",
                statistics.median(ours),
                "a plain GET of timestamp.json",
                statistics.median(bare),
                n=checks,
                dataset=f"{megabytes} MB release",
                target="informational",
            )
            updater = Updater(server.base, work / "desk-download", current_version="0.1.0", root=root)
            assert updater.check() is not None
            started = time.perf_counter()
            updater.download_and_install(work / "installed" / "tongdai1022")
            verified = time.perf_counter() - started
            started = time.perf_counter()
            body = requests.get(
                f"{server.base}/updates/targets/tongdai1022-0.2.0.tar.gz", timeout=300
            ).content
            hashlib.sha256(body).hexdigest()
            plain = time.perf_counter() - started
            yield figure(
                "update",
                "download_verify_install_s",
                verified,
                "plain download + SHA-256 of the same archive",
                plain,
                n=1,
                dataset=f"{megabytes} MB release",
                target="informational",
            )
        finally:
            server.stop()
