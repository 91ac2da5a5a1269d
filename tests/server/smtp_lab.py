"""A real SMTP server process (aiosmtpd) writing what it receives to a Maildir, and reading it back."""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path


def smtp_server(
    mbox: Path,
    port: int,
    *,
    smtps: tuple[Path, Path] | None = None,
    starttls: tuple[Path, Path] | None = None,
) -> subprocess.Popen[bytes]:
    """`smtps` / `starttls`: (certificate, key) for TLS from the first byte, or after STARTTLS (required)."""
    tls: list[str] = []
    if smtps:
        tls = ["--smtpscert", str(smtps[0]), "--smtpskey", str(smtps[1])]
    elif starttls:
        tls = ["--tlscert", str(starttls[0]), "--tlskey", str(starttls[1])]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            *tls,
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(mbox),
        ]
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("aiosmtpd did not listen")


def received(mbox: Path) -> list[tuple[str, str, str]]:
    """(To, Subject, body) of each mail delivered."""
    return [
        (str(m["To"]), str(make_header(decode_header(m["Subject"]))), m.get_payload(decode=True).decode())
        for m in mailbox.Maildir(mbox, factory=None)
    ]
