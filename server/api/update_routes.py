"""The signed desk releases, read-only: TUF metadata and archives as `publish-release` left them.

No sign-in: everything here is signed by the province's offline keys and verified by the desk, and a
desk too old to sign in (HTTP 426) must still reach its update."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

from server.api.deps import Rt
from server.services.releases import served_file

router = APIRouter(prefix="/updates", tags=["updates"])


def _file(rt: Rt, kind: str, name: str) -> FileResponse:
    folder = rt.settings.updates_dir
    found = served_file(Path(folder), kind, name) if folder else None
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có tệp cập nhật này.")
    media = "application/json" if kind == "metadata" else "application/octet-stream"
    return FileResponse(found, media_type=media)


@router.get("/metadata/{name}", response_class=FileResponse)
def metadata(name: str, rt: Rt) -> FileResponse:
    return _file(rt, "metadata", name)


@router.get("/targets/{name}", response_class=FileResponse)
def targets(name: str, rt: Rt) -> FileResponse:
    return _file(rt, "targets", name)
