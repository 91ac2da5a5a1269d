"""`tongdai1022-server`: serve (migrations first, then uvicorn) and the admin's commands."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys

from protocol import Role
from server.core.settings import DB_ENV, UPDATES_ENV, Settings, SettingsError, default_sqlite_path

PASSWORD_ENV = "TONGDAI1022_NEW_PASSWORD"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tongdai1022-server", description=__doc__)
    parser.add_argument(
        "--db",
        default=os.environ.get(DB_ENV),
        help=f"postgresql://user@host/db or a SQLite file (${DB_ENV}, else {default_sqlite_path().name})",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8022)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--certfile", help="serve HTTPS with this certificate (PEM, with its chain)")
    parser.add_argument("--keyfile", help="the certificate's private key (PEM)")
    parser.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="serve plain HTTP on an address other machines reach (only behind a TLS reverse proxy there)",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="migrate the database, then serve (the default)")
    commands.add_parser("migrate", help="only bring the database schema up to date")
    commands.add_parser(
        "new-epoch", help="after restoring a backup: make every desktop re-push and pull again"
    )
    create = commands.add_parser(
        "create-user", help=f"create an account; password from ${PASSWORD_ENV} or a prompt"
    )
    create.add_argument("username")
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.ADMIN.value)
    create.add_argument("--full-name", default="")
    unbind = commands.add_parser(
        "unbind-desk", help="let the next desk that logs in with this client id own it (a reinstalled PC)"
    )
    unbind.add_argument("client_id")
    unit_account = commands.add_parser(
        "create-unit-account",
        help=f"an account for a unit's web page; password from ${PASSWORD_ENV} or a prompt",
    )
    unit_account.add_argument("username")
    unit_account.add_argument("--unit", required=True, help="the unit's code in the catalog")
    unit_account.add_argument("--full-name", default="")
    unit_account.add_argument("--email", default="", help="where forwarded tickets are announced")
    listed = commands.add_parser("unit-accounts", help="the units' accounts: unit, name, address, state")
    listed.add_argument("--unit", default=None, help="only this unit's")
    changed = commands.add_parser(
        "change-unit-account",
        help="change a unit account: address, unit, name, password (reset), disable or enable it; "
        "a new password, disabling or another unit ends its browser sessions at once",
    )
    changed.add_argument("username")
    changed.add_argument("--email", default=None, help='the new address ("" for none)')
    changed.add_argument("--unit", default=None, help="move to this unit (its code in the catalog)")
    changed.add_argument("--full-name", default=None)
    changed.add_argument(
        "--new-password", action="store_true", help=f"a new password from ${PASSWORD_ENV} (a forgotten one)"
    )
    state = changed.add_mutually_exclusive_group()
    state.add_argument("--disable", action="store_true", help="staff who left: no login, sessions ended")
    state.add_argument("--enable", action="store_true", help="let a disabled account sign in again")
    commands.add_parser("sessions", help="list the active logins (id, user, desk, since, until)")
    end = commands.add_parser("end-session", help="end one login by its id (from `sessions`)")
    end.add_argument("session_id")
    logins = commands.add_parser("logins", help="the login log: every login and refusal, newest first")
    logins.add_argument("--user", default=None)
    logins.add_argument("--limit", type=int, default=50)
    access = commands.add_parser(
        "access-log", help="who looked at a citizen's data (by phone) between two days"
    )
    access.add_argument("--phone", required=True)
    access.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (Vietnam time, inclusive)")
    access.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (inclusive)")
    on_time = commands.add_parser(
        "units-on-time", help="each unit's forwarded tickets against their deadlines, as JSON"
    )
    on_time.add_argument("--from", dest="start", required=True, help="first forwarding day, YYYY-MM-DD")
    on_time.add_argument("--to", dest="end", required=True, help="last forwarding day (inclusive)")
    report = commands.add_parser(
        "report",
        help="the province's report with its on-time tables per unit and per area, as JSON, .xlsx or .docx",
    )
    report.add_argument("--from", dest="start", required=True, help="first reception day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, help="last reception day (inclusive)")
    report.add_argument("--out", help="a .xlsx, .docx or .json file (else the JSON on standard output)")
    erase = commands.add_parser(
        "erase-citizen", help="erase a citizen on request: on the server and every desk"
    )
    erase.add_argument("--phone", required=True)
    commands.add_parser(
        "send-mail",
        help="queue deadline reminders to units and send waiting mail (run it from cron); SMTP from env",
    )
    commands.add_parser(
        "mail-failing", help="mail to units not sent yet after a try, with why (for the admin)"
    )
    retention = commands.add_parser(
        "retention",
        help="make tickets older than N years anonymous (run it from cron); N from --years or env",
    )
    retention.add_argument(
        "--years", type=int, default=int(os.environ.get("TONGDAI1022_RETENTION_YEARS", "0"))
    )
    publish = commands.add_parser(
        "publish-release",
        help="offer desks a release signed elsewhere (installer/release.py)",
    )
    publish.add_argument("repo", help="the signed repository (its metadata/ and targets/)")
    publish.add_argument(
        "--updates-dir", default=os.environ.get(UPDATES_ENV), help="where the server serves it"
    )
    args = parser.parse_args(argv)
    if args.command in (None, "serve"):
        refused = plain_http_refusal(args.host, bool(args.certfile), args.allow_plain_http)
        if refused:
            print(f"Lỗi: {refused}", file=sys.stderr)
            return 2
    try:
        settings = Settings.from_env(args.db)
    except SettingsError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    from server.db import create_server_engine, migrate, new_epoch

    engine = create_server_engine(settings.database_url)
    migrate(engine)
    if args.command == "migrate":
        print("Cơ sở dữ liệu đã được cập nhật.")
        return 0
    if args.command == "new-epoch":
        print(f"Kỷ nguyên mới của máy chủ: {new_epoch(engine)}. Các máy trạm sẽ gửi lại và tải lại dữ liệu.")
        return 0
    if args.command == "create-user":
        return _create_user(engine, args.username, Role(args.role), args.full_name)
    if args.command == "create-unit-account":
        return _create_unit_account(engine, args)
    if args.command in ("unit-accounts", "change-unit-account"):
        return _unit_accounts(engine, args)
    if args.command == "send-mail":
        return _send_mail(engine, settings)
    if args.command == "mail-failing":
        return _mail_failing(engine)
    if args.command == "retention":
        return _retention(engine, args.years)
    if args.command == "erase-citizen":
        return _erase_citizen(engine, args.phone)
    if args.command == "access-log":
        return _access_log(engine, args)
    if args.command == "units-on-time":
        return _units_on_time(engine, args.start, args.end)
    if args.command == "report":
        return _report(engine, args.start, args.end, args.out)
    if args.command in ("sessions", "end-session", "logins"):
        return _security(engine, args)
    if args.command == "publish-release":
        return _publish_release(args.repo, args.updates_dir)
    if args.command == "unbind-desk":
        return _unbind_desk(engine, args.client_id)
    from server.services.feed_refresh import republish_at_start
    from server.services.ticket_areas import restamp_in_background

    republish_at_start(engine)  # what a migration corrected in place, to the desks (server 0021)
    # an area edit whose re-read of the tickets a stop cut short; a failure (another process's lock, a
    # deadlock) is logged and left asked: the report's areas wait, the server still starts
    restamp_in_background(engine)
    engine.dispose()
    if bool(args.certfile) != bool(args.keyfile):
        print("Lỗi: HTTPS cần cả --certfile và --keyfile.", file=sys.stderr)
        return 2
    return _serve(settings, args.host, args.port, args.workers, args.certfile, args.keyfile)


def plain_http_refusal(host: str, tls: bool, allowed: bool) -> str:
    """Why serving on `host` is refused (Vietnamese), "" when it may go on: plain HTTP is for this machine
    (a reverse proxy in front terminates TLS) unless the admin says otherwise."""
    if tls or allowed:
        return ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return ""
    return (
        f"máy chủ sẽ nhận kết nối HTTP không mã hóa trên địa chỉ {host}: mật khẩu và dữ liệu của người dân "
        "sẽ đi trên mạng ở dạng đọc được. Hãy chạy HTTPS (--certfile và --keyfile), hoặc để --host 127.0.0.1 "
        "sau một reverse proxy có TLS; nếu proxy ở máy khác, thêm --allow-plain-http."
    )


def _create_user(engine: object, username: str, role: Role, full_name: str) -> int:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services.accounts import AccountError, create_account

    assert isinstance(engine, Engine)
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            print(f"Lỗi: hãy đặt mật khẩu trong biến môi trường {PASSWORD_ENV}.", file=sys.stderr)
            return 2
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            print("Lỗi: hai lần nhập mật khẩu không khớp.", file=sys.stderr)
            return 2
    try:
        with Session(engine) as session, session.begin():
            create_account(session, username, password, role, full_name)
    except AccountError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(f"Đã tạo tài khoản {username.strip().lower()} ({role.value}).")
    return 0


def _publish_release(repo: str, updates_dir: str | None) -> int:
    from pathlib import Path

    from server.services.releases import ReleaseRefused, publish

    if not updates_dir:
        print(f"Lỗi: chưa chọn thư mục cập nhật (--updates-dir hoặc biến {UPDATES_ENV}).", file=sys.stderr)
        return 2
    try:
        offered = publish(Path(repo), Path(updates_dir))
    except ReleaseRefused as error:
        print(f"Lỗi: không phát hành: {error}. Không có gì thay đổi trên máy chủ.", file=sys.stderr)
        return 2
    print(f"Đã phát hành cho máy trạm: {', '.join(offered)}")
    return 0


def _create_unit_account(engine: object, args: argparse.Namespace) -> int:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services import unit_accounts
    from server.services.accounts import AccountError

    assert isinstance(engine, Engine)
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        print(f"Lỗi: hãy đặt mật khẩu trong biến môi trường {PASSWORD_ENV}.", file=sys.stderr)
        return 2
    try:
        with Session(engine) as session, session.begin():
            unit_accounts.create(session, args.username, args.unit, password, args.full_name, args.email)
    except AccountError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(f"Đã tạo tài khoản đơn vị {args.username.strip().lower()} ({args.unit}): đăng nhập tại /don-vi/.")
    return 0


def _unit_accounts(engine: object, args: argparse.Namespace) -> int:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services import unit_accounts
    from server.services.accounts import AccountError

    assert isinstance(engine, Engine)
    if args.command == "unit-accounts":
        with Session(engine) as session:
            found = unit_accounts.all_accounts(session, args.unit)
            for a in found:
                state = "đang dùng" if a.active else "đã khóa"
                print(f"{a.unit_code:<24} {a.username:<24} {state:<10} {a.email or '(không có địa chỉ thư)'}")
        print(f"{len(found)} tài khoản đơn vị.")
        return 0
    password = None
    if args.new_password:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            print(f"Lỗi: hãy đặt mật khẩu mới trong biến môi trường {PASSWORD_ENV}.", file=sys.stderr)
            return 2
    active = True if args.enable else False if args.disable else None
    if (args.email, args.unit, args.full_name, password, active) == (None, None, None, None, None):
        print(
            "Lỗi: chưa nói đổi gì: --email, --unit, --full-name, --new-password, --disable hoặc --enable.",
            file=sys.stderr,
        )
        return 2
    try:
        with Session(engine) as session, session.begin():
            account, done = unit_accounts.change(
                session,
                args.username,
                email=args.email,
                unit_code=args.unit,
                full_name=args.full_name,
                password=password,
                active=active,
            )
            name = account.username
    except AccountError as error:
        print(f"Lỗi: {error} Không có gì thay đổi.", file=sys.stderr)
        return 2
    if not done:
        print(f"Tài khoản đơn vị {name} đã như vậy; không có gì thay đổi.")
        return 0
    print(f"Đã đổi tài khoản đơn vị {name}: {'; '.join(done)}.")
    return 0


def _send_mail(engine: object, settings: Settings) -> int:
    from datetime import datetime

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services import unit_mail
    from server.services.forwarding import VN

    assert isinstance(engine, Engine)
    host = os.environ.get("TONGDAI1022_SMTP_HOST", "")
    if not host:
        print(
            "Lỗi: chưa đặt máy chủ thư (TONGDAI1022_SMTP_HOST, _PORT, _FROM, _USER, _PASSWORD).",
            file=sys.stderr,
        )
        return 2
    port = os.environ.get("TONGDAI1022_SMTP_PORT", "25").strip()
    ca_file = os.environ.get("TONGDAI1022_SMTP_CA_FILE", "")
    if not port.isdigit() or not 0 < int(port) < 65536:
        print(
            f"Lỗi: cổng máy chủ thư TONGDAI1022_SMTP_PORT «{port[:20]}» phải là số từ 1 đến 65535.",
            file=sys.stderr,
        )
        return 2
    if ca_file and not os.path.isfile(ca_file):
        print(f"Lỗi: không có tệp chứng chỉ TONGDAI1022_SMTP_CA_FILE «{ca_file[:200]}».", file=sys.stderr)
        return 2
    smtp = unit_mail.SmtpSettings(
        host=host,
        port=int(port),
        sender=os.environ.get("TONGDAI1022_SMTP_FROM", "tongdai1022@localhost"),
        username=os.environ.get("TONGDAI1022_SMTP_USER", ""),
        password=os.environ.get("TONGDAI1022_SMTP_PASSWORD", ""),
        starttls=os.environ.get("TONGDAI1022_SMTP_STARTTLS", "") == "1",
        implicit_tls=os.environ.get("TONGDAI1022_SMTP_SSL", "") == "1",
        ca_file=ca_file,
    )
    if not settings.public_url:
        print(
            "Chú ý: chưa đặt TONGDAI1022_SERVER_PUBLIC_URL (địa chỉ trang của đơn vị, ví dụ "
            "https://1022.tinh.gov.vn): thư nhắc hạn không có đường dẫn tới phiếu.",
            file=sys.stderr,
        )
    with Session(engine) as session, session.begin():
        queued = unit_mail.queue_reminders(session, datetime.now(VN).date(), settings.public_url)
    with Session(engine) as session, session.begin():
        sent, failed = unit_mail.send_pending(session, smtp)
    print(f"Nhắc hạn mới: {queued}; đã gửi {sent} thư; chưa gửi được {failed} (sẽ thử lại lần sau).")
    return 1 if failed else 0


def _mail_failing(engine: object) -> int:
    """What GET /api/v1/mail/failing lists, for the admin at the server's console; exit 1 when any."""
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services import unit_mail
    from server.services.forwarding import VN

    assert isinstance(engine, Engine)
    with Session(engine) as session, session.begin():
        waiting = [
            (m.created_at.astimezone(VN).strftime("%d/%m/%Y %H:%M"), m.recipient, m.attempts, m.last_error)
            for m in unit_mail.failing(session)
        ]
    for created, recipient, attempts, error in waiting:
        print(f"{created}  {recipient}  đã thử {attempts} lần  {error}")
    print(f"Thư chưa gửi được: {len(waiting)}." if waiting else "Không có thư nào đang chờ gửi lại.")
    return 1 if waiting else 0


