"""The command line as an operator or IT staff runs it: `python -m desktop ...` in a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from store_keys import open_test_store

from desktop.commands.import_tickets import vn_number
from desktop.domain.clock import VN_TZ
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.domain.ticket import TicketDraft
from desktop.services.imports.importer import import_tickets_csv
from desktop.services.phone.calls import CallLog
from desktop.services.tickets.service import TicketService
from desktop.settings import HOME_ENV, Settings
from desktop.store import models

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
GOOD = DATA / "tickets_good.csv"
BAD = DATA / "tickets_bad.csv"
ABORTED = "Không nhập phiếu nào. Sửa các dòng trên hoặc chạy lại với --skip-bad."


def tongdai(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != HOME_ENV}
    env["PYTHONUTF8"] = "1"
    if home is not None:
        env[HOME_ENV] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_version() -> None:
    result = tongdai("--version")

    assert result.returncode == 0
    assert result.stdout.startswith("tongdai1022 ")


def test_import_prints_a_vietnamese_summary_and_a_second_run_finds_every_ticket(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    Settings(operator="dtv-hoa").save(data)

    first = tongdai("import-tickets", str(GOOD), "--data-dir", str(data))

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "Đã nhập 7 phiếu, 0 phiếu đã có, bỏ qua 0 dòng lỗi"
    assert first.stderr == ""  # no progress bar when stderr is not a terminal
    store = open_test_store(data)
    try:
        with store.engine.connect() as connection:
            actors = {actor for (actor,) in connection.exec_driver_sql("SELECT actor FROM ticket_history")}
    finally:
        store.close()
    assert actors == {"dtv-hoa"}

    again = tongdai("import-tickets", str(GOOD), "--data-dir", str(data), "--no-progress")

    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "Đã nhập 0 phiếu, 7 phiếu đã có, bỏ qua 0 dòng lỗi"


def test_bad_rows_exit_1_with_each_line_and_skip_bad_imports_the_rest(tmp_path: Path) -> None:
    data = tmp_path / "data"

    refused = tongdai("import-tickets", str(BAD), "--data-dir", str(data))

    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert "dòng 5: cấp độ «5» không hợp lệ (1-4)" in lines
    assert "dòng 11: trùng mã phiếu với dòng 2" in lines
    assert lines[-1] == ABORTED

    skipped = tongdai("import-tickets", str(BAD), "--skip-bad", "--data-dir", str(data))

    assert skipped.returncode == 0
    out = skipped.stdout.splitlines()
    assert out[0] == "Đã nhập 3 phiếu, 1 phiếu đã có, bỏ qua 7 dòng lỗi"
    assert out[1] == "dòng 5: cấp độ «5» không hợp lệ (1-4)"
    assert len(out) == 1 + 7


def test_at_most_50_problems_are_listed(tmp_path: Path) -> None:
    header = GOOD.read_text(encoding="utf-8").splitlines()[0]
    rows = [
        f"X-{n},2021-05-01T08:00:00+07:00,dien_thoai,0912345678,An,hoi_thong_tin,9,0,,da_xu_ly,,,Hỏi"
        for n in range(60)
    ]
    path = tmp_path / "many_bad.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    result = tongdai("import-tickets", str(path), "--data-dir", str(tmp_path / "data"))

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert sum(line.startswith("dòng ") for line in lines) == 50
    assert "... và 10 lỗi khác" in lines


def test_a_file_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    missing = tongdai("import-tickets", str(tmp_path / "nowhere.csv"), "--data-dir", str(data))
    assert missing.returncode == 2
    assert "không tồn tại" in missing.stderr

    no_column = tmp_path / "no_column.csv"
    no_column.write_text("ma_phieu,noi_dung\nA-1,Hỏi\n", encoding="utf-8")
    columns = tongdai("import-tickets", str(no_column), "--data-dir", str(data))
    assert columns.returncode == 2
    assert "tệp thiếu cột ngay_tiep_nhan" in columns.stderr


def windows_1258(text: str) -> bytes:
    """Text as Excel saves "CSV" on a Vietnamese Windows: hats/horns precomposed, tones as combining marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tones = "".join(mark for mark in marks if mark in "\u0300\u0301\u0303\u0309\u0323")
            vowel = unicodedata.normalize("NFC", base + "".join(mark for mark in marks if mark not in tones))
            out += (vowel + tones).encode("cp1258")
    return bytes(out)


