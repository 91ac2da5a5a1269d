"""`tongdai1022 doctor`: checks what a desk needs, says what to do about each failure, and writes a
support bundle with no personal data and no secrets."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.store.cipher import StoreKey

OK, WARN, FAIL = "ok", "warn", "fail"
SHOWN = {OK: "[  ĐẠT  ]", WARN: "[CẢNH BÁO]", FAIL: "[  LỖI  ]"}
LOW_DISK_BYTES = 1_000_000_000
FULL_DISK_BYTES = 200_000_000
CLOCK_WARN_SECONDS = 60
CERTIFICATE_WARN_DAYS = 30


@dataclass(frozen=True)
class Check:
    """One thing the desk needs: how it stands and, when it is not right, what to do."""

    key: str
    title: str
    status: str
    detail: str = ""
    advice: str = ""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "doctor",
        help="kiểm tra máy trạm (dữ liệu, ổ đĩa, kho khóa, âm thanh, máy chủ, tổng đài) cho bộ phận CNTT",
    )
    if add_common is not None:
        add_common(parser)
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument(
        "--zip",
        metavar="TỆP.zip",
        help="ghi gói hỗ trợ (phiên bản, cài đặt, nhật ký, kết quả kiểm tra) ra tệp này",
    )
    parser.add_argument(
        "--no-network", action="store_true", help="không kiểm tra máy chủ trung tâm và tổng đài (chỉ máy này)"
    )
    return parser


def run(args: argparse.Namespace, data_dir: Path) -> int:
    key = _store_key_if_any(args, data_dir)
    checks = run_checks(data_dir, network=not args.no_network, key=key)
    if args.json:
        print(json.dumps([asdict(check) for check in checks], ensure_ascii=False, indent=2))
    else:
        for check in checks:
            print(f"{SHOWN[check.status]} {check.title}: {check.detail}")
            if check.advice and check.status != OK:
                print(f"           → {check.advice}")
    if args.zip:
        from desktop.support_bundle import write_bundle

        try:
            written = write_bundle(
                Path(args.zip), data_dir, checks, key=key if not isinstance(key, str) else None
            )
        except OSError as error:
            print(f"Lỗi: không ghi được gói hỗ trợ «{args.zip}»: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"Đã ghi gói hỗ trợ: {written} (không có dữ liệu cá nhân hay mật khẩu).", file=sys.stderr)
    return 1 if any(check.status == FAIL for check in checks) else 0


def run_checks(
    data_dir: Path, *, network: bool = True, sound: Check | None = None, key: StoreKey | str | None = None
) -> list[Check]:
    """Every check; `sound` is given when the caller read the devices on Qt's GUI thread already,
    `key` when the caller has the store open."""
    from desktop.settings import Settings

    settings = Settings.load(data_dir) if (data_dir / "settings.json").exists() else Settings()
    checks = [
        check_data_folder(data_dir),
        check_store(data_dir, key),
        check_disk(data_dir),
        check_keyring(),
        sound or check_sound(),
    ]
    if network:
        checks += [check_server(settings), check_sip(settings)]
    return checks


def _store_key_if_any(args: argparse.Namespace, data_dir: Path) -> StoreKey | str | None:
    """The key of an encrypted store when this session can have it, else why not when the store has
    a problem beyond a passphrase not given; the doctor makes no key of its own."""
    from desktop.commands.store_access import StoreUnavailable, command_store_key
    from desktop.store.cipher import is_plaintext
    from desktop.store.engine import DB_FILENAME

    path = data_dir / DB_FILENAME
    if not path.exists() or is_plaintext(path):
        return None
    try:
        return command_store_key(args, data_dir)
    except StoreUnavailable as error:
        return None if error.needs_passphrase else str(error)


def check_data_folder(data_dir: Path) -> Check:
    title = "Thư mục dữ liệu"
    probe = data_dir / f".doctor-{os.getpid()}"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        return Check(
            "data_folder",
            title,
            FAIL,
            f"không ghi được vào «{data_dir}» ({error.strerror or error})",
            "Cấp quyền ghi cho người dùng này, hoặc chọn thư mục khác bằng --data-dir / TONGDAI1022_HOME.",
        )
    return Check("data_folder", title, OK, str(data_dir))


def check_store(data_dir: Path, key: StoreKey | str | None = None) -> Check:
    """The store's integrity and schema, looked at with its key; without the key, only that it is locked
    (`key` is a text when the key cannot be had: it says why)."""
    from desktop.store import cipher
    from desktop.store.engine import DB_FILENAME, head_revision

    title = "Kho dữ liệu"
    path = data_dir / DB_FILENAME
    if not path.exists():
        return Check("store", title, OK, "chưa có (sẽ được tạo khi mở phần mềm lần đầu)")
    if cipher.is_plaintext(path):
        return Check(
            "store",
            title,
            WARN,
            "kho dữ liệu chưa được mã hóa (do phiên bản cũ tạo ra)",
            "Mở phần mềm một lần: kho được mã hóa tự động, các bản sao không mã hóa được xóa.",
        )
    if isinstance(key, str):
        return Check("store", title, FAIL, "không có khóa để mở kho dữ liệu", key)
    if key is None:
        return Check(
            "store",
            title,
            WARN,
            "kho dữ liệu đã mã hóa; chưa kiểm tra bên trong vì không có khóa",
            "Chạy lại trong phiên đăng nhập của người dùng phần mềm (có kho khóa), hoặc với "
            "--passphrase-env TÊN_BIẾN khi dữ liệu dùng mật khẩu.",
        )
    try:
        connection = cipher.connect(path, key, read_only=True, timeout=5)
        try:
            verdict = [row[0] for row in connection.execute("PRAGMA quick_check")]
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except cipher.StoreLocked:
        return Check(
            "store",
            title,
            FAIL,
            "khóa hoặc mật khẩu không mở được kho dữ liệu",
            "Kiểm tra mật khẩu; nếu thư mục dữ liệu được chép từ máy khác, nó cần khóa của máy đó.",
        )
    except cipher.DatabaseError as error:
        return Check(
            "store",
            title,
            FAIL,
            f"không đọc được tệp kho dữ liệu ({error})",
            "Đóng phần mềm, chép thư mục dữ liệu sang nơi an toàn rồi gửi gói hỗ trợ cho bộ phận CNTT; "
            "các bản sao lưu trước khi nâng cấp nằm cạnh tệp kho (*.bak).",
        )
    if verdict != ["ok"]:
        return Check(
            "store",
            title,
            FAIL,
            f"kho dữ liệu bị hỏng ({'; '.join(verdict[:3])})",
            "Đóng phần mềm và nhờ bộ phận CNTT khôi phục từ bản sao lưu; đừng xóa thư mục dữ liệu.",
        )
    head = head_revision()
    current = revision[0] if revision else None
    if current != head:
        return Check(
            "store",
            title,
            WARN,
            f"cấu trúc kho ở phiên bản {current}, phần mềm này dùng {head}",
            "Mở phần mềm một lần để kho được nâng cấp (có bản sao lưu tự động trước khi nâng cấp).",
        )
    return Check("store", title, OK, f"toàn vẹn, phiên bản cấu trúc {current}")


def check_disk(data_dir: Path) -> Check:
    title = "Dung lượng ổ đĩa"
    existing = data_dir if data_dir.exists() else data_dir.parent
    free = shutil.disk_usage(existing).free
    shown = f"còn trống {free / 1e9:.1f} GB"
    if free < FULL_DISK_BYTES:
        return Check(
            "disk",
            title,
            FAIL,
            shown,
            "Ổ đĩa gần đầy: phiếu mới có thể không lưu được. Giải phóng ổ đĩa hoặc chuyển thư mục dữ liệu.",
        )
    if free < LOW_DISK_BYTES:
        return Check("disk", title, WARN, shown, "Nên giải phóng ổ đĩa trước khi ổ đầy.")
    return Check("disk", title, OK, shown)


def check_keyring() -> Check:
    from desktop.keyring_service import PLAINTEXT_MESSAGE, stores_in_the_clear, system_backend, usable

    title = "Kho khóa (keyring) của hệ điều hành"
    backend = system_backend()
    if stores_in_the_clear(backend):
        return Check("keyring", title, WARN, type(backend).__name__, PLAINTEXT_MESSAGE)
    if not usable(backend):
        return Check(
            "keyring",
            title,
            WARN,
            "không có kho khóa dùng được: mật khẩu chỉ được giữ trong phiên làm việc",
            "Trên Linux cài GNOME Keyring hoặc KWallet (Secret Service); Windows có sẵn Credential Manager.",
        )
    return Check("keyring", title, OK, type(backend).__name__)


def check_sound() -> Check:
    title = "Thiết bị âm thanh"
    try:
        os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false;default.warning=false")
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is None:
            QCoreApplication(sys.argv[:1])
        from desktop.ui.phone.audio import MediaDevices

        devices = MediaDevices()
        outputs, inputs, problem = devices.outputs(), devices.inputs(), devices.problem()
    except Exception as error:  # an unloadable Qt plugin must not stop the other checks
        outputs, inputs, problem = [], [], str(error)
    if problem or not outputs or not inputs:
        return Check(
            "sound",
            title,
            WARN,
            problem or f"{len(outputs)} loa/tai nghe, {len(inputs)} micrô",
            "Cắm tai nghe có micrô; cuộc gọi vẫn đổ chuông trên màn hình và được ghi nhật ký khi không có.",
        )
    return Check("sound", title, OK, f"{len(outputs)} loa/tai nghe, {len(inputs)} micrô")


def check_server(settings: Any) -> Check:
    import requests

    title = "Máy chủ trung tâm"
    url = str(settings.sync_server or "").rstrip("/")
    if not url:
        return Check("server", title, OK, "chưa cài (máy trạm làm việc một mình)")
    verify: bool | str = str(getattr(settings, "sync_ca_file", "") or "") or True
    before = time.time()
    try:
        answer = requests.get(f"{url}/health", timeout=10, verify=verify)
    except requests.exceptions.SSLError:
        return Check(
            "server",
            title,
            FAIL,
            f"chứng chỉ của {url} không hợp lệ hoặc không được tin cậy"
            + (f" (kiểm tra bằng tệp CA {verify})" if isinstance(verify, str) else ""),
            "Kiểm tra ngày giờ của máy này và chứng chỉ của máy chủ; nếu tỉnh dùng CA riêng, đặt tệp CA đó "
            "vào sync_ca_file trong settings.json (đồng bộ và cập nhật phần mềm cùng dùng).",
        )
    except requests.RequestException as error:
        return Check(
            "server",
            title,
            FAIL,
            f"không kết nối được {url} ({type(error).__name__})",
            "Kiểm tra mạng, địa chỉ máy chủ (Máy chủ ▸ Đăng nhập máy chủ) và tường lửa.",
        )
    after = time.time()
    if answer.status_code != 200:
        return Check(
            "server", title, FAIL, f"{url} trả lời HTTP {answer.status_code}", "Báo bộ phận quản trị máy chủ."
        )
    protocol = answer.json().get("protocol_version", "?") if answer.content else "?"
    detail = f"{url} hoạt động (giao thức {protocol})"
    expires = _certificate_expiry(url, verify)
    if expires is not None:
        days_left = (expires - before) / 86400
        shown = time.strftime("%d/%m/%Y", time.localtime(expires))
        if days_left < CERTIFICATE_WARN_DAYS:
            return Check(
                "server",
                title,
                WARN,
                f"{detail}; chứng chỉ của máy chủ hết hạn ngày {shown} (còn {max(days_left, 0):.0f} ngày)",
                "Báo bộ phận quản trị máy chủ gia hạn chứng chỉ trước ngày đó: hết hạn thì mọi máy trạm "
                "ngừng đồng bộ và cập nhật.",
            )
        detail += f"; chứng chỉ hợp lệ đến {shown}"
    date = answer.headers.get("Date")
    if not date:
        return Check("server", title, OK, detail)
    offset = parsedate_to_datetime(date).timestamp() - (before + after) / 2
    if abs(offset) > CLOCK_WARN_SECONDS:
        return Check(
            "server",
            title,
            WARN,
            f"{detail}; đồng hồ máy này lệch {offset:+.0f} giây so với máy chủ",
            "Bật đồng bộ thời gian tự động của hệ điều hành: giờ tiếp nhận phiếu lấy theo đồng hồ máy này.",
        )
    return Check("server", title, OK, f"{detail}; đồng hồ lệch {offset:+.0f} giây")


def _certificate_expiry(url: str, verify: bool | str) -> float | None:
    """When the HTTPS server's certificate (verified as the sync verifies it) expires, as a timestamp;
    None for plain HTTP or when it cannot be read again."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    import certifi

    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    try:
        context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else certifi.where())
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            certificate = tls.getpeercert()
        return float(ssl.cert_time_to_seconds(str((certificate or {})["notAfter"])))
    except (OSError, KeyError, ValueError):
        return None


