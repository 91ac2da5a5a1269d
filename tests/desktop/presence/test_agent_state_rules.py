"""The rules behind agent states, without the lab: when a desk refuses calls, how a duration reads, and
how the server counts after-call work per Vietnamese day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.domain.agent_state import (
    AFTER_CALL_GUARD_S,
    KEEP_STATE_HOURS,
    AgentState,
    KeptState,
    elapsed_text,
    refuses_calls,
    state_after_restart,
)
from server.services.presence import VN, seconds_of_day


def test_a_not_ready_desk_refuses_every_call_and_a_ready_one_only_in_the_first_seconds_of_a_wrap_up():
    for reason in (AgentState.BREAK, AgentState.MEETING, AgentState.HELPING_COLLEAGUE, AgentState.TRAINING):
        assert refuses_calls(reason, None) and refuses_calls(reason, 3600.0)
    assert not refuses_calls(AgentState.READY, None)  # no wrap-up open: calls ring
    assert refuses_calls(AgentState.READY, 0.0) and refuses_calls(AgentState.READY, AFTER_CALL_GUARD_S - 0.1)
    assert not refuses_calls(AgentState.READY, AFTER_CALL_GUARD_S)  # a forgotten wrap-up: calls ring again


def test_durations_read_as_minutes_and_seconds_then_hours():
    assert [elapsed_text(s) for s in (0, 7.9, 65, 3599, 3600, 36061, -3)] == [
        "00:00", "00:07", "01:05", "59:59", "1:00:00", "10:01:01", "00:00",
    ]  # fmt: skip


def test_after_call_work_across_vietnams_midnight_counts_only_todays_part():
    midnight_vn = datetime(2026, 12, 6, 0, 0, tzinfo=VN)  # 17:00 UTC the day before
    started = midnight_vn - timedelta(seconds=40)
    ended = midnight_vn + timedelta(seconds=25)
    assert seconds_of_day(started, ended.astimezone(UTC)) == 25.0
    assert seconds_of_day(midnight_vn + timedelta(minutes=5), midnight_vn + timedelta(minutes=7)) == 120.0


def test_a_break_survives_a_restart_of_the_same_operators_desk_within_a_shift_with_its_start():
    began = datetime(2026, 12, 6, 14, 0, tzinfo=VN)
    kept = KeptState(AgentState.BREAK.value, began.isoformat(), "dtv1")
    assert state_after_restart(kept, "dtv1", began + timedelta(minutes=12)) == (AgentState.BREAK, began)
    limit = began + timedelta(hours=KEEP_STATE_HOURS)
    assert state_after_restart(kept, "dtv1", limit) == (AgentState.BREAK, began)


def test_a_reopened_desk_starts_ready_for_another_operator_the_next_shift_or_a_state_it_cannot_read():
    began = datetime(2026, 12, 6, 14, 0, tzinfo=VN)
    later = began + timedelta(minutes=5)
    on_break = KeptState(AgentState.BREAK.value, began.isoformat(), "dtv1")
    assert state_after_restart(on_break, "dtv2", later) is None  # the state was dtv1's
    assert state_after_restart(on_break, "dtv1", began + timedelta(hours=KEEP_STATE_HOURS, seconds=1)) is None
    assert state_after_restart(on_break, "dtv1", began - timedelta(minutes=1)) is None  # the clock went back
    for broken in (
        KeptState("", "", ""),
        KeptState(AgentState.READY.value, began.isoformat(), "dtv1"),
        KeptState(AgentState.AFTER_CALL_WORK.value, began.isoformat(), "dtv1"),  # the desk's, not chosen
        KeptState("ngu_trua", began.isoformat(), "dtv1"),  # no such state in the vocabulary
        KeptState(AgentState.BREAK.value, "hôm qua", "dtv1"),
        KeptState(AgentState.BREAK.value, "2026-12-06T14:00:00", "dtv1"),  # no offset: never guessed
    ):
        assert state_after_restart(broken, "dtv1", later) is None, broken


def test_a_kept_state_edited_into_another_type_starts_the_desk_ready_instead_of_stopping_it():
    began = datetime(2026, 12, 6, 14, 0, tzinfo=VN)
    for edited in (
        KeptState(AgentState.BREAK.value, None, "dtv1"),  # type: ignore[arg-type]
        KeptState(AgentState.BREAK.value, 1733468400, "dtv1"),  # type: ignore[arg-type]
        KeptState(7, began.isoformat(), "dtv1"),  # type: ignore[arg-type]
    ):
        assert state_after_restart(edited, "dtv1", began + timedelta(minutes=5)) is None, edited
