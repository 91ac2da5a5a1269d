"""The loopback SIP lab for the telephony tests: Kamailio and sipp as subprocesses on free ports.

Adapted from ../shared/siplab/labctl.py. Every process is started in its own session and its whole
process group is killed at teardown (Kamailio forks workers that would keep the port otherwise).
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

LAB_DIR = Path(__file__).resolve().parent / "lab"
KAMAILIO_CFG = LAB_DIR / "kamailio.cfg"
DB_TEMPLATE = LAB_DIR / "db-template"
SIPP_DIR = LAB_DIR / "sipp"
DEFAULT_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"
REQUIRED_BINARIES = ("kamailio", "kamcmd", "sipp")
TLS_MODULE = "tls.so"  # Debian package kamailio-tls-modules

# Passwords of the lab's subscribers (db-template/subscriber).
PASSWORDS = {"1001": "password", "1002": "password2", **{f"100{i}": f"pw100{i}" for i in range(3, 10)}}

MODES: dict[str, tuple[str, ...]] = {
    "default": (),
    "strict": ("STRICT_DIALOG", "NO_PYVOIP_COMPAT"),
    "no_compat": ("NO_PYVOIP_COMPAT",),
    "qop": ("QOP",),
    "auth407": ("AUTH407", "QOP"),
    "short_expiry": ("MAX_EXPIRES=10",),
    "strict_tcp": ("STRICT_DIALOG", "NO_PYVOIP_COMPAT", "TCP"),  # TCP: also listen on tcp:<port>
    "strict_tls": ("STRICT_DIALOG", "NO_PYVOIP_COMPAT", "TLS"),  # TLS: also listen on tls:<port>
    "strict_domain": ("STRICT_DOMAIN",),  # 404 for a new request whose Request-URI is not its host:port
    # calls to numbers (the trunk) need no credentials: a sipp citizen calls the one a transfer names
    "strict_open_trunk": ("STRICT_DIALOG", "NO_PYVOIP_COMPAT", "NO_INVITE_AUTH"),
}


def tls_module_missing() -> bool:
    return not any(Path(d, TLS_MODULE).exists() for d in glob.glob("/usr/lib/*/kamailio/modules/"))


def missing_binaries() -> list[str]:
    return [name for name in REQUIRED_BINARIES if shutil.which(name) is None]


def _bound_udp_ports(pid: int | None = None) -> set[int]:
    """Ports bound in this process's network namespace, or in `pid`'s (a process in another namespace)."""
    ports: set[int] = set()
    base = f"/proc/{pid}/net" if pid else "/proc/net"
    for table in (f"{base}/udp", f"{base}/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local = line.split()[1]
            ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def udp_port_bound(port: int, pid: int | None = None) -> bool:
    """Whether some socket is bound to this UDP port (read from /proc, so it never races a bind)."""
    return port in _bound_udp_ports(pid)


def free_udp_port() -> int:
    """A UDP port that is free on 127.0.0.1 now (the kernel's choice, never 5060)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_sip_port(low: int = 22000, high: int = 32000) -> int:
    """A port free for a SIP peer that listens on it over both UDP and TCP (baresip does), below the
    ephemeral range: a kernel-chosen UDP port there may be a client's outgoing TCP port a moment later."""
    for _ in range(200):
        port = random.randrange(low, high)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, kind) as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free SIP port")


def free_port_block(size: int, low: int = 22000, high: int = 32000) -> int:
    """The first port of `size` consecutive free UDP ports (even), below the ephemeral range."""
    bound = _bound_udp_ports()
    for _ in range(200):
        start = random.randrange(low, high - size, 2)
        if not any(p in bound for p in range(start, start + size)):
            return start
    raise RuntimeError("no free UDP port block")


