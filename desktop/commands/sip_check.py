"""`tongdai1022 sip-check`: register against a PBX, optionally answer or dial, and report what happened."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from desktop.domain.codes import CallDirection
from desktop.services.phone.account import account_from, policy_from
from desktop.settings import Settings
from desktop.telephony import (
    AgentPolicy,
    CallAudio,
    CallEnded,
    CallHoldChanged,
    CallNotFound,
    CallState,
    CallStateChanged,
    DtmfReceived,
    IncomingCall,
    RegistrationChanged,
    RegistrationRefreshed,
    RegistrationState,
    SipAccount,
    SipAgent,
    StunResult,
    TelephonyEvent,
    ToneSource,
)
from desktop.telephony.audio import NullSink


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
    """The `sip-check` subcommand; `add_common` adds the options every parser takes (--data-dir)."""
    parser = commands.add_parser("sip-check", help="kiểm tra đăng ký SIP với tổng đài, nhận hoặc gọi thử")
    if add_common is not None:
        add_common(parser)
    _arguments(parser)
    return parser


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        metavar="MÁY:CỔNG",
        help="tổng đài SIP, ví dụ 10.0.0.5:5060 (mặc định: như đã cài trên máy trạm)",
    )
    parser.add_argument(
        "--user", metavar="MÁY_NHÁNH", help="số máy nhánh (mặc định: như đã cài trên máy trạm)"
    )
    parser.add_argument(
        "--password-env",
        metavar="BIẾN",
        help="tên biến môi trường chứa mật khẩu SIP (mặc định: mật khẩu máy trạm cất trong kho khóa)",
    )
    parser.add_argument(
        "--local-port", type=int, default=0, metavar="N", help="cổng SIP cục bộ (mặc định: tự chọn)"
    )
    parser.add_argument(
        "--local-ip", default=None, metavar="IP", help="địa chỉ cục bộ (mặc định: theo tuyến tới tổng đài)"
    )
    parser.add_argument(
        "--transport",
        choices=("udp", "tcp", "tls"),
        default=None,
        help="giao thức tới tổng đài (mặc định: như máy trạm, hoặc udp; tls: cổng mặc định 5061)",
    )
    parser.add_argument("--domain", default=None, metavar="TÊN_MIỀN", help="tên miền trong địa chỉ SIP")
    parser.add_argument(
        "--outbound-proxy", default=None, metavar="MÁY[:CỔNG]", help="gửi mọi yêu cầu qua proxy này"
    )
    parser.add_argument(
        "--ca-file",
        default=None,
        metavar="TỆP.pem",
        help="với tls: các CA được ký chứng chỉ của tổng đài (mặc định: kho chứng chỉ của hệ thống)",
    )
    parser.add_argument(
        "--stun",
        default=None,
        metavar="MÁY[:CỔNG]",
        help="máy chủ STUN để biết địa chỉ công cộng khi đứng sau NAT (cổng mặc định 3478)",
    )
    parser.add_argument(
        "--srtp",
        choices=("off", "offered", "required"),
        default=None,
        help="mã hoá âm thanh (SRTP): off tắt, offered khi tổng đài đề nghị, required bắt buộc "
        "(mặc định: như máy trạm)",
    )
    parser.add_argument(
        "--codec",
        choices=("PCMA", "PCMU"),
        default=None,
        help="mã âm thanh mời trước và chọn khi phía kia có (mặc định: như máy trạm, PCMA rồi PCMU)",
    )
    parser.add_argument("--answer", action="store_true", help="tự trả lời cuộc gọi đến trong thời gian chạy")
    parser.add_argument("--dial", metavar="SỐ", help="gọi thử tới số này, gác máy khi hết thời gian")
    parser.add_argument(
        "--seconds", type=float, default=5.0, metavar="S", help="thời gian chạy (mặc định 5 giây)"
    )
    parser.add_argument(
        "--ring-seconds",
        type=float,
        default=0.0,
        metavar="S",
        help="với --answer: để chuông reo S giây rồi mới nhấc",
    )
    parser.add_argument(
        "--call-seconds", type=float, default=None, metavar="S", help="gác cuộc gọi thử sau S giây đàm thoại"
    )
    parser.add_argument(
        "--rtp-ports", default=None, metavar="A-B", help="dải cổng âm thanh (RTP), ví dụ 20000-20999"
    )
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


class CheckSetupError(ValueError):
    """What is missing or wrong before the check can start, said in Vietnamese."""


def checked_settings(args: argparse.Namespace, data_dir: Path | None) -> Settings:
    """The desk's saved account (if any) with what the command line says on top: the check then builds
    its account with the desk's own code, so a passing check means the desk will register too."""
    saved = Settings.load(data_dir) if data_dir is not None else Settings()
    changes: dict[str, Any] = {"sip_local_port": args.local_port}  # the desk may hold its own port
    transport = args.transport or saved.sip_transport or "udp"
    changes["sip_transport"] = transport
    if args.server:
        host, colon, port_text = args.server.rpartition(":")
        if not colon or not port_text.isdigit():
            host, port_text = args.server, "5061" if transport == "tls" else "5060"
        changes.update(sip_server=host, sip_port=int(port_text))
    if args.rtp_ports is not None:
        low, dash, high = args.rtp_ports.partition("-")
        if not dash or not low.isdigit() or not high.isdigit() or int(low) + 2 > int(high):
            raise CheckSetupError(
                f"dải cổng âm thanh «{args.rtp_ports}» không hợp lệ: viết A-B, ví dụ 20000-20999"
            )
        changes.update(sip_rtp_port_low=int(low), sip_rtp_port_high=int(high))
    for option, name in (
        ("user", "sip_extension"),
        ("local_ip", "sip_local_ip"),
        ("domain", "sip_domain"),
        ("outbound_proxy", "sip_outbound_proxy"),
        ("ca_file", "sip_tls_ca_file"),
        ("stun", "sip_stun_server"),
        ("srtp", "sip_srtp"),
    ):
        value = getattr(args, option)
        if value is not None:
            changes[name] = value
    settings = replace(saved, **changes)
    if not settings.sip_server.strip() or not settings.sip_extension.strip():
        raise CheckSetupError(
            "chưa có tài khoản tổng đài: cho --server và --user, hoặc cài tài khoản trên máy trạm (F8)"
        )
    if settings.sip_tls_ca_file and not Path(settings.sip_tls_ca_file).is_file():
        raise CheckSetupError(f"không có tệp chứng chỉ CA «{settings.sip_tls_ca_file}»")
    return settings


