"""The desk refuses what the server would, before it enters the outbox; the import names the line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.domain.clock import VN_TZ
from desktop.domain.ticket import TicketDraft, validate_draft
from desktop.services.imports.importer import ImportAborted, import_tickets_csv
from desktop.store.local import LocalStore

HEADER = (
    "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,"
    "don_vi_xu_ly,trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung"
)
GOOD = "DT-1,2024-05-02T08:00:00+07:00,dien_thoai,0912345678,Lan,hoi_thong_tin,1,0,,dang_xu_ly,,,Hỏi"


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (
            "DT-2,0001-01-01T05:00:00+07:00,dien_thoai,0912345678,Lan,hoi_thong_tin,1,0,,dang_xu_ly,,,Hỏi",
            "01/01/1",
        ),
        (
            "DT-3,9999-12-31T23:59:59-14:00,dien_thoai,0912345678,Lan,hoi_thong_tin,1,0,,dang_xu_ly,,,Hỏi",
            "31/12/9999",
        ),
        (
            f"DT-4,2024-05-02T08:00:00+07:00,dien_thoai,0912345678,{'N' * 300},hoi_thong_tin,1,0,,"
            "dang_xu_ly,,,Hỏi",
            "quá giới hạn 200",
        ),
    ],
)
def test_an_import_names_the_line_of_a_value_the_server_would_refuse(
    store: LocalStore, tmp_path: Path, row: str, words: str
) -> None:
    path = tmp_path / "phieu.csv"
    path.write_text("\n".join([HEADER, GOOD, row]) + "\n", encoding="utf-8")
    with pytest.raises(ImportAborted) as aborted:
        import_tickets_csv(store, path, operator="dtv-lan")
    (problem,) = aborted.value.report.problems
    assert problem.line == 3 and words in problem.reason


def test_the_form_refuses_a_name_the_server_would_refuse_and_a_date_out_of_range() -> None:
    draft = TicketDraft(
        content="Hỏi",
        phone="0912 345 678",
        citizen_name="N" * 201,
        received_at=datetime(1999, 12, 31, tzinfo=VN_TZ),
    )
    fields = {error.field for error in validate_draft(draft)}
    assert {"citizen_name", "received_at"} <= fields
