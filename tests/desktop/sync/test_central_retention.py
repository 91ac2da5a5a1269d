"""How long recordings are kept is the centre's decision: an admin sets it on the server, every desk
gets it with its next sync and purges by it; an operator cannot change it, a wrong value is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from server_lab import PASSWORD, Desk, ServerProcess
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import CallDirection
from desktop.services.phone.calls import CallLog
from desktop.services.phone.recordings import central_retention_days, recording_of, register_recording
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine


def synced(store: LocalStore, server: ServerProcess) -> None:
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    SyncEngine(store, SyncClient(server.base), credentials, login).run_cycle()


def test_the_centres_retention_reaches_the_desk_and_decides_which_recordings_go(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    try:
        now = datetime(2026, 5, 31, 12, 0, tzinfo=VN_TZ)
        calls = CallLog(store, "dtv1")
        ten_days, three_days = (
            calls.started("0912345678", CallDirection.INBOUND),
            calls.started("0912345678", CallDirection.INBOUND),
        )
        for log_id, age in ((ten_days, 10), (three_days, 3)):
            path = tmp_path / f"{log_id}.rec"
            path.write_bytes(b"sealed")
            register_recording(store, log_id, path, now - timedelta(days=age))
        admin = Desk(server, "admin")
        refused = admin.http.put("/api/v1/catalog/setting/recording_retention_days", json={"value": "0"})
        assert refused.status_code == 422 and "từ 1 đến 3650" in refused.text
        set_centrally = admin.http.put(
            "/api/v1/catalog/setting/recording_retention_days", json={"value": "7"}
        )
        assert set_centrally.status_code == 200, set_centrally.text

        assert central_retention_days(store) is None  # before the sync: the desk's default (30 days)
        synced(store, server)
        assert central_retention_days(store) == 7

        session = PhoneSession(store, "dtv1", recordings=RecordingPolicy(True, tmp_path), clock=lambda: now)
        try:
            assert session.purge_recordings() == 1  # 30 days locally would have kept both
        finally:
            session.close()
        assert recording_of(store, ten_days) is None and recording_of(store, three_days) is not None
    finally:
        store.close()


def test_an_operator_has_no_retention_setting_of_their_own() -> None:
    assert not any("retention" in name for name in Settings.__dataclass_fields__)