def _password(args: argparse.Namespace, settings: Settings) -> str:
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            raise CheckSetupError(f"biến môi trường {args.password_env} chưa được đặt")
        return password
    from desktop.keyring_service import system_backend
    from desktop.services.phone.sip_password import SipPasswordStore

    kept = SipPasswordStore(system_backend()).get(settings.sip_server, settings.sip_extension)
    if kept is None:
        raise CheckSetupError(
            "máy trạm chưa cất mật khẩu SIP trong kho khóa: hãy cho --password-env BIẾN (mật khẩu trong BIẾN)"
        )
    return kept


def run(args: argparse.Namespace, data_dir: Path | None = None) -> int:
    """Run the check; exit code 0 when registered (and the test call, if any, was answered)."""
    try:
        settings = checked_settings(args, data_dir)
        account = account_from(settings, _password(args, settings))
        if args.codec:
            account = replace(account, codec=args.codec)
    except ValueError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(
        f"Lưu ý: trong lúc kiểm tra, tổng đài có thể đổ chuông cả máy thử này khi có cuộc gọi tới máy nhánh "
        f"{account.user}.",
        file=sys.stderr,
    )
    events: queue.SimpleQueue[tuple[float, TelephonyEvent]] = queue.SimpleQueue()
    agent = SipAgent(
        account,
        lambda event: events.put((time.monotonic(), event)),
        policy_from(settings, AgentPolicy()),  # the desk's: calls only from the PBX and the listed hosts
        _tone_and_count,
    )
    report = _Report(args, account, _Printer(args.json))
    started = time.monotonic()
    stop = threading.Event()
    previous = _on_signals(stop)
    try:
        agent.start()
        try:
            _watch(agent, args, events, report, started, stop)
        finally:
            agent.stop()
        while not events.empty():
            report.add(*events.get(), started)
    finally:
        _restore_signals(previous)
    return _print(report, args.json)


def _tone_and_count(_call_id: str, _direction: CallDirection) -> CallAudio:
    """The test call plays a tone (the far end hears something) and discards what it receives: the
    packet counts in the report say whether audio flowed each way."""
    return CallAudio(NullSink(), ToneSource())


def _on_signals(stop: threading.Event) -> dict[int, Any]:
    """Ctrl-C, SIGTERM and a closed terminal (SIGHUP) end the check cleanly: calls hung up, the
    extension unregistered, the summary printed."""
    previous: dict[int, Any] = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is None:  # SIGHUP does not exist on Windows
            continue
        with contextlib.suppress(ValueError):  # not the main thread: nothing to install
            previous[number] = signal.signal(number, lambda _n, _f: stop.set())
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)


