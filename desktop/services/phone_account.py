"""The SIP account a desk registers with, built from its settings (phone desk and SIP dialog alike)."""

from __future__ import annotations

from desktop.settings import Settings
from desktop.telephony import SipAccount
from desktop.telephony.addressing import local_address_towards


def account_from(settings: Settings, password: str) -> SipAccount:
    """The desk's account, addressed as sip-check addresses it: bound to the route's source address."""
    host, port = settings.sip_server.strip(), int(settings.sip_port)
    return SipAccount(
        server_host=host,
        user=settings.sip_extension.strip(),
        password=password,
        server_port=port,
        local_host=settings.sip_local_ip.strip() or local_address_towards(host, port),
        local_port=int(settings.sip_local_port),
        rtp_port_low=int(settings.sip_rtp_port_low),
        rtp_port_high=int(settings.sip_rtp_port_high),
    )
