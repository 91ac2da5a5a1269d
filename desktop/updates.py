"""Signed updates from the central server: TUF metadata and archives verified by tufup, then installed.

The trust anchor is the province's root.json: the one the desk already updated to, else the machine's
(/etc/tongdai1022/update-root.json, put there by IT for a package built without one), else the one
built into the installer (resources/updates/root.json); without one the desk has no updates and says
so. Nothing is run or installed before tufup has checked signatures, version, length and hash; a
verified release goes into the user's own versions folder (desktop/app_versions.py), never into the
program folder, and any failure leaves the running version as it is and says what happened in Vietnamese.
The server's certificate is checked as the sync checks it: with the province's CA file when one is set
(settings' sync_ca_file), else the system's CAs.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.resources import resources_dir

APP_NAME = "tongdai1022"
CHECK_EVERY_MS = 4 * 60 * 60 * 1000
SHIPPED_ROOT = "updates/root.json"
MACHINE_ROOT = Path("/etc/tongdai1022/update-root.json")  # IT's, root-owned; Linux only


class UpdateError(Exception):
    """Why no update was found or installed, said to the operator; the current version keeps running."""


@dataclass(frozen=True)
class UpdateOffer:
    version: str
    size: int  # bytes to download
    required: bool


def update_folder(data_dir: Path) -> Path:
    return data_dir / "updates"


def trusted_root(data_dir: Path) -> Path | None:
    """The root metadata the desk trusts: the one it already updated to, else the machine's, else the
    installer's."""
    kept = update_folder(data_dir) / "metadata" / "root.json"
    if kept.exists():
        return kept
    if sys.platform.startswith("linux") and MACHINE_ROOT.is_file():
        return MACHINE_ROOT
    shipped = resources_dir() / SHIPPED_ROOT
    return shipped if shipped.exists() else None


def versions_target() -> Path | None:
    """Where updates of the running desk go, when it runs from an installer's bundle; None from source
    (a source checkout is updated with git and pip)."""
    if getattr(sys, "frozen", False):
        from desktop.app_versions import versions_folder

        return versions_folder()
    return None


