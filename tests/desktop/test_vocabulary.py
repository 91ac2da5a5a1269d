"""The one vocabulary (protocol/vocabulary.json): well formed, read by every part, and a new code is data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop.domain.agent_state import AgentState, chosen_states
from desktop.domain.codes import Channel, RequestType
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.codes import AttemptOutcome, Disposition
from desktop.services.supervisor.reports import ReportService
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from protocol.vocabulary import parse_vocabulary, vocabulary
from reports import labels
from server.services import values

VOCABULARY_FILE = Path(__file__).resolve().parents[2] / "protocol" / "vocabulary.json"
SETS = {
    "channel", "request_type", "status", "satisfaction", "dissatisfaction_reason", "call_direction",
    "call_outcome", "history_action", "disposition", "callback_kind", "callback_status", "attempt_outcome",
    "level", "publication", "agent_state", "submission_channel",
}  # fmt: skip
NEW_CHANNEL = "he_thong_tthc_tinh"


def test_the_file_has_every_code_set_each_term_coded_named_and_labelled_once() -> None:
    data = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    assert set(data["sets"]) == SETS
    for name, code_set in data["sets"].items():
        assert code_set["enum"].isidentifier() and code_set["description"].strip(), name
        assert code_set["terms"], name
        for term in code_set["terms"]:
            assert set(term) <= {"code", "name", "label", "role", "in_text"}, term
            assert term["name"].isidentifier() and term["name"].isupper(), term
            assert isinstance(term["code"], int if name == "level" else str) and str(term["code"]).strip()
            assert len(str(term["code"])) <= (20 if name == "channel" else 40), "the stored column's width"
            assert term["label"].strip(), term
        labels_ = [term["label"] for term in code_set["terms"]]
        assert len(set(labels_)) == len(labels_), name


def test_the_agent_states_are_one_ready_state_the_reasons_and_the_desks_after_call_work() -> None:
    data = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    terms = data["sets"]["agent_state"]["terms"]
    roles = [term["role"] for term in terms]
    assert roles[0] == "ready" and roles.count("ready") == 1, "ready first: Alt+0"
    assert roles.count("after_call") == 1
    assert set(roles) == {"ready", "not_ready", "after_call"}, "every state says whether calls are offered"
    reasons = {term["label"] for term in terms if term["role"] == "not_ready"}
    assert {"Nghỉ giải lao", "Họp", "Hỗ trợ đồng nghiệp"} <= reasons
    assert [state.shortcut for state in chosen_states()] == [f"Alt+{n}" for n in range(len(terms) - 1)]
    assert AgentState.BREAK.label == "Nghỉ giải lao" and not AgentState.BREAK.ready
    assert AgentState("ly_do_moi_2027").ready is False  # a newer desk's reason: not ready all the same


def test_a_code_set_with_a_code_twice_is_refused() -> None:
    data = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    data["sets"]["channel"]["terms"].append(data["sets"]["channel"]["terms"][0])
    with pytest.raises(ValueError, match="twice"):
        parse_vocabulary(data)


def test_the_desk_the_server_and_the_report_read_the_same_codes_in_the_same_order() -> None:
    channels = vocabulary()["channel"].codes()
    assert tuple(member.value for member in Channel) == channels == values.CHANNEL_CODES
    assert tuple(labels.CHANNELS) == channels
    assert tuple(member.value for member in RequestType) == values.REQUEST_TYPE_CODES
    assert [d.key for d in Disposition] == ["1", "2", "3", "4", "5"]
    assert AttemptOutcome.WRONG_NUMBER.key == "4"


def test_the_2024_channel_is_taken_by_the_desk_counted_by_the_report_and_accepted_by_the_server(
    store: LocalStore,
) -> None:
    channel = Channel(NEW_CHANNEL)
    assert channel.label == "Hệ thống thông tin giải quyết TTHC tỉnh"
    assert Channel.parse("Hệ thống thông tin giải quyết TTHC tỉnh") is channel
    assert values.convert(values.TICKET_CONVERTERS, {"channel": NEW_CHANNEL}) == {"channel": NEW_CHANNEL}
    ticket = TicketService(store, "dtv-lan").create(
        TicketDraft(content="Hỏi tiến độ hồ sơ nộp trực tuyến", channel=channel)
    )
    assert ticket.draft.channel is channel
    today = ticket.draft.received_at.date() if ticket.draft.received_at else date.today()
    report = ReportService(store).report(today, today)
    assert report["channels"][NEW_CHANNEL] == 1
    assert list(report["channels"]) == list(vocabulary()["channel"].codes())


def test_a_stored_code_this_version_does_not_know_still_reads_shown_as_itself() -> None:
    unknown = Channel("kenh_moi_2027")
    assert unknown.value == "kenh_moi_2027" and unknown.label == "kenh_moi_2027"
    with pytest.raises(ValueError, match="không hợp lệ"):
        Channel.parse("kenh_moi_2027")  # what an operator types is still checked


def test_a_procedures_submission_channels_are_vocabulary_data_the_national_parser_reads_by_label() -> None:
    from desktop.domain import kb
    from desktop.kb.national import parse_methods

    submission = vocabulary()["submission_channel"]
    assert tuple(member.value for member in kb.Channel) == submission.codes()
    assert [member.label for member in kb.Channel] == ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"]
    methods = parse_methods("Dịch vụ bưu chính5 Ngày làm việcMiễn phíGửi hồ sơ qua bưu điện")
    assert [method.channel for method in methods] == [kb.Channel.POST]
    assert (
        kb.Channel("nop_moi_2027").label == "nop_moi_2027"
    )  # a newer catalog's channel reads, shown as itself
