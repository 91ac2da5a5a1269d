"""The operator's readiness for calls: the agent states of the vocabulary and when the desk refuses a call.

The rule (issue #12 point 9): a desk whose operator chose a not-ready state ("Nghỉ giải lao", "Họp", …)
answers every new call with 486 Busy Here, so the switchboard offers it to another desk and nothing rings
here. After a call, while the wrap-up is open (after-call work), a ready desk is spared new calls for the
first `AFTER_CALL_GUARD_S` seconds only: the operator finishes the ticket in peace, and a forgotten wrap-up
never keeps a hotline desk away from citizens for longer than that. The after-call-work time itself
runs until the wrap-up is done, whatever rang meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from desktop.domain.codes import _Labelled, enum_from_vocabulary
from protocol.vocabulary import vocabulary

AFTER_CALL_GUARD_S = 30.0
# A not-ready state survives a restart of the desk (an update, a crash, the PC rebooted during the break)
# for this long after it began: longer than any break or meeting, shorter than the night between shifts,
# so the next morning starts ready.
KEEP_STATE_HOURS = 8.0
BUSY_HERE = 486  # the answer to a call the desk refuses: "busy here", the PBX tries the next desk
READY_ROLE, NOT_READY_ROLE, AFTER_CALL_ROLE = "ready", "not_ready", "after_call"


class _Readiness(_Labelled):
    """An agent state: its role in the vocabulary says whether calls are offered."""

    @property
    def role(self) -> str:
        roles = {term.code: term.role for term in vocabulary()["agent_state"].terms}
        return roles.get(self.value, NOT_READY_ROLE)  # a newer desk's reason: not ready all the same

    @property
    def ready(self) -> bool:
        return self.role == READY_ROLE

    @property
    def chosen_by_operator(self) -> bool:
        """Ready or a not-ready reason; after-call work is the desk's, set by the wrap-up."""
        return self.role in (READY_ROLE, NOT_READY_ROLE)

    @property
    def shortcut(self) -> str:
        """Alt+0 for ready, Alt+1… for the reasons, in the vocabulary's order."""
        return f"Alt+{chosen_states().index(self)}" if self.chosen_by_operator else ""


if TYPE_CHECKING:

    class AgentState(_Readiness):
        READY = "san_sang"
        BREAK = "nghi_giai_lao"
        MEETING = "hop"
        HELPING_COLLEAGUE = "ho_tro_dong_nghiep"
        TRAINING = "dao_tao"
        AFTER_CALL_WORK = "xu_ly_sau_cuoc_goi"

else:
    AgentState = enum_from_vocabulary("agent_state", _Readiness, __name__)


def chosen_states() -> list[Any]:
    """The states an operator picks from the menu, ready first."""
    return [state for state in AgentState if state.chosen_by_operator]


def refuses_calls(state: AgentState, after_call_for: float | None, guard: float = AFTER_CALL_GUARD_S) -> bool:
    """Whether a new call is answered 486 now: `after_call_for` is how long the open wrap-up has lasted
    (None: no wrap-up open)."""
    if not state.ready:
        return True
    return after_call_for is not None and after_call_for < guard


def elapsed_text(seconds: float) -> str:
    """How long a state has lasted as the desk and the dashboard show it: mm:ss, h:mm:ss from an hour."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class KeptState:
    """The state a desk was in when it closed, as its settings keep it: who chose it, and since when."""

    state: str
    since: str  # ISO 8601 with its offset
    operator: str


def state_after_restart(kept: KeptState, operator: str, now: datetime) -> tuple[AgentState, datetime] | None:
    """The not-ready state a reopened desk resumes, with its original start (a restart does not reset a
    break's duration on the dashboard); None to start ready: nothing kept, another operator, the state
    older than `KEEP_STATE_HOURS`, a date that cannot be read, or a state this desk does not know."""
    if not kept.state or kept.operator != operator:
        return None
    try:
        state = AgentState(kept.state)
        since = datetime.fromisoformat(kept.since)
    except (TypeError, ValueError):  # settings.json is the admin's to edit: a null or a number there too
        return None
    if since.tzinfo is None or state.ready or state not in chosen_states():  # its menu entry resumes it
        return None
    if not timedelta(0) <= now - since <= timedelta(hours=KEEP_STATE_HOURS):
        return None
    return state, since