def test_a_windows_1258_file_exits_2_with_the_hint_and_imports_with_encoding(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "windows.csv"
    path.write_bytes(windows_1258(GOOD.read_text(encoding="utf-8")))

    refused = tongdai("import-tickets", str(path), "--data-dir", str(data))

    assert refused.returncode == 2
    assert "dòng 2: tệp không phải UTF-8" in refused.stderr
    assert "--encoding cp1258" in refused.stderr

    accepted = tongdai("import-tickets", str(path), "--encoding", "cp1258", "--data-dir", str(data))
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.splitlines()[0] == "Đã nhập 7 phiếu, 0 phiếu đã có, bỏ qua 0 dòng lỗi"


def test_vietnamese_thousands_separator() -> None:
    assert vn_number(1234) == "1.234"
    assert vn_number(1_000_000) == "1.000.000"
    assert vn_number(56) == "56"


def test_history_json_lists_the_callers_tickets_and_calls_newest_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_test_store(data)
    try:
        import_tickets_csv(store, GOOD, operator="dtv-lan")
        latest = TicketService(store, operator="dtv-lan").create(
            TicketDraft(
                content="Gọi lại hỏi kết quả",
                phone="0912 345 678",
                received_at=datetime(2021, 4, 1, 9, 0, tzinfo=VN_TZ),
            )
        )
        calls = CallLog(store, operator="dtv-lan")
        older = calls.started(
            "0912345678", CallDirection.INBOUND, at=datetime(2021, 3, 2, 8, 14, tzinfo=VN_TZ)
        )
        calls.finished(older, CallOutcome.ANSWERED, ended_at=datetime(2021, 3, 2, 8, 20, tzinfo=VN_TZ))
        newer = calls.started(
            "+84912345678", CallDirection.OUTBOUND, at=datetime(2021, 4, 1, 9, 5, tzinfo=VN_TZ)
        )
        calls.finished(newer, CallOutcome.MISSED, ended_at=datetime(2021, 4, 1, 9, 6, tzinfo=VN_TZ))
    finally:
        store.close()

    result = tongdai("history", "0912.345.678", "--json", "--data-dir", str(data))

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["phone"] == "+84912345678"
    assert document["phone_local"] == "0912 345 678"
    assert document["citizen"]["name"] == "Nguyễn Văn An"
    assert [t["code"] for t in document["tickets"]] == [latest.code, "DT-2021-000005", "DT-2021-000001"]
    assert document["total_tickets"] == 3
    assert [c["id"] for c in document["calls"]] == [newer, older]
    assert document["calls"][0]["outcome"] == "nho"


def test_history_of_a_garbage_number_exits_2_in_vietnamese(tmp_path: Path) -> None:
    result = tongdai("history", "garbage", "--data-dir", str(tmp_path / "data"))

    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi: «garbage» không phải số điện thoại")


def test_the_home_environment_variable_is_the_data_folder_without_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"

    imported = tongdai("import-tickets", str(GOOD), home=home)

    assert imported.returncode == 0, imported.stderr
    assert (home / "tongdai1022.sqlite3").is_file()
    history = tongdai("history", "0383456789", "--json", home=home)
    assert history.returncode == 0, history.stderr
    assert [t["code"] for t in json.loads(history.stdout)["tickets"]] == ["DT-2021-000002"]


def test_it_staff_merge_and_rename_units_and_old_names_still_import(tmp_path: Path) -> None:
    data = tmp_path / "data"

    merged = tongdai("units", "merge", "ubnd-huyen-tan-hong", "ubnd-huyen-hong-ngu", "--data-dir", str(data))
    renamed = tongdai("units", "rename", "so-y-te", "Sở Y tế tỉnh Đồng Tháp", "--data-dir", str(data))
    unknown = tongdai("units", "retire", "khong-co-don-vi-nay", "--data-dir", str(data))

    assert merged.returncode == renamed.returncode == 0, merged.stderr + renamed.stderr
    assert unknown.returncode == 2 and "Không có đơn vị" in unknown.stderr
    active = tongdai("units", "list", "--data-dir", str(data)).stdout
    everything = tongdai("units", "list", "--all", "--data-dir", str(data)).stdout
    assert "ubnd-huyen-tan-hong" not in active
    assert "ubnd-huyen-tan-hong" in everything and "ubnd-huyen-hong-ngu" in everything
    assert "Sở Y tế tỉnh Đồng Tháp" in active

    imported = tongdai("import-tickets", str(GOOD), "--data-dir", str(data))
    assert imported.returncode == 0, imported.stderr
    store = open_test_store(data)
    try:
        with store.sessions() as session:
            units = set(session.scalars(select(models.Ticket.unit_code)))
    finally:
        store.close()
    assert "ubnd-huyen-tan-hong" in units  # history keeps the unit it had, under its old spelling
