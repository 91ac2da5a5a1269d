"""`tongdai1022 units list|rename|merge|retire`: IT staff keep the unit catalog in step with the province."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.commands.store_access import open_command_store
from desktop.services.catalogs import CatalogService, UnknownUnit


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The `units` subcommand; `add_common` adds the options every parser takes (--data-dir)."""
    units = commands.add_parser("units", help="danh mục đơn vị xử lý: xem, đổi tên, sáp nhập, ngừng")
    add_common(units)
    actions = units.add_subparsers(
        dest="units_command", metavar="LỆNH_ĐƠN_VỊ", title="lệnh", parser_class=type(units)
    )
    actions.required = True
    listing = actions.add_parser("list", help="liệt kê đơn vị (mã, tên, trạng thái)")
    add_common(listing)
    listing.add_argument("--all", action="store_true", help="kể cả đơn vị đã ngừng hoặc đã sáp nhập")
    rename = actions.add_parser("rename", help="đổi tên; tên cũ vẫn được nhận khi nhập dữ liệu cũ")
    add_common(rename)
    rename.add_argument("code", metavar="MÃ")
    rename.add_argument("name", metavar="TÊN_MỚI")
    merge = actions.add_parser("merge", help="sáp nhập: đơn vị ngừng nhận phiếu mới, phiếu cũ giữ nguyên")
    add_common(merge)
    merge.add_argument("code", metavar="MÃ")
    merge.add_argument("into", metavar="MÃ_ĐƠN_VỊ_NHẬN")
    retire = actions.add_parser("retire", help="ngừng nhận phiếu mới; phiếu cũ giữ nguyên")
    add_common(retire)
    retire.add_argument("code", metavar="MÃ")


def run(args: argparse.Namespace, data_dir: Path) -> int:
    store = open_command_store(args, data_dir)
    catalogs = CatalogService(store)
    try:
        if args.units_command == "list":
            for unit in catalogs.units(include_retired=args.all):
                state = "" if unit.active else f"  (ngừng; chuyển về {catalogs.current_unit(unit.code)})"
                print(f"{unit.code:<32} {unit.name}{state}")
        elif args.units_command == "rename":
            catalogs.rename_unit(args.code, args.name)
            print(f"Đã đổi tên đơn vị {args.code} thành «{args.name}»; tên cũ vẫn được nhận.")
        elif args.units_command == "merge":
            catalogs.merge_unit(args.code, args.into)
            print(
                f"Đã sáp nhập {args.code} vào {args.into}: phiếu mới chọn {args.into}, "
                f"{catalogs.tickets_of_unit(args.code)} phiếu cũ giữ đơn vị cũ."
            )
        else:
            catalogs.retire_unit(args.code)
            print(f"Đơn vị {args.code} ngừng nhận phiếu mới; phiếu cũ giữ nguyên.")
    except (UnknownUnit, ValueError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0
