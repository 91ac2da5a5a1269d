"""SIP messages (RFC 3261 §7, §20, §25): a tolerant tokenizer, header value parsers and builders.

pyVoIP 1.6.8's header parser is not used for headers on purpose: it keeps only the first of repeated
headers (losing Record-Route entries), raises on a header line without ": " and so drops the whole
message (defect 9), knows no compact header forms and mangles quoted display names (defect 11).
Its SDP parser and status table are used where they are right: see `sdp.py` and `reason_phrase`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from desktop.telephony._pyvoip import SIPStatus

MAX_DATAGRAM = 65535
SIP_VERSION = "SIP/2.0"
MANDATORY_REQUEST_HEADERS = ("Via", "From", "To", "Call-ID", "CSeq")

_COMPACT = {
    "i": "Call-ID",
    "m": "Contact",
    "e": "Content-Encoding",
    "l": "Content-Length",
    "c": "Content-Type",
    "f": "From",
    "s": "Subject",
    "k": "Supported",
    "t": "To",
    "v": "Via",
}
_CANONICAL = {
    name.lower(): name
    for name in (
        "Accept",
        "Allow",
        "Authorization",
        "Call-ID",
        "Contact",
        "Content-Encoding",
        "Content-Length",
        "Content-Type",
        "CSeq",
        "Expires",
        "From",
        "Max-Forwards",
        "Min-Expires",
        "P-Asserted-Identity",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Record-Route",
        "Route",
        "Server",
        "Subject",
        "Supported",
        "To",
        "User-Agent",
        "Via",
        "WWW-Authenticate",
    )
}
# Headers whose value may be a comma-separated list of entries (RFC 3261 §7.3.1).
_LIST_HEADERS = frozenset({"via", "route", "record-route", "contact", "allow", "supported", "accept"})
_TOKEN = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
_STATUS_LINE = re.compile(r"^SIP/2\.0 ([1-6][0-9]{2}) ?(.*)$")


class SipParseError(ValueError):
    """A datagram that is not a SIP message we can act on; `partial` holds what was parsed, if anything."""

    def __init__(self, problem: str, partial: SipMessage | None = None) -> None:
        super().__init__(problem)
        self.partial = partial


def as_number(text: str) -> int | None:
    """The value of an ASCII digit string (`"²".isdigit()` is true but int() refuses it), else None."""
    stripped = text.strip()
    return int(stripped) if stripped.isascii() and stripped.isdigit() else None


def canonical_name(name: str) -> str:
    """The usual spelling of a header name, expanding compact forms (`v` -> `Via`)."""
    stripped = name.strip()
    if len(stripped) == 1 and stripped.lower() in _COMPACT:
        return _COMPACT[stripped.lower()]
    return _CANONICAL.get(stripped.lower(), stripped)


def reason_phrase(code: int) -> str:
    """The standard reason phrase for a status code, from pyVoIP's table when it knows it."""
    if code in _PHRASE_FIXES:
        return _PHRASE_FIXES[code]
    try:
        return str(SIPStatus(code).phrase)
    except ValueError:
        return "Unknown"


_PHRASE_FIXES = {423: "Interval Too Brief"}  # pyVoIP spells it "Session Interval Too Breif"


def split_list(value: str) -> list[str]:
    """Split a header value at top-level commas (not inside quotes or <>)."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = in_angle = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif in_quotes and char == "\\":
            escaped = True
        elif char == '"' and not in_angle:
            in_quotes = not in_quotes
        elif char == "<" and not in_quotes:
            in_angle = True
        elif char == ">" and not in_quotes:
            in_angle = False
        elif char == "," and not in_quotes and not in_angle:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


@dataclass
class SipMessage:
    """One parsed SIP request or response; headers keep their order and repetitions."""

    method: str | None = None
    uri: str | None = None
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    defects: list[str] = field(default_factory=list)

    @property
    def is_request(self) -> bool:
        return self.method is not None

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        wanted = canonical_name(name).lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, list headers split at their commas."""
        wanted = canonical_name(name).lower()
        values: list[str] = []
        for key, value in self.headers:
            if key.lower() == wanted:
                values.extend(split_list(value) if wanted in _LIST_HEADERS else [value])
        return values

    @property
    def call_id(self) -> str:
        return self.header("Call-ID") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        """(number, method) of the CSeq header; (0, "") when absent or malformed."""
        raw = (self.header("CSeq") or "").split()
        number = as_number(raw[0]) if len(raw) == 2 else None
        if number is None:
            return 0, ""
        return number, raw[1].upper()

    @property
    def top_via(self) -> Via | None:
        values = self.header_values("Via")
        return parse_via(values[0]) if values else None

    def missing_headers(self) -> list[str]:
        """Mandatory request headers (RFC 3261 §8.1.1) that are absent or unusable."""
        missing = [name for name in MANDATORY_REQUEST_HEADERS if not self.header(name)]
        if "CSeq" not in missing and self.cseq[0] == 0:
            missing.append("CSeq")
        return missing


