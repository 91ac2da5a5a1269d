"""Importing historical tickets from CSV: every good row becomes a ticket with its citizen, history,
outbox and search rows; bad rows are named by line and reason; nothing is half-imported."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import sqlite3
import unicodedata
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import HistoryAction, Level
from desktop.domain.phone import InvalidPhoneNumber, is_unverified, normalize_phone
from desktop.domain.text import fold
from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.imports import importer
from desktop.services.imports.importer import (
    ImportAborted,
    ImportFileError,
    RowProblem,
    import_tickets_csv,
)
from desktop.services.imports.parse import CHUNK_ROWS, fast_vn_mobile
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.search_index import (
    FTS_TOKENIZE,
    TICKET_BODY_SQL,
    match_expression,
    searchable_text,
)
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore

DATA = Path(__file__).with_name("data")
GOOD = DATA / "tickets_good.csv"
BAD = DATA / "tickets_bad.csv"
HEADER = (
    "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,"
    "don_vi_xu_ly,trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung"
)
BAD_ROWS = [
    RowProblem(5, "DT-B-03", "cấp độ «5» không hợp lệ (1-4)"),
    RowProblem(
        6,
        "DT-B-04",
        "kênh «fax» không hợp lệ; các mã được chấp nhận: "
        "dien_thoai, email, zalo, website, facebook, app_mobile, he_thong_tthc_tinh",
    ),
    RowProblem(
        7,
        "DT-B-05",
        "«09x12-abc» không phải số điện thoại: chỉ được có chữ số, dấu cách, dấu chấm và dấu + ở đầu "
        "(ví dụ 0912 345 678 hoặc +84 912 345 678)",
    ),
    RowProblem(
        8,
        "DT-B-06",
        "ngày tiếp nhận «2021-04-01T13:00:00» thiếu múi giờ (cần dạng 2021-11-01T08:30:00+07:00)",
    ),
    RowProblem(9, "DT-B-07", "thiếu cột: dòng có 8 ô, dòng tiêu đề có 13 cột"),
    RowProblem(10, "DT-B-08", "đơn vị xử lý «Sở Không Tồn Tại» không có trong danh mục (kể cả tên cũ)"),
    RowProblem(11, "DT-B-01", "trùng mã phiếu với dòng 2"),
]


def counts(store: LocalStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("tickets", "citizens", "ticket_history", "outbox", "ticket_fts")
        }


def ticket(store: LocalStore, code: str) -> models.Ticket:
    with store.sessions() as session:
        row = session.scalar(select(models.Ticket).where(models.Ticket.code == code))
        assert row is not None, code
        return row


def search(store: LocalStore, query: str) -> set[str]:
    """The codes the ticket list's free-text filter finds."""
    page = TicketQuery(store).page(TicketFilter(text=query), limit=1000)
    return {row.code for row in page.rows}


def write_csv(path: Path, *rows: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding=encoding)
    return path


def test_a_good_file_imports_every_row_with_its_citizen_history_outbox_and_search_rows(
    store: LocalStore,
) -> None:
    report = import_tickets_csv(store, GOOD, operator="dtv-lan")

    assert (report.total_rows, report.imported, report.already_present, report.skipped_bad) == (7, 7, 0, 0)
    assert report.problems == []
    # 0912 345 678 is on two rows: one citizen; the landline 0277 3851 234 is a citizen too.
    assert counts(store) == {"tickets": 7, "citizens": 3, "ticket_history": 7, "outbox": 7, "ticket_fts": 7}

    first = ticket(store, "DT-2021-000001")
    assert first.phone == "+84912345678"
    assert first.received_at == datetime(2021, 3, 2, 8, 15, tzinfo=VN_TZ)
    assert (first.channel, first.request_type, first.level, first.is_tthc) == (
        "dien_thoai",
        "hoi_thong_tin",
        1,
        True,
    )
    assert first.status == "da_xu_ly" and first.resolved_at == first.received_at
    assert first.created_by == "dtv-lan" and first.version == 1
    assert ticket(store, "DT-2021-000005").citizen_id == first.citizen_id

    with store.sessions() as session:
        citizen = session.get(models.Citizen, first.citizen_id)
        assert citizen is not None and citizen.name == "Nguyễn Văn An"
        history = session.scalars(
            select(models.TicketHistory).where(models.TicketHistory.ticket_id == first.id)
        ).one()
        mutation = session.scalars(
            select(models.OutboxMutation).where(models.OutboxMutation.entity_id == first.id)
        ).one()
    assert (history.action, history.actor) == (HistoryAction.IMPORTED.value, "dtv-lan")
    # The imported row is the ticket's first version: history and outbox say where it came from,
    # and the sync reads the ticket itself rather than a second copy of it.
    assert json.loads(history.changes) == {"tep": GOOD.name, "dong": 2}
    assert (mutation.entity, mutation.op, mutation.pushed_at) == ("ticket", "import", None)
    assert json.loads(mutation.payload) == {"tep": GOOD.name, "dong": 2}

    assert search(store, "tan hoi") == {"DT-2021-000002"}
    assert search(store, "căn cước") == {"DT-2021-000001"}
    assert search(store, "0912345678") == {"DT-2021-000001", "DT-2021-000005"}
    assert search(store, "0912 345") == {"DT-2021-000001", "DT-2021-000005"}
    assert search(store, "DT-2021-000002") == {"DT-2021-000002"}
    assert len(search(store, "dt-2021-00000")) == 7  # a code as typed, in any case


