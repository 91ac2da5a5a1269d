"""The agent's settings: one SIP account and the timing policy (secrets are passed in, never stored)."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.telephony.srtp import SrtpMode
from desktop.telephony.stun import StunServer
from desktop.telephony.transaction import TimerValues

USER_AGENT = "Tongdai1022-Desk/0.1"


def host_port(text: str, default_port: int) -> tuple[str, int]:
    """`host` or `host:port` (an IPv4 address or a name); ValueError for anything else."""
    host, colon, port = text.strip().rpartition(":")
    if not colon:
        host, port = text.strip(), ""
    if not host or any(c.isspace() for c in host) or (port and not port.isdigit()):
        raise ValueError(f"not a host[:port]: {text!r}")
    number = int(port) if port else default_port
    if not 0 < number < 65536:
        raise ValueError(f"port out of range: {text!r}")
    return host, number


@dataclass(frozen=True)
class SipAccount:
    """Who we are on which server. `password` never appears in repr or logs."""

    server_host: str
    user: str
    password: str = field(repr=False)
    server_port: int = 5060
    domain: str = ""  # the domain in Request-URIs, From and To ("host" or "host:port"); "" = the registrar
    outbound_proxy: str = ""  # "host[:port]": every request goes there (the registrar is then never dialled)
    display_name: str = ""
    local_host: str = "127.0.0.1"  # the address to bind; "0.0.0.0" advertises the route to the server
    local_port: int = 0  # 0: any free port
    contact_host: str = ""  # advertised in Via/Contact; "" = the bound address (NAT: learnt, RFC 3581)
    contact_port: int = 0  # advertised port; 0 = the bound port
    media_host: str = ""  # the SDP c= address; "" = the advertised host
    transport: str = "udp"  # "udp", "tcp" or "tls" (RFC 3261 §18, §26.2.1)
    rtp_port_low: int = 20000
    rtp_port_high: int = 20999
    tls_ca_file: str = ""  # PEM file of the CAs that may sign the server's certificate; "" = system store
    stun_server: str = ""  # "host[:port]" (RFC 5389, port 3478): learn the public address at start
    srtp: SrtpMode = SrtpMode.OFFERED  # encrypt the audio: never, when the PBX offers a key, or always
    codec: str = ""  # "PCMU" or "PCMA": offered first and taken when offered; "" = PCMA, PCMU (the desk's)

    def __post_init__(self) -> None:
        if self.codec not in ("", "PCMU", "PCMA"):
            raise ValueError(f"codec must be 'PCMU' or 'PCMA', not {self.codec!r}")
        try:
            object.__setattr__(self, "srtp", SrtpMode(self.srtp))
        except ValueError:
            raise ValueError(f"srtp must be 'off', 'offered' or 'required', not {self.srtp!r}") from None
        if self.transport not in ("udp", "tcp", "tls"):
            raise ValueError(f"transport must be 'udp', 'tcp' or 'tls', not {self.transport!r}")
        if self.stun_server:
            StunServer.parse(self.stun_server)  # ValueError now rather than at start()
        if self.outbound_proxy:
            host_port(self.outbound_proxy, self.default_port)  # ValueError now rather than at start()

    @property
    def default_port(self) -> int:
        return 5061 if self.transport == "tls" else 5060

    @property
    def realm_domain(self) -> str:
        """The domain as requests name it: a PBX checks "is this for me" on host and port, so the port is
        written whenever it is not the transport's default (RFC 3261 §19.1.2)."""
        if self.domain:
            return self.domain.strip()
        if self.server_port and self.server_port != self.default_port:
            return f"{self.server_host}:{self.server_port}"
        return self.server_host

    @property
    def next_hop(self) -> tuple[str, int]:
        """Where requests are sent: the outbound proxy when there is one, else the registrar."""
        if self.outbound_proxy:
            return host_port(self.outbound_proxy, self.default_port)
        return self.server_host, self.server_port or self.default_port

    @property
    def aor(self) -> str:
        return f"sip:{self.user}@{self.realm_domain}"


@dataclass(frozen=True)
class AgentPolicy:
    """Timing choices. Defaults suit a call centre; tests shorten the keepalive to run fast."""

    expires: int = 3600  # what we ask for; the server's grant wins
    keepalive_interval: float = 3.0  # OPTIONS to the registrar while registered, to notice it going away
    probe_timeout: float = 2.0  # a keepalive or a retry REGISTER unanswered this long = unreachable
    retry_initial: float = 0.5  # first backoff delay while unreachable
    retry_max: float = 3.0  # backoff cap: keeps "registered again within 5 s of its return"
    unregister_timeout: float = 1.0  # stop() waits this long for the Expires: 0 answer
    learn_public_address: bool = True  # RFC 3581: re-register with the registrar's received/rport
    stun_timeout: float = 2.0  # start() waits this long at most for the STUN server
    timers: TimerValues = field(default_factory=TimerValues)
    # Trust only the PBX: P-Asserted-Identity is believed, and in-dialog requests accepted, only from the
    # registrar's address, the dialog's own peer, or these hosts an administrator lists.
    trusted_hosts: tuple[str, ...] = ()
    # New calls (INVITE outside a dialog) only from the PBX's host or a listed one; any other host gets
    # 403 and rings nothing (a neighbour on the LAN cannot call the desk around the PBX).
    calls_from_pbx_only: bool = True
    max_ringing: int = 8  # inbound calls ringing at once; more get 486 Busy Here (a flood rings nobody)
    transfer_timeout: float = 40.0  # a REFER with no final NOTIFY after this long has failed (call stays)
    replaced_hangup: float = 4.0  # after an attended transfer, BYE the consultation if the target did not
    user_agent: str = USER_AGENT
