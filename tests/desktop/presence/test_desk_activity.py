"""The desk's presence state from the phone's events, and a desk without a server sending nothing."""

from __future__ import annotations

import time

from sync.conftest import MemoryKeyring

from desktop.store.local import DeskIdentity
from desktop.sync.account import Login
from desktop.sync.credentials import Credentials
from desktop.sync.desk_activity import DeskActivity
from desktop.sync.presence import PresencePublisher, ServerLink
from protocol import PresenceState


def test_registered_then_a_call_then_wrap_up_then_idle_and_offline_with_the_reason():
    desk = DeskActivity()
    assert desk.state == ("offline", "Chưa đăng ký tổng đài.")
    desk.registration("registering")
    assert desk.state == ("offline", "Đang đăng ký tổng đài.")
    desk.registration("registered")
    assert desk.state == ("registered", "")
    desk.call_started("c1")
    assert desk.state == ("on_call", "")
    desk.call_ended("c1")
    desk.wrap_up_started()
    assert desk.state == ("wrap_up", "")
    desk.wrap_up_done()
    assert desk.state == ("idle", "")
    desk.call_ended("never-started")  # a missed call that rang here is not a handled call
    assert desk.state == ("idle", "")
    desk.registration("auth_failed")
    assert desk.state == ("offline", "Tổng đài từ chối tài khoản SIP (sai mật khẩu?).")
    desk.registration("registered")  # back after an outage: registered again, not yet a call
    assert desk.state == ("registered", "")


def test_a_call_keeps_the_operator_busy_even_while_the_registration_drops():
    desk = DeskActivity()
    desk.registration("registered")
    desk.call_started("c1")
    desk.registration("unreachable")
    assert desk.state == ("on_call", "")
    desk.call_ended("c1")
    assert desk.state == ("offline", "Không kết nối được tổng đài.")


def test_without_a_server_the_publisher_never_makes_a_client_nor_sends():
    clients: list[str] = []
    sent: list[object] = []

    def make_client(url: str):  # type: ignore[no-untyped-def]
        clients.append(url)
        raise AssertionError("no server is configured: no client should be made")

    link = ServerLink(lambda: None, lambda: None, DeskIdentity("desk-1", "k" * 32), make_client)  # type: ignore[arg-type,return-value]
    publisher = PresencePublisher(link, heartbeat=0.02, retry=0.02, on_sent=sent.append)
    publisher.start()
    for state in (PresenceState.REGISTERED, PresenceState.ON_CALL, PresenceState.IDLE):
        publisher.set_state(state)
        time.sleep(0.05)
    publisher.stop()
    assert publisher.state.state is PresenceState.IDLE and publisher.last_error == ""
    assert clients == [] and sent == []


def test_a_configured_desk_whose_server_is_down_keeps_the_reason_and_does_not_block_set_state():
    login = Login("http://127.0.0.1:9", "dtv1")  # nothing listens on the discard port
    credentials = Credentials(MemoryKeyring())
    credentials.remember(login, password="mat-khau")
    link = ServerLink(lambda: login, lambda: credentials, DeskIdentity("desk-1", "k" * 32))
    publisher = PresencePublisher(link, heartbeat=60, retry=60)
    publisher.start()
    started = time.monotonic()
    publisher.set_state(PresenceState.ON_CALL)
    assert time.monotonic() - started < 0.05
    deadline = time.monotonic() + 5
    while not publisher.last_error and time.monotonic() < deadline:
        time.sleep(0.02)
    publisher.stop()
    assert "Không kết nối được máy chủ http://127.0.0.1:9" in publisher.last_error
