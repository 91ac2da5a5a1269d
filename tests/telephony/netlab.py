"""Other hosts for the SIP lab: network namespaces joined to this one by veth pairs (198.18.0.0/15 only).

Loopback hides the bugs of a real network (a socket bound to 127.0.0.1 cannot reach a PBX on another
host). Each `Host` is a namespace with one address; this side of its link has another address in the same
/24, so the desk (in the root namespace) reaches it through a route of its own. Everything is deleted on
close; nothing is sent outside these links.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


def netns_usable() -> str | None:
    """Why namespaces cannot be made here (not root, no iproute2), else None."""
    if shutil.which("ip") is None:
        return "iproute2 missing (apt-get install iproute2)"
    if os.geteuid() != 0:
        return "network namespaces need root"
    return None


@dataclass
class Host:
    """A lab host: namespace `netns` at `address`; `peer_address` is this side of its link."""

    netns: str
    address: str
    peer_address: str
    link: str  # the veth end in the root namespace

    def move_peer_address(self, new_address: str) -> None:
        """This side of the link gets another address (a DHCP renewal, another network)."""
        # Old first: deleting a primary address also deletes the secondaries of its subnet.
        _ip("addr", "del", f"{self.peer_address}/24", "dev", self.link)
        _ip("addr", "add", f"{new_address}/24", "dev", self.link)
        self.peer_address = new_address


@dataclass
class NetLab:
    """Namespaces named `prefix-…`, subnets 198.18.<first_subnet + n>.0/24."""

    prefix: str
    first_subnet: int
    hosts: list[Host] = field(default_factory=list)

    def add_host(self, name: str) -> Host:
        index = len(self.hosts)
        subnet = self.first_subnet + index
        netns = f"{self.prefix}-{name}"
        outer, inner = f"{self.prefix[:6]}{index}o", f"{self.prefix[:6]}{index}i"
        _ip("netns", "add", netns)
        _ip("link", "add", outer, "type", "veth", "peer", "name", inner)
        _ip("link", "set", inner, "netns", netns)
        _ip("addr", "add", f"198.18.{subnet}.1/24", "dev", outer)
        _ip("link", "set", outer, "up")
        _ip("-n", netns, "addr", "add", f"198.18.{subnet}.2/24", "dev", inner)
        _ip("-n", netns, "link", "set", inner, "up")
        _ip("-n", netns, "link", "set", "lo", "up")
        host = Host(netns, f"198.18.{subnet}.2", f"198.18.{subnet}.1", outer)
        self.hosts.append(host)
        return host

    def close(self) -> None:
        for host in self.hosts:
            subprocess.run(["ip", "netns", "del", host.netns], capture_output=True, timeout=10, check=False)
            subprocess.run(["ip", "link", "del", host.link], capture_output=True, timeout=10, check=False)
        self.hosts.clear()
