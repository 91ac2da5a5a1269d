"""Published answers (#17 point 5) on a real server and PostgreSQL: a ticket carries the citizen's choice and
texts rewritten for publication; the public page lists only what was agreed, resolved and rewritten, never a
name, a number, an ID or an address; it searches with the knowledge base's folding and pages; a citizen looks
up their own ticket by code and the last four digits, throttled per address and per code, and a wrong code
reads exactly like wrong digits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from server_lab import Desk, Postgres, ServerProcess, edit, new_id, ticket
from sqlalchemy import create_engine

from server.db import MIGRATIONS, alembic_config
from server.models import Base

VN = timezone(timedelta(hours=7))
# What a citizen told the operator: none of it may reach a public page, in any of its written forms.
NAME = "Lê Thị Riêngtư Bímật"
PHONE = "+84987650321"
ADDRESS = "Số 9 Hẻm Kínđáo, phường Mỹ Phúc"
ID_NUMBER = "079188001234"
CONTENT = f"Chị {NAME} (CCCD {ID_NUMBER}, ở {ADDRESS}, gọi từ 0987 650 321) hỏi về đất đai nhà mình."
PERSONAL = (
    NAME,
    "Riêngtư",
    "Bímật",
    ADDRESS,
    "Kínđáo",
    ID_NUMBER,
    PHONE,
    "0987650321",
    "987650321",
    "0987 650 321",
)


def resolved(code: str, **overrides: Any) -> dict[str, Any]:
    """A resolved, published ticket whose personal fields hold the strings no page may show."""
    values = ticket(
        code,
        phone=PHONE,
        citizen_name=NAME,
        citizen_address=ADDRESS,
        content=CONTENT,
        answer=f"Đã gọi lại chị {NAME.split()[-1]}: hồ sơ đất đai nộp tại bộ phận một cửa.",
        status="da_xu_ly",
        satisfaction="chua_danh_gia",
        resolved_at="2026-03-02T10:00:00+07:00",
        field_code="dat-dai",
        unit_code="so-tn-mt",
        publication="cong_khai",
        public_question="Người dân hỏi cấp giấy chứng nhận quyền sử dụng đất đai lần đầu nộp ở đâu?",
        public_answer="Hồ sơ nộp tại Bộ phận một cửa cấp xã; thời hạn giải quyết 30 ngày.",
    )
    values.update(overrides)
    return values


def lookup_page_token(client: httpx.Client) -> str:
    page = client.get("/cong-khai/tra-cuu")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return token.group(1)


class Citizen:
    """A browser at one address: real connections from that loopback address, the look-up form's token."""

    def __init__(self, server: ServerProcess, address: str) -> None:
        transport = httpx.HTTPTransport(local_address=address)
        self.http = httpx.Client(base_url=server.base, transport=transport, timeout=30)

    def look_up(self, code: str, digits: str) -> httpx.Response:
        token = lookup_page_token(self.http)
        return self.http.post("/cong-khai/tra-cuu", data={"code": code, "digits": digits, "csrf": token})