def test_an_imported_ticket_edited_at_the_desk_is_found_by_its_new_words_only(store: LocalStore) -> None:
    """The import indexes in SQL, an edit removes the old words computed in Python: they must agree
    (the index keeps no text; a word removed with the wrong spelling would stay findable)."""
    import_tickets_csv(store, GOOD, operator="dtv-lan")
    imported = ticket(store, "DT-2021-000001")  # no answer, no TTHC code: empty parts in the body
    service = TicketService(store, operator="dtv-lan")
    before = service.get(imported.id)

    service.update(
        imported.id,
        dataclasses.replace(
            before.draft,
            content="Đăng ký tạm trú cho người thuê nhà",
            tthc_code="1.000178",
            answer="Đã hướng dẫn",
        ),
        expected_version=before.version,
    )

    assert search(store, "căn cước") == set() and search(store, "can cuoc") == set()
    assert search(store, "dang ky tam tru") == {"DT-2021-000001"}
    assert search(store, "Nguyễn Văn An") == {"DT-2021-000001"}


def test_codes_and_labels_empty_rating_and_deadlines_are_read_like_the_form(store: LocalStore) -> None:
    import_tickets_csv(store, GOOD, operator="dtv-lan")

    labelled = ticket(store, "DT-2021-000002")  # "Điện thoại", "Phản ánh": labels, not codes
    assert (labelled.channel, labelled.request_type) == ("dien_thoai", "phan_anh")
    assert (labelled.satisfaction, labelled.dissatisfaction_reason) == ("khong_hai_long", "don_vi_tra_loi")
    assert ticket(store, "DT-2021-000004").satisfaction == "chua_danh_gia"  # empty danh_gia
    assert ticket(store, "DT-2021-000006").satisfaction == "hai_long"  # "Hài lòng"
    assert ticket(store, "DT-2021-000004").resolved_at is None

    service = TicketService(store, operator="dtv-lan")
    assert labelled.deadline == service.deadline_for(date(2021, 3, 2), Level.THREE) == date(2021, 3, 9)
    assert ticket(store, "DT-2021-000007").deadline == service.deadline_for(date(2021, 3, 9), Level.FOUR)


def test_units_match_by_alias_without_diacritics_and_after_a_merge(store: LocalStore) -> None:
    catalogs = CatalogService(store)
    catalogs.merge_unit("ubnd-huyen-hong-ngu", into="ubnd-tp-hong-ngu")

    import_tickets_csv(store, GOOD, operator="dtv-lan")

    assert ticket(store, "DT-2021-000002").unit_code == "ubnd-huyen-tan-hong"  # "UBND huyện Tân Hong"
    assert ticket(store, "DT-2021-000004").unit_code == "so-tai-nguyen-moi-truong"  # no diacritics
    # A merged unit still matches, and the old ticket keeps it.
    assert ticket(store, "DT-2021-000007").unit_code == "ubnd-huyen-hong-ngu"


def test_importing_the_same_file_again_adds_nothing(store: LocalStore) -> None:
    import_tickets_csv(store, GOOD, operator="dtv-lan")
    before = counts(store)

    again = import_tickets_csv(store, GOOD, operator="dtv-lan")

    assert (again.total_rows, again.imported, again.already_present, again.skipped_bad) == (7, 0, 7, 0)
    assert counts(store) == before