def _watch(
    agent: SipAgent,
    args: argparse.Namespace,
    events: queue.SimpleQueue[tuple[float, TelephonyEvent]],
    report: _Report,
    started: float,
    stop: threading.Event,
) -> None:
    deadline = started + args.seconds
    dialled: str | None = None
    due: dict[str, tuple[float, Callable[[str], None]]] = {}  # call id -> (when, answer or hang up)
    while (remaining := deadline - time.monotonic()) > 0 and not stop.is_set():
        for call_id, (when, action) in list(due.items()):
            if time.monotonic() >= when:
                del due[call_id]
                with contextlib.suppress(CallNotFound):
                    action(call_id)
        try:
            at, event = events.get(timeout=min(remaining, 0.05))
        except queue.Empty:
            continue
        report.add(at, event, started)
        if isinstance(event, RegistrationChanged):
            if event.state is RegistrationState.AUTH_FAILED:
                return
            if event.state is RegistrationState.REGISTERED and args.dial and dialled is None:
                dialled = agent.dial(args.dial)
        elif isinstance(event, IncomingCall) and args.answer:
            due[event.call_id] = (time.monotonic() + args.ring_seconds, agent.answer)
        elif isinstance(event, CallStateChanged) and event.state is CallState.ANSWERED and args.call_seconds:
            due[event.call_id] = (time.monotonic() + args.call_seconds, agent.hangup)
        elif isinstance(event, CallEnded):
            due.pop(event.call_id, None)
    if stop.is_set():
        report.printer.line(round(time.monotonic() - started, 3), "interrupted", {})
    for call in agent.calls():
        agent.hangup(call.call_id)


class _Printer:
    """Each event as it happens: one JSON line, or a line of Vietnamese for a person watching."""

    TEXT: ClassVar[dict[str, str]] = {
        "registered": "Đã đăng ký với tổng đài (sau {seconds} s, hiệu lực {expires} s)",
        "registration_lost": "Mất đăng ký: {state} {code} {reason}",
        "registration_regained": "Đăng ký lại được sau {outage_seconds} s gián đoạn",
        "registration_failed": "Không đăng ký được: {state} {code} {reason}",
        "refreshed": "Đã gia hạn đăng ký ({expires} s)",
        "stun": "STUN {server}: địa chỉ công cộng {public_address} {error}",
        "incoming": "Cuộc gọi đến từ {number} {display_name}",
        "call_state": "Cuộc gọi {direction}: {state} {srtp}",
        "dtmf": "Phím bấm: {digit}",
        "hold": "Giữ máy: phía mình {local_hold}, phía kia {remote_hold}",
        "ended": "Kết thúc cuộc gọi {direction}: {reason} {code}, {duration_seconds} s đàm thoại; "
        "âm thanh {codec}: gửi {packets_sent} gói, nhận {packets_received} gói ({audio}) {srtp}{quality}",
        "interrupted": "Đã dừng theo yêu cầu: gác các cuộc gọi và hủy đăng ký",
    }

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def line(self, seconds: float, event: str, fields: dict[str, Any]) -> None:
        if self.as_json:
            print(json.dumps({"t": seconds, "event": event, **fields}, ensure_ascii=False), flush=True)
            return
        shown = {key: "" if value is None else value for key, value in fields.items()}
        if "audio" in shown:
            shown["audio"] = AUDIO_VERDICTS.get(str(shown["audio"]), shown["audio"])
        if "srtp" in fields:
            shown["srtp"] = _encryption_text(fields["srtp"])
        if event == "ended":
            shown["quality"] = _quality_text(fields)
        text = self.TEXT[event].format_map(_Blank(shown))
        print(f"{seconds:8.3f} s  {' '.join(text.split())}", flush=True)


AUDIO_VERDICTS = {
    "both_ways": "hai chiều",
    "one_way_nothing_received": "MỘT CHIỀU: không nhận được gì từ phía kia",
    "one_way_nothing_sent": "MỘT CHIỀU: không gửi được gì",
    "none": "không có âm thanh",
    "not_connected": "chưa kết nối",
}


