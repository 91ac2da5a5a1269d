"""Which local address talks to the PBX: the route's source address, found again when the network changes.

Binding 127.0.0.1 (or a stale address) makes every datagram to a PBX on another host fail with EINVAL; the
kernel's routing table knows the right source address. A UDP `connect` asks it without sending anything.
"""

from __future__ import annotations

import socket

ANY_ADDRESS = "0.0.0.0"


def local_address_towards(host: str, port: int = 5060) -> str:
    """The source address the routing table picks for `host` (a name or an IPv4 address).

    With no route (the cable is out, the name does not resolve) it returns 0.0.0.0: the agent still
    starts, says the registrar is unreachable, and the route watch finds the address when it comes back.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((host, port or 5060))
            return str(probe.getsockname()[0])
    except OSError:
        return ANY_ADDRESS


class RouteWatch:
    """Notices that the route to the PBX now leaves from another address (DHCP, a VPN, another network).

    `check()` is cheap (a routing-table lookup, no packet): the desk calls it every few seconds off the GUI
    thread and re-registers from the new address when it returns one.
    """

    def __init__(self, host: str, port: int, current: str) -> None:
        self.host, self.port, self.current = host, port, current

    def check(self) -> str | None:
        """The new local address when it changed since the last check, else None."""
        found = local_address_towards(self.host, self.port)
        if found == self.current or found == ANY_ADDRESS:
            return None
        self.current = found
        return found
