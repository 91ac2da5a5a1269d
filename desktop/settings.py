"""Settings of one desktop: a typed object with declared defaults, read from the data folder."""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "tongdai1022"
HOME_ENV = "TONGDAI1022_HOME"
SETTINGS_FILENAME = "settings.json"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else `TONGDAI1022_HOME`, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(HOME_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def _default_operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "dien-thoai-vien"


@dataclass
class Settings:
    """What an operator or IT staff can change; secrets never live here (they go to the keyring)."""

    operator: str = ""
    language: str = "vi"
    page_size: int = 200
    # the phone desk (issue #4); the SIP password lives in the keyring, never here
    sip_server: str = ""
    sip_port: int = 5060
    sip_extension: str = ""
    sip_local_port: int = 0  # 0: any free port
    sip_local_ip: str = ""  # "": the source address of the route to the PBX, followed when it changes
    sip_rtp_port_low: int = 20000
    sip_rtp_port_high: int = 20999
    sip_transport: str = "udp"  # "udp", "tcp" or "tls"
    sip_domain: str = ""  # the domain in the SIP addresses ("host" or "host:port"); "": the server's
    sip_outbound_proxy: str = ""  # "host[:port]": send every request there instead of the server
    sip_tls_ca_file: str = ""  # PEM of the CAs that may sign the PBX's certificate; "": the system's
    sip_stun_server: str = ""  # "host[:port]": learn the public address behind NAT
    # other addresses the PBX sends calls from (a second node, a gateway): an admin's list (settings.json
    # only); new calls from any host but the server's (or the outbound proxy's) and these are refused
    sip_trusted_hosts: list[str] = field(default_factory=list)
    sip_max_ringing: int = 8  # calls ringing at once on this desk; the next get 486 (admin, settings.json)
    sip_srtp: str = "offered"  # call audio encryption (SRTP): "off", "offered" (when the PBX is), "required"
    phone_record_calls: bool = False
    # how long recordings are kept is the centre's decision (a central setting synced to every desk)
    phone_audio_output: str = ""
    phone_audio_input: str = ""
    phone_ring_device: str = ""
    # the not-ready state the operator chose (a vocabulary code), since when and by whom: a desk reopened
    # during a break resumes it (desktop/domain/agent_state.py: state_after_restart); "" = ready
    agent_state: str = ""
    agent_state_since: str = ""
    agent_state_operator: str = ""
    # whom a call can be transferred to (F7): [{"label": "Giám sát ca trực", "number": "1009"}, ...]
    transfer_directory: list[dict[str, str]] = field(default_factory=list)
    # the central server (issue #5); the password and token live in the keyring, never here
    sync_server: str = ""
    sync_user: str = ""  # the account's user name as the server records it (what the desk writes)
    sync_full_name: str = ""  # the account's full name, shown beside it
    sync_ca_file: str = ""  # PEM of the CA that signs the server's certificate; "": the system's CAs
    sync_allow_plain_http: bool = False  # an admin's choice (settings.json only): http:// to another host
    # Where `operator` came from: "server" (the account signed in), "setting" (a name chosen on this
    # desk) or "pc" (the PC's login, until a name is chosen). Not stored: it is worked out on load.
    operator_source: str = field(default="setting", compare=False)
    chosen_operator: str = field(default="", compare=False)  # the desk's own name while signed in

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = data_dir / SETTINGS_FILENAME
        settings = cls()
        if path.exists():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = {}
            for key, value in stored.items():
                if key in cls.__dataclass_fields__:
                    setattr(settings, key, value)
        settings.operator = str(settings.operator or "").strip()
        if settings.sync_server and settings.sync_user:
            settings.chosen_operator, settings.operator = settings.operator, settings.sync_user
            settings.operator_source = "server"
        elif settings.operator:
            settings.operator_source = "setting"
        else:
            settings.operator, settings.operator_source = _default_operator(), "pc"
        return settings

    def save(self, data_dir: Path) -> None:
        path = data_dir / SETTINGS_FILENAME
        temporary = path.with_suffix(".tmp")
        stored = asdict(self)
        stored.pop("operator_source")
        stored.pop("chosen_operator")
        if self.operator_source == "pc":
            stored["operator"] = ""  # the PC's login is a stand-in, never a chosen name
        elif self.operator_source == "server":
            stored["operator"] = self.chosen_operator
        temporary.write_text(json.dumps(stored, ensure_ascii=False, indent=2), encoding="utf-8")
        temporary.replace(path)
