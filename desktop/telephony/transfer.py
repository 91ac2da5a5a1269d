"""Call transfer: blind (REFER, RFC 3515) and attended (REFER with Replaces, RFC 3891), and the NOTIFYs
whose message/sipfrag bodies report how the far end's call to the target went. A part the call manager
holds; its methods run under the agent lock."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from desktop.telephony.dialog import Call, Transfer
from desktop.telephony.dialogs import Dialogs
from desktop.telephony.events import CallNotFound, CallState, EndReason, TransferChanged, TransferState
from desktop.telephony.message import SipMessage, build_request, build_response, parse_name_addr

if TYPE_CHECKING:
    from desktop.telephony.timers import Scheduler
    from desktop.telephony.transaction import ServerTransaction
    from desktop.telephony.transport import Address

log = logging.getLogger(__name__)


def sipfrag_status(body: bytes) -> int | None:
    """The status code of a message/sipfrag body ("SIP/2.0 200 OK"), None when it is not a status line."""
    first = body.decode("utf-8", "replace").strip().split("\r\n", 1)[0].split("\n", 1)[0]
    parts = first.split(None, 2)
    if len(parts) >= 2 and parts[0].upper().startswith("SIP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def replaces_value(call: Call) -> str:
    """The Replaces header value naming `call`'s dialog as its far end knows it (RFC 3891 §6.1: to-tag is
    the recipient's own tag, from-tag ours)."""
    return f"{call.call_id};to-tag={call.remote_tag};from-tag={call.local_tag}"


