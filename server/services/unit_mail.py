"""Mail to units: a ticket forwarded to them, its deadline tomorrow, its deadline passed. Queued in the
transaction of what it announces; sent by `send-mail` (run by cron every few minutes), retried until it
goes, every failure kept for the admin. A mail names the ticket and its deadline, never the citizen."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Forwarding, MailMessage, Unit, UnitAccount
from server.services import forwarding as steps

MAX_ATTEMPTS = 20
SUBJECTS = {
    "forwarded": "[Tổng đài 1022] Phiếu {code} chuyển đến đơn vị, hạn trả lời {deadline}",
    "due_tomorrow": "[Tổng đài 1022] Phiếu {code} đến hạn trả lời ngày mai ({deadline})",
    "overdue": "[Tổng đài 1022] Phiếu {code} đã quá hạn trả lời ({deadline})",
}


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


def queue(session: Session, forwarding: Forwarding, kind: str, base_url: str = "") -> int:
    """One mail per active account of the unit with an address; none twice for the same step."""
    already = session.scalar(
        select(MailMessage.id).where(MailMessage.forwarding_id == forwarding.id, MailMessage.kind == kind)
    )
    if already:
        return 0
    ticket = steps.ticket_by_id(session, forwarding.ticket_id)
    unit = session.get(Unit, forwarding.unit_code)
    code = ticket.code if ticket is not None else forwarding.ticket_id
    deadline = forwarding.deadline.strftime("%d/%m/%Y")
    link = f"{base_url.rstrip('/')}/don-vi/phieu/{forwarding.id}" if base_url else "/don-vi/"
    body = (
        f"Kính gửi {unit.name if unit else forwarding.unit_code},\n\n"
        f"Phiếu {code} của Tổng đài 1022 {_what(kind)}, hạn trả lời ngày {deadline}.\n"
        f"Xem nội dung và trả lời tại: {link}\n\n"
        "Thư này gửi tự động; thông tin của người dân chỉ xem được trên trang của đơn vị.\n"
    )
    recipients = session.scalars(
        select(UnitAccount.email).where(
            UnitAccount.unit_code == forwarding.unit_code,
            UnitAccount.active.is_(True),
            UnitAccount.email != "",
        )
    ).all()
    for recipient in recipients:
        session.add(
            MailMessage(
                id=str(uuid.uuid4()),
                forwarding_id=forwarding.id,
                kind=kind,
                recipient=recipient,
                subject=SUBJECTS[kind].format(code=code, deadline=deadline),
                body=body,
                created_at=datetime.now(UTC),
            )
        )
    return len(recipients)


def _what(kind: str) -> str:
    return {
        "forwarded": "vừa được chuyển đến đơn vị",
        "due_tomorrow": "đến hạn trả lời vào ngày mai",
        "overdue": "đã quá hạn trả lời",
    }[kind]


def queue_reminders(session: Session, today: date, base_url: str = "") -> int:
    """The day before a deadline (the last working day before it) and once it has passed."""
    calendar = steps.work_calendar(session)
    queued = 0
    for forwarding in session.scalars(select(Forwarding).where(Forwarding.state == steps.OPEN)):
        if today > forwarding.deadline:
            queued += queue(session, forwarding, "overdue", base_url)
        elif calendar.working_days_between(today, forwarding.deadline) == 1:
            queued += queue(session, forwarding, "due_tomorrow", base_url)
    return queued


def send_pending(session: Session, smtp: SmtpSettings) -> tuple[int, int]:
    """Sends what waits; returns (sent, failed). Each failure keeps the mail for the next run."""
    pending = session.scalars(
        select(MailMessage)
        .where(MailMessage.sent_at.is_(None), MailMessage.attempts < MAX_ATTEMPTS)
        .order_by(MailMessage.created_at)
    ).all()
    sent = failed = 0
    for mail in pending:
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


def _send(smtp: SmtpSettings, mail: MailMessage) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, mail.recipient, mail.subject
    message.set_content(mail.body)
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
    return list(
        session.scalars(
            select(MailMessage)
            .where(MailMessage.sent_at.is_(None), MailMessage.attempts > 0)
            .order_by(MailMessage.created_at)
        )
    )
