"""The SIP account a desk registers with, built from its settings (phone desk, SIP dialog, sip-check and
doctor alike), and a throw-away registration that tests it."""

from __future__ import annotations

import threading
from dataclasses import replace

from desktop.settings import Settings
from desktop.telephony import (
    AgentPolicy,
    RegistrationChanged,
    RegistrationState,
    SipAccount,
    SipAgent,
    TelephonyEvent,
)
from desktop.telephony.addressing import local_address_towards
from desktop.telephony.srtp import SrtpMode

TEST_TIMEOUT_S = 6.0


def account_from(settings: Settings, password: str) -> SipAccount:
    """The desk's account (sip-check builds its own with this too), bound to the source address of the
    route to the first hop (the outbound proxy, else the server). ValueError for a malformed address."""
    account = unbound_account(settings, password)
    local = settings.sip_local_ip.strip() or local_address_towards(*account.next_hop)
    return replace(account, local_host=local)


def policy_from(settings: Settings, base: AgentPolicy) -> AgentPolicy:
    """`base` with what the administrator sets in settings.json: the addresses the PBX also calls from,
    and how many calls may ring at once (a number below 1 or not a number keeps the default)."""
    hosts: object = settings.sip_trusted_hosts  # as settings.json has it: the admin writes it by hand
    # a list; one string ("10.0.0.12" or "10.0.0.12, 10.0.0.13") is read as its hosts, not as its
    # characters (which trusted nothing: every call from the PBX's other node was refused)
    if isinstance(hosts, str):
        written: list[object] = list(hosts.replace(",", " ").split())
    else:
        written = list(hosts) if isinstance(hosts, list | tuple) else []
    listed = tuple(str(host).strip() for host in written if str(host).strip())
    try:
        ringing = int(settings.sip_max_ringing)
    except (TypeError, ValueError):
        ringing = base.max_ringing
    return replace(
        base,
        trusted_hosts=(*base.trusted_hosts, *listed),
        max_ringing=ringing if ringing >= 1 else base.max_ringing,
    )


def unbound_account(settings: Settings, password: str) -> SipAccount:
    """The account before its local address is chosen: checks the addresses without asking the network."""
    return SipAccount(
        server_host=settings.sip_server.strip(),
        user=settings.sip_extension.strip(),
        password=password,
        server_port=int(settings.sip_port),
        domain=settings.sip_domain.strip(),
        outbound_proxy=settings.sip_outbound_proxy.strip(),
        transport=settings.sip_transport.strip().lower() or "udp",
        tls_ca_file=settings.sip_tls_ca_file.strip(),
        stun_server=settings.sip_stun_server.strip(),
        srtp=SrtpMode(settings.sip_srtp.strip().lower() or SrtpMode.OFFERED),
        local_port=int(settings.sip_local_port),
        rtp_port_low=int(settings.sip_rtp_port_low),
        rtp_port_high=int(settings.sip_rtp_port_high),
    )


def try_registration(settings: Settings, password: str, policy: AgentPolicy) -> RegistrationChanged | None:
    """Worker thread: registers a throw-away agent and reports the first final state (None: no answer)."""
    result: list[RegistrationChanged] = []
    done = threading.Event()

    def listener(event: TelephonyEvent) -> None:
        if isinstance(event, RegistrationChanged) and event.state in (
            RegistrationState.REGISTERED,
            RegistrationState.AUTH_FAILED,
            RegistrationState.UNREACHABLE,
        ):
            result.append(event)
            done.set()

    probe = replace(settings, sip_local_port=0)  # the desk may hold its own port
    agent = SipAgent(account_from(probe, password), listener, policy)
    agent.start()
    try:
        done.wait(TEST_TIMEOUT_S)
    finally:
        agent.stop()
    return result[0] if result else None
