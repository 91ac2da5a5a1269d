"""A centre's history imports whole when some numbers are possible but not yet in phonenumbers' ranges."""

from __future__ import annotations

from pathlib import Path

from test_cli import tongdai  # the CLI as a user runs it (tests/desktop is on sys.path)

from desktop.services.imports.importer import import_tickets_csv
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.store.local import LocalStore

HEADER = (
    "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,"
    "don_vi_xu_ly,trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung"
)
UNLISTED = ["0895987864", "0992623726", "0892000111"]


def history_file(path: Path, rows: int = 500) -> tuple[Path, list[int]]:
    """`rows` tickets, one in fifty (2 %) from an unlisted number; returns the file and those lines."""
    lines, unlisted_lines = [HEADER], []
    for n in range(1, rows + 1):
        if n % 50 == 0:
            phone = UNLISTED[(n // 50) % len(UNLISTED)]
            unlisted_lines.append(n + 1)  # the header is line 1
        else:
            phone = f"0912{n:06d}"
        lines.append(
            f"DT-2024-{n:06d},2024-05-0{1 + n % 9}T08:{n % 60:02d}:00+07:00,dien_thoai,{phone},"
            f"Người dân {n},hoi_thong_tin,1,0,,dang_xu_ly,,,Hỏi thủ tục số {n}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, unlisted_lines


def test_unlisted_numbers_are_imported_reported_as_a_warning_and_found_in_history(
    store: LocalStore, tmp_path: Path
) -> None:
    path, unlisted_lines = history_file(tmp_path / "lich_su.csv")

    report = import_tickets_csv(store, path, operator="dtv-lan")

    assert (report.imported, report.skipped_bad, report.problems) == (500, 0, [])
    assert report.unverified == 10 and report.unverified_lines == unlisted_lines[:5]
    history = CallerHistoryService(store).lookup("0895 987 864")
    assert history.citizen is not None and len(history.tickets) >= 3


def test_the_cli_imports_the_file_and_names_the_first_lines_with_unlisted_numbers(tmp_path: Path) -> None:
    path, unlisted_lines = history_file(tmp_path / "lich_su.csv")
    result = tongdai("import-tickets", str(path), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "Đã nhập 500 phiếu" in result.stdout
    assert "10 phiếu có số điện thoại chưa có trong danh bạ nhà mạng" in result.stdout
    assert f"dòng {', '.join(map(str, unlisted_lines[:5]))}…" in result.stdout
