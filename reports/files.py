"""A report written to a file (JSON, Excel, Word) as a whole or not at all: the CLI and the desk share it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from reports.shape import Report


def write_report_file(
    report: Report, kind: str, out: Path, step: Callable[[str], None] = lambda _title: None
) -> None:
    """Writes `report` as `kind` ("json", "xlsx" or "docx") beside `out`, then renames it into place, so a
    full disk or a crash never leaves a half-written file under the name the user chose."""
    partial = out.with_name(f".{out.name}.dang-ghi")
    try:
        if kind == "json":
            partial.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif kind == "xlsx":
            from reports.export_xlsx import write_xlsx

            write_xlsx(report, partial, step)
        elif kind == "docx":
            from reports.export_docx import write_docx

            write_docx(report, partial, step)
        else:
            raise ValueError(f"unknown report format {kind!r}")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
