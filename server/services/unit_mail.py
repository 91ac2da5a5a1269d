"""Mail to units: a ticket forwarded to them, its deadline tomorrow, its deadline passed. Queued in the
transaction of what it announces; sent by `send-mail` (run by cron every few minutes), retried until it
goes, every failure kept for the admin. A mail names the ticket and its deadline, never the citizen."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.header import Header
from email.mime.text import MIMEText

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Forwarding, MailMessage, Unit, UnitAccount
from server.services import forwarding as steps

QUICK_TRIES = 6  # at every run of send-mail (cron, every few minutes): a short outage loses half an hour
# then once an hour, for as long as the ticket waits for its unit: a weekend's outage ends, the mail goes
SLOW_RETRY = timedelta(hours=1)
SUBJECTS = {
    "forwarded": "[Tổng đài 1022] Phiếu {code} chuyển đến đơn vị, hạn trả lời {deadline}",
    "due_tomorrow": "[Tổng đài 1022] Phiếu {code} đến hạn trả lời {when} ({deadline})",
    "overdue": "[Tổng đài 1022] Phiếu {code} đã quá hạn trả lời ({deadline})",
}
NO_ADDRESS = (
    "Đơn vị «{unit}» chưa có tài khoản nào có địa chỉ thư: thư không gửi được. Hãy thêm địa chỉ cho một "
    "tài khoản của đơn vị (tongdai1022-server change-unit-account TÊN --email ĐỊA-CHỈ; xem các tài khoản: "
    "unit-accounts --unit {code}), hoặc tạo tài khoản mới (create-unit-account TÊN --unit {code} --email "
    "ĐỊA-CHỈ); thư này và các thư nhắc hạn sau sẽ đến địa chỉ đó."
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "tongdai1022@localhost"
    username: str = ""
    password: str = ""
    starttls: bool = False
    base_url: str = ""  # where units open the page, e.g. https://1022.tinh.gov.vn
    implicit_tls: bool = False  # SMTPS (usually port 465): TLS from the first byte
    ca_file: str = ""  # the mail server's CA when it is not one the system trusts (a province's own)

    def tls_context(self) -> ssl.SSLContext:
        """The mail server's certificate is checked (name and chain) before the password or a mail goes."""
        return ssl.create_default_context(cafile=self.ca_file or None)


def queue(
    session: Session, forwarding: Forwarding, kind: str, base_url: str = "", today: date | None = None
) -> int:
    """One mail per active account of the unit with an address; the same announcement (its kind and
    deadline: a granted extension makes a new one) never twice. A unit without any address gets a mail
    that cannot go, listed for the admin with what to do, so no ticket goes unannounced unseen."""
    ticket = steps.ticket_by_id(session, forwarding.ticket_id)
    unit = session.get(Unit, forwarding.unit_code)
    unit_name = unit.name if unit else forwarding.unit_code
    code = ticket.code if ticket is not None else forwarding.ticket_id
    deadline = forwarding.deadline.strftime("%d/%m/%Y")
    today = today or datetime.now(steps.VN).date()
    when = "ngày mai" if (forwarding.deadline - today).days == 1 else "ngày làm việc tới"
    subject = SUBJECTS[kind].format(code=code, deadline=deadline, when=when)
    already = session.scalar(  # every subject names the deadline it announces
        select(MailMessage.id).where(
            MailMessage.forwarding_id == forwarding.id,
            MailMessage.kind == kind,
            MailMessage.subject.contains(deadline, autoescape=True),
        )
    )
    if already:
        return 0
    recipients = session.scalars(
        select(UnitAccount.email).where(
            UnitAccount.unit_code == forwarding.unit_code,
            UnitAccount.active.is_(True),
            UnitAccount.email != "",
        )
    ).all()
    body = _body(kind, unit_name, code, deadline, when, base_url, forwarding.id)
    now = datetime.now(UTC)
    for recipient in recipients or [""]:
        mail = MailMessage(
            id=str(uuid.uuid4()),
            forwarding_id=forwarding.id,
            kind=kind,
            recipient=recipient,
            subject=subject,
            body=body,
            created_at=now,
            attempts=0,
            last_error="",
        )
        if not recipient:  # never tried (nowhere to send), shown to the admin as failing at once
            mail.attempts = 1  # nothing was sent: the line is only there for the admin
            mail.last_error = NO_ADDRESS.format(unit=unit_name, code=forwarding.unit_code)
        session.add(mail)
    return len(recipients)


