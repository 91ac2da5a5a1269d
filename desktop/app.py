"""Composition root: the command line, the data folder, and the desktop or a subcommand."""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__


class _VietnameseFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its headings and errors in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _VietnameseFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {vietnamese_error(message)}\nXem hướng dẫn: {self.prog} --help\n")


# argparse's own messages (English whatever the locale), said in Vietnamese; an unknown one stays as it is.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", "thiếu tham số bắt buộc: {0}"),
    (r"unrecognized arguments: (.+)", "không hiểu tham số: {0}"),
    (
        r"argument (.+?): invalid choice: '?([^' ]+)'? \(choose from (.+)\)",
        "{0}: «{1}» không có; chọn một trong: {2}",
    ),
    (r"argument (.+?): invalid (?:int|float) value: '(.*)'", "{0}: «{1}» không phải là số"),
    (r"argument (.+?): expected one argument", "{0} cần một giá trị ngay sau"),
    (r"argument (.+?): expected at least one argument", "{0} cần ít nhất một giá trị"),
    (r"argument (.+?): not allowed with argument (.+)", "không dùng {0} cùng với {1}"),
    (r"argument (.+?): ignored explicit argument '(.*)'", "{0} không nhận giá trị «{1}»"),
    (r"one of the arguments (.+) is required", "cần một trong các tham số: {0}"),
    (r"ambiguous option: (.+?) could match (.+)", "tùy chọn {0} chưa rõ, có thể là: {1}"),
    (r"argument (.+?): (.+)", "{0}: {1}"),
)


def vietnamese_error(message: str) -> str:
    for pattern, vietnamese in _ARGPARSE_MESSAGES:
        found = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if found:
            return vietnamese.format(*(part.replace("'", "") for part in found.groups()))
    return message


_OS_REASONS = {
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.ENOENT: "đường dẫn không tồn tại",
    errno.ENOSPC: "ổ đĩa đã đầy",
}


def data_dir_problem(data_dir: Path) -> str | None:
    """Why the data folder cannot be used, said with its name and what to do; None when it can.

    Nothing is created here: a command that finds nothing to do must leave no folder behind.
    """
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    code = 0
    if not existing.is_dir():
        code = errno.ENOTDIR
    elif not os.access(existing, os.W_OK | os.X_OK):
        code = errno.EACCES
    if not code:
        return None
    return (
        f"Không dùng được thư mục dữ liệu «{data_dir}» ({_OS_REASONS[code]}). Chọn thư mục khác bằng "
        "--data-dir THƯ_MỤC hoặc biến TONGDAI1022_HOME, hoặc nhờ bộ phận CNTT cấp quyền ghi vào thư mục này."
    )


