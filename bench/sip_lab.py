"""The SIP lab for the `sip_*` benchmarks: the test suite's Kamailio/sipp lab, plus a raw INVITE caller.

The lab itself (Kamailio and sipp as subprocesses, their configuration and scenarios) lives in
`tests/telephony/`; it is loaded from there by path, so benchmarks and tests measure the same lab.
"""

from __future__ import annotations

import importlib.util
import re
import socket
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import REPO, BenchError

LAB_MODULE = REPO / "tests" / "telephony" / "telephony_lab.py"


def lab() -> ModuleType:
    """tests/telephony/telephony_lab.py as a module; BenchError when it or the lab binaries are missing."""
    if "telephony_lab" in sys.modules:
        return sys.modules["telephony_lab"]
    if not LAB_MODULE.exists():
        raise BenchError(f"{LAB_MODULE} is missing: the SIP benchmarks run from a source checkout")
    spec = importlib.util.spec_from_file_location("telephony_lab", LAB_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["telephony_lab"] = module
    spec.loader.exec_module(module)
    missing = module.missing_binaries()
    if missing:
        raise BenchError(f"SIP lab binaries missing: {missing} (apt-get install -y kamailio sip-tester)")
    return module


def password(user: str) -> str:
    return str(lab().PASSWORDS[user])


def wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class RawCaller:
    """Sends hand-written INVITEs from one UDP socket and ACKs every final non-2xx answer to them.

    `sent[call_id]` is time.monotonic() just before each INVITE left; the ACK keeps the callee from
    retransmitting its 486 (so one call does not disturb the timing of the next).
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.sent: dict[str, float] = {}
        self.finals: dict[str, int] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._acker, name="bench-raw-caller", daemon=True)
        self._thread.start()

    def invite(self, port: int, user: str, n: int) -> str:
        call_id = f"bench-{n}-{time.monotonic_ns()}@127.0.0.1"
        branch = f"z9hG4bKbench{n}x{time.monotonic_ns()}"
        offer = str(lab().OFFER)
        message = (
            f"INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport\r\n"
            "Max-Forwards: 70\r\n"
            f'From: "Nguyễn Văn A" <sip:0912345678@127.0.0.1:{self.port}>;tag=t{n}\r\n'
            f"To: <sip:{user}@127.0.0.1>\r\n"
            f"Call-ID: {call_id}\r\n"
            "CSeq: 1 INVITE\r\n"
            f"Contact: <sip:0912345678@127.0.0.1:{self.port}>\r\n"
            "Content-Type: application/sdp\r\n"
            f"Content-Length: {len(offer.encode())}\r\n\r\n{offer}"
        ).encode()
        self.sent[call_id] = time.monotonic()
        self.sock.sendto(message, ("127.0.0.1", port))
        return call_id

    def _acker(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                data, source = self.sock.recvfrom(65536)
            except OSError:
                continue
            text = data.decode("utf-8", "replace")
            match = re.match(r"SIP/2\.0 (\d{3})", text)
            if not match or int(match.group(1)) < 300 or " INVITE" not in _header(text, "CSeq"):
                continue
            call_id = _header(text, "Call-ID")
            self.finals[call_id] = int(match.group(1))
            ack = (
                f"ACK sip:{_user(_header(text, 'To'))}@{source[0]}:{source[1]} SIP/2.0\r\n"
                f"Via: {_header(text, 'Via')}\r\n"
                "Max-Forwards: 70\r\n"
                f"From: {_header(text, 'From')}\r\n"
                f"To: {_header(text, 'To')}\r\n"
                f"Call-ID: {call_id}\r\n"
                "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
            )
            self.sock.sendto(ack.encode(), source)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(1)
        self.sock.close()


def _header(text: str, name: str) -> str:
    match = re.search(rf"^{name}\s*:\s*(.*?)\r?$", text, re.IGNORECASE | re.MULTILINE)
    return match.group(1).strip() if match else ""


def _user(name_addr: str) -> str:
    match = re.search(r"sips?:([^@;>]+)@", name_addr)
    return match.group(1) if match else "x"


def threads_named(prefix: str) -> int:
    return sum(1 for thread in threading.enumerate() if thread.name.startswith(prefix))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError("no VmRSS in /proc/self/status")