def _body(
    kind: str, unit: str, code: str, deadline: str, when: str, base_url: str, forwarding_id: str
) -> str:
    """Vietnamese, the ticket's code, its deadline and where to answer it; nothing of the citizen."""
    what = {
        "forwarded": f"vừa được chuyển đến đơn vị. Hạn trả lời: ngày {deadline}.",
        "due_tomorrow": f"đến hạn trả lời {when}, ngày {deadline}, và đơn vị chưa trả lời.",
        "overdue": f"đã quá hạn trả lời (hạn là ngày {deadline}) và đơn vị chưa trả lời.",
    }[kind]
    link = f"{base_url.rstrip('/')}/don-vi/phieu/{forwarding_id}"
    where = (
        f"Xem nội dung và trả lời (hoặc trả lại, xin gia hạn) tại:\n{link}"
        if base_url
        else f"Hãy đăng nhập trang của đơn vị trên máy chủ Tổng đài 1022 (/don-vi/) và mở phiếu {code}."
    )
    return (
        f"Kính gửi {unit},\n\n"
        f"Phiếu {code} của Tổng đài 1022 {what}\n"
        f"{where}\n\n"
        "Thư này gửi tự động, không cần trả lời thư; thông tin của người dân chỉ xem được trên trang của "
        "đơn vị.\n"
    )


def queue_reminders(session: Session, today: date, base_url: str = "") -> int:
    """On working days only (nobody reads the unit's mail on Tết or a Sunday): the last working day
    before a deadline, and the first working day past it."""
    calendar = steps.work_calendar(session)
    if not calendar.is_working_day(today):
        return 0
    queued = 0
    for forwarding in session.scalars(select(Forwarding).where(Forwarding.state == steps.OPEN)):
        if today > forwarding.deadline:
            queued += queue(session, forwarding, "overdue", base_url, today)
        elif calendar.working_days_between(today, forwarding.deadline) == 1:
            queued += queue(session, forwarding, "due_tomorrow", base_url, today)
    return queued


def send_pending(session: Session, smtp: SmtpSettings, now: datetime | None = None) -> tuple[int, int]:
    """Sends what waits and is due; returns (sent, failed). A failure keeps the mail for a later run: the
    next runs at first, then hourly while its ticket still waits for the unit (once answered or returned,
    an announcement about it has nothing left to say)."""
    now = now or datetime.now(UTC)
    pending = session.scalars(
        select(MailMessage)
        .join(Forwarding, Forwarding.id == MailMessage.forwarding_id)
        .where(MailMessage.sent_at.is_(None), MailMessage.recipient != "", Forwarding.state == steps.OPEN)
        .order_by(MailMessage.created_at)
    ).all()
    sent = failed = 0
    for mail in (mail for mail in pending if _due(mail, now)):
        mail.attempts += 1
        try:
            _send(smtp, mail)
        except (OSError, smtplib.SMTPException) as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
        else:
            mail.sent_at, mail.last_error = datetime.now(UTC), ""
            sent += 1
    return sent, failed


def _due(mail: MailMessage, now: datetime) -> bool:
    if mail.attempts < QUICK_TRIES:
        return True
    created = mail.created_at if mail.created_at.tzinfo else mail.created_at.replace(tzinfo=UTC)
    return now - created >= SLOW_RETRY * (mail.attempts - QUICK_TRIES + 1)


def _send(smtp: SmtpSettings, mail: MailMessage) -> None:
    message = MIMEText(mail.body, "plain", "utf-8")
    message["From"], message["To"] = smtp.sender, mail.recipient
    # Header splits the subject into encoded words with its spaces inside them: EmailMessage folds a long
    # Vietnamese subject between two encoded words, where RFC 2047 drops the space ("đãquá hạn")
    message["Subject"] = Header(mail.subject, "utf-8").encode()
    if smtp.implicit_tls:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=20, context=smtp.tls_context()
        )
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=20)
    with connection:
        if smtp.starttls and not smtp.implicit_tls:
            # smtplib's own default checks no certificate: anyone on the path would read the password
            connection.starttls(context=smtp.tls_context())
        if smtp.username:
            connection.login(smtp.username, smtp.password)
        connection.send_message(message)


def failing(session: Session) -> list[MailMessage]:
    """Mail not gone after a try (or with nowhere to go) about a ticket still waiting for its unit: once
    the unit has answered or returned it, its announcement needs nobody's action any more."""
    return list(
        session.scalars(
            select(MailMessage)
            .join(Forwarding, Forwarding.id == MailMessage.forwarding_id)
            .where(MailMessage.sent_at.is_(None), MailMessage.attempts > 0, Forwarding.state == steps.OPEN)
            .order_by(MailMessage.created_at)
        )
    )
