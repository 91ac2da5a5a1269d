"""`tongdai1022 update`: looks for a signed release on the central server and installs it, verified, into
this user's versions folder (what the update dialog does, for IT's scripts and a desk with no window)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_FAILED = 2


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "update", help="tìm và cài bản cập nhật đã ký trên máy chủ trung tâm (dùng từ lần mở sau)"
    )
    if add_common is not None:
        add_common(parser)
    parser.add_argument(
        "--server", metavar="URL", help="địa chỉ máy chủ (mặc định: địa chỉ đã đăng nhập trên máy này)"
    )
    parser.add_argument(
        "--ca-file",
        metavar="PEM",
        help="tệp CA của tỉnh để kiểm tra chứng chỉ máy chủ (mặc định: sync_ca_file trong cài đặt)",
    )
    parser.add_argument("--check", action="store_true", help="chỉ xem có bản mới không, không cài")
    return parser


def run(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.settings import Settings
    from desktop.updates import Updater, explain, versions_target

    settings = Settings.load(data_dir) if data_dir.exists() else Settings()
    url = (args.server or settings.sync_server).strip().rstrip("/")
    if not url:
        print(
            "Lỗi: máy này chưa đăng nhập máy chủ nào. Hãy chỉ rõ --server URL "
            "hoặc đăng nhập trong phần mềm (Máy chủ ▸ Đăng nhập máy chủ…).",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if not url.startswith(("http://", "https://")):
        url = "https://" + url
    versions = versions_target()
    updater = Updater(url, data_dir, ca_file=str(args.ca_file or settings.sync_ca_file or ""))
    try:
        offer = updater.check()
        if offer is None:
            print("Phần mềm đang là bản mới nhất đã ký trên máy chủ.")
            return 0
        print(f"Có bản cập nhật {offer.version} ({offer.size / 1e6:.1f} MB).")
        if args.check:
            return 0
        if versions is None:
            print("Lỗi: phần mềm đang chạy từ mã nguồn: hãy cập nhật bằng git và pip.", file=sys.stderr)
            return EXIT_FAILED
        folder = updater.install_version(versions, Path(sys.executable))
    except Exception as error:  # every failure leaves the running version as it was: say which
        print(f"Lỗi: {explain(error)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Đã cài bản {offer.version} vào {folder}. Đóng rồi mở lại phần mềm để dùng bản mới.")
    return 0
