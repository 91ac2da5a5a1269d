"""HTTP digest authentication for SIP (RFC 3261 §22, RFC 2617 with and without qop, RFC 8760)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from desktop.telephony.message import split_list

_HASHES = {"MD5": "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256"}


@dataclass(frozen=True)
class Challenge:
    """A WWW-Authenticate or Proxy-Authenticate challenge."""

    realm: str
    nonce: str
    opaque: str
    algorithm: str
    qop_options: tuple[str, ...]
    stale: bool
    proxy: bool

    @property
    def response_header(self) -> str:
        return "Proxy-Authorization" if self.proxy else "Authorization"


def parse_challenge(value: str, *, proxy: bool) -> Challenge | None:
    """Parse a Digest challenge; None when it is not Digest or not a usable one."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params: dict[str, str] = {}
    for item in split_list(rest):
        key, _, raw = item.partition("=")
        params[key.strip().lower()] = raw.strip().strip('"')
    algorithm = params.get("algorithm", "MD5").upper()
    if "nonce" not in params or algorithm not in _HASHES:
        return None
    qops = tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip())
    return Challenge(
        realm=params.get("realm", ""),
        nonce=params["nonce"],
        opaque=params.get("opaque", ""),
        algorithm=algorithm,
        qop_options=qops,
        stale=params.get("stale", "").lower() == "true",
        proxy=proxy,
    )


def _hash(algorithm: str, text: str) -> str:
    return hashlib.new(_HASHES[algorithm], text.encode("utf-8")).hexdigest()


def authorization(
    challenge: Challenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    nonce_count: int = 1,
    cnonce: str | None = None,
) -> str:
    """The Authorization/Proxy-Authorization value answering `challenge` (qop=auth when offered)."""
    algorithm = challenge.algorithm
    ha1 = _hash(algorithm, f"{username}:{challenge.realm}:{password}")
    cnonce = cnonce or secrets.token_hex(8)
    if algorithm.endswith("-SESS"):
        ha1 = _hash(algorithm, f"{ha1}:{challenge.nonce}:{cnonce}")
    ha2 = _hash(algorithm, f"{method}:{uri}")
    fields = [
        f'username="{username}"',
        f'realm="{challenge.realm}"',
        f'nonce="{challenge.nonce}"',
        f'uri="{uri}"',
    ]
    if "auth" in challenge.qop_options:
        nc = f"{nonce_count:08x}"
        response = _hash(algorithm, f"{ha1}:{challenge.nonce}:{nc}:{cnonce}:auth:{ha2}")
        fields += [f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        response = _hash(algorithm, f"{ha1}:{challenge.nonce}:{ha2}")
        fields.append(f'response="{response}"')
    fields.append(f"algorithm={algorithm}")
    if challenge.opaque:
        fields.append(f'opaque="{challenge.opaque}"')
    return "Digest " + ", ".join(fields)
