"""The FastAPI application: built from settings by `create_app`; nothing happens on import."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from protocol import MAX_BODY_BYTES, PROTOCOL_VERSION
from server.api import (
    admin_routes,
    errors,
    forwarding_routes,
    report_routes,
    revision_routes,
    security_routes,
    supervisor_routes,
    sync_routes,
    update_routes,
)
from server.api.deps import Db, Runtime
from server.api.limits import BodyLimit
from server.core.settings import Settings
from server.db import create_server_engine, session_factory
from server.web import public_routes as public_pages
from server.web import routes as unit_pages


def create_app(settings: Settings) -> FastAPI:
    """The app on the settings' database; the CLI has migrated it before this is served."""
    app = FastAPI(
        title="Tổng đài 1022 — máy chủ đồng bộ",
        version=f"protocol-{PROTOCOL_VERSION}",
        description="Accounts, sync (push/pull), catalogs and presence for Tổng đài 1022 desktops.",
        # No /docs or /redoc: their pages load scripts from a CDN; /openapi.json stays for tools.
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    engine = create_server_engine(settings.database_url)
    app.state.runtime = Runtime(settings=settings, sessions=session_factory(engine))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes or MAX_BODY_BYTES)
    app.include_router(sync_routes.router)
    app.include_router(supervisor_routes.router)
    app.include_router(revision_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(report_routes.router)
    app.include_router(update_routes.router)
    app.include_router(security_routes.router)
    app.include_router(unit_pages.router)
    app.include_router(public_pages.router)
    app.include_router(forwarding_routes.router)

    @app.get("/health", tags=["health"])
    def health(session: Db) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok", "protocol_version": str(PROTOCOL_VERSION)}

    return app