def test_a_code_already_in_the_store_is_left_unchanged(store: LocalStore, tmp_path: Path) -> None:
    import_tickets_csv(store, GOOD, operator="dtv-lan")
    changed = write_csv(
        tmp_path / "changed.csv",
        "DT-2021-000001,2022-01-01T08:00:00+07:00,email,,Ai đó,gop_y,1,0,,da_xu_ly,,,Nội dung khác",
    )

    report = import_tickets_csv(store, changed, operator="dtv-khac")

    assert (report.imported, report.already_present) == (0, 1)
    assert ticket(store, "DT-2021-000001").content == "Hỏi thủ tục cấp lại căn cước công dân bị mất"


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(store: LocalStore) -> None:
    with pytest.raises(ImportAborted) as aborted:
        import_tickets_csv(store, BAD, operator="dtv-lan")

    report = aborted.value.report
    assert report.problems == BAD_ROWS
    assert str(report.problems[0]) == "dòng 5: cấp độ «5» không hợp lệ (1-4)"
    assert (report.total_rows, report.imported, report.skipped_bad) == (11, 0, 7)
    assert counts(store) == {"tickets": 0, "citizens": 0, "ticket_history": 0, "outbox": 0, "ticket_fts": 0}


def test_skip_bad_imports_the_good_rows_and_reports_the_bad_ones(store: LocalStore) -> None:
    report = import_tickets_csv(store, BAD, operator="dtv-lan", skip_bad=True)

    assert report.problems == BAD_ROWS
    # DT-B-09 is on lines 12 and 13, identical: the second is the same ticket, already present.
    assert (report.total_rows, report.imported, report.already_present, report.skipped_bad) == (11, 3, 1, 7)
    assert counts(store)["tickets"] == counts(store)["outbox"] == 3
    assert (
        ticket(store, "DT-B-01").content == "Hỏi thủ tục đăng ký khai sinh"
    )  # the first of the repeated code
    assert ticket(store, "DT-B-02").content == (
        "Phản ánh chậm cấp phiếu lý lịch tư pháp.\nĐã nộp hồ sơ từ tháng trước."
    )


def test_rules_of_the_form_apply_to_imported_rows(store: LocalStore, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "rules.csv",
        "R-1,2021-05-01T08:00:00+07:00,dien_thoai,,An,hoi_thong_tin,1,0,,da_xu_ly,,,Không có số",
        "R-2,2021-05-01T08:00:00+07:00,zalo,,An,phan_anh,3,0,,dang_xu_ly,,,Thiếu đơn vị",
        "R-3,2021-05-01T08:00:00+07:00,zalo,,An,phan_anh,1,0,,dang_xu_ly,hai_long,,Đang xử lý đã đánh giá",
        "R-4,2021-05-01T08:00:00+07:00,zalo,,An,phan_anh,1,0,,da_xu_ly,khong_hai_long,,Thiếu lý do",
        "R-5,01/05/2021,zalo,,An,phan_anh,1,2,,da_xu_ly,,,Ngày sai và la_tthc sai",
        "R-6,2021-05-01T08:00:00+07:00,zalo,,An,phan_anh,1,0,,da_xu_ly,,,",
        'R-7,2021-05-01T08:00:00+07:00,zalo,,An,phan_anh,1,0,,da_xu_ly,,,"Ngoặc kép "sai" giữa ô"',
    )

    with pytest.raises(ImportAborted) as aborted:
        import_tickets_csv(store, path, operator="dtv-lan")

    reasons = {problem.line: problem.reason for problem in aborted.value.report.problems}
    assert reasons[2] == "Phiếu nhận qua điện thoại cần số điện thoại người gọi"
    assert reasons[3] == "Phiếu cấp độ 2-4 phải chọn đơn vị xử lý"
    assert reasons[4] == "Phiếu đang xử lý chưa thể đánh giá mức độ hài lòng"
    assert reasons[5] == "Chọn lý do người dân không hài lòng"
    assert "ngày tiếp nhận «01/05/2021» không phải thời điểm ISO 8601" in reasons[6]
    assert "cột la_tthc «2» không hợp lệ (0 hoặc 1)" in reasons[6]
    assert reasons[7] == "Nội dung yêu cầu không được để trống"
    assert reasons[8].startswith("sau dấu ngoặc kép đóng phải là dấu phẩy")


def test_a_quote_left_open_is_reported_on_the_line_where_the_row_starts(
    store: LocalStore, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "open.csv",
        "Q-1,2021-05-01T08:00:00+07:00,zalo,,An,gop_y,1,0,,da_xu_ly,,,Bình thường",
        'Q-2,2021-05-01T08:00:00+07:00,zalo,,An,gop_y,1,0,,da_xu_ly,,,"Ngoặc mở không đóng',
        "Q-3,2021-05-01T08:00:00+07:00,zalo,,An,gop_y,1,0,,da_xu_ly,,,Bị nuốt vào ô trên",
    )

    with pytest.raises(ImportAborted) as aborted:
        import_tickets_csv(store, path, operator="dtv-lan")

    assert aborted.value.report.problems == [
        RowProblem(3, None, "dấu ngoặc kép mở ở dòng này không được đóng đến hết tệp")
    ]