def _retention(engine: object, years: int) -> int:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services.erasure import apply_retention

    assert isinstance(engine, Engine)
    if years < 1:
        print(
            "Lỗi: hãy cho số năm lưu giữ (--years N hoặc TONGDAI1022_RETENTION_YEARS), ít nhất 1.",
            file=sys.stderr,
        )
        return 2
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        done = apply_retention(session, now - timedelta(days=365 * years), "luu-giu", now)
    print(f"Đã ẩn danh {done.tickets} phiếu và {done.calls} cuộc gọi cũ hơn {years} năm.")
    return 0


def _erase_citizen(engine: object, phone: str) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.api.security_routes import phone_subject
    from server.services.erasure import erase_citizen

    assert isinstance(engine, Engine)
    with Session(engine) as session, session.begin():
        done = erase_citizen(session, phone_subject(phone), "quan-tri", datetime.now(UTC))
    print(
        f"Đã xóa dữ liệu của người dân khỏi {done.tickets} phiếu và {done.calls} cuộc gọi trên máy chủ; "
        "các máy trạm sẽ xóa khi đồng bộ."
    )
    return 0


def _units_on_time(engine: object, start: str, end: str) -> int:
    import json
    from datetime import datetime

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from reports import Period
    from server.services.forwarding import VN
    from server.services.unit_timeliness import timeliness

    assert isinstance(engine, Engine)
    try:
        period = Period.parse(start, end)
    except ValueError as error:  # says which date and how to write it, in Vietnamese
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    with Session(engine) as session:
        figures = timeliness(session, period, datetime.now(VN).date())
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