@pytest.fixture(scope="module")
def site(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    server = ServerProcess(postgres.url(postgres.create_database(template))).start()
    admin = Desk(server, "admin")
    for kind, code, name in (
        ("unit", "so-tn-mt", "Sở Tài nguyên và Môi trường"),
        ("unit", "so-y-te", "Sở Y tế"),
        ("field", "dat-dai", "Đất đai"),
    ):
        assert admin.http.put(f"/api/v1/catalog/{kind}/{code}", json={"name": name}).status_code == 200
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def desk(site: ServerProcess) -> Desk:
    return Desk(site, "dtv1")


def push(desk: Desk, *tickets: dict[str, Any]) -> list[str]:
    ids = [new_id() for _ in tickets]
    mutations = [desk.mutation("ticket", "create", i, t) for i, t in zip(ids, tickets, strict=True)]
    answer = desk.push(mutations)
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * len(tickets), answer.text
    return ids


@pytest.fixture(scope="module")
def seeded(desk: Desk) -> dict[str, str]:
    """One of each: published; the citizen said no; never asked; public but still in progress; public
    but the operator wrote no answer for publication."""
    ids = push(
        desk,
        resolved("PUB-1"),
        resolved("PUB-NO", publication="khong_cong_khai", public_question="Câu hỏi không công khai Zeta"),
        resolved("PUB-NOTASKED", publication="chua_hoi", public_question="Câu hỏi chưa hỏi Omega"),
        resolved(
            "PUB-OPEN",
            status="dang_xu_ly",
            resolved_at=None,
            public_question="Câu hỏi còn đang xử lý Sigma",
        ),
        resolved("PUB-NOANSWER", public_question="Câu hỏi thiếu trả lời Kappa", public_answer=""),
    )
    return dict(zip(("published", "no", "not_asked", "open", "no_answer"), ids, strict=True))


def test_the_public_page_lists_only_answers_agreed_resolved_and_rewritten_for_publication(
    site: ServerProcess, seeded: dict[str, str]
) -> None:
    page = httpx.get(f"{site.base}/cong-khai/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "cấp giấy chứng nhận quyền sử dụng đất đai lần đầu" in page.text
    assert "Bộ phận một cửa cấp xã" in page.text
    assert "Sở Tài nguyên và Môi trường" in page.text and "Đất đai" in page.text and "02/03/2026" in page.text
    for hidden in ("Zeta", "Omega", "Sigma", "Kappa"):
        assert hidden not in page.text
    assert "hỏi về đất đai nhà mình" not in page.text  # the ticket's own content never
    assert "PUB-1" not in page.text  # nor its code: half of what a look-up needs
    assert "<script" not in page.text.lower()
    assert page.headers["x-frame-options"] == "DENY"


def test_no_public_page_ever_shows_a_name_a_number_an_id_or_an_address(
    site: ServerProcess, seeded: dict[str, str]
) -> None:
    citizen = Citizen(site, "127.0.0.21")
    pages = [
        httpx.get(f"{site.base}/cong-khai/"),
        httpx.get(f"{site.base}/cong-khai/", params={"q": "dat dai"}),
        httpx.get(f"{site.base}/cong-khai/", params={"trang": 2}),
        citizen.http.get("/cong-khai/tra-cuu"),
        citizen.look_up("PUB-1", "0321"),
        citizen.look_up("PUB-OPEN", "0321"),
        citizen.look_up("PUB-1", "1111"),
        citizen.look_up("KHONG-CO", "0321"),
    ]
    assert pages[4].status_code == 200 and "Bộ phận một cửa cấp xã" in pages[4].text  # the look-up found it
    for response in pages:
        html = unicodedata.normalize("NFC", response.text)
        for personal in PERSONAL:
            assert personal not in html, (response.request.url, personal)
        assert not re.search(r"0?987\D?650\D?321", html), response.request.url
    for typed in ("Riêngtư", "Kínđáo", ID_NUMBER, "0987650321"):  # what only the personal fields hold
        found = httpx.get(f"{site.base}/cong-khai/", params={"q": typed})
        assert "0 kết quả" in found.text, typed


def test_the_search_folds_vietnamese_as_the_knowledge_base_does(site: ServerProcess, desk: Desk) -> None:
    push(
        desk,
        resolved(
            "PUB-HOA",
            public_question="Thủ tục đăng ký khai sinh ở xã Hoà Bình cần giấy tờ gì?",
            public_answer="Tờ khai và giấy chứng sinh; làm trong ngày.",
        ),
    )
    for typed in ("hoa binh", "HÒA BÌNH", "Hoà  Bình", unicodedata.normalize("NFD", "hòa bình"), "khai si"):
        page = httpx.get(f"{site.base}/cong-khai/", params={"q": typed})
        assert "Hoà Bình" in page.text, typed
        assert "1 kết quả" in page.text, typed
    none = httpx.get(f"{site.base}/cong-khai/", params={"q": "hoa binh xyzzy"})
    assert "0 kết quả" in none.text and "Không có trả lời nào khớp" in none.text
    wildcard = httpx.get(f"{site.base}/cong-khai/", params={"q": "%"})  # not a LIKE wildcard: no word at all
    assert wildcard.status_code == 200


def test_answers_come_twenty_a_page_with_the_query_kept_in_the_links(site: ServerProcess, desk: Desk) -> None:
    start = datetime(2026, 4, 1, 8, 0, tzinfo=VN)
    push(
        desk,
        *(
            resolved(
                f"PUB-PAGE-{n:02d}",
                resolved_at=(start + timedelta(hours=n)).isoformat(),
                public_question=f"Hỏi về trợ cấp xã hội số {n:02d}",
                public_answer=f"Trả lời số {n:02d}",
            )
            for n in range(45)
        ),
    )
    first = httpx.get(f"{site.base}/cong-khai/", params={"q": "tro cap"})
    assert "45 kết quả" in first.text and "Trang 1/3" in first.text
    assert first.text.count("<article") == 20
    assert "Hỏi về trợ cấp xã hội số 44" in first.text  # the latest first
    assert 'href="/cong-khai/?q=tro+cap&amp;trang=2"' in first.text
    last = httpx.get(f"{site.base}/cong-khai/", params={"q": "tro cap", "trang": 3})
    assert last.text.count("<article") == 5 and "Hỏi về trợ cấp xã hội số 00" in last.text
    beyond = httpx.get(f"{site.base}/cong-khai/", params={"q": "tro cap", "trang": 99})
    assert "Trang 3/3" in beyond.text


def test_a_citizen_sees_the_step_the_unit_and_the_answer_of_their_own_ticket(
    site: ServerProcess, desk: Desk, seeded: dict[str, str]
) -> None:
    (waiting,) = push(
        desk,
        ticket("PUB-FWD", level=2, phone="0912345678", citizen_name=NAME, answer="Ghi chú nội bộ Delta"),
    )
    forwarded = desk.http.post(f"/api/v1/tickets/{waiting}/forward", json={"unit_code": "so-y-te"})
    assert forwarded.status_code == 201, forwarded.text
    citizen = Citizen(site, "127.0.0.22")
    found = citizen.look_up(" pub-fwd ", "5678")
    assert found.status_code == 200, found.text
    assert re.search(r'id="step">Đã chuyển Sở Y tế xử lý; hạn trả lời \d\d/\d\d/\d{4}<', found.text)
    assert 'id="unit">Sở Y tế<' in found.text
    assert "Chưa có trả lời" in found.text and "Delta" not in found.text  # an operator's note is no answer
    done = citizen.look_up("PUB-1", "0321")
    assert 'id="step">Đã xử lý xong<' in done.text and 'id="unit">Sở Tài nguyên và Môi trường<' in done.text
    # the answer rewritten for publication, when there is one
    assert "Bộ phận một cửa cấp xã" in done.text
    push(desk, resolved("PUB-PRIVATE", publication="khong_cong_khai", public_question="", public_answer=""))
    private = citizen.look_up("PUB-PRIVATE", "0321")
    # else the answer as the operator wrote it, the citizen's name, address and numbers masked
    assert "Đã gọi lại chị •••: hồ sơ đất đai nộp tại bộ phận một cửa." in private.text


def test_a_wrong_code_and_wrong_digits_read_the_same(site: ServerProcess, seeded: dict[str, str]) -> None:
    citizen = Citizen(site, "127.0.0.23")
    wrong_digits = citizen.look_up("PUB-1", "9999")
    wrong_code = citizen.look_up("PUB-9", "0321")
    assert wrong_digits.status_code == wrong_code.status_code == 404
    assert "Không tìm thấy phiếu với mã và 4 số cuối" in wrong_code.text

    def shape(html: str) -> str:
        return re.sub(r'(name="csrf" value="[^"]+"|value="PUB-[19]")', "", html)

    assert shape(wrong_digits.text) == shape(wrong_code.text)
    assert 'value="PUB-1"' in wrong_digits.text and 'value="PUB-9"' in wrong_code.text  # kept to correct
    assert "9999" not in wrong_digits.text  # the digits are typed again, as a password is
    paused = Citizen(site, "127.0.0.27")
    for n in range(10):
        paused.look_up(f"PUB-{n % 2 or 9}", f"{n:04d}")  # an existing and a made-up code, in turn
    existing, made_up = paused.look_up("PUB-1", "9999"), paused.look_up("PUB-9", "0321")
    assert existing.status_code == made_up.status_code == 429
    assert existing.headers["retry-after"] == made_up.headers["retry-after"]
    assert shape(existing.text) == shape(made_up.text)  # paused alike: the pause tells nothing either


def test_searching_without_diacritics_finds_a_units_answers_by_the_units_name(
    site: ServerProcess, desk: Desk
) -> None:
    push(
        desk,
        resolved(
            "PUB-TNMT",
            public_question="Khi nào thu hồi đất làm đường liên xã được bồi thường?",
            public_answer="Khi có quyết định thu hồi; tiền bồi thường chi trả trong 30 ngày.",
            resolved_at="2026-06-09T10:00:00+07:00",  # the latest answered: first on the page
        ),
    )
    for typed in ("so tai nguyen", "Sở Tài nguyên", "tai nguyen moi truong boi thuong", "dat dai boi thuong"):
        page = httpx.get(f"{site.base}/cong-khai/", params={"q": typed})
        assert "thu hồi đất làm đường liên xã" in page.text, typed
    none = httpx.get(f"{site.base}/cong-khai/", params={"q": "so y te boi thuong"})
    assert "thu hồi đất làm đường liên xã" not in none.text  # another unit's name: not these answers


def test_guessing_from_one_address_is_paused_with_a_vietnamese_message_others_go_on(
    site: ServerProcess, seeded: dict[str, str]
) -> None:
    guesser = Citizen(site, "127.0.0.24")
    answers = [guesser.look_up("PUB-1", f"{n:04d}").status_code for n in range(10)]
    assert answers == [404] * 10
    paused = guesser.look_up("PUB-1", "0321")  # even the right digits, now
    assert paused.status_code == 429 and int(paused.headers["retry-after"]) > 0
    assert "Tra cứu tạm dừng vì đã nhập sai nhiều lần" in paused.text and "phút" in paused.text
    assert "Bộ phận một cửa" not in paused.text
    neighbour = Citizen(site, "127.0.0.25")
    assert neighbour.look_up("PUB-1", "0321").status_code == 200


def test_many_addresses_guessing_one_ticket_pause_that_code_for_everyone(
    site: ServerProcess, desk: Desk
) -> None:
    push(desk, resolved("PUB-TARGET"), resolved("PUB-OTHER"))
    for n in range(20):  # five addresses, four guesses each: none of them is paused by address
        assert Citizen(site, f"127.0.1.{n // 4 + 1}").look_up("PUB-TARGET", f"{n:04d}").status_code == 404
    owner = Citizen(site, "127.0.1.99")
    assert owner.look_up("PUB-TARGET", "0321").status_code == 429
    assert owner.look_up("PUB-OTHER", "0321").status_code == 200


def test_a_look_up_needs_its_form_token_and_four_digits_and_a_malformed_one_is_not_counted(
    site: ServerProcess, seeded: dict[str, str]
) -> None:
    citizen = Citizen(site, "127.0.0.26")
    forged = citizen.http.post("/cong-khai/tra-cuu", data={"code": "PUB-1", "digits": "0321"})
    assert forged.status_code == 403 and "Bộ phận một cửa" not in forged.text
    for digits in ("321", "03210", "abcd", ""):
        token = lookup_page_token(citizen.http)
        bad = citizen.http.post("/cong-khai/tra-cuu", data={"code": "PUB-1", "digits": digits, "csrf": token})
        assert bad.status_code == 422 and "đúng 4 chữ số cuối" in bad.text
    cookie = citizen.http.get("/cong-khai/tra-cuu").headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/cong-khai" in cookie
    for _ in range(12):  # twelve malformed tries later, the right one still answers
        token = lookup_page_token(citizen.http)
        citizen.http.post("/cong-khai/tra-cuu", data={"code": "PUB-1", "digits": "12", "csrf": token})
    assert citizen.look_up("PUB-1", "0321").status_code == 200


def test_the_choice_and_texts_sync_like_other_fields_and_a_raced_public_text_is_a_conflict(
    site: ServerProcess, desk: Desk
) -> None:
    (ticket_id,) = push(
        desk, resolved("PUB-SYNC", publication="chua_hoi", public_question="", public_answer="")
    )
    other = Desk(site, "dtv2")
    changes, _ = other.pull_all()
    fields = next(c["fields"] for c in changes if c["entity"] == "ticket" and c["entity_id"] == ticket_id)
    assert (fields["publication"], fields["public_question"], fields["public_answer"]) == ("chua_hoi", "", "")
    published = edit(
        publication=("chua_hoi", "cong_khai"),
        public_question=("", "Hỏi về lệ phí cấp đổi giấy phép lái xe Upsilon"),
        public_answer=("", "Lệ phí 135.000 đồng."),
    )
    applied = desk.push([desk.mutation("ticket", "update", ticket_id, published, base=1)])
    assert applied.json()["results"][0]["status"] == "applied"
    assert "Upsilon" in httpx.get(f"{site.base}/cong-khai/", params={"q": "upsilon"}).text
    raced = edit(public_answer=("", "Lệ phí 100.000 đồng."))
    answer = other.push([other.mutation("ticket", "update", ticket_id, raced, base=1)])
    result = answer.json()["results"][0]
    assert result["status"] == "conflict"
    assert result["field_outcomes"][0]["field"] == "public_answer"
    assert "135.000" in httpx.get(f"{site.base}/cong-khai/", params={"q": "upsilon"}).text
    bad = desk.push(
        [desk.mutation("ticket", "update", ticket_id, edit(publication=("cong_khai", "co")), base=2)]
    )
    refused = bad.json()["results"][0]
    assert refused["status"] == "rejected" and "publication" in refused["reason"]


def test_an_erased_citizen_leaves_the_public_page(site: ServerProcess, desk: Desk) -> None:
    push(desk, resolved("PUB-ERASE", phone="+84977000111", public_question="Hỏi về biển số xe Lambda"))
    assert "Lambda" in httpx.get(f"{site.base}/cong-khai/", params={"q": "lambda"}).text
    admin = Desk(site, "admin")
    assert admin.http.post("/api/v1/erasures", json={"phone": "0977000111"}).status_code == 200
    assert "Lambda" not in httpx.get(f"{site.base}/cong-khai/", params={"q": "lambda"}).text


def test_the_server_schema_has_one_head_and_the_migrations_build_what_the_models_say(db_url: str) -> None:
    engine = create_engine(db_url)
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert len(heads) == 1, heads
    assert (MIGRATIONS / "versions").is_dir()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    url = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as raw:
        indexes = raw.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tickets_published'")
        (definition,) = indexes.fetchone() or ("",)
    assert "WHERE" in definition and "cong_khai" in definition


def test_markup_in_a_published_text_or_a_search_is_shown_as_text(site: ServerProcess, desk: Desk) -> None:
    push(
        desk,
        resolved("PUB-HTML", public_question="<script>alert(1)</script> Hỏi Psi", public_answer="<b>Psi</b>"),
    )
    page = httpx.get(f"{site.base}/cong-khai/", params={"q": "psi"})
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; Hỏi Psi" in page.text and "&lt;b&gt;Psi&lt;/b&gt;" in page.text
    )
    echoed = httpx.get(f"{site.base}/cong-khai/", params={"q": '"><img src=x onerror=alert(1)>'})
    assert "<img" not in echoed.text and "&lt;img src=x" in echoed.text
    assert "default-src 'none'" in page.headers["content-security-policy"]  # no script may run at all


def test_the_look_up_masks_how_the_citizen_is_called_not_the_words_their_name_shares() -> None:
    from server.models import Ticket
    from server.services.citizen_lookup import _without_citizen

    asked = Ticket(citizen_name="Nguyễn Văn An", citizen_address="Số 12 hẻm 4, xã Mỹ Hiệp, Đồng Tháp")
    answer = (
        "Đã gọi lại anh An (Văn An) ở Số 12 hẻm 4: Văn phòng đăng ký đất đai xã Mỹ Hiệp giải quyết "
        "an toàn, số 0912 345 678."
    )
    assert _without_citizen(answer, asked) == (
        "Đã gọi lại anh ••• (•••) ở •••: Văn phòng đăng ký đất đai xã Mỹ Hiệp giải quyết "
        "an toàn, số •••• ••• •••."
    )


def test_a_mangled_page_number_or_a_pasted_page_of_text_gets_a_page_not_a_json_refusal(
    site: ServerProcess, seeded: dict[str, str]
) -> None:
    for params in ({"trang": "abc"}, {"trang": "0"}, {"trang": "-3"}, {"trang": "2.5"}, {"q": "đất " * 400}):
        answer = httpx.get(f"{site.base}/cong-khai/", params=params)
        assert answer.status_code == 200, params
        assert answer.headers["content-type"].startswith("text/html") and "Trả lời phản ánh" in answer.text
