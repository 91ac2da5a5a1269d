"""Mid-call offer/answer on the wire: hold and resume both ways, a session refresh, late offers (RFC 3264)."""

from __future__ import annotations

import re
import socket
import threading
import time

from conftest import AgentFactory, SippFactory
from telephony_lab import OFFER, RawSip
from test_audio import chirp

from desktop.telephony import (
    CallAudio,
    CallEnded,
    CallHoldChanged,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    MemorySink,
    PcmSource,
    RegistrationChanged,
    RegistrationState,
)
from desktop.telephony.g711 import decode, encode
from desktop.telephony.rtp import parse_rtp

CALLER = ["-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]
SEPARATOR = "-----------------------------------------------"


class TimedSink(MemorySink):
    """A MemorySink that also records when each frame arrived (time.monotonic)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self._times_lock = threading.Lock()

    def write(self, pcm: bytes) -> None:
        with self._times_lock:
            self.times.append(time.monotonic())
        super().write(pcm)

    def between(self, start: float, end: float) -> int:
        with self._times_lock:
            return sum(1 for at in self.times if start <= at < end)


def sip_blocks(messages: str, direction: str, start_line: str, cseq_method: str = "INVITE") -> dict[int, str]:
    """sipp's trace: the messages it `direction` ("sent"/"received") whose first line starts with
    `start_line`, by CSeq number (the last one wins: retransmissions are identical)."""
    found: dict[int, str] = {}
    for block in messages.split(SEPARATOR):
        if f"message {direction}" not in block:
            continue
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        first = next(
            (i for i, line in enumerate(lines) if line.startswith(("SIP/2.0", "INVITE", "ACK"))), None
        )
        if first is None or not lines[first].startswith(start_line):
            continue
        cseq = re.search(rf"^CSeq:\s*(\d+) {cseq_method}", block, re.MULTILINE | re.IGNORECASE)
        if cseq:
            found[int(cseq.group(1))] = block
    return found


def origin(block: str) -> tuple[str, int]:
    """(session id, version) of the o= line in a traced message."""
    match = re.search(r"^\s*o=\S+ (\d+) (\d+) ", block, re.MULTILINE)
    assert match, block
    return match.group(1), int(match.group(2))


def test_the_pbx_holds_us_puts_both_on_inactive_resumes_refreshes_and_reoffers(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio("strict")  # in-dialog requests follow Record-Route both ways
    sink = TimedSink()
    agent, events = agent_factory(
        kamailio, user, audio=lambda call_id, direction: CallAudio(sink, PcmSource(chirp(8.0)))
    )
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    run = sipp.uac(
        "uac_hotline_reinvite.xml", kamailio.port, "-s", user, *CALLER, "-key", "codecs", "8 101", "-rtp_echo"
    )
    _, call = events.wait_for(IncomingCall)
    agent.answer(call.call_id)

    _, ended = events.wait_for(CallEnded, timeout=15)
    assert run.wait(10) == 0, run.output()  # sipp checked the direction of each of our answers
    assert ended.reason is EndReason.REMOTE_HANGUP

    held = [(at, e) for at, e in events.items if isinstance(e, CallHoldChanged)]
    assert [(e.local_hold, e.remote_hold, e.media) for _, e in held] == [
        (False, True, "recvonly"),  # a=sendonly from the PBX: it holds us
        (False, True, "inactive"),
        (False, False, "sendrecv"),  # resumed; the refresh and the re-offer change nothing
    ]
    # Our audio (echoed back by sipp) stops while we are held and flows again once resumed.
    on_hold, resumed = held[0][0], held[2][0]
    assert sink.between(held[0][0] - 0.5, on_hold) > 5
    assert sink.between(on_hold + 0.3, resumed) == 0
    assert sink.between(resumed + 0.3, resumed + 1.3) > 20

    answers = sip_blocks(run.messages(), "received", "SIP/2.0 200")
    assert sorted(answers) == [1, 2, 3, 4, 5, 6]
    origins = {cseq: origin(block) for cseq, block in answers.items()}
    assert len({session for session, _ in origins.values()}) == 1  # one session all call long
    versions = [origins[cseq][1] for cseq in range(1, 7)]
    assert [version - versions[0] for version in versions[:4]] == [0, 1, 2, 3]  # each change: +1
    assert versions[4] == versions[3]  # the refresh with the same SDP: our answer is unchanged, same version
    body = lambda block: [line.strip() for line in block[block.index("v=0") :].splitlines()]  # noqa: E731
    assert body(answers[5]) == body(answers[4])
    assert "a=sendrecv" in answers[6] and re.search(r"m=audio \d+ RTP/AVP 8 101", answers[6])  # our re-offer


def test_a_late_offer_is_answered_in_the_ack_and_audio_flows_both_ways(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    """The INVITE has no SDP: we offer PCMA and PCMU in the 200, the caller answers PCMU in the ACK."""
    kamailio = lab.kamailio()
    sink, spoken = MemorySink(), chirp(0.6)
    agent, events = agent_factory(
        kamailio, user, audio=lambda call_id, direction: CallAudio(sink, PcmSource(spoken))
    )
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    run = sipp.uac(
        "uac_hotline_late_offer.xml", kamailio.port, "-s", user, *CALLER, "-key", "codecs", "0 101",
        "-d", "1500", "-rtp_echo",
    )  # fmt: skip
    _, call = events.wait_for(IncomingCall)
    agent.answer(call.call_id)

    _, ended = events.wait_for(CallEnded, timeout=10)
    assert run.wait(10) == 0, run.output()
    assert ended.reason is EndReason.REMOTE_HANGUP

    frames = [spoken[i : i + 320].ljust(320, b"\x00") for i in range(0, 320 * 100, 320)]
    expected = [decode(encode(frame, "ulaw"), "ulaw") for frame in frames]
    received = sink.frames()
    assert len(received) >= 40
    assert received == expected[: len(received)]  # PCMU, as the ACK's answer chose


def test_we_hold_and_resume_a_callback_through_a_strict_proxy(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio("strict")
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    trunk = sipp.uas("uas_trunk_hold.xml", kamailio.trunk_port)  # requires sendonly, then sendrecv

    call_id = agent.dial("0987654321")
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    mark = events.mark()
    agent.hold(call_id)
    _, held = events.wait_for(CallHoldChanged, after=mark)
    assert (held.local_hold, held.remote_hold, held.media) == (True, False, "sendonly")
    assert [c.local_hold for c in agent.calls()] == [True]
    mark = events.mark()
    agent.resume(call_id)
    _, resumed = events.wait_for(CallHoldChanged, after=mark)
    assert (resumed.local_hold, resumed.remote_hold, resumed.media) == (False, False, "sendrecv")
    agent.hangup(call_id)

    assert trunk.wait(10) == 0, trunk.output()
    offers = sip_blocks(trunk.messages(), "received", "INVITE")
    assert len(offers) == 3
    sessions = [origin(offers[cseq]) for cseq in sorted(offers)]
    assert len({session for session, _ in sessions}) == 1
    assert [version - sessions[0][1] for _, version in sessions] == [0, 1, 2]
    for cseq in sorted(offers)[1:]:  # in-dialog: to the trunk's Contact, ACKed with the same CSeq
        assert re.search(rf"INVITE sip:trunk@127\.0\.0\.1:{kamailio.trunk_port} SIP/2\.0", offers[cseq])
    acks = sip_blocks(trunk.messages(), "received", "ACK", cseq_method="ACK")
    assert sorted(acks) == sorted(offers)


def _response_to(request: str, status: str, extra: str = "", body: str = "") -> str:
    """A response echoing the request's Via/From/To/Call-ID/CSeq (hand-written far end)."""
    keep = [
        line
        for line in request.split("\r\n")
        if line.split(":", 1)[0].lower() in ("via", "from", "to", "call-id", "cseq")
    ]
    return "\r\n".join([f"SIP/2.0 {status}", *keep, extra + f"Content-Length: {len(body)}", "", body])


def _next_request(raw: RawSip, method: str, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        data = raw.receive(remaining)
        if data is not None and data.startswith(method.encode() + b" "):
            return data.decode()
    raise AssertionError(f"no {method} within {timeout} s")


class RawCall:
    """A call from a hand-written far end straight to the agent: INVITE, our 200, its ACK; then in-dialog
    requests built by hand."""

    def __init__(self, raw: RawSip, agent_port: int, user: str, events, agent, offer: str = OFFER) -> None:
        self.raw, self.port, self.user = raw, agent_port, user
        self.invite = raw.request("INVITE", agent_port, extra="Content-Type: application/sdp\r\n", body=offer)
        raw.send(self.invite, agent_port)
        _, call = events.wait_for(IncomingCall)
        self.call_id = call.call_id
        agent.answer(call.call_id)
        ok = ""
        while not ok.startswith("SIP/2.0 200"):
            data = raw.receive(2.0)
            assert data is not None, "no 200 OK"
            ok = data.decode()
        self.ok = ok
        to = re.search(r"^To: (.*)$", ok, re.MULTILINE)
        assert to is not None
        self.to = to.group(1).strip()
        raw.send(self.in_dialog("ACK", 1), agent_port)

    def in_dialog(self, method: str, cseq: int, body: str = "") -> str:
        dialog_headers = ("From:", "Call-ID:", "Max-Forwards:")
        common = "\r\n".join(line for line in self.invite.split("\r\n") if line.startswith(dialog_headers))
        via = f"Via: SIP/2.0/UDP 127.0.0.1:{self.raw.port};branch=z9hG4bK{method}{cseq}x{time.monotonic_ns()}"
        content = "Content-Type: application/sdp\r\n" if body else ""
        return (
            f"{method} sip:{self.user}@127.0.0.1:{self.port} SIP/2.0\r\n{via}\r\n{common}\r\n"
            f"To: {self.to}\r\n"
            f"CSeq: {cseq} {method}\r\nContact: <sip:0912345678@127.0.0.1:{self.raw.port}>\r\n{content}"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        )


def test_crossing_re_invites_get_491_and_ours_is_retried(lab, agent_factory: AgentFactory, user):
    """Glare (RFC 3261 §14): both ends re-INVITE at once; each refuses the other's with 491 Request
    Pending; we try again after a random wait and the hold goes through."""
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    port = agent.local_address[1]
    raw = RawSip()
    try:
        call = RawCall(raw, port, user, events, agent)
        agent.hold(call.call_id)
        ours = _next_request(raw, "INVITE")
        assert "a=sendonly" in ours
        raw.send(call.in_dialog("INVITE", 2, OFFER.replace("a=fmtp", "a=sendonly\r\na=fmtp")), port)
        assert raw.receive_status(2.0) == 491  # theirs refused: ours is pending
        raw.send(_response_to(ours, "491 Request Pending"), port)
        assert _next_request(raw, "ACK").startswith("ACK ")  # the transaction ACKs the 491

        retried = _next_request(raw, "INVITE", timeout=4.0)  # we own no Call-ID here: 0-2 s later
        assert "a=sendonly" in retried and retried != ours
        answer = OFFER.replace("a=fmtp", "a=recvonly\r\na=fmtp")
        raw.send(_response_to(retried, "200 OK", "Content-Type: application/sdp\r\n", answer), port)
        _, held = events.wait_for(CallHoldChanged)
        assert (held.local_hold, held.remote_hold, held.media) == (True, False, "sendonly")
        assert _next_request(raw, "ACK").startswith("ACK ")
    finally:
        raw.close()


def _rtp_count(sock: socket.socket, seconds: float) -> int:
    """RTP packets that reach `sock` within `seconds`."""
    count, deadline = 0, time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            data = sock.recv(2048)
        except OSError:
            break
        count += parse_rtp(data) is not None
    return count


def test_a_re_invite_to_a_new_address_moves_our_rtp_there(lab, agent_factory: AgentFactory, user):
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    port = agent.local_address[1]
    raw = RawSip()
    first, second = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2))
    try:
        for media in (first, second):
            media.bind(("127.0.0.1", 0))
        offer = OFFER.replace("m=audio 30000", f"m=audio {first.getsockname()[1]}")
        call = RawCall(raw, port, user, events, agent, offer)
        assert _rtp_count(first, 0.3) >= 10  # 50 a second

        moved = OFFER.replace("m=audio 30000", f"m=audio {second.getsockname()[1]}")
        raw.send(call.in_dialog("INVITE", 2, moved), port)
        assert raw.receive_status(2.0) == 200
        raw.send(call.in_dialog("ACK", 2), port)
        time.sleep(0.1)
        first.settimeout(0)
        while True:  # what was already on its way
            try:
                first.recv(2048)
            except OSError:
                break
        assert _rtp_count(second, 0.3) >= 10
        assert _rtp_count(first, 0.3) == 0
        assert events.of(CallHoldChanged) == []  # a move is not a hold
    finally:
        raw.close()
        first.close()
        second.close()
