"""The units' web page: sign in, the inbox by deadline, a ticket (citizen masked), answer, return, more time.

Server-rendered (Jinja2), no JavaScript. Sessions are HttpOnly, SameSite=Strict cookies scoped to
/don-vi; every form carries the session's CSRF token; logins share the desks' throttle and log; a unit
reaches only its own tickets (another unit's ticket is "not found", never "forbidden").
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from server.api.deps import Db, Rt
from server.models import Forwarding, Ticket, Unit, UnitAccount, UnitSession
from server.services import access_trail, citizen_masking, logins, unit_accounts
from server.services import forwarding as steps
from server.web.pages import HEADERS, page_number, set_cookie
from server.web.pages import page as _page

router = APIRouter(prefix="/don-vi", include_in_schema=False)

SESSION_COOKIE = "dv_session"
LOGIN_COOKIE = "dv_login_csrf"
MAX_PDF_BYTES = 5 * 1024 * 1024
INBOX_PAGE = 50  # a phone screen's worth of scrolling; the nearest deadlines come first
LIGHT_TEXT = {"green": "còn hạn", "yellow": "ngày làm việc cuối", "red": "quá hạn"}
# the light's shape as well as its colour: read by the colour-blind, and by screen readers through its label
LIGHT_SIGN = {"green": "✓", "yellow": "!", "red": "✕"}
STEPS = ("tra-loi", "tra-lai", "gia-han")
DONE = {
    "tra-loi": "Đã gửi trả lời. Tổng đài sẽ gọi lại cho người dân.",
    "tra-lai": "Đã trả lại phiếu cho Tổng đài.",
    "gia-han": "Đã gửi đề nghị gia hạn; giám sát viên sẽ trả lời.",
}
_FORWARDING_ID = re.compile(r"[0-9a-f-]{36}")


@dataclass(frozen=True)
class Draft:
    """What the staff member typed in a form that did not go: shown again in the same form, never lost."""

    step: str = ""
    text: str = ""
    days: str = ""

    @classmethod
    def of(cls, step: str, form: Any) -> Draft:
        field = "answer" if step == "tra-loi" else "reason"
        return cls(step, str(form.get(field, ""))[:20000], str(form.get("days", ""))[:3])


EXTENSION_TEXT = {"asked": "đã xin gia hạn", "granted": "đã được gia hạn", "refused": "không được gia hạn"}


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    set_cookie(response, request, name, value, "/don-vi")


def _who(request: Request, rt: Rt, session: Session) -> tuple[UnitAccount, UnitSession] | None:
    return unit_accounts.signed_in(session, rt.settings.secret, request.cookies.get(SESSION_COOKIE))


def _to_login(request: Request, forwarding_id: str = "") -> RedirectResponse:
    """To the login page, which says so when a session had expired, and leads back to the ticket after."""
    query = {"tiep": forwarding_id} if _FORWARDING_ID.fullmatch(forwarding_id) else {}
    if request.cookies.get(SESSION_COOKIE):
        query["het-han"] = "1"
    where = "/don-vi/dang-nhap" + (f"?{urlencode(query)}" if query else "")
    return RedirectResponse(where, status.HTTP_303_SEE_OTHER)


def _today() -> date:
    return datetime.now(steps.VN).date()


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    expired = request.query_params.get("het-han") == "1"
    error = "Phiên đăng nhập đã hết hạn hoặc đã đăng xuất. Hãy đăng nhập lại." if expired else ""
    notice = "Đã đăng xuất." if request.query_params.get("da-ra") == "1" else ""
    context = {"error": error, "notice": notice, "next": _next(request.query_params.get("tiep", ""))}
    return _login_form(request, context)


def _login_form(request: Request, context: dict[str, Any], code: int = 200) -> HTMLResponse:
    """The login form with a fresh form token in a cookie of its own (there is no session yet)."""
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", {"login_csrf": token, "draft": Draft()} | context, code)
    _cookie(response, request, LOGIN_COOKIE, token)
    return response


def _next(forwarding_id: str) -> str:
    return forwarding_id if _FORWARDING_ID.fullmatch(forwarding_id) else ""


@router.post("/dang-nhap")
async def login(request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    forwarding_id = _next(str(form.get("tiep", "")))
    step = str(form.get("draft_step", ""))
    draft = Draft(step, str(form.get("draft_text", ""))[:20000], str(form.get("draft_days", ""))[:3])
    draft = draft if step in STEPS else Draft()
    again = {"username": username, "next": forwarding_id, "draft": draft}
    if not secrets.compare_digest(str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "-")):
        return _login_form(request, again | {"error": _EXPIRED_LOGIN}, status.HTTP_403_FORBIDDEN)
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
        error = locked.message(datetime.now(UTC)) if locked else _WRONG_PASSWORD
        code = status.HTTP_429_TOO_MANY_REQUESTS if locked else status.HTTP_401_UNAUTHORIZED
        return _login_form(request, again | {"error": error}, code)
    response: Response = RedirectResponse(
        f"/don-vi/phieu/{forwarding_id}" if forwarding_id else "/don-vi/", status.HTTP_303_SEE_OTHER
    )
    if forwarding_id and draft.step:  # signed in again to send what was typed: the ticket with it
        with session.begin():
            found = unit_accounts.signed_in(session, rt.settings.secret, cookie)
            mine = _mine(session, found[0], forwarding_id) if found else None
            if found is not None and mine is not None:
                response = _ticket(request, session, *found, *mine, draft=draft, notice=_DRAFT_KEPT)
    _cookie(response, request, SESSION_COOKIE, cookie)
    response.delete_cookie(LOGIN_COOKIE, path="/don-vi")
    return response


@router.post("/dang-xuat")
async def logout(request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    with session.begin():
        found = _who(request, rt, session)
        if found is not None and secrets.compare_digest(str(form.get("csrf", "")), found[1].csrf):
            unit_accounts.close_session(session, rt.settings.secret, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/don-vi/dang-nhap?da-ra=1", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/don-vi")
    return response


@router.get("/", response_class=HTMLResponse)
def inbox(request: Request, rt: Rt, session: Db, trang: str = "1") -> Response:
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login(request)
        account, browser = found
        calendar, today = steps.work_calendar(session), _today()
        total = steps.open_count(session, account.unit_code)
        pages = max(1, -(-total // INBOX_PAGE))
        page = min(page_number(trang), pages)  # past the end (answered meanwhile): the last
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
                    "light_sign": LIGHT_SIGN[light],
                    "summary": _summary(citizen_masking.masked_citizen(ticket.content, ticket.citizen_name)),
                    "extension": EXTENSION_TEXT.get(forwarding.extension_state, ""),
                }
            )
        paging = {"rows": rows, "total": total, "page": page, "pages": pages}
        return _page(request, "inbox.html", _frame(session, account, browser) | paging)


@router.get("/phieu/{forwarding_id}", response_class=HTMLResponse)
def ticket_page(forwarding_id: str, request: Request, rt: Rt, session: Db, xong: str = "") -> Response:
    with session.begin():
        found = _who(request, rt, session)
        if found is None:
            return _to_login(request, forwarding_id)
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
        # what was done is named by a code: no text from the address bar is ever shown as the site's word
        return _ticket(request, session, account, browser, forwarding, ticket, notice=DONE.get(xong, ""))


@router.post("/phieu/{forwarding_id}/{step}")
async def act(forwarding_id: str, step: str, request: Request, rt: Rt, session: Db) -> Response:
    form = await request.form()
    draft = Draft.of(step, form) if step in STEPS else Draft()
    with session.begin():
        found = _who(request, rt, session)
        if found is None:  # the session ran out while they wrote: sign in again, the text goes along
            context = {"error": _SESSION_GONE, "next": _next(forwarding_id), "draft": draft}
            return _login_form(request, context, status.HTTP_401_UNAUTHORIZED)
        account, browser = found
        mine = _mine(session, account, forwarding_id) if step in STEPS else None
        if not secrets.compare_digest(str(form.get("csrf", "")), browser.csrf):
            if mine is None:
                context = _frame(session, account, browser) | {"error": _FORM_INVALID}
                return _page(request, "base.html", context, 403)
            return _ticket(request, session, account, browser, *mine, draft=draft, error=_STALE, code=403)
        if mine is None:
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _NOT_YOURS}, 404)
        forwarding, ticket = mine
        now = datetime.now(UTC)
        try:
            if step == "tra-loi":
                pdf = await _pdf(form.get("pdf"))
                name = f"{forwarding.id}.pdf" if pdf else ""
                steps.answer(session, forwarding, account, draft.text, name, now)
                if pdf:
                    _keep(pdf, name, rt.settings.files_dir)
            elif step == "tra-lai":
                steps.return_to_centre(session, forwarding, account, draft.text[:2000], now)
            else:
                days = int(draft.days) if draft.days.isdigit() else 0
                steps.ask_for_time(session, forwarding, account, draft.text[:2000], days, now)
        except steps.ForwardRefused as refused:  # refused before anything changed
            return _ticket(
                request,
                session,
                account,
                browser,
                forwarding,
                ticket,
                draft=draft,
                error=str(refused),
                code=422,
            )
    return RedirectResponse(
        f"/don-vi/phieu/{forwarding_id}?{urlencode({'xong': step})}", status.HTTP_303_SEE_OTHER
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
    draft: Draft = Draft(),
) -> HTMLResponse:
    light = steps.light(forwarding.deadline, _today(), steps.work_calendar(session))
    context = _frame(session, account, browser) | {
        "id": forwarding.id,
        "code": ticket.code,
        "deadline": forwarding.deadline.strftime("%d/%m/%Y"),
        "light": light,
        "light_text": LIGHT_TEXT[light],
        "light_sign": LIGHT_SIGN[light],
        "received": ticket.received_at.astimezone(steps.VN).strftime("%d/%m/%Y %H:%M"),
        "level": ticket.level,
        "phone": citizen_masking.masked_phone(ticket.phone),
        # the unit needs the question, not the person: no name, phone or ID number, however written; the
        # places named stay (the unit often has to go where the problem is)
        "content": citizen_masking.masked_citizen(ticket.content, ticket.citizen_name),
        "operator_note": (
            citizen_masking.masked_citizen(ticket.answer, ticket.citizen_name)
            if forwarding.state == steps.OPEN
            else ""
        ),
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
        "notice": notice,
        "error": error,
        "draft": draft,
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


async def _pdf(upload: Any) -> bytes:
    """The official reply as PDF, checked by its size and its content (not its name); b"" when none."""
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return b""
    name = Path(str(upload.filename)).name[:80]
    data = bytes(await upload.read(MAX_PDF_BYTES + 1))
    if len(data) > MAX_PDF_BYTES:
        raise steps.ForwardRefused(
            f"Chưa gửi được: tệp «{name}» lớn hơn {MAX_PDF_BYTES // (1024 * 1024)} MB. Hãy nén hoặc tách "
            f"tệp, chọn lại rồi bấm «Gửi trả lời». {_TEXT_KEPT}"
        )
    if not data.startswith(b"%PDF-"):
        named = " dù tên có đuôi .pdf" if name.lower().endswith(".pdf") else ""
        raise steps.ForwardRefused(
            f"Chưa gửi được: tệp «{name}» không phải văn bản PDF (nội dung tệp không đúng định dạng PDF"
            f"{named}). Hãy chọn tệp PDF của văn bản trả lời rồi bấm «Gửi trả lời», hoặc gửi không kèm "
            f"tệp. {_TEXT_KEPT}"
        )
    return data


def _keep(data: bytes, name: str, files_dir: str) -> None:
    """Kept outside any web root, under the forwarding's id (never the name the browser sent)."""
    folder = attachments_folder(files_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / name).write_bytes(data)


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
            return _to_login(request, forwarding_id)
        account, browser = found
        mine = _mine(session, account, forwarding_id)
        sent = attachment_response(rt.settings.files_dir, mine[0], mine[1].code) if mine else None
        if sent is None:
            return _page(request, "base.html", _frame(session, account, browser) | {"error": _NOT_YOURS}, 404)
        return sent


