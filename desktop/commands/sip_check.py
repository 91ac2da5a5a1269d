"""`tongdai1022 sip-check`: register against a PBX, optionally answer or dial, and report what happened."""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop.telephony import (
    AgentPolicy,
    CallEnded,
    CallStateChanged,
    IncomingCall,
    RegistrationChanged,
    RegistrationRefreshed,
    RegistrationState,
    SipAccount,
    SipAgent,
    StunResult,
    TelephonyEvent,
)
from desktop.telephony.addressing import local_address_towards


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
        "--server", required=True, metavar="MÁY:CỔNG", help="tổng đài SIP, ví dụ 10.0.0.5:5060"
    )
    parser.add_argument("--user", required=True, metavar="MÁY_NHÁNH", help="số máy nhánh (tài khoản SIP)")
    parser.add_argument(
        "--password-env", required=True, metavar="BIẾN", help="tên biến môi trường chứa mật khẩu SIP"
    )
    parser.add_argument(
        "--local-port", type=int, default=0, metavar="N", help="cổng SIP cục bộ (mặc định: tự chọn)"
    )
    parser.add_argument(
        "--local-ip", default="", metavar="IP", help="địa chỉ cục bộ (mặc định: theo tuyến tới tổng đài)"
    )
    parser.add_argument(
        "--transport",
        choices=("udp", "tcp", "tls"),
        default="udp",
        help="giao thức tới tổng đài (mặc định udp; tls: cổng mặc định 5061, kiểm tra chứng chỉ)",
    )
    parser.add_argument(
        "--ca-file",
        default="",
        metavar="TỆP.pem",
        help="với tls: các CA được ký chứng chỉ của tổng đài (mặc định: kho chứng chỉ của hệ thống)",
    )
    parser.add_argument(
        "--stun",
        default="",
        metavar="MÁY[:CỔNG]",
        help="máy chủ STUN để biết địa chỉ công cộng khi đứng sau NAT (cổng mặc định 3478)",
    )
    parser.add_argument("--answer", action="store_true", help="tự trả lời cuộc gọi đến trong thời gian chạy")
    parser.add_argument("--dial", metavar="SỐ", help="gọi thử tới số này, gác máy khi hết thời gian")
    parser.add_argument(
        "--seconds", type=float, default=5.0, metavar="S", help="thời gian chạy (mặc định 5 giây)"
    )
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def run(args: argparse.Namespace, data_dir: Path | None = None) -> int:
    """Run the check; exit code 0 when registered (and the test call, if any, was answered)."""
    host, _, port_text = args.server.rpartition(":")
    if not host or not port_text.isdigit():
        host, port_text = args.server, "5061" if args.transport == "tls" else "5060"
    password = os.environ.get(args.password_env)
    if password is None:
        print(f"Lỗi: biến môi trường {args.password_env} chưa được đặt", file=sys.stderr)
        return 2
    if args.ca_file and not Path(args.ca_file).is_file():
        print(f"Lỗi: không có tệp chứng chỉ CA «{args.ca_file}»", file=sys.stderr)
        return 2
    port = int(port_text)
    try:
        account = SipAccount(
            server_host=host,
            server_port=port,
            user=args.user,
            password=password,
            local_host=args.local_ip or local_address_towards(host, port),
            local_port=args.local_port,
            transport=args.transport,
            tls_ca_file=args.ca_file,
            stun_server=args.stun,
        )
    except ValueError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    events: queue.SimpleQueue[tuple[float, TelephonyEvent]] = queue.SimpleQueue()
    agent = SipAgent(account, lambda event: events.put((time.monotonic(), event)), AgentPolicy())
    report = _Report(args, account)
    started = time.monotonic()
    agent.start()
    try:
        _watch(agent, args, events, report, started)
    finally:
        agent.stop()
    while not events.empty():
        report.add(*events.get(), started)
    return _print(report, args.json)


