"""The REGISTER client (RFC 3261 §10): digest auth, refresh at the granted expiry, backoff and recovery."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from desktop.telephony.auth import Challenge, authorization, parse_challenge
from desktop.telephony.config import AgentPolicy, SipAccount
from desktop.telephony.events import (
    RegistrationChanged,
    RegistrationRefreshed,
    RegistrationState,
    TelephonyEvent,
)
from desktop.telephony.message import (
    SipMessage,
    SipParseError,
    as_number,
    build_request,
    parse_name_addr,
    parse_uri,
)
from desktop.telephony.nat import PublicAddress
from desktop.telephony.timers import Scheduler, TimerHandle
from desktop.telephony.transaction import TransactionLayer, new_branch
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"


def refresh_delay(granted: int) -> float:
    """When to refresh a registration the server granted for `granted` seconds."""
    if granted <= 60:
        return max(1.0, granted * 0.5)
    return float(granted - 30)


class Registrar:
    """Keeps one contact registered. All methods run under the agent lock; timers re-take it."""

    def __init__(
        self,
        account: SipAccount,
        policy: AgentPolicy,
        public: PublicAddress,
        server: Address,
        transactions: TransactionLayer,
        scheduler: Scheduler,
        lock: threading.RLock,
        emit: Callable[[TelephonyEvent], None],
    ) -> None:
        self._account = account
        self._policy = policy
        self._public = public
        self._server = server
        self._tx = transactions
        self._scheduler = scheduler
        self._lock = lock
        self._emit = emit
        self._call_id = f"{secrets.token_hex(12)}@{public.host}"
        self._from_tag = secrets.token_hex(6)
        self._cseq = 0
        self._nonce_count = 0
        self._challenge: Challenge | None = None
        self._challenge_answered = False
        self._requested = policy.expires
        self._backoff = policy.retry_initial
        self._timer: TimerHandle | None = None
        self._refresh_due = 0.0
        self._stopping = False
        self.state = RegistrationState.UNREGISTERED
        self.granted: int | None = None
        self.contact_uri = public.contact_uri(account.user)
        self._stale_contact: str | None = None  # a binding to remove (Expires 0) in the next REGISTER

    # public (agent lock held) --------------------------------------------------------------------
    def start(self) -> None:
        self._set_state(RegistrationState.REGISTERING)
        self._send_register(self._requested, timeout=None)

    def unregister(self) -> threading.Event:
        """Send REGISTER with Expires: 0; the returned event is set once it is answered or timed out."""
        self._stopping = True
        self._cancel_timer()
        done = threading.Event()
        if self.state not in (RegistrationState.REGISTERED, RegistrationState.REGISTERING):
            done.set()
            return done

        retried = False

        def finished() -> None:
            done.set()

        def on_response(response: SipMessage) -> None:
            nonlocal retried
            status = response.status or 0
            if status < 200:
                return
            challenge = self._read_challenge(response) if status in (401, 407) and not retried else None
            if challenge is None:
                done.set()
                return
            retried = True  # a fresh challenge (our cached nonce was refused): answer it once
            self._challenge, self._challenge_answered, self._nonce_count = challenge, True, 0
            self._send_register(
                0, timeout=self._policy.unregister_timeout, on_final=on_response, on_lost=finished
            )

        # Reuse the last challenge (next nonce count): most registrars accept it, saving a round trip.
        self._challenge_answered = self._challenge is not None
        self._send_register(
            0, timeout=self._policy.unregister_timeout, on_final=on_response, on_lost=finished
        )
        return done

    def stop(self) -> None:
        self._stopping = True
        self._cancel_timer()
        self._set_state(RegistrationState.STOPPED)

    # requests ------------------------------------------------------------------------------------
    def _send_register(
        self,
        expires: int,
        *,
        timeout: float | None,
        on_final: Callable[[SipMessage], None] | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self._cseq += 1
        branch = new_branch()
        self.contact_uri = self._public.contact_uri(self._account.user)
        contacts = [("Contact", f"<{self.contact_uri}>")]
        if self._stale_contact and self._stale_contact != self.contact_uri:
            contacts.append(("Contact", f"<{self._stale_contact}>;expires=0"))
        domain = self._account.realm_domain
        request_uri = f"sip:{domain}"
        headers = [
            ("Via", self._public.via(branch)),
            ("Max-Forwards", "70"),
            ("From", f"<{self._account.aor}>;tag={self._from_tag}"),
            ("To", f"<{self._account.aor}>"),
            ("Call-ID", self._call_id),
            ("CSeq", f"{self._cseq} REGISTER"),
            *contacts,
            ("Expires", str(expires)),
            ("Allow", ALLOW),
            ("User-Agent", self._policy.user_agent),
        ]
        if self._challenge is not None and self._challenge_answered:
            self._nonce_count += 1
            headers.append(
                (
                    self._challenge.response_header,
                    authorization(
                        self._challenge,
                        method="REGISTER",
                        uri=request_uri,
                        username=self._account.user,
                        password=self._account.password,
                        nonce_count=self._nonce_count,
                    ),
                )
            )
        data = build_request("REGISTER", request_uri, headers)
        self._tx.send_request(
            "REGISTER",
            branch,
            data,
            self._server,
            on_final or (lambda response: self._on_response(response, expires)),
            on_lost or (lambda: self._on_lost(self._tx.last_send_error or "no response from the registrar")),
            timeout=timeout,
        )

    def _read_challenge(self, response: SipMessage) -> Challenge | None:
        proxy = response.status == 407
        header = "Proxy-Authenticate" if proxy else "WWW-Authenticate"
        for value in response.header_values(header):
            challenge = parse_challenge(value, proxy=proxy)
            if challenge is not None:
                return challenge
        return None

    def _learn(self, response: SipMessage) -> bool:
        """RFC 3581: a NAT between us and the registrar shows in the Via; True when the Contact moved."""
        if not self._policy.learn_public_address or not self._public.learn(response):
            return False
        bound = self.granted is not None or 200 <= (response.status or 0) < 300
        if bound and self._stale_contact is None:
            self._stale_contact = self.contact_uri  # a binding under the old address: remove it next
        return True

    def _on_response(self, response: SipMessage, expires: int) -> None:
        status = response.status or 0
        if self._stopping or status < 200:
            return
        moved = self._learn(response)
        if status in (401, 407):
            challenge = self._read_challenge(response)
            if challenge is None:
                self._fail_auth(status, response.reason or "challenge without a usable Digest")
                return
            if self._challenge_answered and not challenge.stale:
                self._fail_auth(status, response.reason)
                return
            self._challenge, self._challenge_answered, self._nonce_count = challenge, True, 0
            self._send_register(expires, timeout=self._attempt_timeout())
            return
        self._challenge_answered = False
        if 200 <= status < 300 and moved:
            self._send_register(expires, timeout=self._attempt_timeout())  # the corrected Contact
        elif 200 <= status < 300:
            self._stale_contact = None
            self._registered(response, expires)
        elif status == 423:
            minimum = response.header("Min-Expires") or ""
            self._requested = as_number(minimum) or self._requested * 2
            self._send_register(self._requested, timeout=self._attempt_timeout())
        elif status == 403:
            self._fail_auth(status, response.reason)
        else:
            self._on_lost(f"{status} {response.reason}".strip(), code=status)

    def _registered(self, response: SipMessage, expires: int) -> None:
        granted = self._granted_expiry(response, expires)
        self.granted = granted
        self._backoff = self._policy.retry_initial
        if self.state is RegistrationState.REGISTERED:
            self._emit(RegistrationRefreshed(expires=granted))
        else:
            self._set_state(
                RegistrationState.REGISTERED, code=response.status, reason=response.reason, expires=granted
            )
        self._arm(refresh_delay(granted), self._refresh, keepalive=True)

    def _granted_expiry(self, response: SipMessage, requested: int) -> int:
        ours = parse_uri(self.contact_uri)
        for value in response.header_values("Contact"):
            try:
                contact = parse_name_addr(value)
                uri = parse_uri(contact.uri)
            except SipParseError:
                continue
            if (uri.user, uri.host, uri.port) == (ours.user, ours.host, ours.port):
                granted = as_number(contact.params.get("expires", ""))
                if granted is not None:
                    return granted
        header = response.header("Expires") or ""
        granted_header = as_number(header)
        return requested if granted_header is None else granted_header

    # timers --------------------------------------------------------------------------------------
    def _arm(self, refresh_in: float, action: Callable[[], None], *, keepalive: bool) -> None:
        """Schedule the next refresh; while registered, keepalive probes run until it is due."""
        self._cancel_timer()
        due = self._scheduler_now() + refresh_in
        self._refresh_due = due
        if keepalive and self._policy.keepalive_interval < refresh_in:
            self._timer = self._scheduler.call_later(self._policy.keepalive_interval, self._probe)
        else:
            self._timer = self._scheduler.call_later(refresh_in, lambda: self._locked(action))

    def _probe(self) -> None:
        """Timer thread: OPTIONS to the registrar; no answer within probe_timeout = unreachable."""
        with self._lock:
            if self._stopping or self.state is not RegistrationState.REGISTERED:
                return
            if self._scheduler_now() + self._policy.keepalive_interval >= self._refresh_due:
                remaining = max(0.0, self._refresh_due - self._scheduler_now())
                self._timer = self._scheduler.call_later(remaining, lambda: self._locked(self._refresh))
                return
            branch = new_branch()
            host = self._public.host
            server = f"sip:{self._server[0]}:{self._server[1]}"
            data = build_request(
                "OPTIONS",
                server,
                [
                    ("Via", self._public.via(branch)),
                    ("Max-Forwards", "70"),
                    ("From", f"<{self._account.aor}>;tag={self._from_tag}"),
                    ("To", f"<{server}>"),
                    ("Call-ID", f"{secrets.token_hex(10)}@{host}"),
                    ("CSeq", "1 OPTIONS"),
                    ("User-Agent", self._policy.user_agent),
                ],
            )
            self._tx.send_request(
                "OPTIONS",
                branch,
                data,
                self._server,
                lambda response: self._probe_answered(response),
                lambda: self._on_lost("no answer to keepalive"),
                timeout=self._policy.probe_timeout,
            )

    def _probe_answered(self, response: SipMessage) -> None:
        if (response.status or 0) >= 200 and not self._stopping and self._learn(response):
            self._cancel_timer()  # the NAT mapping changed: register the new address now
            self._send_register(self._requested, timeout=self._attempt_timeout())
            return
        if (
            (response.status or 0) >= 200
            and self.state is RegistrationState.REGISTERED
            and not self._stopping
        ):
            self._timer = self._scheduler.call_later(self._policy.keepalive_interval, self._probe)

    def _refresh(self) -> None:
        if self._stopping:
            return
        self._send_register(self._requested, timeout=None)

    def _on_lost(self, reason: str, code: int | None = None) -> None:
        """No answer, or a server error: unreachable, retry with exponential backoff (capped)."""
        if self._stopping:
            return
        self._challenge_answered = False
        if self.state is not RegistrationState.UNREACHABLE:
            self._set_state(RegistrationState.UNREACHABLE, code=code, reason=reason)
        delay = self._backoff
        self._backoff = min(self._backoff * 2, self._policy.retry_max)
        self._cancel_timer()
        self._timer = self._scheduler.call_later(delay, lambda: self._locked(self._retry))

    def _retry(self) -> None:
        if self._stopping:
            return
        self._send_register(self._requested, timeout=self._attempt_timeout())

    def _attempt_timeout(self) -> float | None:
        return self._policy.probe_timeout if self.state is RegistrationState.UNREACHABLE else None

    def _fail_auth(self, code: int, reason: str) -> None:
        self._cancel_timer()
        self._challenge_answered = False
        self._set_state(RegistrationState.AUTH_FAILED, code=code, reason=reason or "Unauthorized")

    # helpers -------------------------------------------------------------------------------------
    def _locked(self, action: Callable[[], None]) -> None:
        with self._lock:
            action()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @staticmethod
    def _scheduler_now() -> float:
        return time.monotonic()

    def _set_state(
        self,
        state: RegistrationState,
        *,
        code: int | None = None,
        reason: str = "",
        expires: int | None = None,
    ) -> None:
        if state is self.state:
            return
        self.state = state
        log.info("registration %s %s %s", state.value, code or "", reason)
        self._emit(RegistrationChanged(state=state, code=code, reason=reason, expires=expires))
