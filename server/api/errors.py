"""What the server answers and logs when a request is wrong or a bug bites: no request data in either.

A 422 lists where and why (never the input: it may be a password, a citizen's number, or a value such
as 1e309 or a lone surrogate that JSON cannot even write back); a 500 is logged with its kind and the
place in our code, never the exception's text, which may quote the request.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("server.errors")
Next = Callable[[Request], Awaitable[Response]]
OUR_CODE = ("/server/", "/protocol/", "/reports/")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]

    @app.middleware("http")
    async def contain_errors(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            return await call_next(request)
        except Exception as error:  # the last resort: the request's data stays out of the log
            frames = traceback.extract_tb(error.__traceback__)
            ours = [
                frame for frame in frames if "/server/" in frame.filename or "/protocol/" in frame.filename
            ]
            where = f"{ours[-1].filename.rsplit('/', 2)[-1]}:{ours[-1].lineno}" if ours else "?"
            log.error("500 on %s %s: %s at %s", request.method, request.url.path, type(error).__name__, where)
            return JSONResponse(
                {"detail": "Máy chủ gặp lỗi khi xử lý yêu cầu này; quản trị viên đã được ghi nhận lỗi."},
                status_code=500,
            )


async def _invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {"loc": list(problem.get("loc", ())), "msg": problem.get("msg", ""), "type": problem.get("type", "")}
        for problem in error.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)
