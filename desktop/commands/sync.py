"""`tongdai1022 sync`: one push+pull cycle with the central server, then the desk's sync status as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
EXIT_SYNC_FAILED = 1
EXIT_BAD_USAGE = 2


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
    """The `sync` subcommand; `add_common` adds the options every parser takes (--data-dir)."""
    parser = commands.add_parser(
        "sync", help="đồng bộ một lượt với máy chủ trung tâm rồi in trạng thái đồng bộ"
    )
    if add_common is not None:
        add_common(parser)
    parser.add_argument(
        "--server", metavar="URL", help="địa chỉ máy chủ (mặc định: địa chỉ đã đăng nhập trên máy này)"
    )
    parser.add_argument(
        "--user", metavar="TÊN", help="tên đăng nhập (mặc định: người đã đăng nhập trên máy này)"
    )
    parser.add_argument(
        "--password-env",
        metavar="BIẾN",
        help="tên biến môi trường chứa mật khẩu (mặc định: mật khẩu trong kho mật khẩu của hệ điều hành)",
    )
    parser.add_argument(
        "--ca-file",
        default="",
        metavar="CA.pem",
        help="tệp CA ký chứng chỉ của máy chủ (mặc định: như máy trạm)",
    )
    parser.add_argument("--json", action="store_true", help="in ra dạng JSON")
    return parser


def _fail(message: str, as_json: bool, code: int, **extra: Any) -> int:
    if as_json:
        print(json.dumps({"ok": False, "message": message, **extra}, ensure_ascii=False))
    else:
        print(f"Lỗi: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.commands.store_access import open_command_store
    from desktop.settings import Settings
    from desktop.sync.client import SyncClient, SyncError, TlsPolicy, plain_http_problem
    from desktop.sync.credentials import Credentials, Login, system_backend
    from desktop.sync.engine import SyncEngine
    from desktop.sync.state import read_counts

    settings = Settings.load(data_dir) if data_dir.exists() else Settings()
    url = (args.server or settings.sync_server).strip().rstrip("/")
    user = (args.user or settings.sync_user).strip()
    if not url or not user:
        return _fail(
            "Máy này chưa đăng nhập máy chủ nào. Hãy chỉ rõ --server URL --user TÊN --password-env BIẾN, "
            "hoặc đăng nhập trong phần mềm (Máy chủ ▸ Đăng nhập máy chủ…).",
            args.json,
            EXIT_BAD_USAGE,
        )
    if not url.startswith(("http://", "https://")):
        url = "https://" + url
    login = Login(url, user)
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            return _fail(
                f"Biến môi trường {args.password_env} chưa có mật khẩu. Hãy đặt nó rồi chạy lại.",
                args.json,
                EXIT_BAD_USAGE,
            )
        credentials = Credentials(None)  # given for this run only: never written anywhere
        credentials.remember(login, password=password)
    else:
        credentials = Credentials(system_backend())
    if not data_dir.exists():
        return _fail(f"Không có thư mục dữ liệu {data_dir}.", args.json, EXIT_BAD_USAGE)

    store = open_command_store(args, data_dir)
    policy = TlsPolicy(args.ca_file or settings.sync_ca_file, bool(settings.sync_allow_plain_http))
    problem = plain_http_problem(url, policy)
    if problem:
        return _fail(problem, args.json, EXIT_BAD_USAGE)
    if policy.ca_file and not Path(policy.ca_file).is_file():
        return _fail(f"Không có tệp CA «{policy.ca_file}».", args.json, EXIT_BAD_USAGE)
    client = SyncClient(url, policy=policy)
    try:
        engine = SyncEngine(store, client, credentials, login)
        report = None
        message = ""
        try:
            report = engine.run_cycle()
        except SyncError as error:
            message = str(error)
            # the kind only: a server's message may quote what the operator typed
            log.warning("sync with %s failed: %s", url, type(error).__name__)
        counts = read_counts(store)
        if report is not None:
            log.info(
                "sync with %s: pushed %d, pulled %d, pending %d",
                url,
                report.pushed,
                report.pulled,
                counts.pending,
            )
        status = {
            "ok": report is not None,
            "server": url,
            "user": user,
            "client_id": str(store.client_id),
            "online": report is not None,
            "pushed": report.pushed if report else 0,
            "pulled": report.pulled if report else 0,
            "restored": report.restored if report else False,
            "pending": counts.pending,
            "conflicts": counts.conflicts,
            "rejected_unseen": counts.rejected_unseen,
            "last_sync_at": counts.last_sync_at.isoformat() if counts.last_sync_at else None,
            "restore_detail": counts.restore_detail,
            "message": message,
        }
    finally:
        client.close()
        store.close()
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
    else:
        _print_human(status)
    return 0 if status["ok"] else EXIT_SYNC_FAILED


def _print_human(status: dict[str, Any]) -> None:
    state = "đã đồng bộ" if status["ok"] else "KHÔNG đồng bộ được"
    print(f"Máy chủ {status['server']} ({status['user']}): {state}")
    if status["message"]:
        print(f"  {status['message']}")
    print(f"  Đã gửi {status['pushed']} thay đổi, nhận {status['pulled']} thay đổi")
    print(f"  Còn chờ gửi: {status['pending']}; xung đột cần xử lý: {status['conflicts']}")
    print(f"  Bị máy chủ từ chối (chưa xem): {status['rejected_unseen']}")
    print(f"  Lần đồng bộ cuối: {status['last_sync_at'] or 'chưa có'}")
    if status["restore_detail"]:
        print(f"  {status['restore_detail']}")
