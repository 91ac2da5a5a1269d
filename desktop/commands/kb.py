"""`tongdai1022 kb import FILE` and `kb search QUERY [--json]`: the knowledge base from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from desktop.commands.store_access import open_command_store
from desktop.services.kb import KnowledgeBase, ensure_starter_kb

SHOWN_ERRORS = 50


def run(args: argparse.Namespace, data_dir: Path) -> int:
    if args.kb_command == "import":
        return _import(args, data_dir)
    return _search(args, data_dir)


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"Lỗi: không tìm thấy tệp {path}", file=sys.stderr)
        return 2
    store = open_command_store(args, data_dir)
    try:
        ensure_starter_kb(store)
        show = not args.no_progress and sys.stderr.isatty()
        if show:
            from tqdm import tqdm

            bar = tqdm(unit=" dòng", desc="Nhập thủ tục", file=sys.stderr)
            last = [0]

            def advance(line: int) -> None:
                bar.update(line - last[0])
                last[0] = line

            report = KnowledgeBase(store).import_national(path, advance)
            bar.close()
        else:
            report = KnowledgeBase(store).import_national(path)
    except (OSError, UnicodeDecodeError, EOFError) as error:
        print(f"Lỗi: không đọc được tệp {path}: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"Đã nhập {report.added + report.updated} thủ tục ({report.added} mới, {report.updated} cập nhật).")
    if report.skipped:
        print(f"Bỏ qua {len(report.skipped)} bản ghi lỗi:")
        for line, reason in report.skipped[:SHOWN_ERRORS]:
            print(f"  dòng {line}: {reason}")
        if len(report.skipped) > SHOWN_ERRORS:
            print(f"  ... và {len(report.skipped) - SHOWN_ERRORS} bản ghi lỗi khác")
        return 1
    return 0


def _search(args: argparse.Namespace, data_dir: Path) -> int:
    store = open_command_store(args, data_dir)
    try:
        ensure_starter_kb(store)
        hits = KnowledgeBase(store).search(args.query, limit=args.limit)
    finally:
        store.close()
    if args.json:
        json.dump([asdict(hit) for hit in hits], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not hits:
        print(f"Không tìm thấy thủ tục nào cho «{args.query}». Hãy thử từ khác.")
        return 0
    print(f"{len(hits)} kết quả cho «{args.query}», theo thứ tự như trên màn hình (phù hợp nhất trước):")
    code_width = max(len(hit.code) for hit in hits)
    for rank, hit in enumerate(hits, start=1):
        kind = "Hỏi đáp" if hit.kind == "qa" else "Thủ tục"
        print(f"{rank:>3}. {kind:<7}  {hit.code:<{code_width}}  {hit.title}")
    return 0