def cp1258(text_: str) -> bytes:
    """Text as Windows-1258 writes it: vowels with their hat/horn precomposed, the tone a combining mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text_):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = list(unicodedata.normalize("NFD", char))
        tones = [mark for mark in marks if mark in "\u0300\u0301\u0303\u0309\u0323"]
        vowel = unicodedata.normalize("NFC", base + "".join(mark for mark in marks if mark not in tones))
        out += (vowel + "".join(tones)).encode("cp1258")
    return bytes(out)


def test_a_windows_1258_file_is_refused_with_the_line_and_the_fix_then_imports_with_its_encoding(
    store: LocalStore, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    content = GOOD.read_text(encoding="utf-8")
    path.write_bytes(cp1258(content.replace("\n", "\r\n")))

    with pytest.raises(ImportFileError) as refused:
        import_tickets_csv(store, path, operator="dtv-lan")
    message = str(refused.value)
    assert message.startswith("dòng 2: tệp không phải UTF-8")
    assert "--encoding cp1258" in message
    assert counts(store)["tickets"] == 0

    report = import_tickets_csv(store, path, operator="dtv-lan", encoding="cp1258")

    assert report.imported == 7
    first = ticket(store, "DT-2021-000001")
    assert first.citizen_name == "Nguyễn Văn An"  # stored precomposed, as typed in the desk
    assert first.content == "Hỏi thủ tục cấp lại căn cước công dân bị mất"
    assert ticket(store, "DT-2021-000002").unit_code == "ubnd-huyen-tan-hong"


def test_a_utf16_file_is_recognised_by_its_byte_order_mark(store: LocalStore, tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes(GOOD.read_text(encoding="utf-8").encode("utf-16"))

    with pytest.raises(ImportFileError, match=r"UTF-16.*--encoding utf-16"):
        import_tickets_csv(store, path, operator="dtv-lan")

    report = import_tickets_csv(store, path, operator="dtv-lan", encoding="utf-16")
    assert report.imported == 7
    assert ticket(store, "DT-2021-000002").citizen_name == "Trần Thị Bình"


def test_a_file_with_a_utf8_byte_order_mark_imports(store: LocalStore, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.read_bytes())

    assert import_tickets_csv(store, path, operator="dtv-lan").imported == 7


def test_header_names_are_matched_loosely_and_extra_columns_ignored(
    store: LocalStore, tmp_path: Path
) -> None:
    path = tmp_path / "loose.csv"
    header = ",".join(f" {name.upper()} " for name in HEADER.split(",")) + ",ghi_chu"
    path.write_text(f"{header}\nL-1,2021-05-01T08:00:00+07:00,zalo,,An,gop_y,1,0,,da_xu_ly,,,Góp ý,bỏ qua\n")

    assert import_tickets_csv(store, path, operator="dtv-lan").imported == 1


def test_a_missing_column_an_empty_file_and_a_missing_file_are_file_errors(
    store: LocalStore, tmp_path: Path
) -> None:
    missing = tmp_path / "missing_column.csv"
    missing.write_text(HEADER.replace(",cap_do", "") + "\n")
    with pytest.raises(ImportFileError, match="dòng 1: tệp thiếu cột cap_do"):
        import_tickets_csv(store, missing, operator="dtv-lan")

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="Tệp rỗng"):
        import_tickets_csv(store, empty, operator="dtv-lan")

    with pytest.raises(ImportFileError, match="Không có tệp"):
        import_tickets_csv(store, tmp_path / "nowhere.csv", operator="dtv-lan")

    with pytest.raises(ImportFileError, match="Không biết bảng mã"):
        import_tickets_csv(store, GOOD, operator="dtv-lan", encoding="klingon")


def test_a_header_only_file_imports_nothing(store: LocalStore, tmp_path: Path) -> None:
    report = import_tickets_csv(store, write_csv(tmp_path / "header.csv"), operator="dtv-lan")

    assert (report.total_rows, report.imported, report.problems) == (0, 0, [])


def test_an_existing_citizen_gets_a_missing_name_but_keeps_a_known_one(
    store: LocalStore, tmp_path: Path
) -> None:
    service = TicketService(store, operator="dtv-lan")
    service.create(TicketDraft(content="Gọi hỏi", phone="0912345678"))
    service.create(TicketDraft(content="Gọi hỏi", phone="0383456789", citizen_name="Trần Bình"))

    import_tickets_csv(store, GOOD, operator="dtv-lan")

    with store.sessions() as session:
        names = {
            phone: name for phone, name in session.execute(select(models.Citizen.phone, models.Citizen.name))
        }
    assert names["+84912345678"] == "Nguyễn Văn An"
    assert names["+84383456789"] == "Trần Bình"
    assert counts(store)["citizens"] == 3


def test_a_number_on_many_rows_is_one_citizen_named_by_the_first_row_that_has_a_name(
    store: LocalStore, tmp_path: Path
) -> None:
    row = "{code},2021-06-01T08:00:00+07:00,dien_thoai,{phone},{name},hoi_thong_tin,1,0,,da_xu_ly,,,Hỏi"
    rows = [
        row.format(code="N-1", phone="0912 000 001", name=""),
        row.format(code="N-2", phone="0912000001", name="Lê Văn Tư"),
        row.format(code="N-3", phone="0912000001", name="Tên khác"),
        # A bad row (its code repeats N-1) is the first to carry 0912000002; the rows after it
        # still get their citizen.
        row.format(code="N-1", phone="0912000002", name="Dòng lỗi"),
        row.format(code="N-4", phone="0912000002", name=""),
        row.format(code="N-5", phone="0912000002", name="Phạm Thị Năm"),
    ]
    path = write_csv(tmp_path / "repeated.csv", *rows)

    report = import_tickets_csv(store, path, operator="dtv-lan", skip_bad=True)

    assert (report.imported, report.skipped_bad) == (5, 1)
    with store.engine.connect() as connection:
        citizens = dict(connection.execute(select(models.Citizen.phone, models.Citizen.name)).all())
        linked = connection.execute(
            text(
                "SELECT tickets.code, citizens.phone FROM tickets "
                "LEFT JOIN citizens ON citizens.id = tickets.citizen_id ORDER BY tickets.code"
            )
        ).all()
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    assert citizens == {"+84912000001": "Lê Văn Tư", "+84912000002": "Phạm Thị Năm"}
    assert [phone for _, phone in linked] == ["+84912000001"] * 3 + ["+84912000002"] * 2


def test_progress_reports_bytes_read_up_to_the_file_size(store: LocalStore) -> None:
    seen: list[int] = []

    import_tickets_csv(store, GOOD, operator="dtv-lan", progress=lambda done: seen.append(done.bytes_read))

    assert seen and seen == sorted(seen) and seen[-1] == GOOD.stat().st_size


def test_many_rows_span_several_chunks_and_repeated_codes_across_chunks_are_caught(
    store: LocalStore, tmp_path: Path
) -> None:
    rows = [
        f"C-{n:05d},2021-06-01T08:00:00+07:00,dien_thoai,0912{n:06d},Khách {n},"
        f"hoi_thong_tin,1,0,,da_xu_ly,,,Hỏi {n}"
        for n in range(12_000)
    ]
    rows.append("C-00001,2021-06-02T08:00:00+07:00,zalo,,Khác,gop_y,1,0,,da_xu_ly,,,Trùng mã với dòng 3")
    path = write_csv(tmp_path / "many.csv", *rows)

    report = import_tickets_csv(store, path, operator="dtv-lan", skip_bad=True)

    assert (report.imported, report.skipped_bad) == (12_000, 1)
    assert report.problems == [RowProblem(12_002, "C-00001", "trùng mã phiếu với dòng 3")]
    assert counts(store) == {
        "tickets": 12_000,
        "citizens": 12_000,
        "ticket_history": 12_000,
        "outbox": 12_000,
        "ticket_fts": 12_000,
    }
    with store.engine.connect() as connection:
        pks = connection.execute(select(func.min(models.Ticket.pk), func.max(models.Ticket.pk))).one()
        ids = list(connection.execute(select(models.Ticket.id).order_by(models.Ticket.pk)).scalars())
    assert tuple(pks) == (1, 12_000)
    # New UUIDs, in the order of the file (version 7: time first), so their indexes grow at the end.
    assert {uuid.UUID(id_).version for id_ in ids} == {7}
    assert ids == sorted(set(ids))


PHONE_LIKE = st.builds(
    lambda prefix, digits, separator, cut: prefix + separator.join([digits[:cut], digits[cut:]]),
    st.sampled_from(["", "0", "84", "+84", "+", "00", "084", "+840"]),
    st.text(alphabet="0123456789", min_size=6, max_size=12),
    st.sampled_from(["", " ", ".", "-", "  ", "/", "\t"]),
    st.integers(min_value=0, max_value=12),
)


def _normalized(raw: str) -> str | None:
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.one_of(PHONE_LIKE, st.text(max_size=16)))
def test_the_fast_path_for_mobile_numbers_agrees_with_normalize_phone(raw: str) -> None:
    fast = fast_vn_mobile(raw)
    if fast is not None:
        assert fast == _normalized(raw)


@pytest.mark.parametrize("prefix", ["03", "05", "07", "08", "09"])
def test_the_fast_path_agrees_with_normalize_phone_on_every_three_digit_prefix(prefix: str) -> None:
    for third in "0123456789":
        for tail in ("0000000", "1234567", "9999999"):
            raw = prefix + third + tail
            assert fast_vn_mobile(raw) in (None, _normalized(raw)), raw
            stored = _normalized(raw)
            if stored is not None and not is_unverified(stored):  # unlisted ones take the slow path, marked
                assert fast_vn_mobile(raw) == stored, raw


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
TYPED = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + "0123456789 .,-/", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(TYPED, min_size=1, max_size=4))
def test_every_folded_word_of_a_ticket_finds_it_in_the_index(parts: list[str]) -> None:
    index = sqlite3.connect(":memory:")
    index.execute(f"CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='{FTS_TOKENIZE}', detail='none')")
    index.execute("INSERT INTO fts(rowid, body) VALUES (1, ?)", (searchable_text(*parts),))
    for word in fold(" ".join(parts)).replace(".", " ").replace(",", " ").replace("-", " ").split("/"):
        expression = match_expression(word)
        if expression:
            assert index.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,)).fetchall() == [
                (1,)
            ]


@settings(max_examples=300, deadline=None)
@given(st.tuples(TYPED, TYPED, TYPED, TYPED))
def test_the_words_sqlite_indexes_for_an_imported_row_are_those_the_desk_would_remove(
    parts: tuple[str, str, str, str],
) -> None:
    """The index keeps no text: an edit removes the words `searchable_text` gives for the old row,
    so the import's SQL must index exactly those words, in the same order."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE tickets (citizen_name, tthc_code, content, answer)")
    db.execute("INSERT INTO tickets VALUES (?, ?, ?, ?)", parts)
    (from_sql,) = db.execute(f"SELECT {TICKET_BODY_SQL} FROM tickets").fetchone()
    db.execute(f"CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='{FTS_TOKENIZE}')")
    db.execute("CREATE VIRTUAL TABLE words USING fts5vocab(fts, 'instance')")
    bodies = [(1, from_sql), (2, searchable_text(*parts))]
    db.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", bodies)

    def words(rowid: int) -> list[str]:
        rows = db.execute("SELECT term FROM words WHERE doc = ? ORDER BY offset", (rowid,))
        return [term for (term,) in rows]

    assert words(1) == words(2)


