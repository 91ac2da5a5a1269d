"""Reading the national format: flattened tables parsed, bad lines reported with their line number."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from desktop.domain.kb import Channel
from desktop.kb.national import open_text, parse_documents, parse_legal_basis, parse_methods, read_national


def test_methods_are_rows_of_channel_deadline_and_fee() -> None:
    methods = parse_methods(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phí(Không quy định)"
        "Trực tiếp7 Ngày làm việc10,000 Việt Nam Đồng(10.000 đồng/giấy)Nộp tại Công an cấp xã"
    )
    assert [m.channel for m in methods] == [Channel.ONLINE, Channel.IN_PERSON]
    assert methods[0].deadline == "5 Ngày làm việc" and methods[0].fee_vnd == 0
    assert methods[0].fee_note == "Không quy định"
    assert methods[1].deadline_amount == 7 and methods[1].fee_vnd == 10000
    assert methods[1].description == "Nộp tại Công an cấp xã"


def test_a_fee_without_a_deadline_is_still_a_fee() -> None:
    (method,) = parse_methods("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến120,000 VNĐ(Theo Thông tư)")
    assert method.deadline == "" and method.fee_vnd == 120000


def test_documents_keep_their_form_and_copies() -> None:
    documents = parse_documents(
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị cấp lạiMau01.docx1 bản chính"
        "- Bản sao giấy phép;0 bản chính,1 bản sao"
    )
    assert [(d.name, d.form, d.originals, d.copies) for d in documents] == [
        ("Đơn đề nghị cấp lại", "Mau01.docx", 1, 0),
        ("- Bản sao giấy phép", "", 0, 1),
    ]


def test_legal_basis_separates_a_title_quoting_its_number_from_the_number() -> None:
    basis = parse_legal_basis(
        "Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thông tư 92/2015/TT-BTC92/2015/TT-BTC"
    )
    assert [(b.title, b.number) for b in basis] == [
        ("Luật 54/2014/QH13", "54/2014/QH13"),
        ("Thông tư 92/2015/TT-BTC", "92/2015/TT-BTC"),
    ]


def test_a_bad_line_is_reported_with_its_number_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tthc.jsonl.gz"
    good = {"ma_thu_tuc": "1.000001", "ten_thu_tuc": "Thủ tục thử"}
    lines = [json.dumps(good), "{không phải json", json.dumps({"ten_thu_tuc": "thiếu mã"}), "", "[1, 2]"]
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    with open_text(path) as stream:
        results = list(read_national(stream))
    assert [r.line for r in results] == [1, 2, 3, 5]
    assert results[0].procedure is not None and results[0].procedure.code == "1.000001"
    assert "JSON" in results[1].error and "mã thủ tục" in results[2].error and results[3].error
