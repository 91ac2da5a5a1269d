"""Datasets for the report tests, written through the desk's own importer (CSV of DOMAIN.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from desktop.services.imports.importer import import_tickets_csv
from desktop.store.local import LocalStore

HEADER = [
    "ma_phieu", "ngay_tiep_nhan", "kenh", "so_dien_thoai", "ho_ten", "loai_yeu_cau", "cap_do", "la_tthc",
    "don_vi_xu_ly", "trang_thai", "danh_gia", "ly_do_khong_hai_long", "noi_dung",
]  # fmt: skip
TYPES = [
    "hoi_thong_tin",
    "phan_anh",
    "dang_ky",
    "phan_anh_cham_tre",
    "phan_anh_thai_do",
    "gop_y",
    "khieu_nai",
    "khac",
]
REASONS = [
    "co_che_chinh_sach",
    "nguon_luc",
    "yeu_cau_khong_phu_hop",
    "don_vi_tra_loi",
    "tong_dai_vien",
    "khac",
]


@dataclass
class Row:
    """One CSV row; defaults make a resolved, unrated level-1 phone question."""

    code: str
    received: str
    unit: str = ""
    channel: str = "dien_thoai"
    request_type: str = "hoi_thong_tin"
    level: int = 1
    tthc: bool = False
    status: str = "da_xu_ly"
    satisfaction: str = "chua_danh_gia"
    reason: str = ""

    def cells(self, number: int) -> list[str]:
        phone = f"09{number:08d}"[-10:] if self.channel in ("dien_thoai", "zalo") else ""
        return [
            self.code, self.received, self.channel, phone, "Nguyễn Văn An", self.request_type,
            str(self.level), "1" if self.tthc else "0", self.unit, self.status, self.satisfaction,
            self.reason, "Hỏi thủ tục cấp lại căn cước công dân.",
        ]  # fmt: skip


def import_rows(store: LocalStore, rows: list[Row], folder: Path) -> None:
    path = folder / f"rows-{rows[0].code}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row.cells(number) for number, row in enumerate(rows, 1))
    report = import_tickets_csv(store, path, operator="kiem-thu")
    assert report.imported == len(rows), report.problems


def spread(counts: list[int], codes: list[str]) -> list[str]:
    """[2, 0, 1], [a, b, c] -> [a, a, c]: one code per ticket, as many of each as counted."""
    return [code for count, code in zip(counts, codes, strict=True) for _ in range(count)]


def seed_number(cell: str) -> int:
    """A cell of the province's tables: `1.235` -> 1235, empty -> 0, `98.97%` is not a count."""
    return int(cell.replace(".", "")) if cell.strip() else 0