def _audio_verdict(event: CallEnded) -> str:
    """Whether audio flowed each way, named as a technician would (one-way audio is a NAT or firewall)."""
    if not event.answered:
        return "not_connected"
    if event.packets_sent and event.packets_received:
        return "both_ways"
    if event.packets_sent:
        return "one_way_nothing_received"
    if event.packets_received:
        return "one_way_nothing_sent"
    return "none"


QUALITY_FIELDS = (
    "packets_lost",
    "loss_percent",
    "jitter_ms",
    "remote_loss_percent",
    "remote_jitter_ms",
    "round_trip_ms",
    "rtcp_reports_sent",
    "rtcp_reports_received",
)


def _quality(event: CallEnded) -> dict[str, Any]:
    """The call's RTCP figures (RFC 3550): what we received, what the far end reported of our audio."""
    quality = event.quality
    if quality is None:
        return dict.fromkeys(QUALITY_FIELDS)
    return {
        "packets_lost": quality.packets_lost,
        "loss_percent": quality.loss_percent,
        "jitter_ms": quality.jitter_ms,
        "remote_loss_percent": quality.remote_loss_percent,
        "remote_jitter_ms": quality.remote_jitter_ms,
        "round_trip_ms": quality.round_trip_ms,
        "rtcp_reports_sent": quality.reports_sent,
        "rtcp_reports_received": quality.reports_received,
    }


def _quality_text(fields: dict[str, Any]) -> str:
    """The RTCP figures in words ("" when no audio ran)."""
    if fields.get("rtcp_reports_sent") is None:
        return ""
    text = (
        f"; chất lượng: mất {fields['packets_lost']} gói ({fields['loss_percent'] or 0} %), "
        f"dao động trễ {fields['jitter_ms']} ms"
    )
    if fields.get("remote_loss_percent") is not None:
        text += (
            f"; phía kia báo mất {fields['remote_loss_percent']} % gói của mình, "
            f"dao động trễ {fields['remote_jitter_ms']} ms"
        )
    else:
        text += "; phía kia không gửi báo cáo RTCP về âm thanh của mình"
    if fields.get("round_trip_ms") is not None:
        text += f"; trễ khứ hồi {fields['round_trip_ms']} ms"
    return text + f" (RTCP: gửi {fields['rtcp_reports_sent']}, nhận {fields['rtcp_reports_received']})"


