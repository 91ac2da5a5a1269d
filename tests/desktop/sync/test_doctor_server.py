"""`doctor` against the real central server (uvicorn + PostgreSQL): reachable, its protocol, the clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def doctor(data_dir: Path, server_url: str) -> dict[str, dict[str, str]]:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.json").write_text(json.dumps({"sync_server": server_url}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "doctor", "--json"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {check["key"]: check for check in json.loads(done.stdout)}


def test_doctor_finds_the_server_its_protocol_and_a_clock_in_step(server: object, tmp_path: Path) -> None:
    checks = doctor(tmp_path / "data", server.base)  # type: ignore[attr-defined]
    found = checks["server"]
    assert found["status"] == "ok", found
    assert "giao thức 1" in found["detail"] and "đồng hồ lệch" in found["detail"]


def test_doctor_says_the_server_is_unreachable_and_what_to_check(tmp_path: Path) -> None:
    checks = doctor(tmp_path / "data", "http://127.0.0.1:9")
    assert checks["server"]["status"] == "fail"
    assert "tường lửa" in checks["server"]["advice"]
