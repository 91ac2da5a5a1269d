"""The public pages (no login): the published answers, searchable and paged, and a citizen's look-up of
their own ticket by its code and the last four digits of their phone number.

Server-rendered, no JavaScript, the units' pages' look. Nothing personal is ever read for these pages
(server.services.publication selects only the published texts); the look-up shows step, unit and answer.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from server.api.deps import Db
from server.services import citizen_lookup, publication
from server.services.citizen_lookup import Found, Throttled
from server.web.pages import page, page_number, set_cookie

router = APIRouter(prefix="/cong-khai", include_in_schema=False)

PAGE_SIZE = 20
LOOKUP_COOKIE = "ck_lookup_csrf"
_EXPIRED = "Trang đã hết hạn. Hãy nhập lại 4 số cuối rồi bấm Tra cứu."


@router.get("/", response_class=HTMLResponse)
def published(
    request: Request,
    session: Db,
    q: str = "",
    trang: str = "1",
) -> Response:
    query = " ".join(q[:1000].split())[:200]  # a pasted page of text is cut, not refused
    with session.begin():
        total = publication.count(session, query)
        pages = max(1, -(-total // PAGE_SIZE))
        current = min(page_number(trang), pages)  # past the end (fewer answers since): the last page
        items = publication.page(session, query, PAGE_SIZE, (current - 1) * PAGE_SIZE)

    def link(number: int) -> str:
        return "/cong-khai/?" + urlencode({"q": query, "trang": number} if query else {"trang": number})

    context: dict[str, Any] = {
        "items": items,
        "query": query,
        "total": total,
        "page": current,
        "pages": pages,
        "link": link,
    }
    return page(request, "published.html", context)


@router.get("/tra-cuu", response_class=HTMLResponse)
def lookup_page(request: Request) -> Response:
    return _lookup(request, {})


@router.post("/tra-cuu", response_class=HTMLResponse)
async def look_up(request: Request, session: Db) -> Response:
    form = await request.form()
    code, digits = str(form.get("code", ""))[:100], str(form.get("digits", "")).strip()[:10]
    # the code typed stays in its field after any refusal (the same whether it exists or not); the four
    # digits are typed again, as a password is
    typed = {"code": " ".join(code.split())[:40]}
    if not secrets.compare_digest(str(form.get("csrf", "")), request.cookies.get(LOOKUP_COOKIE, "-")):
        return _lookup(request, typed | {"error": _EXPIRED}, status.HTTP_403_FORBIDDEN)
    if not citizen_lookup.clean_code(code) or not citizen_lookup.LAST_FOUR.fullmatch(digits):
        return _lookup(
            request, typed | {"error": citizen_lookup.BAD_INPUT}, status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    address = request.client.host if request.client else "?"
    with session.begin():
        outcome = citizen_lookup.look_up(session, address, code, digits)
    if isinstance(outcome, Throttled):
        response = _lookup(request, typed | {"error": outcome.message()}, status.HTTP_429_TOO_MANY_REQUESTS)
        response.headers["Retry-After"] = str(outcome.minutes * 60)
        return response
    if isinstance(outcome, Found):
        return _lookup(request, {"found": outcome})
    # a wrong code and wrong digits: one message, one status, one page
    return _lookup(request, typed | {"error": citizen_lookup.NOT_FOUND}, status.HTTP_404_NOT_FOUND)


def _lookup(request: Request, context: dict[str, Any], code: int = 200) -> HTMLResponse:
    """The look-up page with a fresh form token (a cookie of its own: there is no session to carry it)."""
    token = secrets.token_urlsafe(24)
    response = page(request, "lookup.html", {"lookup_csrf": token, **context}, code)
    set_cookie(response, request, LOOKUP_COOKIE, token, "/cong-khai")
    return response
