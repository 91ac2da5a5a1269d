"""The knowledge-base service on a real store: starter KB, import, search, full records, the CLI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from store_keys import open_test_store

from desktop.app import main
from desktop.domain.kb import Channel, Procedure
from desktop.services.kb import KnowledgeBase, ensure_starter_kb


def codes(kb: KnowledgeBase, query: str, limit: int = 10) -> list[str]:
    return [hit.code for hit in kb.search(query, limit) if hit.kind == "procedure"]


def test_the_starter_kb_is_loaded_once_and_answers(kb: KnowledgeBase) -> None:
    assert kb.count() >= 30
    record = kb.get("1.001193")
    assert record is not None and record.title == "Thủ tục đăng ký khai sinh"
    assert record.methods[0].channel is Channel.IN_PERSON and record.documents and record.legal_basis
    assert any("giấy chứng sinh" in qa.answer for qa in kb.qa_for("1.001193"))


def test_loading_the_starter_again_changes_nothing(tmp_path: Path) -> None:

    store = open_test_store(tmp_path / "data")
    assert ensure_starter_kb(store) is True
    assert ensure_starter_kb(store) is False
    store.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cap lai cccd", "1.014064"),
        ("dang ky khai sinh", "1.001193"),
        ("đăng ký kết hôn", "1.000894"),
        ("lam so do", "1.012753"),
        ("doi gplx", "3.000347"),
        ("dang ky thuong tru", "1.004222"),
        ("xac nhan doc than", "1.004873"),
        ("ly lich tu phap", "1022.005"),
        ("rut bhxh mot lan", "1.001613"),
        ("dang ky khai sihn", "1.001193"),  # typo
        ("dang ky tam tr", "1.004194"),  # prefix
    ],
)
def test_starter_queries_put_the_procedure_first(kb: KnowledgeBase, query: str, expected: str) -> None:
    assert codes(kb, query)[0] == expected


def test_user_input_never_breaks_the_search(kb: KnowledgeBase) -> None:
    for query in [
        "",
        "   ",
        '"',
        "NOT",
        "giay-phep",
        "15/2023/NĐ-CP",
        "a OR b",
        "*",
        "'; DROP TABLE",
        "(((",
        "đ",
    ]:
        assert isinstance(kb.search(query), list)


def test_a_province_variant_is_returned_for_its_province_and_collapses_in_search(kb: KnowledgeBase) -> None:
    national = kb.get("1.004222")
    assert national is not None
    variant = Procedure(code=national.code, title=national.title, province="Hà Nội", field=national.field)
    kb.add_procedures([variant])
    found = kb.get("1.004222", "Hà Nội")
    assert found is not None and found.province == "Hà Nội"
    assert kb.get("1.004222", "Huế") == national
    assert codes(kb, "dang ky thuong tru").count("1.004222") == 1


def test_searches_from_worker_threads_agree(kb: KnowledgeBase) -> None:
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(codes(kb, "cap lai cccd"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results)


def test_kb_search_json_prints_code_title_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--data-dir", str(tmp_path), "kb", "search", "dang ky ket hon", "--json", "--limit", "3"]) == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and hits[0]["code"] == "1.000894"
    assert {"code", "title", "score"} <= set(hits[0])


def test_kb_import_lists_skipped_lines_in_vietnamese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tthc.jsonl"
    source.write_text(
        json.dumps({"ma_thu_tuc": "9.000001", "ten_thu_tuc": "Cấp giấy phép nuôi chim yến"}) + "\n{hỏng\n",
        encoding="utf-8",
    )
    status = main(["--data-dir", str(tmp_path / "d"), "kb", "import", str(source), "--no-progress"])
    out = capsys.readouterr().out
    assert status == 1
    assert "Đã nhập 1 thủ tục" in out and "dòng 2: JSON không hợp lệ" in out
    assert main(["--data-dir", str(tmp_path / "d"), "kb", "search", "nuoi chim yen", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["code"] == "9.000001"


def test_describe_gives_level_and_field_preferring_the_national_record(kb: KnowledgeBase) -> None:
    national = kb.get("1.014064")
    assert national is not None
    kb.add_procedures([Procedure(code=national.code, title=national.title, province="Huế", level="Cấp tỉnh")])
    described = kb.describe(["1.014064", "1.001193", "no-such-code"])
    assert described == {"1.014064": ("Cấp xã", "Căn cước"), "1.001193": ("Cấp xã", "Hộ tịch")}
    assert kb.describe([]) == {}