def test_the_store_indexes_with_the_tokenizer_the_search_expects(store: LocalStore) -> None:
    with store.engine.connect() as connection:
        ddl = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ticket_fts'")).scalar()
    assert f"tokenize='{FTS_TOKENIZE}'" in str(ddl)


# --- the worker process that parses large files ---------------------------------------------------


def many_rows(count: int, *, start: int = 0) -> list[str]:
    return [
        f"P-{n:05d},2021-06-01T08:00:00+07:00,dien_thoai,0912{n % 3000:06d},Khách {n},"
        f"hoi_thong_tin,1,0,,da_xu_ly,,,Hỏi đường {n}"
        for n in range(start, start + count)
    ]


def table_rows(store: LocalStore) -> dict[str, list[tuple[object, ...]]]:
    """What an import wrote, without the values that differ between runs (ids, times)."""
    with store.engine.connect() as connection:
        return {
            "tickets": list(
                connection.execute(
                    text(
                        "SELECT tickets.pk, code, tickets.phone, citizens.phone, citizen_name, content "
                        "FROM tickets LEFT JOIN citizens ON citizens.id = tickets.citizen_id ORDER BY pk"
                    )
                )
            ),
            "citizens": list(connection.execute(text("SELECT phone, name FROM citizens ORDER BY phone"))),
            "history": list(
                connection.execute(
                    text(
                        "SELECT pk, changes FROM ticket_history JOIN tickets ON tickets.id = ticket_id "
                        "ORDER BY pk"
                    )
                )
            ),
            "outbox": list(
                connection.execute(
                    text("SELECT pk, payload FROM outbox JOIN tickets ON tickets.id = entity_id ORDER BY pk")
                )
            ),
        }