def _watch(
    agent: SipAgent,
    args: argparse.Namespace,
    events: queue.SimpleQueue[tuple[float, TelephonyEvent]],
    report: _Report,
    started: float,
) -> None:
    deadline = started + args.seconds
    dialled: str | None = None
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            at, event = events.get(timeout=min(remaining, 0.1))
        except queue.Empty:
            continue
        report.add(at, event, started)
        if isinstance(event, RegistrationChanged):
            if event.state is RegistrationState.AUTH_FAILED:
                return
            if event.state is RegistrationState.REGISTERED and args.dial and dialled is None:
                dialled = agent.dial(args.dial)
        elif isinstance(event, IncomingCall) and args.answer:
            agent.answer(event.call_id)
    for call in agent.calls():
        agent.hangup(call.call_id)


class _Report:
    """What the check saw, as plain data."""

    def __init__(self, args: argparse.Namespace, account: SipAccount) -> None:
        self.document: dict[str, Any] = {
            "server": f"{account.server_host}:{account.server_port}",
            "transport": account.transport,
            "user": account.user,
            "registration": {"state": RegistrationState.UNREGISTERED.value, "seconds": None},
            "refreshes": 0,
            "calls": {},
            "dial": args.dial,
        }
        self.want_dial = bool(args.dial)

    def add(self, at: float, event: TelephonyEvent, started: float) -> None:
        registration = self.document["registration"]
        calls: dict[str, dict[str, Any]] = self.document["calls"]
        if isinstance(event, RegistrationChanged):
            if event.state is RegistrationState.STOPPED:
                return
            registration.update(state=event.state.value, code=event.code, reason=event.reason)
            if event.state is RegistrationState.REGISTERED:
                registration.update(expires=event.expires, seconds=round(at - started, 3))
        elif isinstance(event, RegistrationRefreshed):
            self.document["refreshes"] += 1
        elif isinstance(event, StunResult):
            mapped = f"{event.mapped[0]}:{event.mapped[1]}" if event.mapped else None
            self.document["stun"] = {"server": event.server, "public_address": mapped, "error": event.error}
        elif isinstance(event, IncomingCall):
            calls[event.call_id] = {
                "direction": "inbound",
                "number": event.number,
                "display_name": event.display_name,
                "identity_source": event.identity_source,
                "event_latency_ms": round((at - event.received_at) * 1000, 3),
                "states": ["ringing"],
            }
        elif isinstance(event, CallStateChanged):
            entry = calls.setdefault(event.call_id, {"direction": event.direction.name.lower(), "states": []})
            entry["states"].append(event.state.value)
        elif isinstance(event, CallEnded):
            entry = calls.setdefault(event.call_id, {"direction": event.direction.name.lower(), "states": []})
            entry.update(
                end_reason=event.reason.value, code=event.code, detail=event.detail, answered=event.answered
            )

    @property
    def ok(self) -> bool:
        if self.document["registration"]["state"] != RegistrationState.REGISTERED.value:
            return False
        if self.want_dial:
            outbound = [c for c in self.document["calls"].values() if c["direction"] == "outbound"]
            return any(c.get("answered") for c in outbound)
        return True


def _print(report: _Report, as_json: bool) -> int:
    document = {**report.document, "calls": list(report.document["calls"].values()), "ok": report.ok}
    if as_json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        registration = document["registration"]
        reason = registration.get("reason") or ""
        where = f"{document['user']}@{document['server']} ({document['transport']})"
        print(f"{where}: {registration['state']} {reason}")
        stun = document.get("stun")
        if stun:
            print(f"  STUN {stun['server']}: {stun['public_address'] or stun['error']}")
        for call in document["calls"]:
            print(f"  {call['direction']}: {' → '.join(call['states'])} ({call.get('end_reason', '')})")
        print("ĐẠT" if report.ok else "KHÔNG ĐẠT")
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry (`python -m desktop.commands.sip_check ...`), the same as the subcommand."""
    parser = argparse.ArgumentParser(prog="sip-check", description="Kiểm tra tài khoản SIP")
    _arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
