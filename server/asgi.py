"""`app()`: the factory uvicorn workers call (settings from the environment; the CLI migrated first)."""

from __future__ import annotations

from fastapi import FastAPI

from server.api.app import create_app
from server.core.settings import Settings


def app() -> FastAPI:
    return create_app(Settings.from_env())