def _report(engine: object, start: str, end: str, out: str | None) -> int:
    """The report the supervisors' API gives, written through the one writer of report files."""
    import json
    from datetime import datetime
    from pathlib import Path

    from sqlalchemy import Engine

    from reports import Period
    from reports.files import write_report_file
    from server.services.forwarding import VN
    from server.services.reports import report_for

    assert isinstance(engine, Engine)
    kind = Path(out).suffix.lower().lstrip(".") if out else "json"
    if kind not in ("json", "xlsx", "docx"):
        print("Lỗi: --out phải là tệp .xlsx, .docx hoặc .json.", file=sys.stderr)
        return 2
    try:
        period = Period.parse(start, end)
    except ValueError as error:  # says which date and how to write it, in Vietnamese
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    with engine.connect() as connection:
        made = report_for(connection, period, datetime.now(VN).date())
    if out is None:
        print(json.dumps(made, ensure_ascii=False, indent=1))
        return 0
    try:
        write_report_file(made, kind, Path(out))
    except OSError as error:
        print(f"Lỗi: không ghi được «{out}»: {error.strerror or error}.", file=sys.stderr)
        return 2
    print(f"Đã ghi báo cáo từ {period.first:%d/%m/%Y} đến {period.last:%d/%m/%Y} vào «{out}».")
    return 0


