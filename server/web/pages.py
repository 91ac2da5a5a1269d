"""What every server-rendered page shares: the templates, the security headers, the cookie rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page(request: Request, name: str, context: dict[str, Any], code: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=code)
    response.headers.update(HEADERS)
    return response


def set_cookie(response: Response, request: Request, name: str, value: str, path: str) -> None:
    """HttpOnly, SameSite=Strict, Secure over HTTPS, scoped to the pages that read it."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=request.url.scheme == "https", path=path
    )


def page_number(typed: str) -> int:
    """`?trang=` as typed or mangled in an address bar: a page number from 1, or the first page (a web page
    answers with a page, never with the API's JSON refusal)."""
    typed = typed.strip()[:7]
    return int(typed) if typed.isascii() and typed.isdigit() and int(typed) > 0 else 1
