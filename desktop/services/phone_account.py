"""The SIP account a desk registers with, built from its settings (phone desk and SIP dialog alike)."""

from __future__ import annotations

from dataclasses import replace

from desktop.settings import Settings
from desktop.telephony import SipAccount
from desktop.telephony.addressing import local_address_towards


def account_from(settings: Settings, password: str) -> SipAccount:
    """The desk's account (sip-check builds its own with this too), bound to the source address of the
    route to the first hop (the outbound proxy, else the server). ValueError for a malformed address."""
    account = unbound_account(settings, password)
    local = settings.sip_local_ip.strip() or local_address_towards(*account.next_hop)
    return replace(account, local_host=local)


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
        local_port=int(settings.sip_local_port),
        rtp_port_low=int(settings.sip_rtp_port_low),
        rtp_port_high=int(settings.sip_rtp_port_high),
    )
