"""What an administrator writes by hand in settings.json for the switchboard is read as they meant it."""

from __future__ import annotations

from desktop.services.phone.account import policy_from
from desktop.settings import Settings
from desktop.telephony import AgentPolicy


def test_the_pbx_hosts_written_as_one_string_are_trusted_as_hosts_not_as_characters() -> None:
    settings = Settings()
    for written, hosts in (
        (["10.0.0.12", " 10.0.0.13 ", ""], ("10.0.0.12", "10.0.0.13")),
        ("10.0.0.12", ("10.0.0.12",)),
        ("10.0.0.12, 10.0.0.13", ("10.0.0.12", "10.0.0.13")),
        ("", ()),
        (None, ()),
        (12, ()),  # not a list of hosts at all: nothing trusted beyond the PBX, and the desk still starts
    ):
        settings.sip_trusted_hosts = written  # type: ignore[assignment]
        base = AgentPolicy(trusted_hosts=("10.0.0.1",))
        assert policy_from(settings, base).trusted_hosts == ("10.0.0.1", *hosts), written