def options_ping(port: int, timeout: float = 0.5, host: str = "127.0.0.1") -> bool:
    """Send an OPTIONS to host:port and wait for any SIP response (readiness check)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0" if host != "127.0.0.1" else "127.0.0.1", 0))
        local = sock.getsockname()[1]
        stamp = time.monotonic_ns()
        message = (
            f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bKping{stamp}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:ping@127.0.0.1>;tag=p{local}\r\n"
            f"To: <sip:127.0.0.1:{port}>\r\n"
            f"Call-ID: ping-{stamp}@127.0.0.1\r\n"
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )
        sock.settimeout(timeout)
        try:
            sock.sendto(message.encode(), (host, port))
            return sock.recv(4096).startswith(b"SIP/2.0 ")
        except OSError:
            return False


def _kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 5.0) -> None:
    if process.poll() is not None:
        _reap_group(process)
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)
    except ProcessLookupError:
        pass
    _reap_group(process)


def _reap_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # forked children left behind, if any


class Kamailio:
    """One Kamailio (registrar + proxy) on 127.0.0.1:`port` with a private db_text copy."""

    def __init__(
        self,
        workdir: Path,
        mode: str = "default",
        *,
        port: int | None = None,
        tls_cert: tuple[Path, Path] | None = None,
        host: str = "127.0.0.1",
        netns: str | None = None,
        alias: str | None = None,
    ) -> None:
        """`tls_cert` = (certificate, key) PEM files, for the modes that listen on TLS; `netns`: run inside
        that network namespace (another host of the lab), listening on `host`; `alias`: the domain it
        serves (default host:port)."""
        self.workdir = workdir
        self.host = host
        self.netns = netns
        self.alias = alias
        self.mode = mode
        self.port = port or free_udp_port()
        self.trunk_port = free_udp_port()  # where calls to 0xxxxxxxxx go (a sipp UAS)
        self.tls_cert = tls_cert
        self.dbdir = workdir / "db"
        self.rundir = workdir / "run"
        self.log_path = workdir / "kamailio.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def command(self) -> list[str]:
        modules = sorted(glob.glob("/usr/lib/*/kamailio/modules/")) or [
            "/usr/lib/x86_64-linux-gnu/kamailio/modules/"
        ]
        command = [
            "kamailio",
            "-f",
            str(KAMAILIO_CFG),
            "-DD",
            "-E",
            "-Y",
            str(self.rundir),
            "-P",
            str(self.rundir / "kamailio.pid"),
            "-m",
            "32",
            "-M",
            "4",
            "-A",
            f'MPATH="{modules[0]}"',
            "-A",
            f'DBURL="text://{self.dbdir}"',
            "-A",
            f"LISTEN=udp:{self.host}:{self.port}",
            "-A",
            f'ALIAS="{self.alias or f"{self.host}:{self.port}"}"',
            "-A",
            f'CTL_SOCK="unix:{self.rundir}/kamailio_ctl"',
            "-A",
            f'TRUNK_URI="sip:{self.host}:{self.trunk_port}"',
        ]
        if self.netns:
            command = ["ip", "netns", "exec", self.netns, *command]
        for define in MODES[self.mode]:
            if define == "TCP":
                command += ["-A", f"LISTEN_TCP=tcp:127.0.0.1:{self.port}"]
            elif define == "TLS":
                if self.tls_cert is None:
                    raise ValueError("a TLS mode needs tls_cert=(certificate, key)")
                command += ["-A", f"LISTEN_TLS=tls:127.0.0.1:{self.port}"]
                command += ["-A", f'TLS_CERT="{self.tls_cert[0]}"', "-A", f'TLS_KEY="{self.tls_cert[1]}"']
            else:
                command += ["-A", define]
        return command

    def start(self, timeout: float = 10.0) -> Kamailio:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rundir.mkdir(exist_ok=True)
        if not self.dbdir.exists():
            shutil.copytree(DB_TEMPLATE, self.dbdir)
        self._log = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kamailio exited rc={self.process.returncode}: {self.log_tail()}")
            if options_ping(self.port, timeout=0.2, host=self.host):
                return self
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"kamailio did not answer OPTIONS: {self.log_tail()}")

    def stop(self, *, crash: bool = False) -> None:
        """SIGTERM the group (db_text is flushed), or SIGKILL it to simulate a crash."""
        if self.process is not None:
            _kill_group(self.process, signal.SIGKILL if crash else signal.SIGTERM)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        deadline = time.monotonic() + 5
        while udp_port_bound(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def contacts(self, user: str) -> list[str]:
        """Contact URIs registered for `user` (kamcmd ul.lookup)."""
        result = subprocess.run(
            [
                "kamcmd",
                "-s",
                f"unix:{self.rundir}/kamailio_ctl",
                "ul.lookup",
                "location",
                f"{user}@{self.host}",
            ],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return [
            line.split(":", 1)[1].strip()
            for line in result.stdout.splitlines()
            if line.strip().startswith("Address:")
        ]

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Sipp:
    """One sipp run of a scenario in lab/sipp; `wait()` returns its exit code (0 = scenario passed)."""

    def __init__(
        self,
        scenario: str,
        workdir: Path,
        *,
        remote: str | None,
        local_port: int | None = None,
        extra: list[str] | None = None,
        calls: int = 1,
        timeout_s: int = 30,
        host: str = "127.0.0.1",
        netns: str | None = None,
    ) -> None:
        self.host = host
        self.netns = netns
        self.scenario = scenario
        self.workdir = workdir
        self.remote = remote
        self.local_port = local_port or free_udp_port()
        self.media_port = free_port_block(8)
        self.control_port = free_udp_port()
        self.extra = extra or []
        self.calls = calls
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    def command(self) -> list[str]:
        command = [
            "sipp",
            "-sf",
            str(SIPP_DIR / self.scenario),
            "-i",
            self.host,
            "-p",
            str(self.local_port),
            "-mi",
            self.host,
            "-mp",
            str(self.media_port),
            "-m",
            str(self.calls),
            "-nostdin",
            "-cp",
            str(self.control_port),
            "-trace_msg",
            "-message_file",
            str(self.workdir / "messages.log"),
            "-trace_err",
            "-error_file",
            str(self.workdir / "errors.log"),
            "-timeout",
            f"{self.timeout_s}s",
            "-timeout_error",
            *self.extra,
        ]
        if self.remote:
            command.append(self.remote)
        if self.netns:
            command = ["ip", "netns", "exec", self.netns, *command]
        return command

    def start(self, timeout: float = 5.0) -> Sipp:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._out = open(self.workdir / "stdout.log", "wb")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not udp_port_bound(self.local_port, self.process.pid if self.netns else None):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sipp did not start: {self.output()}")
            time.sleep(0.01)
        return self

    def wait(self, timeout: float) -> int:
        """The exit code; raises subprocess.TimeoutExpired if sipp is still running after `timeout`."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process, signal.SIGTERM, timeout=2)
            self.process = None
        if self._out is not None:
            self._out.close()
            self._out = None

    def messages(self) -> str:
        path = self.workdir / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def output(self) -> str:
        text = ""
        for name in ("stdout.log", "errors.log"):
            path = self.workdir / name
            if path.exists():
                text += path.read_text(errors="replace")[-2000:]
        return text