_EXPIRED_LOGIN = "Trang đăng nhập đã cũ. Hãy nhập lại mật khẩu rồi bấm «Đăng nhập»."
_TEXT_KEPT = "Nội dung anh/chị đã viết vẫn còn bên dưới."
_STALE = (
    "Chưa gửi được: trang này đã cũ (có thể anh/chị đã đăng nhập lại ở thẻ khác). "
    f"{_TEXT_KEPT} Hãy kiểm tra rồi bấm gửi lại."
)
_SESSION_GONE = (
    "Chưa gửi được: phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; nội dung anh/chị đã viết được giữ "
    "và hiện lại trong phiếu để gửi (tệp PDF, nếu có, cần chọn lại)."
)
_WRONG_PASSWORD = (
    "Sai tên đăng nhập hoặc mật khẩu. Hãy nhập lại (mật khẩu phân biệt chữ hoa, chữ thường); quên mật khẩu "
    "thì nhờ quản trị Tổng đài 1022 của tỉnh đặt lại."
)
_FORM_INVALID = "Trang đã cũ hoặc không hợp lệ. Hãy mở lại phiếu từ danh sách rồi làm lại."
_DRAFT_KEPT = "Đã đăng nhập lại. Nội dung anh/chị đã viết vẫn ở đây, chưa gửi: hãy kiểm tra rồi bấm gửi."
_NOT_YOURS = "Không có phiếu này trong danh sách của đơn vị."