def _access_log(engine: object, args: argparse.Namespace) -> int:
    from datetime import date, datetime, time, timedelta

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.api.security_routes import phone_subject
    from server.services import access_trail
    from server.services.forwarding import VN

    assert isinstance(engine, Engine)
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print("Lỗi: ngày phải viết YYYY-MM-DD.", file=sys.stderr)
        return 2
    subject = phone_subject(args.phone)
    with Session(engine) as session:
        entries = access_trail.who_accessed_citizen(
            session,
            subject,
            datetime.combine(start, time(), VN),
            datetime.combine(end + timedelta(days=1), time(), VN),
        )
        broken = access_trail.verify(session)
        rechained = access_trail.rechains(session)
    for entry in entries:
        when = entry.at.astimezone(VN)
        print(
            f"{when:%Y-%m-%d %H:%M:%S}  {entry.actor:<24} {entry.origin:<38} {entry.subject_kind:<6} "
            f"{entry.screen} {entry.reason}"
        )
    print(f"{len(entries)} lần xem dữ liệu của {subject}.")
    for line in rechained:
        print(f"Lưu ý: {line}.")
    if broken is not None:
        print(
            f"CẢNH BÁO: nhật ký truy cập bị can thiệp ở mục {broken.seq}: {broken.problem}.", file=sys.stderr
        )
        return 1
    print("Chuỗi băm của nhật ký truy cập nguyên vẹn.")
    return 0


