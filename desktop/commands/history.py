"""`tongdai1022 history PHONE --json`: a caller's tickets and calls, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from desktop.commands.store_access import open_command_store
from desktop.domain.phone import InvalidPhoneNumber, display_phone
from desktop.services.access_log import AccessLog, flush_all
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.settings import Settings


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def run(args: argparse.Namespace, data_dir: Path) -> int:
    store = open_command_store(args, data_dir)
    try:
        access = AccessLog(store, Settings.load(data_dir).operator)
        history = CallerHistoryService(store, access).lookup(
            args.phone, ticket_limit=args.limit, call_limit=args.limit, screen="cli_history"
        )
    except InvalidPhoneNumber as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    finally:
        flush_all()
        store.close()
    if args.json:
        document = _plain(asdict(history))
        document["phone_local"] = display_phone(history.phone)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    name = history.citizen.name if history.citizen and history.citizen.name else "(chưa rõ tên)"
    print(f"{display_phone(history.phone)} — {name}")
    print(f"{history.total_tickets} phiếu, {history.open_tickets} đang xử lý")
    for ticket in history.tickets:
        print(
            f"  {ticket.received_at:%d/%m/%Y %H:%M}  {ticket.code}  {ticket.status.label:<11} "
            f"{ticket.unit_name or '—'}: {ticket.content[:60]}"
        )
    for call in history.calls:
        print(f"  {call.started_at:%d/%m/%Y %H:%M}  {call.direction.label}  {call.outcome.label}")
    return 0