def _encryption_text(suite: str | None) -> str:
    """Whether a connected call's audio was encrypted, in words (None: not connected, nothing to say)."""
    if suite is None:
        return ""
    return f"— mã hoá SRTP {suite}" if suite else "— KHÔNG mã hoá (RTP thường)"


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class _Report:
    """What the check saw, as plain data; each event is printed as it is added."""

    def __init__(self, args: argparse.Namespace, account: SipAccount, printer: _Printer) -> None:
        self.printer = printer
        self._lost_at: float | None = None
        self._answered_at: dict[str, float] = {}
        self.document: dict[str, Any] = {
            "server": f"{account.server_host}:{account.server_port}",
            "domain": account.realm_domain,
            "next_hop": "{}:{}".format(*account.next_hop),
            "transport": account.transport,
            "user": account.user,
            "registration": {"state": RegistrationState.UNREGISTERED.value, "seconds": None},
            "refreshes": 0,
            "calls": {},
            "dial": args.dial,
        }
        self.want_dial = bool(args.dial)
        self.want_answer = bool(args.answer)

    def add(self, at: float, event: TelephonyEvent, started: float) -> None:
        registration = self.document["registration"]
        calls: dict[str, dict[str, Any]] = self.document["calls"]
        t = round(at - started, 3)
        if isinstance(event, RegistrationChanged):
            if event.state is RegistrationState.STOPPED:
                return
            was = registration["state"]
            registration.update(state=event.state.value, code=event.code, reason=event.reason)
            facts = {"state": event.state.value, "code": event.code, "reason": event.reason}
            if event.state is RegistrationState.REGISTERED:
                if registration["seconds"] is None:
                    registration.update(expires=event.expires, seconds=t)
                    self.printer.line(t, "registered", {"seconds": t, "expires": event.expires})
                elif self._lost_at is not None:
                    outage = round(at - self._lost_at, 3)
                    self._lost_at = None
                    self.document.setdefault("outages", []).append(outage)
                    self.printer.line(t, "registration_regained", {"outage_seconds": outage})
            elif was == RegistrationState.REGISTERED.value:
                self._lost_at = at
                self.printer.line(t, "registration_lost", facts)
            elif event.state in (RegistrationState.AUTH_FAILED, RegistrationState.UNREACHABLE):
                self.printer.line(t, "registration_failed", facts)
        elif isinstance(event, RegistrationRefreshed):
            self.document["refreshes"] += 1
            self.printer.line(t, "refreshed", {"expires": event.expires})
        elif isinstance(event, StunResult):
            mapped = f"{event.mapped[0]}:{event.mapped[1]}" if event.mapped else None
            self.document["stun"] = {"server": event.server, "public_address": mapped, "error": event.error}
            self.printer.line(t, "stun", self.document["stun"])
        elif isinstance(event, IncomingCall):
            calls[event.call_id] = {
                "direction": "inbound",
                "number": event.number,
                "display_name": event.display_name,
                "identity_source": event.identity_source,
                "event_latency_ms": round((at - event.received_at) * 1000, 3),
                "states": ["ringing"],
            }
            self.printer.line(t, "incoming", {"number": event.number, "display_name": event.display_name})
        elif isinstance(event, CallStateChanged):
            entry = calls.setdefault(event.call_id, {"direction": event.direction.name.lower(), "states": []})
            entry["states"].append(event.state.value)
            facts = {"direction": entry["direction"], "state": event.state.value}
            if event.state is CallState.ANSWERED:
                self._answered_at[event.call_id] = at
                entry["srtp"] = facts["srtp"] = event.srtp_suite
            self.printer.line(t, "call_state", facts)
        elif isinstance(event, DtmfReceived):
            self.printer.line(t, "dtmf", {"digit": event.digit})
        elif isinstance(event, CallHoldChanged):
            self.printer.line(t, "hold", {"local_hold": event.local_hold, "remote_hold": event.remote_hold})
        elif isinstance(event, CallEnded):
            entry = calls.setdefault(event.call_id, {"direction": event.direction.name.lower(), "states": []})
            answered_at = self._answered_at.pop(event.call_id, None)
            duration = round(at - answered_at, 3) if answered_at is not None else 0.0
            entry.update(
                end_reason=event.reason.value,
                code=event.code,
                detail=event.detail,
                answered=event.answered,
                duration_seconds=duration,
                packets_sent=event.packets_sent,
                packets_received=event.packets_received,
                audio=_audio_verdict(event),
                srtp=event.srtp_suite if event.answered else None,
                encrypted=bool(event.srtp_suite) if event.answered else None,
                codec=event.codec or None,
                **_quality(event),
            )
            self.printer.line(
                t,
                "ended",
                {
                    "direction": entry["direction"],
                    "reason": event.reason.value,
                    "code": event.code,
                    "answered": event.answered,
                    "duration_seconds": duration,
                    "packets_sent": event.packets_sent,
                    "packets_received": event.packets_received,
                    "audio": entry["audio"],
                    "srtp": entry["srtp"],
                    "encrypted": entry["encrypted"],
                    "codec": entry["codec"],
                    **{name: entry[name] for name in QUALITY_FIELDS},
                },
            )

    @property
    def ok(self) -> bool:
        if self.document["registration"]["state"] != RegistrationState.REGISTERED.value:
            return False
        for wanted, direction in ((self.want_dial, "outbound"), (self.want_answer, "inbound")):
            placed = [c for c in self.document["calls"].values() if c["direction"] == direction]
            if wanted and not any(c.get("answered") for c in placed):
                return False
        return True


def _print(report: _Report, as_json: bool) -> int:
    document = {**report.document, "calls": list(report.document["calls"].values()), "ok": report.ok}
    if as_json:
        print(json.dumps({"event": "summary", **document}, ensure_ascii=False), flush=True)
    else:
        registration = document["registration"]
        reason = registration.get("reason") or ""
        where = f"{document['user']}@{document['server']} ({document['transport']})"
        print(f"{where}: {registration['state']} {reason}")
        stun = document.get("stun")
        if stun:
            print(f"  STUN {stun['server']}: {stun['public_address'] or stun['error']}")
        for call in document["calls"]:
            states, encryption = " → ".join(call["states"]), _encryption_text(call.get("srtp"))
            print(f"  {call['direction']}: {states} ({call.get('end_reason', '')}) {encryption}")
            if call.get("rtcp_reports_sent") is not None:
                print(f"    âm thanh {call.get('codec') or ''}{_quality_text(call)}")
        print("ĐẠT" if report.ok else "KHÔNG ĐẠT")
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry (`python -m desktop.commands.sip_check ...`), the same as the subcommand."""
    parser = argparse.ArgumentParser(prog="sip-check", description="Kiểm tra tài khoản SIP")
    _arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
