"""What a PBX and a hostile network throw at the agent: OPTIONS pings, malformed and oversized datagrams."""

from __future__ import annotations

import logging
import re
import threading
import time

import pytest
from conftest import AgentFactory, SippFactory
from hypothesis import given, settings
from sip_strategies import DATAGRAMS
from telephony_lab import RawSip

from desktop.telephony import MalformedMessage, RegistrationChanged, RegistrationState

STOCK = "stock pyVoIP 1.6.8"


def test_answers_a_pbx_qualify_options_ping(lab, agent_factory: AgentFactory, sipp: SippFactory, user):
    agent, events = agent_factory(lab.kamailio(), user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)

    run = sipp.uac("uac_options.xml", agent.local_address[1], "-s", user)

    assert run.wait(5) == 0, run.output()


@pytest.mark.xfail(strict=True, reason=f"defect 8: {STOCK} never answers OPTIONS")
def test_stock_pyvoip_answers_a_pbx_qualify_options_ping(lab, stock_factory, sipp: SippFactory, user):
    phone = stock_factory(lab.kamailio(), user)
    time.sleep(1.1)  # its receive thread only starts 1 s after start()

    run = sipp.uac("uac_options.xml", phone.port, "-s", user)

    assert run.wait(2.5) == 0


@pytest.fixture
def raw() -> RawSip:
    client = RawSip()
    yield client
    client.close()


@pytest.fixture
def errors_logged() -> list[logging.LogRecord]:
    """ERROR records of the telephony package (an exception escaping a handler is logged as one)."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(logging.ERROR)
    logger = logging.getLogger("desktop.telephony")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def still_answers_options(raw: RawSip, port: int) -> bool:
    raw.send(raw.request("OPTIONS", port), port)
    return raw.receive_status() == 200


def test_a_header_line_without_colon_space_does_not_drop_the_request(lab, agent_factory, raw, user):
    agent, _ = agent_factory(lab.kamailio(), user)
    port = agent.local_address[1]

    raw.send(raw.request("OPTIONS", port, extra="Supported:\r\nX-Odd:value\r\nGarbage line\r\n"), port)

    assert raw.receive_status() == 200


@pytest.mark.parametrize(
    ("drop", "problem"),
    [("Call-ID", "Call-ID"), ("CSeq", "CSeq"), ("From", "From"), ("To", "To")],
)
def test_a_request_missing_a_mandatory_header_is_answered_400(lab, agent_factory, raw, user, drop, problem):
    agent, events = agent_factory(lab.kamailio(), user)
    port = agent.local_address[1]
    request = re.sub(rf"^{drop}:.*\r\n", "", raw.request("OPTIONS", port), count=1, flags=re.MULTILINE)

    raw.send(request, port)

    assert raw.receive_status() == 400
    _, refused = events.wait_for(MalformedMessage)
    assert problem in refused.problem and refused.answered_400


def test_garbage_and_a_64_kib_datagram_never_stop_the_receive_loop(
    lab, agent_factory, raw, user, errors_logged
):
    agent, events = agent_factory(lab.kamailio(), user)
    port = agent.local_address[1]
    threads_before = sorted(t.name for t in threading.enumerate() if t.name.startswith("sip-"))

    raw.send(b"\x00\xff\xfe garbage \r\n\r\n\x01", port)
    raw.send(b"INVITE sip:x SIP/2.0\r\n\r\n", port)  # no headers at all: 400
    assert raw.receive_status() == 400
    big = raw.request("INVITE", port, extra="X-Padding: " + "a" * 65000 + "\r\n")
    raw.send(big.encode()[:65507], port)  # the largest UDP datagram IPv4 carries
    assert raw.receive_status() in (400, 513)
    raw.send(
        raw.request("OPTIONS", port, extra="Content-Length: 99\r\n").replace("Content-Length: 0\r\n", ""),
        port,
    )
    assert raw.receive_status() == 400  # body shorter than Content-Length

    assert still_answers_options(raw, port)
    assert len(events.wait_count(MalformedMessage, 3)) >= 3  # each told after its 400 went out
    assert sorted(t.name for t in threading.enumerate() if t.name.startswith("sip-")) == threads_before
    assert errors_logged == []


def test_fuzz_the_live_receive_path(lab, agent_factory, raw, errors_logged):
    agent, _ = agent_factory(lab.kamailio(), "1009")
    port = agent.local_address[1]

    @settings(max_examples=200, deadline=None)
    @given(DATAGRAMS)
    def send(data: bytes) -> None:
        raw.send(data[:65507], port)

    send()

    checker = RawSip()
    try:
        assert still_answers_options(checker, port)
    finally:
        checker.close()
    assert errors_logged == []
