"""`tongdai1022 import-tickets FILE`: historical tickets from CSV, with a summary in Vietnamese.

Exit codes: 0 imported (bad rows skipped with --skip-bad), 1 bad rows and nothing imported,
2 the file cannot be read (missing, wrong encoding, missing columns) or the store cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from desktop.commands.store_access import open_command_store
from desktop.services.imports.importer import (
    ImportAborted,
    ImportFileError,
    ImportProgress,
    ImportReport,
    import_tickets_csv,
)
from desktop.settings import Settings
from desktop.store.errors import StoreError

SHOWN_PROBLEMS = 50


def vn_number(value: int) -> str:
    """12345 -> `12.345` (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def summary(report: ImportReport) -> str:
    return (
        f"Đã nhập {vn_number(report.imported)} phiếu, {vn_number(report.already_present)} phiếu đã có, "
        f"bỏ qua {vn_number(report.skipped_bad)} dòng lỗi"
    )


def unverified_warning(report: ImportReport) -> str:
    lines = ", ".join(str(line) for line in report.unverified_lines)
    more = "…" if report.unverified > len(report.unverified_lines) else ""
    return (
        f"Lưu ý: {vn_number(report.unverified)} phiếu có số điện thoại chưa có trong danh bạ nhà mạng "
        f"(dòng {lines}{more}); đã nhập bình thường, hãy đọc lại số khi gọi cho người dân."
    )


def print_problems(report: ImportReport, out: TextIO) -> None:
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(str(problem), file=out)
    hidden = report.skipped_bad - min(len(report.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        print(f"... và {vn_number(hidden)} lỗi khác", file=out)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    path = Path(args.file)
    if not path.is_file():
        what = "là một thư mục, không phải tệp CSV" if path.is_dir() else "không tồn tại"
        print(f"Lỗi: tệp «{path}» {what}.", file=sys.stderr)
        return 2
    operator = Settings.load(data_dir).operator
    show_progress = not args.no_progress and sys.stderr.isatty()
    store = open_command_store(args, data_dir)
    bar = tqdm(
        total=path.stat().st_size,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc="Nhập phiếu",
        file=sys.stderr,
        disable=not show_progress,
        leave=False,
    )

    def advance(done: ImportProgress) -> None:
        bar.update(done.bytes_read - bar.n)

    try:
        report = import_tickets_csv(
            store,
            path,
            operator=operator,
            skip_bad=args.skip_bad,
            encoding=args.encoding,
            progress=advance,
        )
    except ImportAborted as aborted:
        bar.close()
        bad = aborted.report
        print(
            f"Tệp có {vn_number(bad.skipped_bad)} dòng lỗi (trong {vn_number(bad.total_rows)} dòng phiếu):",
            file=sys.stderr,
        )
        print_problems(bad, sys.stderr)
        print("Không nhập phiếu nào. Sửa các dòng trên hoặc chạy lại với --skip-bad.", file=sys.stderr)
        return 1
    except (ImportFileError, StoreError) as error:
        bar.close()
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
        store.close()
    print(summary(report))
    print_problems(report, sys.stdout)
    if report.unverified:
        print(unverified_warning(report))
    if report.total_rows == 0:
        print("Tệp chỉ có dòng tiêu đề, không có phiếu nào.")
    return 0
