"""The address we advertise (Via sent-by, Contact, SDP) and what the registrar tells us about it (RFC 3581).

Behind a NAT the agent only knows its private address. Every request carries `;rport` in its Via, so
the server answers to the address and port the request really came from and writes them into the
response's top Via as `received=` and `rport=`. `PublicAddress.learn()` reads them; when they differ
from what we advertise, the registrar re-registers with the corrected Contact (and removes the old one).

The advertised address can also be configured (`SipAccount.contact_host/contact_port` for a known public
address or a port forward, `SipAccount.media_host` for the SDP `c=` line); learning can be turned off
with `AgentPolicy.learn_public_address=False`.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass

from desktop.telephony.message import SipMessage, as_number
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)


def outbound_host(server: Address) -> str:
    """The local IP the OS would use to reach `server` (no packet is sent: a connected UDP socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(server)
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


@dataclass
class PublicAddress:
    """Where peers reach us. Mutated only under the agent lock (on the receive thread, by `learn`)."""

    host: str
    port: int
    media_host: str = ""  # SDP c= address; "" follows `host`
    transport: str = "udp"

    @classmethod
    def for_socket(
        cls,
        bound: Address,
        server: Address,
        *,
        host: str = "",
        port: int = 0,
        media_host: str = "",
        transport: str = "udp",
    ) -> PublicAddress:
        """Configured values win; a wildcard bind advertises the interface that routes to the server."""
        advertised = host or bound[0]
        if advertised in ("0.0.0.0", ""):
            advertised = outbound_host(server)
        return cls(advertised, port or bound[1], media_host, transport)

    @property
    def sdp_host(self) -> str:
        return self.media_host or self.host

    def via(self, branch: str) -> str:
        """Our Via: `;rport` (RFC 3581) on UDP (a TCP response follows its connection anyway); `;alias`
        (RFC 5923) on TLS: requests for us must come back on our connection."""
        extra = {"udp": ";rport", "tls": ";alias"}.get(self.transport, "")  # RFC 3581 / RFC 5923
        return f"SIP/2.0/{self.transport.upper()} {self.host}:{self.port};branch={branch}{extra}"

    def contact_uri(self, user: str) -> str:
        return f"sip:{user}@{self.host}:{self.port};transport={self.transport}"

    def learn(self, response: SipMessage) -> bool:
        """Take `received`/`rport` from a response's top Via; True when the advertised address changed.

        UDP only: over TCP, `rport` is the ephemeral port of our own connection, not a listening port.
        """
        via = response.top_via
        if via is None or self.transport != "udp":
            return False
        host = via.params.get("received") or self.host
        port = as_number(via.params.get("rport", "")) or self.port
        if (host, port) == (self.host, self.port):
            return False
        log.info("public address %s:%s (was %s:%s), from the server's Via", host, port, self.host, self.port)
        self.host, self.port = host, port
        return True