class RawSip:
    """A bare UDP socket speaking hand-written SIP, for malformed input and timing from the wire."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])

    def send(self, data: bytes | str, port: int) -> float:
        """Send one datagram to 127.0.0.1:port; returns time.monotonic() just before sending."""
        payload = data.encode() if isinstance(data, str) else data
        sent = time.monotonic()
        self.sock.sendto(payload, ("127.0.0.1", port))
        return sent

    def receive(self, timeout: float = 2.0) -> bytes | None:
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(70000)
        except OSError:
            return None

    def receive_status(self, timeout: float = 2.0, skip_provisional: bool = True) -> int | None:
        """The status code of the next (final, by default) response, or None."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            data = self.receive(remaining)
            if data is None:
                return None
            if data.startswith(b"SIP/2.0 "):
                code = int(data[8:11])
                if code >= 200 or not skip_provisional:
                    return code
        return None

    def request(self, method: str, port: int, *, user: str = "1001", extra: str = "", body: str = "") -> str:
        """A well-formed request from this socket (extra: more header lines, each ending CRLF)."""
        stamp = time.monotonic_ns()
        return (
            f"{method} sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{stamp};rport\r\n"
            "Max-Forwards: 70\r\n"
            f'From: "Nguyễn Văn A" <sip:0912345678@127.0.0.1:{self.port}>;tag=t{stamp}\r\n'
            f"To: <sip:{user}@127.0.0.1>\r\n"
            f"Call-ID: raw-{stamp}@127.0.0.1\r\n"
            f"CSeq: 1 {method}\r\n"
            f"Contact: <sip:0912345678@127.0.0.1:{self.port}>\r\n"
            f"{extra}"
            f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
        )

    def close(self) -> None:
        self.sock.close()


OFFER = (
    "v=0\r\no=raw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 30000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
)