def test_a_large_file_parsed_by_the_worker_imports_what_one_process_imports(
    tmp_path: Path, store: LocalStore
) -> None:
    rows = many_rows(12_000)
    rows[7_000] = rows[7_000].replace(",1,0,,", ",7,0,,")  # a bad level, in the second chunk
    rows.append(rows[3])  # the same line again: already present
    rows.append(rows[4].replace("Hỏi đường", "Khác"))  # the code of line 6, another row: bad
    path = write_csv(tmp_path / "large.csv", *rows)
    alone = open_test_store(tmp_path / "alone")
    try:
        expected = import_tickets_csv(alone, path, operator="dtv-lan", skip_bad=True, parallel=False)
        expected_rows = table_rows(alone)
    finally:
        alone.close()
    seen: list[int] = []

    report = import_tickets_csv(
        store,
        path,
        operator="dtv-lan",
        skip_bad=True,
        parallel=True,
        progress=lambda done: seen.append(done.bytes_read),
    )

    assert report == expected
    assert (report.total_rows, report.imported, report.already_present, report.skipped_bad) == (
        12_002,
        11_999,
        1,
        2,
    )
    assert report.problems == [
        RowProblem(7_002, "P-07000", "cấp độ «7» không hợp lệ (1-4)"),
        RowProblem(12_003, "P-00004", "trùng mã phiếu với dòng 6"),
    ]
    assert table_rows(store) == expected_rows
    assert counts(store) == {
        "tickets": 11_999,
        "citizens": 3_000,
        "ticket_history": 11_999,
        "outbox": 11_999,
        "ticket_fts": 11_999,
    }
    assert search(store, "duong 11998") == {"P-11998"}
    assert seen == sorted(seen) and seen[-1] == path.stat().st_size
    with store.engine.connect() as connection:
        ids = list(connection.execute(select(models.Ticket.id).order_by(models.Ticket.pk)).scalars())
    assert {uuid.UUID(id_).version for id_ in ids} == {7} and ids == sorted(set(ids))
    assert multiprocessing.active_children() == []