def parse_message(data: bytes) -> SipMessage:
    """Parse one datagram; SipParseError when it is not SIP. Bad header lines are kept as defects."""
    if len(data) > MAX_DATAGRAM:
        raise SipParseError("datagram larger than 64 KiB")
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")
    text = head.decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)  # RFC 3261 §7.5: ignore leading CRLFs (keep-alives)
    if not lines:
        raise SipParseError("empty datagram")
    message = _parse_start_line(lines[0])
    _parse_header_lines(lines[1:], message)
    length_text = message.header("Content-Length")
    if length_text is not None:
        length = as_number(length_text)
        if length is None:
            raise SipParseError(f"bad Content-Length {length_text[:20]!r}", message)
        if length > len(body):
            raise SipParseError("body shorter than Content-Length", message)
        body = body[:length]
    message.body = body
    return message


def _parse_start_line(line: str) -> SipMessage:
    if line.startswith("SIP/"):
        match = _STATUS_LINE.match(line.strip())
        if match is None:
            raise SipParseError(f"bad status line {line[:80]!r}")
        return SipMessage(status=int(match.group(1)), reason=match.group(2).strip())
    parts = line.strip().split(" ")
    if len(parts) != 3 or parts[2] != SIP_VERSION or not _TOKEN.match(parts[0]) or ":" not in parts[1]:
        raise SipParseError(f"bad request line {line[:80]!r}")
    return SipMessage(method=parts[0].upper(), uri=parts[1])


def _parse_header_lines(lines: list[str], message: SipMessage) -> None:
    for line in lines:
        if line[:1] in (" ", "\t") and message.headers:
            name, value = message.headers[-1]
            message.headers[-1] = (name, f"{value} {line.strip()}")  # §7.3.1 folding
            continue
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.match(name.strip()):
            message.defects.append(f"header line without a name and colon: {line[:60]!r}")
            continue
        message.headers.append((canonical_name(name), value.strip()))


@dataclass(frozen=True)
class SipUri:
    """A sip:/sips:/tel: URI split into its parts."""

    scheme: str
    user: str
    host: str
    port: int | None
    params: dict[str, str]

    @property
    def hostport(self) -> tuple[str, int]:
        return self.host, self.port or 5060


def parse_uri(text: str) -> SipUri:
    """Parse `sip:user@host:port;params` (or `tel:+84...`); SipParseError when it is none of them."""
    raw = text.strip()
    scheme, colon, rest = raw.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in ("sip", "sips", "tel"):
        raise SipParseError(f"unsupported URI {raw[:80]!r}")
    rest = rest.split("?", 1)[0]
    userinfo = ""
    if scheme != "tel" and "@" in rest:
        # The user part may carry its own `;` parameters (`0912345678;phone-context=+84`): they are
        # the user's, not the URI's, so split at the last '@' before looking for URI parameters.
        userinfo, _, rest = rest.rpartition("@")
    main, *param_parts = rest.split(";")
    params = {}
    for part in param_parts:
        key, _, value = part.partition("=")
        if key:
            params[key.strip().lower()] = value.strip()
    if scheme == "tel":
        return SipUri(scheme, unquote(main), "", None, params)
    user, hostport = userinfo.split(";", 1)[0], main
    host, port = hostport, None
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        if tail.startswith(":"):
            port = as_number(tail[1:])
    elif ":" in hostport:
        host, _, port_text = hostport.partition(":")
        port = as_number(port_text)
        if port is None:
            raise SipParseError(f"bad port in URI {raw[:80]!r}")
    if not host:
        raise SipParseError(f"URI without host {raw[:80]!r}")
    return SipUri(scheme, unquote(user.split(":", 1)[0]), host, port, params)