def check_sip(settings: Any) -> Check:
    from desktop.keyring_service import system_backend
    from desktop.services.phone.account import try_registration
    from desktop.services.phone.sip_password import SipPasswordStore
    from desktop.telephony import AgentPolicy, RegistrationState

    title = "Tổng đài (SIP)"
    if not (settings.sip_server and settings.sip_extension):
        return Check("sip", title, OK, "chưa cài tài khoản tổng đài (F8)")
    where = f"máy nhánh {settings.sip_extension} tại {settings.sip_server}:{settings.sip_port}"
    password = SipPasswordStore(system_backend()).get(settings.sip_server, settings.sip_extension)
    if password is None:
        return Check(
            "sip",
            title,
            WARN,
            f"{where}: chưa có mật khẩu trong kho khóa nên không thử đăng ký được",
            "Dùng `tongdai1022 sip-check --password-env BIẾN` để thử với mật khẩu.",
        )
    try:
        event = try_registration(settings, password, AgentPolicy())
    except (OSError, ValueError) as error:
        return Check("sip", title, FAIL, f"{where}: không khởi động được ({error})", "Kiểm tra cài đặt F8.")
    if event is None:
        return Check(
            "sip",
            title,
            FAIL,
            f"{where}: tổng đài không trả lời",
            "Kiểm tra địa chỉ, cổng, mạng và tường lửa.",
        )
    if event.state is RegistrationState.REGISTERED:
        return Check("sip", title, OK, f"{where}: đăng ký được")
    return Check(
        "sip",
        title,
        FAIL,
        f"{where}: {event.state.value} {event.code or ''} {event.reason}".rstrip(),
        "Sai mật khẩu hoặc máy nhánh: kiểm tra lại trong F8 với bộ phận quản trị tổng đài.",
    )