def numbering(store: LocalStore) -> tuple[tuple[int, int], tuple[int, int]]:
    """(smallest, largest) ticket pk, and (entries, largest rowid) of the free-text index."""
    with store.engine.connect() as connection:
        pks = connection.execute(select(func.min(models.Ticket.pk), func.max(models.Ticket.pk))).one()
        indexed = connection.execute(text("SELECT count(*), max(rowid) FROM ticket_fts")).one()
    return (pks[0], pks[1]), (indexed[0], indexed[1])


def test_the_worker_renumbers_after_rows_already_in_the_store(tmp_path: Path, store: LocalStore) -> None:
    import_tickets_csv(store, write_csv(tmp_path / "first.csv", *many_rows(10)), operator="dtv-lan")
    path = write_csv(tmp_path / "more.csv", *many_rows(11_000, start=5))

    report = import_tickets_csv(store, path, operator="dtv-lan", parallel=True)

    assert (report.imported, report.already_present) == (10_995, 5)
    assert numbering(store) == ((1, 11_005), (11_005, 11_005))
    assert search(store, "duong 11004") == {"P-11004"}


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker"])
def test_rows_already_stored_in_the_middle_of_a_chunk_leave_no_gap_in_the_numbering(
    tmp_path: Path, store: LocalStore, parallel: bool
) -> None:
    stored = write_csv(tmp_path / "first.csv", *many_rows(10, start=100))
    import_tickets_csv(store, stored, operator="dtv-lan")
    path = write_csv(tmp_path / "more.csv", *many_rows(11_000))

    report = import_tickets_csv(store, path, operator="dtv-lan", parallel=parallel)

    assert (report.imported, report.already_present) == (10_990, 10)
    assert numbering(store) == ((1, 11_000), (11_000, 11_000))
    assert search(store, "duong 4999") == {"P-04999"} and search(store, "duong 10999") == {"P-10999"}


def test_bad_rows_found_by_the_worker_abort_the_whole_import(tmp_path: Path, store: LocalStore) -> None:
    rows = many_rows(11_000)
    rows[10_500] = rows[10_500].replace("dien_thoai", "fax")
    rows.append(rows[2].replace("Hỏi đường", "Khác"))
    path = write_csv(tmp_path / "bad.csv", *rows)

    with pytest.raises(ImportAborted) as aborted:
        import_tickets_csv(store, path, operator="dtv-lan", parallel=True)

    report = aborted.value.report
    assert [(problem.line, problem.code) for problem in report.problems] == [
        (10_502, "P-10500"),
        (11_002, "P-00002"),
    ]
    assert report.imported == 0
    assert counts(store) == {"tickets": 0, "citizens": 0, "ticket_history": 0, "outbox": 0, "ticket_fts": 0}
    assert multiprocessing.active_children() == []


