"""What this desk's operator is doing, from the phone's events, as the presence state the server keeps.

Light to import (no protocol models): the desk builds it while it opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# protocol.PresenceState values
REGISTERED, IDLE, ON_CALL, WRAP_UP, OFFLINE = "registered", "idle", "on_call", "wrap_up", "offline"
READY = "san_sang"  # the vocabulary's agent_state "ready" (protocol.presence.READY)

NOT_REGISTERED = "Chưa đăng ký tổng đài."
WHY_NOT_REGISTERED = {  # RegistrationState values
    "unregistered": NOT_REGISTERED,
    "registering": "Đang đăng ký tổng đài.",
    "unreachable": "Không kết nối được tổng đài.",
    "auth_failed": "Tổng đài từ chối tài khoản SIP (sai mật khẩu?).",
    "stopped": "Điện thoại của bàn đã tắt.",
}


@dataclass
class DeskActivity:
    """Registered → on a call → wrap-up → idle; not registered and no call → offline.

    "Registered" is the state right after the phone registers; once a call is over (and its wrap-up
    done) the operator is "idle", ready for the next one."""

    registered: bool = False
    not_registered_why: str = NOT_REGISTERED
    calls: set[str] = field(default_factory=set)
    wrap_ups: int = 0
    handled_a_call: bool = False
    agent_state: str = READY  # what the operator chose: ready, or a not-ready reason (a vocabulary code)

    def registration(self, state: str) -> None:
        """`state`: a RegistrationState value."""
        registered = state == "registered"
        if registered and not self.registered:
            self.handled_a_call = False
        self.registered = registered
        if not registered:
            self.not_registered_why = WHY_NOT_REGISTERED.get(state, NOT_REGISTERED)

    def call_started(self, call_id: str) -> None:
        self.calls.add(call_id)

    def call_ended(self, call_id: str) -> None:
        if call_id in self.calls:
            self.calls.discard(call_id)
            self.handled_a_call = True

    def wrap_up_started(self) -> None:
        self.wrap_ups += 1

    def wrap_up_done(self) -> None:
        self.wrap_ups = max(0, self.wrap_ups - 1)
        self.handled_a_call = True

    @property
    def state(self) -> tuple[str, str]:
        """The state (a PresenceState value) and its detail (Vietnamese, for the supervisor's tooltip)."""
        if self.calls:
            return ON_CALL, ""
        if self.wrap_ups:
            return WRAP_UP, ""
        if not self.registered:
            return OFFLINE, self.not_registered_why
        return (IDLE if self.handled_a_call else REGISTERED), ""