@dataclass(frozen=True)
class NameAddr:
    """A From/To/Contact/Route/P-Asserted-Identity value: display name, URI and header params."""

    display_name: str
    uri: str
    params: dict[str, str]

    @property
    def tag(self) -> str:
        return self.params.get("tag", "")

    @property
    def user(self) -> str:
        try:
            return parse_uri(self.uri).user
        except SipParseError:
            return ""


def parse_name_addr(text: str) -> NameAddr:
    """Parse `"Nguyễn Văn A" <sip:0912@host>;tag=x`, `Name <uri>` or a bare addr-spec (RFC 3261 §20.10)."""
    raw = text.strip()
    display = ""
    rest = raw
    if raw.startswith('"'):
        chars: list[str] = []
        index = 1
        while index < len(raw) and raw[index] != '"':
            if raw[index] == "\\" and index + 1 < len(raw):
                index += 1
            chars.append(raw[index])
            index += 1
        if index >= len(raw):
            raise SipParseError("unterminated quoted display name")
        display = "".join(chars)
        rest = raw[index + 1 :].strip()
        if not rest.startswith("<"):
            raise SipParseError("quoted display name without <URI>")
    if "<" in rest:
        before, _, after = rest.partition("<")
        if not display:
            display = before.strip()
        uri, closed, tail = after.partition(">")
        if not closed:
            raise SipParseError("unterminated <URI>")
        param_text = tail
    else:
        uri, _, param_text = rest.partition(";")
        param_text = ";" + param_text if param_text else ""
    params: dict[str, str] = {}
    for part in param_text.split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            params[key.strip().lower()] = value.strip().strip('"')
    uri = uri.strip()
    if not uri:
        raise SipParseError("empty URI")
    return NameAddr(display, uri, params)


def format_name_addr(display_name: str, uri: str, params: dict[str, str] | None = None) -> str:
    """The wire form of a name-addr, quoting the display name."""
    text = f"<{uri}>"
    if display_name:
        escaped = display_name.replace("\\", "\\\\").replace('"', '\\"')
        text = f'"{escaped}" {text}'
    for key, value in (params or {}).items():
        text += f";{key}={value}" if value else f";{key}"
    return text


@dataclass(frozen=True)
class Via:
    """One Via entry: transport, sent-by and parameters (branch, received, rport)."""

    transport: str
    host: str
    port: int
    params: dict[str, str]

    @property
    def branch(self) -> str:
        return self.params.get("branch", "")


def parse_via(text: str) -> Via | None:
    """Parse `SIP/2.0/UDP host:port;branch=...`; None when it is not a usable Via."""
    protocol, _, rest = text.strip().partition(" ")
    pieces = protocol.split("/")
    if len(pieces) != 3:
        return None
    sent_by, *param_parts = rest.strip().split(";")
    host, _, port_text = sent_by.strip().partition(":")
    params = {}
    for part in param_parts:
        key, _, value = part.partition("=")
        if key.strip():
            params[key.strip().lower()] = value.strip()
    port = as_number(port_text) or 5060
    return Via(pieces[2].upper(), host.strip(), port, params)


def build_request(method: str, uri: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    """Serialize a request; Content-Length is computed here."""
    lines = [f"{method} {uri} {SIP_VERSION}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() != "content-length"]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def build_response(
    request: SipMessage,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> bytes:
    """A response to `request` (RFC 3261 §8.2.6): Via, From, To (+ our tag), Call-ID, CSeq copied."""
    lines = [f"{SIP_VERSION} {status} {reason or reason_phrase(status)}"]
    for name, value in request.headers:
        if name in ("Via", "From", "Call-ID", "CSeq") or (name == "Record-Route" and 100 < status < 300):
            lines.append(f"{name}: {value}")
        elif name == "To":
            if to_tag and ";tag=" not in value.replace(" ", "").lower():
                value = f"{value};tag={to_tag}"
            lines.append(f"To: {value}")
    lines += [f"{name}: {value}" for name, value in headers or []]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body