def test_an_encoding_error_met_by_the_worker_names_its_line_and_nothing_is_written(
    tmp_path: Path, store: LocalStore
) -> None:
    path = tmp_path / "mixed.csv"
    rows = many_rows(11_000)
    rows[9_000] = rows[9_000].replace("Khách", "Kh\udce1ch")
    content = "\n".join([HEADER, *rows]) + "\n"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))

    with pytest.raises(ImportFileError) as refused:
        import_tickets_csv(store, path, operator="dtv-lan", parallel=True)

    assert str(refused.value).startswith("dòng 9002: tệp không phải UTF-8 (byte 0xE1")
    assert counts(store)["tickets"] == 0
    assert multiprocessing.active_children() == []


def test_the_worker_is_ended_when_the_import_is_interrupted(tmp_path: Path, store: LocalStore) -> None:
    path = write_csv(tmp_path / "large.csv", *many_rows(16_000))

    def interrupt(_done: importer.ImportProgress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_tickets_csv(store, path, operator="dtv-lan", parallel=True, progress=interrupt)

    assert multiprocessing.active_children() == []
    assert counts(store)["tickets"] == 0


def test_files_from_the_threshold_up_are_parsed_by_a_worker(
    tmp_path: Path, store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "large.csv", *many_rows(100))
    started: list[bool] = []
    real = importer._batches_from_worker

    def spy(*args: Any) -> Any:
        started.append(True)
        return real(*args)

    monkeypatch.setattr(importer, "_batches_from_worker", spy)
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", path.stat().st_size + 1)
    assert import_tickets_csv(store, path, operator="dtv-lan").imported == 100
    assert started == []

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", path.stat().st_size)
    assert import_tickets_csv(store, path, operator="dtv-lan").already_present == 100
    assert started == [True]


@pytest.mark.parametrize("parallel", [False, True])
def test_a_file_saved_by_excel_with_semicolons_imports_like_the_comma_one(
    store: LocalStore, tmp_path: Path, parallel: bool
) -> None:
    import csv

    with GOOD.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    path = tmp_path / "excel-vi.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target, delimiter=";", lineterminator="\r\n").writerows(rows)

    assert import_tickets_csv(store, path, operator="dtv-lan", parallel=parallel).imported == 7


def test_progress_tells_the_bytes_and_rows_after_each_chunk(store: LocalStore, tmp_path: Path) -> None:
    rows = [
        f"DT-P-{n:05d},2024-05-02T08:00:00+07:00,dien_thoai,0912{n:06d},,hoi_thong_tin,1,0,,"
        f"dang_xu_ly,,,Hỏi {n}"
        for n in range(CHUNK_ROWS + 10)
    ]
    path = write_csv(tmp_path / "lon.csv", *rows)
    heard: list[importer.ImportProgress] = []

    import_tickets_csv(store, path, operator="dtv-lan", progress=heard.append, parallel=False)

    assert [(done.rows_read, done.imported, done.bad) for done in heard] == [
        (CHUNK_ROWS, CHUNK_ROWS, 0),
        (CHUNK_ROWS + 10, CHUNK_ROWS + 10, 0),
    ]
    assert heard[-1].bytes_read == path.stat().st_size


def test_a_stop_between_chunks_rolls_the_whole_import_back(store: LocalStore, tmp_path: Path) -> None:
    rows = [
        f"DT-S-{n:05d},2024-05-02T08:00:00+07:00,dien_thoai,0912{n:06d},,hoi_thong_tin,1,0,,"
        f"dang_xu_ly,,,Hỏi {n}"
        for n in range(CHUNK_ROWS + 10)
    ]
    path = write_csv(tmp_path / "lon.csv", *rows)
    asked: list[int] = []

    def stop_after_the_first_chunk() -> bool:
        asked.append(1)
        return True

    with pytest.raises(importer.ImportCancelled) as cancelled:
        import_tickets_csv(store, path, operator="dtv-lan", stop_requested=stop_after_the_first_chunk)

    assert asked == [1] and cancelled.value.report.imported == 0
    assert counts(store) == {"tickets": 0, "citizens": 0, "ticket_history": 0, "outbox": 0, "ticket_fts": 0}
    assert import_tickets_csv(store, path, operator="dtv-lan").imported == CHUNK_ROWS + 10