def _unbind_desk(engine: object, client_id: str) -> int:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services.desks import unbind

    assert isinstance(engine, Engine)
    with Session(engine) as session, session.begin():
        was_bound = unbind(session, client_id)
    if not was_bound:
        print(f"Máy trạm {client_id} chưa gắn với máy nào; không có gì để gỡ.")
        return 0
    print(f"Đã gỡ liên kết của máy trạm {client_id}: máy đăng nhập tiếp theo với mã này sẽ giữ nó.")
    return 0


def _serve(
    settings: Settings, host: str, port: int, workers: int, certfile: str | None, keyfile: str | None
) -> int:
    import uvicorn

    from server.api.app import create_app

    if workers > 1:
        os.environ["TONGDAI1022_SERVER_DB"] = settings.database_url
        uvicorn.run(
            "server.asgi:app",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            log_level="warning",
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
        )
    else:
        app = create_app(settings)
        uvicorn.run(
            app, host=host, port=port, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile
        )
    return 0


def _security(engine: object, args: argparse.Namespace) -> int:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from server.services import accounts, logins

    assert isinstance(engine, Engine)
    with Session(engine) as session, session.begin():
        if args.command == "end-session":
            if not accounts.revoke_session(session, args.session_id):
                print(f"Lỗi: không có phiên đăng nhập {args.session_id}.", file=sys.stderr)
                return 2
            print(f"Đã kết thúc phiên {args.session_id}.")
        elif args.command == "sessions":
            for login in accounts.active_sessions(session):
                print(
                    f"{login.session_id}  {login.username:<20} {login.client_id:<40} "
                    f"{login.created_at:%Y-%m-%d %H:%M}"
                )
        else:
            for event in logins.recent(session, args.user, args.limit):
                print(
                    f"{event.at:%Y-%m-%d %H:%M:%S}  {event.outcome:<10} {event.username:<20} {event.address}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
