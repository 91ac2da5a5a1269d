"""The units' web page: sign in, the inbox by deadline, a ticket (citizen masked), answer, return, more time.

Server-rendered (Jinja2), no JavaScript. Sessions are HttpOnly, SameSite=Strict cookies scoped to
/don-vi; every form carries the session's CSRF token; logins share the desks' throttle and log; a unit
reaches only its own tickets (another unit's ticket is "not found", never "forbidden").
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from server.api.deps import Db, Rt
from server.models import Forwarding, Ticket, Unit, UnitAccount, UnitSession
from server.services import access_trail, logins, unit_accounts
from server.services import forwarding as steps
from server.web.pages import HEADERS, set_cookie
from server.web.pages import page as _page

router = APIRouter(prefix="/don-vi", include_in_schema=False)

SESSION_COOKIE = "dv_session"
LOGIN_COOKIE = "dv_login_csrf"
MAX_PDF_BYTES = 5 * 1024 * 1024
INBOX_PAGE = 50  # a phone screen's worth of scrolling; the nearest deadlines come first
LIGHT_TEXT = {"green": "còn hạn", "yellow": "ngày làm việc cuối", "red": "quá hạn"}
EXTENSION_TEXT = {"asked": "đã xin gia hạn", "granted": "đã được gia hạn", "refused": "không được gia hạn"}


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    set_cookie(response, request, name, value, "/don-vi")


def _who(request: Request, rt: Rt, session: Session) -> tuple[UnitAccount, UnitSession] | None:
    return unit_accounts.signed_in(session, rt.settings.secret, request.cookies.get(SESSION_COOKIE))


def _to_login() -> RedirectResponse:
    return RedirectResponse("/don-vi/dang-nhap", status.HTTP_303_SEE_OTHER)


def _today() -> date:
    return datetime.now(steps.VN).date()


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, error: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", {"login_csrf": token, "error": error})
    _cookie(response, request, LOGIN_COOKIE, token)
    return response


@router.post("/dang-nhap")
async def login(request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    if not secrets.compare_digest(str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "-")):
        return _page(request, "login.html", {"login_csrf": "", "error": _EXPIRED}, status.HTTP_403_FORBIDDEN)
    address = request.client.host if request.client else "?"
    with session.begin():
        logged_as = unit_accounts.LOGIN_PREFIX + username.strip().lower()
        locked = logins.lockout(session, logged_as, address)
        account, outcome = (
            (None, "locked") if locked else unit_accounts.authenticate(session, username, password)
        )
        logins.record(session, logged_as, address, "web", outcome)
        cookie = unit_accounts.open_session(session, rt.settings.secret, account) if account else ""
    if account is None:
        error = locked.message(datetime.now(UTC)) if locked else "Sai tên đăng nhập hoặc mật khẩu."
        code = status.HTTP_429_TOO_MANY_REQUESTS if locked else status.HTTP_401_UNAUTHORIZED
        token = secrets.token_urlsafe(24)
        response = _page(
            request, "login.html", {"login_csrf": token, "error": error, "username": username}, code
        )
        _cookie(response, request, LOGIN_COOKIE, token)
        return response
    redirect = RedirectResponse("/don-vi/", status.HTTP_303_SEE_OTHER)
    _cookie(redirect, request, SESSION_COOKIE, cookie)
    redirect.delete_cookie(LOGIN_COOKIE, path="/don-vi")
    return redirect


@router.post("/dang-xuat")
async def logout(request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    with session.begin():
        found = _who(request, rt, session)
        if found is not None and secrets.compare_digest(str(form.get("csrf", "")), found[1].csrf):
            unit_accounts.close_session(session, rt.settings.secret, request.cookies.get(SESSION_COOKIE))
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE, path="/don-vi")
    return response


@router.get("/", response_class=HTMLResponse)
def inbox(request: Request, rt: Rt, session: Db, trang: Annotated[int, Query(ge=1)] = 1) -> Response:
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login()
        account, browser = found
        calendar, today = steps.work_calendar(session), _today()
        total = steps.open_count(session, account.unit_code)
        pages = max(1, -(-total // INBOX_PAGE))
        page = min(trang, pages)  # a page past the end (tickets answered meanwhile) shows the last one
        rows = []
        opened = steps.inbox(session, account.unit_code, INBOX_PAGE, (page - 1) * INBOX_PAGE)
        for forwarding, ticket in opened:
            light = steps.light(forwarding.deadline, today, calendar)
            rows.append(
                {
                    "id": forwarding.id,
                    "code": ticket.code,
                    "deadline": forwarding.deadline.strftime("%d/%m/%Y"),
                    "light": light,
                    "light_text": LIGHT_TEXT[light],
                    "summary": _summary(steps.masked_text(ticket.content)),
                    "extension": EXTENSION_TEXT.get(forwarding.extension_state, ""),
                }
            )
        paging = {"rows": rows, "total": total, "page": page, "pages": pages}
        return _page(request, "inbox.html", _frame(session, account, browser) | paging)


@router.get("/phieu/{forwarding_id}", response_class=HTMLResponse)
def ticket_page(forwarding_id: str, request: Request, rt: Rt, session: Db, notice: str = "") -> Response:
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login()
        account, browser = found
        mine = _mine(session, account, forwarding_id)
        if mine is None:
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _NOT_YOURS}, 404)
        forwarding, ticket = mine
        access_trail.record_access(
            session,
            actor=f"{unit_accounts.LOGIN_PREFIX}{account.username}",
            origin="web",
            subject_kind="ticket",
            subject=ticket.id,
            screen="unit_page",
            reason="open",
        )
        return _ticket(request, session, account, browser, forwarding, ticket, notice=notice)


@router.post("/phieu/{forwarding_id}/{step}")
async def act(forwarding_id: str, step: str, request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login()
        account, browser = found
        if not secrets.compare_digest(str(form.get("csrf", "")), browser.csrf):
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _EXPIRED}, 403)
        mine = _mine(session, account, forwarding_id)
        if mine is None or step not in ("tra-loi", "tra-lai", "gia-han"):
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _NOT_YOURS}, 404)
        forwarding, ticket = mine
        now = datetime.now(UTC)
        try:
            if step == "tra-loi":
                attachment = await _attachment(form.get("pdf"), forwarding.id, rt.settings.files_dir)
                steps.answer(
                    session, forwarding, account, str(form.get("answer", ""))[:20000], attachment, now
                )
                notice = "Đã gửi trả lời. Tổng đài sẽ gọi lại cho người dân."
            elif step == "tra-lai":
                steps.return_to_centre(session, forwarding, account, str(form.get("reason", ""))[:2000], now)
                notice = "Đã trả lại phiếu cho Tổng đài."
            else:
                days = int(str(form.get("days", "0")) or 0) if str(form.get("days", "0")).isdigit() else 0
                steps.ask_for_time(
                    session, forwarding, account, str(form.get("reason", ""))[:2000], days, now
                )
                notice = "Đã gửi đề nghị gia hạn; giám sát viên sẽ trả lời."
        except steps.ForwardRefused as refused:  # refused before anything changed
            return _ticket(
                request, session, account, browser, forwarding, ticket, error=str(refused), code=422
            )
    return RedirectResponse(
        f"/don-vi/phieu/{forwarding_id}?{urlencode({'notice': notice})}", status.HTTP_303_SEE_OTHER
    )


def _mine(session: Session, account: UnitAccount, forwarding_id: str) -> tuple[Forwarding, Ticket] | None:
    forwarding = session.get(Forwarding, forwarding_id[:36])
    if forwarding is None or forwarding.unit_code != account.unit_code:
        return None
    ticket = steps.ticket_by_id(session, forwarding.ticket_id)
    return (forwarding, ticket) if ticket is not None else None


def _ticket(
    request: Request,
    session: Session,
    account: UnitAccount,
    browser: UnitSession,
    forwarding: Forwarding,
    ticket: Ticket,
    *,
    notice: str = "",
    error: str = "",
    code: int = 200,
) -> HTMLResponse:
    light = steps.light(forwarding.deadline, _today(), steps.work_calendar(session))
    context = _frame(session, account, browser) | {
        "id": forwarding.id,
        "code": ticket.code,
        "deadline": forwarding.deadline.strftime("%d/%m/%Y"),
        "light": light,
        "light_text": LIGHT_TEXT[light],
        "received": ticket.received_at.astimezone(steps.VN).strftime("%d/%m/%Y %H:%M"),
        "level": ticket.level,
        "phone": steps.masked_phone(ticket.phone),
        "content": steps.masked_text(ticket.content),
        "operator_note": steps.masked_text(ticket.answer) if forwarding.state == steps.OPEN else "",
        "open": forwarding.state == steps.OPEN,
        "extension_state": forwarding.extension_state,
        "extension_days": forwarding.extension_days,
        "extension_decided": _vn_moment(forwarding.extension_decided_at),
        "state": forwarding.state,
        "sent_answer": forwarding.answer if forwarding.state == "answered" else "",
        "attachment": bool(forwarding.attachment),
        "closed_at": _vn_moment(forwarding.answered_at or forwarding.returned_at),
        "closed_by": forwarding.answered_by,
        "return_reason": forwarding.return_reason,
        "max_mb": MAX_PDF_BYTES // (1024 * 1024),
        "notice": notice[:200],
        "error": error,
    }
    return _page(request, "ticket.html", context, code)


def _vn_moment(moment: datetime | None) -> str:
    return moment.astimezone(steps.VN).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


def _frame(session: Session, account: UnitAccount, browser: UnitSession) -> dict[str, Any]:
    unit = session.get(Unit, account.unit_code)
    return {"account": account, "csrf": browser.csrf, "unit_name": unit.name if unit else account.unit_code}


def _summary(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


async def _attachment(upload: Any, forwarding_id: str, files_dir: str) -> str:
    """The official reply as PDF: checked by its first bytes and its size, kept outside any web root."""
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return ""
    data = await upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise steps.ForwardRefused(
            f"Tệp PDF lớn quá {MAX_PDF_BYTES // (1024 * 1024)} MB; hãy nén hoặc tách tệp."
        )
    if not data.startswith(b"%PDF-"):
        raise steps.ForwardRefused("Tệp đính kèm không phải PDF. Hãy đính kèm văn bản trả lời dạng PDF.")
    folder = attachments_folder(files_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{forwarding_id}.pdf"
    (folder / name).write_bytes(data)
    return name


def attachments_folder(files_dir: str) -> Path:
    """Where the units' PDF replies are kept: the server's files folder, never a web root."""
    return Path(files_dir or Path.cwd() / "tongdai1022-files") / "tra-loi"


def attachment_response(files_dir: str, forwarding: Forwarding, code: str) -> Response | None:
    """The unit's PDF reply as a download (never shown inline), or None when it has none."""
    if not forwarding.attachment:
        return None
    path = attachments_folder(files_dir) / Path(forwarding.attachment).name
    if not path.is_file():
        return None
    response = Response(path.read_bytes(), media_type="application/pdf")
    response.headers.update(HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="tra-loi-{code}.pdf"'
    return response


@router.get("/phieu/{forwarding_id}/van-ban.pdf")
def attachment(forwarding_id: str, request: Request, rt: Rt, session: Db) -> Response:
    """The PDF the unit sent with its answer, for the unit's own staff."""
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login()
        account, browser = found
        mine = _mine(session, account, forwarding_id)
        sent = attachment_response(rt.settings.files_dir, mine[0], mine[1].code) if mine else None
        if sent is None:
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _NOT_YOURS}, 404)
        return sent


_EXPIRED = "Trang đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi làm lại."
_NOT_YOURS = "Không có phiếu này trong danh sách của đơn vị."