def _common(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="THƯ_MỤC",
        default=None if top_level else argparse.SUPPRESS,
        help="thư mục dữ liệu (mặc định: TONGDAI1022_HOME hoặc thư mục dữ liệu của người dùng)",
    )
    parser.add_argument(
        "--passphrase-env",
        metavar="TÊN_BIẾN",
        default=None if top_level else argparse.SUPPRESS,
        help="biến môi trường chứa mật khẩu của dữ liệu, khi máy không có kho khóa của hệ điều hành "
        "(mặc định: TONGDAI1022_PASSPHRASE nếu có)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tongdai1022",
        description="Tổng đài 1022 — phần mềm cho điện thoại viên. Chạy không tham số để mở cửa sổ chính.",
    )
    parser.add_argument(
        "--version", action="version", version=f"tongdai1022 {__version__}", help="in phiên bản rồi thoát"
    )
    _common(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", title="lệnh", parser_class=_Parser)

    importer = commands.add_parser(
        "import-tickets", help="nhập phiếu lịch sử từ tệp CSV (định dạng: README, mục «Nhập phiếu từ CSV»)"
    )
    _common(importer, top_level=False)
    importer.add_argument("file", metavar="TỆP.csv")
    importer.add_argument("--skip-bad", action="store_true", help="bỏ qua dòng lỗi và nhập các dòng còn lại")
    importer.add_argument(
        "--encoding",
        default="utf-8",
        metavar="BẢNG_MÃ",
        help="bảng mã của tệp (mặc định utf-8; cp1258, utf-16)",
    )
    importer.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")

    history = commands.add_parser("history", help="lịch sử phiếu và cuộc gọi của một số điện thoại")
    _common(history, top_level=False)
    history.add_argument("phone", metavar="SỐ_ĐIỆN_THOẠI")
    history.add_argument("--json", action="store_true", help="in ra dạng JSON")
    history.add_argument(
        "--limit", type=int, default=50, metavar="N", help="số phiếu và cuộc gọi tối đa (mặc định 50)"
    )
    kb = commands.add_parser("kb", help="kho thủ tục hành chính: nhập tệp quốc gia, tìm thủ tục")
    _common(kb, top_level=False)
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="LỆNH_KB", title="lệnh", parser_class=_Parser)
    kb_commands.required = True
    kb_import = kb_commands.add_parser("import", help="nhập thủ tục từ tệp JSONL quốc gia (có thể nén gzip)")
    _common(kb_import, top_level=False)
    kb_import.add_argument("file", metavar="TỆP.jsonl[.gz]")
    kb_import.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    kb_search = kb_commands.add_parser("search", help="tìm thủ tục như khi gõ trên màn hình")
    _common(kb_search, top_level=False)
    kb_search.add_argument("query", metavar="TỪ_KHÓA")
    kb_search.add_argument("--json", action="store_true", help="in ra dạng JSON (mã, tên, điểm)")
    kb_search.add_argument(
        "--limit", type=int, default=10, metavar="N", help="số kết quả tối đa (mặc định 10)"
    )
    from desktop.commands.units import add_parser as add_units_parser

    add_units_parser(commands, lambda each: _common(each, top_level=False))
    from desktop.commands.sip_check import add_parser as add_sip_check_parser

    add_sip_check_parser(commands, lambda each: _common(each, top_level=False))
    from desktop.commands.report import add_parser as add_report_parser

    add_report_parser(commands, lambda each: _common(each, top_level=False))
    from desktop.commands.sync import add_parser as add_sync_parser

    add_sync_parser(commands, lambda each: _common(each, top_level=False))
    from desktop.commands.doctor import add_parser as add_doctor_parser

    add_doctor_parser(commands, lambda each: _common(each, top_level=False))
    from desktop.commands.update import add_parser as add_update_parser

    add_update_parser(commands, lambda each: _common(each, top_level=False))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The store, its WAL, backups, recordings, logs, exports: this user's only. Put back on return, so a
    # caller in the same process (a test, a script) keeps its own umask.
    previous = os.umask(0o077) if os.name == "posix" else None
    try:
        return _dispatch(argv)
    except BrokenPipeError:  # `tongdai1022 history ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if previous is not None:
            os.umask(previous)


def _dispatch(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from desktop.commands.store_access import StoreUnavailable

    try:
        return _run_command(args)
    except StoreUnavailable as error:
        print(f"tongdai1022: {error}", file=sys.stderr)
        return 2


def _run_command(args: argparse.Namespace) -> int:
    from desktop.settings import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    from desktop.logs import setup_logging

    setup_logging(data_dir)
    if args.command not in (None, "sip-check", "doctor"):
        problem = data_dir_problem(data_dir)
        if problem:
            print(f"tongdai1022: {problem}", file=sys.stderr)
            return 2
    if args.command == "import-tickets":
        from desktop.commands.import_tickets import run as run_import

        return run_import(args, data_dir)
    if args.command == "history":
        from desktop.commands.history import run as run_history

        return run_history(args, data_dir)
    if args.command == "sip-check":
        from desktop.commands.sip_check import run as run_sip_check

        return run_sip_check(args, data_dir)
    if args.command == "report":
        from desktop.commands.report import run as run_report

        return run_report(args, data_dir)
    if args.command == "units":
        from desktop.commands.units import run as run_units

        return run_units(args, data_dir)
    if args.command == "sync":
        from desktop.commands.sync import run as run_sync

        return run_sync(args, data_dir)
    if args.command == "doctor":
        from desktop.commands.doctor import run as run_doctor

        return run_doctor(args, data_dir)
    if args.command == "update":
        from desktop.commands.update import run as run_update

        return run_update(args, data_dir)
    if args.command == "kb":
        from desktop.commands.kb import run as run_kb

        return run_kb(args, data_dir)
    problem = no_display_problem(os.environ, sys.platform)
    if problem:
        print(f"tongdai1022: {problem}", file=sys.stderr)
        return 2
    from desktop.ui.shell.launch import run_desktop

    return run_desktop(data_dir)


def no_display_problem(environ: Mapping[str, str], platform: str) -> str | None:
    """On Linux with no screen to open a window on, Qt aborts blaming its xcb plugin: say it plainly."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "không có màn hình để mở cửa sổ (chưa đăng nhập giao diện đồ họa, hoặc đang chạy qua SSH). "
        "Hãy mở phần mềm trên máy có màn hình; qua SSH dùng «ssh -X». Các lệnh như "
        "«tongdai1022 report» hay «tongdai1022 sync» chạy được không cần màn hình."
    )


if __name__ == "__main__":
    sys.exit(main())