def writable(folder: Path) -> bool:
    """Whether `folder` is, or can be made as, a folder this user writes."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


def explain(error: BaseException) -> str:
    """What a failure means for the operator and what to do, in Vietnamese."""
    import requests
    from tuf.api import exceptions as tuf

    keep = " Phần mềm không cài gì và tiếp tục chạy bản hiện tại."
    if isinstance(error, UpdateError):
        return str(error)
    if isinstance(error, tuf.UnsignedMetadataError):
        return (
            "Thông tin cập nhật trên máy chủ không có chữ ký hợp lệ của tỉnh (ký bằng khóa khác hoặc đã bị "
            "sửa)." + keep + " Hãy báo bộ phận CNTT."
        )
    if isinstance(error, tuf.BadVersionNumberError):
        return (
            "Máy chủ đưa ra thông tin cập nhật cũ hơn thông tin máy này đã biết (có thể bị quay lui)."
            + keep
            + " Hãy báo bộ phận CNTT."
        )
    if isinstance(error, tuf.ExpiredMetadataError):
        return (
            "Thông tin cập nhật trên máy chủ đã hết hạn." + keep + " Bộ phận CNTT cần ký lại bản phát hành."
        )
    if isinstance(error, tuf.LengthOrHashMismatchError):
        return "Tệp cập nhật tải về không khớp với bản đã ký (bị sửa hoặc tải dở)." + keep + " Thử lại sau."
    if _certificate_refused(error):
        return (
            "Chứng chỉ của máy chủ cập nhật không hợp lệ hoặc không được tin cậy, nên phần mềm không tải gì "
            "từ đó." + keep + " Hãy kiểm tra ngày giờ của máy này; nếu tỉnh dùng chứng chỉ do mình cấp, nhờ "
            "bộ phận CNTT cài tệp CA của tỉnh (sync_ca_file, hoặc --ca-file khi chạy lệnh update)."
        )
    if isinstance(error, tuf.DownloadError | tuf.RepositoryError) or _caused_by(
        error, requests.RequestException
    ):
        # a server gone mid-download breaks the stream tuf reads: requests' error, an OSError, reaches us
        return (
            "Không tải được bản cập nhật từ máy chủ (mất kết nối hoặc máy chủ lỗi)." + keep + " Thử lại sau."
        )
    if isinstance(error, PermissionError):
        return (
            "Không có quyền ghi vào thư mục các phiên bản của phần mềm"
            + (f" ({error.filename})" if error.filename else "")
            + "."
            + keep
            + " Bộ phận CNTT cài bản mới bằng bộ cài."
        )
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "Ổ đĩa đầy nên không cài được bản cập nhật." + keep + " Giải phóng ổ đĩa rồi thử lại."
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"Không cài được bản cập nhật ({reason})." + keep
    return f"Không cập nhật được ({type(error).__name__})." + keep


def _caused_by(error: BaseException, kinds: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
    """Whether the failure, or what caused it (tuf wraps the fetcher's errors), is one of `kinds`."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _certificate_refused(error: BaseException) -> bool:
    import ssl

    import requests

    return _caused_by(error, (requests.exceptions.SSLError, ssl.SSLCertVerificationError))


def _verifying_fetcher(ca_file: str) -> Any:
    """tufup's fetcher (progress hook and all) whose sessions check the server's certificate with the
    province's CA file, or the system's CAs when none is set."""
    from urllib import parse

    import requests
    from tuf.api.exceptions import DownloadError
    from tufup.client import AuthRequestsFetcher

    verify: str | bool = ca_file or True

    class VerifyingSession(requests.Session):
        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("verify", verify)  # per request: REQUESTS_CA_BUNDLE must not win
            return super().request(method, url, *args, **kwargs)

    class VerifyingFetcher(AuthRequestsFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self._verifying: dict[tuple[str, str], requests.Session] = {}

        def _get_session(self, url: str) -> requests.Session:
            parsed = parse.urlparse(url)
            if not parsed.scheme:
                raise DownloadError(f"Failed to parse URL {url}")
            key = (parsed.scheme, parsed.hostname or "")
            if key not in self._verifying:
                session = VerifyingSession()
                session.headers["User-Agent"] = f"tongdai1022-desk {requests.utils.default_user_agent()}"
                self._verifying[key] = session
            return self._verifying[key]

    return VerifyingFetcher()


class Updater:
    """One look at the server's releases for this desk (a fresh tufup client each time: TUF refreshes
    its metadata once per client). Runs on a worker thread."""

    def __init__(
        self,
        server_url: str,
        data_dir: Path,
        *,
        current_version: str = __version__,
        root: Path | None = None,
        ca_file: str = "",
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.folder = update_folder(data_dir)
        self.current_version = current_version
        self.root = root or trusted_root(data_dir)
        self.ca_file = ca_file.strip()
        self.offer: UpdateOffer | None = None
        self._client: Any = None

    def _new_client(self) -> Any:
        from tufup.client import Client

        if self.root is None:
            raise UpdateError(
                "Bản cài đặt này không có khóa xác minh bản cập nhật của tỉnh, nên không tự cập nhật được. "
                "Hãy nhờ bộ phận CNTT cài bằng bộ cài mới."
            )
        if self.ca_file and not Path(self.ca_file).is_file():
            raise UpdateError(
                f"Không có tệp CA «{self.ca_file}» (chứng chỉ của tỉnh để kiểm tra máy chủ), nên phần mềm "
                "không kiểm tra được bản cập nhật. Nhờ bộ phận CNTT sửa sync_ca_file trong cài đặt."
            )
        metadata, targets = self.folder / "metadata", self.folder / "targets"
        metadata.mkdir(parents=True, exist_ok=True)
        targets.mkdir(parents=True, exist_ok=True)
        kept = metadata / "root.json"
        if not kept.exists():
            shutil.copyfile(self.root, kept)

        class _OnceRefreshed(Client):  # type: ignore[misc]
            """tufup refreshes inside check_for_updates; the desk refreshes first to see the errors."""

            refreshed = False

            def refresh(self) -> None:
                if not self.refreshed:
                    super().refresh()
                    self.refreshed = True

        client = _OnceRefreshed(
            app_name=APP_NAME,
            app_install_dir=self.folder / "unused",
            current_version=self.current_version,
            metadata_dir=metadata,
            metadata_base_url=f"{self.server_url}/updates/metadata/",
            target_dir=targets,
            target_base_url=f"{self.server_url}/updates/targets/",
            extract_dir=self.folder / "extracted",
        )
        # tufup builds its own fetcher and takes none; tuf's Updater reads it from _fetcher at each download
        client._fetcher = _verifying_fetcher(self.ca_file)
        return client

    def check(self) -> UpdateOffer | None:
        """A newer signed release, or None. Raises when the metadata cannot be trusted or fetched."""
        client = self._new_client()
        client.refresh()  # raises: wrong key, rolled back, expired, unreachable
        found = client.check_for_updates()
        self._client = client
        if found is None:
            self.offer = None
            return None
        info = client.new_archive_info
        required = bool((found.custom_internal or {}).get("required"))
        self.offer = UpdateOffer(str(found.version), int(info.length) if info else 0, required)
        return self.offer

    def install_version(
        self,
        versions: Path,
        running: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """The offered release, verified, into `versions/<version>/`, then named the one to start
        (desktop/app_versions.py): the installed program and the running desk are left as they are."""
        from desktop.app_versions import SAFE_VERSION, record_installed

        offer = self.offer
        if offer is None or not SAFE_VERSION.match(offer.version):
            raise UpdateError("Chưa có bản cập nhật nào để cài: hãy kiểm tra cập nhật trước.")
        versions.mkdir(parents=True, exist_ok=True)
        folder = self.download_and_install(versions / offer.version, progress)
        record_installed(versions, offer.version, running)
        return folder

    def download_and_install(
        self, install_dir: Path, progress: Callable[[int, int], None] | None = None
    ) -> Path:
        """Downloads the offered archive (length and hash checked by tufup), unpacks it and puts it in
        `install_dir` only when complete: a failure at any step leaves `install_dir` untouched."""
        if self._client is None or not self._client.updates_available:
            raise UpdateError("Chưa có bản cập nhật nào để cài: hãy kiểm tra cập nhật trước.")
        installed: list[Path] = []

        def install(src_dir: Path | str, dst_dir: Path | str, **_kwargs: Any) -> None:
            installed.append(replace_folder(Path(src_dir), Path(dst_dir)))

        def hook(bytes_downloaded: int, bytes_expected: int) -> None:
            if progress is not None:
                progress(bytes_downloaded, bytes_expected)

        self._client.app_install_dir = install_dir
        self._client.download_and_apply_update(
            skip_confirmation=True, install=install, progress_hook=hook if progress else None
        )
        if not installed:
            raise UpdateError("Bản cập nhật không tải được đầy đủ." + " Phần mềm tiếp tục chạy bản hiện tại.")
        return installed[0]


def replace_folder(new: Path, target: Path) -> Path:
    """Copies `new` beside `target`, then swaps the two: the old version stays until the copy is whole."""
    staging = target.with_name(target.name + ".moi")
    previous = target.with_name(target.name + ".cu")
    shutil.rmtree(staging, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    needed = sum(path.stat().st_size for path in new.rglob("*") if path.is_file())
    if shutil.disk_usage(target.parent).free < needed:
        raise OSError(errno.ENOSPC, "not enough free space for the new version", str(target.parent))
    try:
        shutil.copytree(new, staging)
    except shutil.Error as error:  # copytree gathers each file's OSError as text: the errno is in it
        shutil.rmtree(staging, ignore_errors=True)
        full = f"[Errno {errno.ENOSPC}]" in str(error)
        raise OSError(errno.ENOSPC if full else errno.EIO, "the new version could not be copied") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    return target
