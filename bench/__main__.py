"""`python -m bench [--list] NAME|all [--quick] [--size N]`: run benchmarks, one JSON line per figure."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench import FULL_TICKETS, QUICK_TICKETS, BenchError, Size, emit, log

BENCHES = {  # in the order `all` runs them: the import builds the store the others use
    "import": "bench.import_csv",
    "history": "bench.history",
    "save": "bench.save",
    "startup": "bench.startup",
    "startup_frozen": "bench.startup_frozen",
    "installed_size": "bench.installed_size",
    "kb_search": "bench.kb_search",
    "report": "bench.report",
    "report_pg": "bench.report_pg",
    "report_on_time": "bench.report_on_time",
    "sip_invite": "bench.sip_invite",
    "sip_soak": "bench.sip_soak",
    "sip_reregister": "bench.sip_reregister",
    "sync_push": "bench.sync_push",
    "sync_desktop": "bench.sync_desktop",
    "popup": "bench.popup",
    "phone_audio": "bench.phone_audio",
    "rtp_media": "bench.rtp_media",
    "dashboard": "bench.dashboard",
    "presence": "bench.presence",
    "update": "bench.update",
    "unit_inbox": "bench.unit_inbox",
    "published_answers": "bench.published_answers",
    "public_search_trgm": "bench.public_search_trgm",
    "ticket_list": "bench.ticket_list",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", nargs="?", choices=[*BENCHES, "all"], help="a benchmark, or all")
    parser.add_argument("--list", action="store_true", help="name the benchmarks")
    parser.add_argument("--quick", action="store_true", help=f"small data ({QUICK_TICKETS:,} tickets)")
    parser.add_argument("--size", type=int, help="tickets in the data set (default 1,000,000; quick 20,000)")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHES))
        return 0
    if not args.name:
        parser.error("name a benchmark, or all (--list names them)")
    size = Size(args.size or (QUICK_TICKETS if args.quick else FULL_TICKETS))
    failed = 0
    for name in BENCHES if args.name == "all" else [args.name]:
        started = time.perf_counter()
        try:
            for line in importlib.import_module(BENCHES[name]).run(size, args.quick):
                emit(line)
        except BenchError as error:
            log(f"{name}: ERROR: {error}")
            failed += 1
        else:
            log(f"{name}: done in {time.perf_counter() - started:.1f} s")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
