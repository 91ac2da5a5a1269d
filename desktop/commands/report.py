"""`tongdai1022 report --from --to --format json|xlsx|docx --out FILE`: the province's report of a period.

Exit codes: 0 written, 2 the request cannot be done (bad dates, no such folder, the store unreadable).
The file appears whole or not at all: it is written beside its name, then renamed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tqdm import tqdm

from desktop.commands.store_access import open_command_store
from desktop.services.supervisor.reports import ReportService
from desktop.store.engine import DB_FILENAME
from desktop.store.errors import StoreError
from reports import Period, Report
from reports.files import write_report_file
from reports.period import parse_day
from reports.tables import BUILDERS
from reports.vn_numbers import vn_int

FORMATS = ("json", "xlsx", "docx")


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _format(text: str) -> str:
    kind = text.strip().lower()
    if kind not in FORMATS:
        raise argparse.ArgumentTypeError(f"dạng «{text}» không có; chọn json, xlsx hoặc docx.")
    return kind


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The `report` subcommand; `add_common` adds the options every parser takes (--data-dir)."""
    report = commands.add_parser(
        "report", help="báo cáo tiếp nhận, xử lý phiếu của một khoảng thời gian (JSON, Excel, Word)"
    )
    add_common(report)
    report.add_argument(
        "--from", dest="first", type=_day, required=True, metavar="NĂM-THÁNG-NGÀY",
        help="ngày tiếp nhận đầu tiên (tính cả ngày này, giờ Việt Nam); cũng nhận dạng 01/11/2021",
    )  # fmt: skip
    report.add_argument(
        "--to", dest="last", type=_day, required=True, metavar="NĂM-THÁNG-NGÀY",
        help="ngày tiếp nhận cuối cùng (tính cả ngày này)",
    )  # fmt: skip
    report.add_argument(
        "--format", type=_format, metavar="DẠNG",
        help="json, xlsx (Excel) hoặc docx (Word); mặc định theo đuôi tệp --out, không có thì json",
    )  # fmt: skip
    report.add_argument("--out", metavar="TỆP", help="tệp ghi ra (JSON có thể in ra màn hình nếu bỏ trống)")
    report.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")


def _format_of(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return suffix if suffix in FORMATS else "json"


def _problem(args: argparse.Namespace, kind: str, data_dir: Path) -> str | None:
    """What makes the request impossible, said in Vietnamese; None when it can run."""
    if args.last < args.first:
        first, last = f"{args.first:%d/%m/%Y}", f"{args.last:%d/%m/%Y}"
        return f"ngày --to {last} đứng trước ngày --from {first}: hãy đổi chỗ hai ngày."
    if kind != "json" and not args.out:
        return f"dạng {kind} cần --out TỆP (ví dụ --out bao-cao.{kind})."
    if args.out:
        folder = Path(args.out).resolve().parent
        if not folder.is_dir():
            return f"thư mục «{folder}» không tồn tại; hãy tạo thư mục hoặc chọn nơi ghi khác."
        if Path(args.out).is_dir():
            return f"«{args.out}» là một thư mục; hãy cho tên tệp, ví dụ {args.out}/bao-cao.{kind}."
    if not (data_dir / DB_FILENAME).exists():
        return f"chưa có dữ liệu ở «{data_dir}» (chưa nhập hay tạo phiếu nào); kiểm tra lại --data-dir."
    return None


def run(args: argparse.Namespace, data_dir: Path) -> int:
    kind = _format_of(args)
    problem = _problem(args, kind, data_dir)
    if problem:
        print(f"Lỗi: {problem}", file=sys.stderr)
        return 2
    period = Period(args.first, args.last)
    show = not args.no_progress and sys.stderr.isatty()
    steps = 1 + (len(BUILDERS) if kind != "json" else 0)
    bar = tqdm(total=steps, desc="Báo cáo", unit="bước", file=sys.stderr, disable=not show, leave=False)
    try:
        bar.set_postfix_str("đang tính số liệu")
        store = open_command_store(args, data_dir)
        try:
            report = ReportService(store).report_for(period)
        finally:
            store.close()
        bar.update(1)

        def step(title: str) -> None:
            bar.set_postfix_str(title)
            bar.update(1)

        _write(report, kind, Path(args.out) if args.out else None, step)
    except BrokenPipeError:
        raise  # `report ... | head`: app.main treats a reader that left as no error
    except (StoreError, OSError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    if args.out:
        print(
            f"Đã ghi báo cáo từ {period.first:%d/%m/%Y} đến {period.last:%d/%m/%Y} "
            f"({vn_int(report['totals']['tickets'])} phiếu) vào «{args.out}»."
        )
    return 0


def _write(report: Report, kind: str, out: Path | None, step: Callable[[str], None]) -> None:
    if out is None:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    write_report_file(report, kind, out, step)
