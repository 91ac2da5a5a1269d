"""STUN Binding (RFC 5389): ask a STUN server which public address and port our UDP socket is seen from."""

from __future__ import annotations

import ipaddress
import secrets
import select
import socket
import struct
import time
from dataclasses import dataclass

from desktop.telephony.transport import Address

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
MAPPED_ADDRESS = 0x0001
XOR_MAPPED_ADDRESS = 0x0020
_HEADER = struct.Struct("!HHI12s")
DEFAULT_PORT = 3478


class StunError(RuntimeError):
    """No usable answer from the STUN server (the message says why)."""


@dataclass(frozen=True)
class StunServer:
    host: str
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, text: str) -> StunServer:
        """`host` or `host:port`; ValueError for anything else."""
        host, _, port = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "")
        if not host:
            raise ValueError(f"not a STUN server address: {text!r}")
        return cls(host, int(port) if port else DEFAULT_PORT)


def binding_request(transaction_id: bytes) -> bytes:
    """A Binding request without attributes (RFC 5389 §6, §7.1)."""
    return _HEADER.pack(BINDING_REQUEST, 0, MAGIC_COOKIE, transaction_id)


def mapped_address(data: bytes, transaction_id: bytes) -> Address | None:
    """The (X)OR-MAPPED-ADDRESS of a Binding success response to `transaction_id`; None if it is not one."""
    if len(data) < _HEADER.size:
        return None
    kind, length, cookie, received_id = _HEADER.unpack_from(data)
    if kind != BINDING_SUCCESS or cookie != MAGIC_COOKIE or received_id != transaction_id:
        return None
    offset, end = _HEADER.size, min(len(data), _HEADER.size + length)
    plain: Address | None = None
    while offset + 4 <= end:
        attribute, size = struct.unpack_from("!HH", data, offset)
        value = data[offset + 4 : offset + 4 + size]
        offset += 4 + size + (-size % 4)  # attributes are padded to 4 bytes
        if len(value) < 8 or value[1] != 0x01:  # IPv4 only
            continue
        port, address = struct.unpack_from("!HI", value, 2)
        if attribute == XOR_MAPPED_ADDRESS:
            port ^= MAGIC_COOKIE >> 16
            address ^= MAGIC_COOKIE
            return str(ipaddress.IPv4Address(address)), port
        if attribute == MAPPED_ADDRESS:
            plain = str(ipaddress.IPv4Address(address)), port
    return plain


def discover(sock: socket.socket, server: StunServer, timeout: float = 2.0) -> Address:
    """Send Binding requests from `sock` (retransmitted at 0.25, 0.75, 1.75 s ...) until a success response
    arrives; its mapped address. Other datagrams arriving meanwhile are dropped. StunError on failure."""
    try:
        destination = (socket.gethostbyname(server.host), server.port)
    except OSError as error:
        raise StunError(f"STUN server {server.host} not found: {error}") from error
    transaction_id = secrets.token_bytes(12)
    request = binding_request(transaction_id)
    deadline = time.monotonic() + timeout
    interval = 0.25
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            sock.sendto(request, destination)
        except OSError as error:
            raise StunError(f"STUN request to {server.host}:{server.port} failed: {error}") from error
        resend_at = time.monotonic() + min(interval, remaining)
        interval *= 2
        while (wait := resend_at - time.monotonic()) > 0:
            readable, _, _ = select.select([sock], [], [], wait)
            if not readable:
                break
            try:
                data, source = sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as error:  # e.g. ICMP port unreachable from a previous send
                raise StunError(f"STUN server {server.host}:{server.port}: {error}") from error
            if source[:2] == destination:
                found = mapped_address(data, transaction_id)
                if found is not None:
                    return found
    raise StunError(f"no answer from STUN server {server.host}:{server.port} within {timeout:g} s")