class Transfers:
    """The transfer part of a call manager: what it needs it is given; a transfer in progress is the
    `Transfer` on its call (`dialog.py`)."""

    def __init__(self, dialogs: Dialogs, scheduler: Scheduler) -> None:
        self._dialogs = dialogs
        self._tx = dialogs.tx
        self._account = dialogs.account
        self._policy = dialogs.policy
        self._calls = dialogs.calls
        self._refused = dialogs.refused
        self._scheduler = scheduler

    def transfer(self, call_id: str, number: str) -> None:
        """Blind transfer: ask the far end of an answered call to call `number` (REFER)."""
        call = self._transferable(call_id)
        self._refer(call, f"<{self._dialogs.target_uri(number)}>", "")

    def attended_transfer(self, call_id: str, consultation_id: str) -> None:
        """Attended transfer: ask the far end of `call_id` to take over `consultation_id` (our answered call
        to the target) with an INVITE carrying Replaces; the target then drops its call with us."""
        call = self._transferable(call_id)
        consultation = self._calls.get(consultation_id)
        if consultation is None or not consultation.answered or consultation.state is CallState.ENDED:
            raise CallNotFound(consultation_id)
        if consultation is call:
            raise ValueError("a call cannot replace itself")
        target = consultation.request_uri or parse_name_addr(consultation.remote_party).uri
        target = target.split("?", 1)[0]
        refer_to = f"<{target}?Replaces={quote(replaces_value(consultation), safe='')}>"
        self._refer(call, refer_to, consultation_id)

    def _transferable(self, call_id: str) -> Call:
        call = self._calls.get(call_id)
        if call is None or not call.answered or call.state is not CallState.ANSWERED:
            raise CallNotFound(call_id)
        if call.transfer is not None and not call.transfer.done:
            raise RuntimeError("a transfer of this call is already in progress")
        return call

    def _refer(self, call: Call, refer_to: str, consultation: str) -> None:
        call.local_cseq += 1
        cseq = call.local_cseq
        extra = [
            ("Refer-To", refer_to),
            ("Referred-By", f"<{self._account.aor}>"),
            *self._dialogs.contact(),
            ("User-Agent", self._policy.user_agent),
        ]
        parts = self._dialogs.in_dialog_parts(call, "REFER", cseq=cseq, extra=extra)
        attempt = Transfer(refer_to, consultation)
        call.transfer = attempt
        self._dialogs.emit(TransferChanged(call.call_id, TransferState.REQUESTED, consultation=consultation))
        if parts is None:
            self._transfer_failed(call, attempt, None, "no route to the far end")
            return
        request_uri, headers, destination, branch = parts
        self._tx.send_request(
            "REFER",
            branch,
            build_request("REFER", request_uri, headers),
            destination,
            lambda response: self._on_refer_response(call, attempt, response),
            lambda: self._transfer_failed(call, attempt, 408, "no answer to the REFER"),
        )
        self._scheduler.call_later(
            self._policy.transfer_timeout, lambda: self._transfer_expired(call, attempt)
        )

    def _on_refer_response(self, call: Call, attempt: Transfer, response: SipMessage) -> None:
        status = response.status or 0
        if status < 200 or attempt.done:
            return
        if status < 300:
            if attempt.last_code == 0:  # a NOTIFY may overtake the 202
                attempt.last_code = status
                self._dialogs.emit(
                    TransferChanged(
                        call.call_id, TransferState.TRYING, status, consultation=attempt.consultation
                    )
                )
            return
        self._transfer_failed(call, attempt, status, response.reason)

    def _transfer_expired(self, call: Call, attempt: Transfer) -> None:
        with self._tx.lock:
            if not attempt.done and call.state is CallState.ANSWERED:
                self._transfer_failed(call, attempt, None, "no result from the far end in time")

    def _transfer_failed(self, call: Call, attempt: Transfer, code: int | None, detail: str) -> None:
        if attempt.done:
            return
        attempt.done = True
        if call.transfer is attempt:
            call.transfer = None
        log.info("transfer of %s failed: %s %s", call.call_id, code or "", detail)
        self._dialogs.emit(
            TransferChanged(
                call.call_id, TransferState.FAILED, code, detail, consultation=attempt.consultation
            )
        )

    def on_notify(self, notify: SipMessage, transaction: ServerTransaction, source: Address) -> None:
        """An in-dialog NOTIFY of the implicit `refer` subscription: 200, then act on its sipfrag."""
        call = self._dialogs.dialog_of(notify)
        event = (notify.header("Event") or notify.header("o") or "").split(";", 1)[0].strip().lower()
        if call is None or event != "refer" or call.transfer is None:
            phrase = "Subscription Does Not Exist"
            self._tx.respond(transaction, build_response(notify, 481, phrase), 481)
            return
        if not self._dialogs.from_dialog_peer(call, source):
            self._refused.note("NOTIFY from outside the dialog", source)
            self._tx.respond(transaction, build_response(notify, 403), 403)
            return
        self._tx.respond(transaction, build_response(notify, 200), 200)
        attempt = call.transfer
        status = sipfrag_status(notify.body)
        terminated = (notify.header("Subscription-State") or "").strip().lower().startswith("terminated")
        if status is None:
            if terminated:
                self._transfer_failed(call, attempt, None, "the far end ended the transfer without a result")
            return
        if status < 200:
            if status != attempt.last_code:
                attempt.last_code = status
                self._dialogs.emit(
                    TransferChanged(
                        call.call_id, TransferState.TRYING, status, consultation=attempt.consultation
                    )
                )
            if terminated:
                self._transfer_failed(
                    call, attempt, status, "the far end ended the transfer without a result"
                )
            return
        if status >= 300:
            reason = _sipfrag_reason(notify.body)
            self._transfer_failed(call, attempt, status, reason)
            return
        self._transfer_succeeded(call, attempt, status)

    def _transfer_succeeded(self, call: Call, attempt: Transfer, status: int) -> None:
        attempt.done = True
        call.transfer = None
        target = attempt.refer_to.strip("<>").split("?", 1)[0]
        self._dialogs.emit(
            TransferChanged(
                call.call_id,
                TransferState.SUCCEEDED,
                status,
                consultation=attempt.consultation,
                target=target,
            )
        )
        consultation = self._calls.get(attempt.consultation) if attempt.consultation else None
        if consultation is not None:
            consultation.replaced = True  # the target's BYE of it is the transfer's, not a hang-up
            self._scheduler.call_later(
                self._policy.replaced_hangup, lambda: self._hang_up_replaced(consultation)
            )
        self._dialogs.send_in_dialog(
            call, "BYE"
        )  # RFC 5589 §6: the transferor leaves once the target answered
        self._dialogs.end(call, EndReason.TRANSFERRED, code=status)

    def _hang_up_replaced(self, consultation: Call) -> None:
        """A target that took the far end without a Replaces-aware UA keeps our consultation: end it."""
        with self._tx.lock:
            if consultation.state is CallState.ANSWERED:
                self._dialogs.send_in_dialog(consultation, "BYE")
                self._dialogs.end(
                    consultation, EndReason.TRANSFERRED, detail="the target kept the consultation"
                )


def _sipfrag_reason(body: bytes) -> str:
    line = body.decode("utf-8", "replace").strip().splitlines()
    parts = line[0].split(None, 2) if line else []
    return parts[2] if len(parts) == 3 else ""
