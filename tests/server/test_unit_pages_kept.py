"""The units' page as its staff meet it on a phone (real chromium through Selenium): nothing typed is lost
when a form is refused (a fake PDF, a session that ran out, a tab left open after signing in again), every
refusal says in Vietnamese what happened and what to do, the deadline light is readable without its
colour, and the citizen stays out of the texts however their number, ID or name was typed.
Screenshots: build/screenshots/unit-pages/ (phone and office PC)."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_lab import Desk, Postgres, ServerProcess, new_id, ticket
from sqlalchemy import create_engine, text
from test_unit_pages import UNIT_PASSWORD, shot
from web_browser import PHONE_SIZE, chromium, wait_for

from protocol.workdays import WorkCalendar
from server.services.forwarding import VN

TYPED_ANSWER = "Sở đã giao Trung tâm y tế huyện kiểm tra;\nkết quả báo lại trước ngày 20."
REAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def site(
    postgres: Postgres, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    files = tmp_path_factory.mktemp("files")
    server = ServerProcess(
        postgres.url(postgres.create_database(template)), env={"TONGDAI1022_SERVER_FILES": str(files)}
    ).start()
    admin = Desk(server, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-y-te", json={"name": "Sở Y tế"}).status_code == 200
    made = server.admin_command(
        "create-unit-account", "yte.mai", "--unit", "so-y-te", TONGDAI1022_NEW_PASSWORD=UNIT_PASSWORD
    )
    assert made.returncode == 0, made.stderr
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium"), PHONE_SIZE) as started:
        yield started


def forward(
    site: ServerProcess, code: str, content: str = "Trạm y tế xã đóng cửa giờ hành chính.", **more: Any
) -> str:
    desk = Desk(site, "dtv1")
    ticket_id = new_id()
    values = ticket(code, level=2, phone="0912345678", content=content, **more)
    assert desk.push([desk.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    answer = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-y-te"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def sql(site: ServerProcess, statement: str, **values: Any) -> None:
    database = create_engine(site.db_url)
    with database.begin() as connection:
        connection.execute(text(statement), values)
    database.dispose()


def sign_in(driver: Any, username: str = "yte.mai") -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(UNIT_PASSWORD)
    driver.find_element(By.ID, "login").click()


def open_ticket(driver: Any, site: ServerProcess, forwarding_id: str) -> None:
    driver.get(f"{site.base}/don-vi/phieu/{forwarding_id}")
    if "/don-vi/dang-nhap" in driver.current_url:
        sign_in(driver)
    wait_for(driver, lambda d: "Nội dung phản ánh" in d.page_source)


def typed(driver: Any, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.ID, element_id).get_attribute("value"))


def unit_steps(site: ServerProcess, forwarding_id: str) -> list[str]:
    database = create_engine(site.db_url)
    with database.begin() as connection:
        row = connection.execute(
            text("SELECT state, ticket_id FROM forwardings WHERE id = :i"), {"i": forwarding_id}
        ).one()
    database.dispose()
    return [step["step"] for step in Desk(site, "dtv2").http.get(f"/api/v1/tickets/{row[1]}/steps").json()]


def test_a_fake_pdf_is_refused_in_vietnamese_and_the_typed_answer_stays_for_the_real_one(
    site: ServerProcess, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    forwarding_id = forward(site, "P-PDF-1")
    open_ticket(browser, site, forwarding_id)
    # the browser's own words on the form are Vietnamese too, as on a Vietnamese phone
    empty = browser.execute_script("return document.getElementById('answer').validationMessage")
    assert empty and empty != "Please fill out this field." and "Vui lòng" in empty, empty
    fake = tmp_path / "cong-van.pdf"  # a Word file renamed: the name says PDF, the content does not
    fake.write_bytes(b"PK\x03\x04 word/document.xml")
    browser.find_element(By.ID, "answer").send_keys(TYPED_ANSWER)
    browser.find_element(By.ID, "pdf").send_keys(str(fake))
    browser.find_element(By.ID, "send-answer").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "p.error"))
    said = browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert said.startswith("Chưa gửi được: tệp «cong-van.pdf» không phải văn bản PDF")
    assert "Hãy chọn tệp PDF" in said and "vẫn còn bên dưới" in said
    assert typed(browser, "answer") == TYPED_ANSWER
    assert unit_steps(site, forwarding_id) == ["forwarded"]  # nothing went
    shot(browser, "10-pdf-gia")

    real = tmp_path / "cong-van-that.pdf"
    real.write_bytes(REAL_PDF)
    browser.find_element(By.ID, "pdf").send_keys(str(real))
    browser.find_element(By.ID, "send-answer").click()  # the answer is not typed again
    wait_for(browser, lambda d: "Đã gửi trả lời" in d.page_source)
    assert TYPED_ANSWER.split("\n")[0] in browser.find_element(By.ID, "done").text
    assert browser.find_elements(By.ID, "pdf-sent")


def test_a_pdf_over_the_limit_is_refused_and_the_answer_stays(site: ServerProcess, tmp_path: Path) -> None:
    forwarding_id = forward(site, "P-PDF-2")
    web = signed_in(site)
    page = web.get(f"/don-vi/phieu/{forwarding_id}")
    big = REAL_PDF + b"0" * (5 * 1024 * 1024)
    refused = web.post(
        f"/don-vi/phieu/{forwarding_id}/tra-loi",
        data={"csrf": csrf_of(page), "answer": TYPED_ANSWER},
        files={"pdf": ("to.pdf", big, "application/pdf")},
    )
    assert refused.status_code == 422
    assert "lớn hơn 5 MB. Hãy nén hoặc tách tệp" in refused.text
    assert textarea(refused.text, "answer") == TYPED_ANSWER
    assert unit_steps(site, forwarding_id) == ["forwarded"]


def signed_in(site: ServerProcess) -> httpx.Client:
    web = httpx.Client(base_url=site.base, timeout=60)
    form = {"username": "yte.mai", "password": UNIT_PASSWORD, "csrf": csrf_of(web.get("/don-vi/dang-nhap"))}
    assert web.post("/don-vi/dang-nhap", data=form).status_code == 303
    return web


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:300]
    return found.group(1)


def textarea(html: str, element_id: str) -> str:
    found = re.search(rf'<textarea id="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None, element_id
    return found.group(1)


def test_a_session_that_ran_out_while_writing_loses_nothing_typed(site: ServerProcess, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    forwarding_id = forward(site, "P-HET-1")
    open_ticket(browser, site, forwarding_id)
    browser.find_element(By.ID, "answer").send_keys(TYPED_ANSWER)
    sql(site, "UPDATE unit_sessions SET expires_at = now() - interval '1 minute'")  # ten hours later
    browser.find_element(By.ID, "send-answer").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "login"))
    said = browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert "phiên đăng nhập đã hết hạn" in said and "nội dung anh/chị đã viết được giữ" in said
    shot(browser, "11-het-phien")
    sign_in(browser)
    wait_for(browser, lambda d: d.find_elements(By.ID, "answer"))
    assert typed(browser, "answer") == TYPED_ANSWER
    assert "Đã đăng nhập lại" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    assert unit_steps(site, forwarding_id) == ["forwarded"]
    browser.find_element(By.ID, "send-answer").click()
    wait_for(browser, lambda d: "Đã gửi trả lời" in d.page_source)
    assert unit_steps(site, forwarding_id) == ["forwarded", "answered"]


def test_the_mails_link_after_the_session_ran_out_signs_in_and_lands_on_the_ticket(
    site: ServerProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    forwarding_id = forward(site, "P-HET-2")
    open_ticket(browser, site, forwarding_id)
    sql(site, "UPDATE unit_sessions SET expires_at = now() - interval '1 minute'")
    browser.get(f"{site.base}/don-vi/phieu/{forwarding_id}")  # the link in the unit's mail
    wait_for(browser, lambda d: d.find_elements(By.ID, "login"))
    assert "Phiên đăng nhập đã hết hạn" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    sign_in(browser)
    wait_for(browser, lambda d: "Phiếu P-HET-2" in d.page_source)
    assert browser.current_url.endswith(f"/don-vi/phieu/{forwarding_id}")


def test_a_tab_left_open_after_signing_in_again_keeps_the_typed_reason(site: ServerProcess) -> None:
    forwarding_id = forward(site, "P-CU-1")
    web = signed_in(site)
    old_page = web.get(f"/don-vi/phieu/{forwarding_id}")
    newer = signed_in(site)  # signed in again in another tab: a new session and form token
    web.cookies = newer.cookies
    reason = "Việc này thuộc UBND huyện, đề nghị chuyển Phòng Y tế huyện."
    stale = web.post(
        f"/don-vi/phieu/{forwarding_id}/tra-lai", data={"csrf": csrf_of(old_page), "reason": reason}
    )
    assert stale.status_code == 403
    assert "trang này đã cũ" in stale.text and "Hãy kiểm tra rồi bấm gửi lại" in stale.text
    assert textarea(stale.text, "reason") == reason
    assert re.search(r"<details class=\"card\" open>\s*<summary>Không thuộc thẩm quyền", stale.text)
    again = web.post(
        f"/don-vi/phieu/{forwarding_id}/tra-lai", data={"csrf": csrf_of(stale), "reason": reason}
    )
    assert again.status_code == 303
    assert unit_steps(site, forwarding_id) == ["forwarded", "returned"]


def test_a_refused_request_for_more_time_keeps_its_days_and_reason(site: ServerProcess) -> None:
    forwarding_id = forward(site, "P-GH-1")
    web = signed_in(site)
    page = web.get(f"/don-vi/phieu/{forwarding_id}")
    reason = "Chờ kết quả kiểm tra hiện trường."
    refused = web.post(
        f"/don-vi/phieu/{forwarding_id}/gia-han", data={"csrf": csrf_of(page), "days": "45", "reason": reason}
    )
    assert refused.status_code == 422 and "1 đến 30" in refused.text
    assert textarea(refused.text, "why") == reason and 'value="45"' in refused.text


def test_the_light_says_its_meaning_in_a_sign_and_a_label_not_only_in_colour(
    site: ServerProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    today = datetime.now(VN).date()
    calendar = WorkCalendar()  # the test's database has no holidays
    # only one working day left: today's, or after a weekend the next one's
    last_day = (
        today if calendar.is_working_day(today) else calendar.add_working_days(today + timedelta(days=1), 0)
    )
    late, due = forward(site, "P-DEN-DO"), forward(site, "P-DEN-VANG")
    sql(site, "UPDATE forwardings SET deadline = :d WHERE id = :i", d=today - timedelta(days=3), i=late)
    sql(site, "UPDATE forwardings SET deadline = :d WHERE id = :i", d=last_day, i=due)
    browser.get(f"{site.base}/don-vi/")
    if "/don-vi/dang-nhap" in browser.current_url:
        sign_in(browser)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "a.ticket"))
    seen = {}
    for card in browser.find_elements(By.CSS_SELECTOR, "a.ticket"):
        light = card.find_element(By.CSS_SELECTOR, ".light")
        code = card.find_element(By.TAG_NAME, "strong").text
        seen[code] = (card.get_attribute("data-light"), light.text, light.get_attribute("aria-label"))
    assert seen["P-DEN-DO"] == ("red", "✕", "quá hạn")
    assert seen["P-DEN-VANG"] == ("yellow", "!", "ngày làm việc cuối")
    assert ("green", "✓", "còn hạn") in seen.values()
    codes = [
        card.find_element(By.TAG_NAME, "strong").text
        for card in browser.find_elements(By.CSS_SELECTOR, "a.ticket")
    ]
    assert codes[:2] == ["P-DEN-DO", "P-DEN-VANG"]  # the nearest deadline first
    shot(browser, "12-hop-thu-ba-mau")
    open_ticket(browser, site, late)
    light = browser.find_element(By.CSS_SELECTOR, ".card .light")
    assert (light.text, light.get_attribute("aria-label")) == ("✕", "quá hạn")


def test_the_citizen_stays_out_of_the_request_however_their_number_id_or_name_was_typed(
    site: ServerProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    content = (
        "Tôi là Lê Thị Hồng Nhung, CCCD 001 203 004 567 (CMND cũ 123.456.789), hộ chiếu C1234567, "
        "điện thoại (0274) 3822 123 hoặc +84 912-345-678. Chị Nhung hỏi kinh phí 1.500.000.000 đồng "
        "làm đường xã Mỹ Hiệp năm 2025 đã giải ngân chưa."
    )
    forwarding_id = forward(site, "P-AN-1", content=content, citizen_name="Lê Thị Hồng Nhung")
    open_ticket(browser, site, forwarding_id)
    shown = browser.find_element(By.ID, "content").text
    for personal in (
        "Lê Thị Hồng Nhung", "Hồng Nhung", "Nhung", "001 203 004 567", "567", "123.456.789",
        "C1234567", "3822 123", "(0274)", "912-345-678", "678",
    ):  # fmt: skip
        assert personal not in shown, personal
    assert "kinh phí 1.500.000.000 đồng làm đường xã Mỹ Hiệp năm 2025" in shown  # the question stays whole
    browser.get(f"{site.base}/don-vi/")
    wait_for(browser, lambda d: "P-AN-1" in d.page_source)
    assert "Nhung" not in browser.page_source and "004 567" not in browser.page_source


def test_no_text_from_the_address_bar_is_shown_as_the_sites_word(site: ServerProcess) -> None:
    forwarding_id = forward(site, "P-URL-1")
    web = signed_in(site)
    spoof = "Tài khoản sắp bị khóa, hãy gọi 0999000111"
    assert spoof not in web.get(f"/don-vi/phieu/{forwarding_id}", params={"notice": spoof}).text
    assert spoof not in httpx.get(f"{site.base}/don-vi/dang-nhap", params={"error": spoof}).text


def test_signing_out_ends_the_session_on_the_server(site: ServerProcess) -> None:
    web = signed_in(site)
    inbox = web.get("/don-vi/")
    cookie = web.cookies.get("dv_session")
    out = web.post("/don-vi/dang-xuat", data={"csrf": csrf_of(inbox)})
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    assert "Đã đăng xuất" in web.get(out.headers["location"]).text
    replayed = httpx.get(f"{site.base}/don-vi/", cookies={"dv_session": str(cookie)})
    assert replayed.status_code == 303 and "/don-vi/dang-nhap" in replayed.headers["location"]


def test_over_https_every_cookie_of_the_pages_is_secure_httponly_and_samesite(
    postgres: Postgres, template: str, tmp_path: Path
) -> None:
    from telephony.tls_certs import make_tls_files

    ca = make_tls_files(tmp_path / "ca", ca_name="So TT-TT tinh test CA")
    server = ServerProcess(
        postgres.url(postgres.create_database(template)), tls=(ca.certificate, ca.key, ca.ca)
    ).start()
    try:
        sql(
            server,
            'INSERT INTO units (code, name, "group", active, sort_order, version) '
            "VALUES ('so-y-te', 'Sở Y tế', 'khac', true, 0, 1)",
        )
        made = server.admin_command(
            "create-unit-account", "yte.mai", "--unit", "so-y-te", TONGDAI1022_NEW_PASSWORD=UNIT_PASSWORD
        )
        assert made.returncode == 0, made.stderr
        web = httpx.Client(base_url=server.base, verify=ssl.create_default_context(cafile=str(ca.ca)))
        login = web.get("/don-vi/dang-nhap")
        signed = web.post(
            "/don-vi/dang-nhap",
            data={"username": "yte.mai", "password": UNIT_PASSWORD, "csrf": csrf_of(login)},
        )
        assert signed.status_code == 303
        lookup = web.get("/cong-khai/tra-cuu")
        for answer, name in ((login, "dv_login_csrf"), (signed, "dv_session"), (lookup, "ck_lookup_csrf")):
            [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
            flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
            assert {"secure", "httponly", "samesite=strict"} <= flags, cookie
    finally:
        server.stop()


def test_a_mangled_page_number_of_the_inbox_gets_the_first_page(site: ServerProcess) -> None:
    web = signed_in(site)
    for typed in ("abc", "0", "-1", "１"):
        answer = web.get("/don-vi/", params={"trang": typed})
        assert answer.status_code == 200 and "Phiếu chờ đơn vị trả lời" in answer.text, typed


def test_behind_the_provinces_tls_proxy_cookies_are_secure_and_each_citizen_is_throttled_alone(
    site: ServerProcess,
) -> None:
    """nginx on the server machine terminates TLS and forwards to the server on loopback, saying so in
    X-Forwarded-Proto/-For (trusted from 127.0.0.1; a proxy elsewhere is named in FORWARDED_ALLOW_IPS)."""

    def via_proxy(citizen: str) -> dict[str, str]:
        return {"X-Forwarded-Proto": "https", "X-Forwarded-For": citizen}

    login = httpx.get(f"{site.base}/don-vi/dang-nhap", headers=via_proxy("203.0.113.7"))
    assert "secure" in {flag.strip().lower() for flag in login.headers["set-cookie"].split(";")}

    def look_up(citizen: str, code: str) -> int:
        # the browser is on https: it sends the Secure cookie back (httpx, on the loopback's http, would not)
        form = httpx.get(f"{site.base}/cong-khai/tra-cuu", headers=via_proxy(citizen))
        cookie = form.headers["set-cookie"].split(";")[0]
        answer = httpx.post(
            f"{site.base}/cong-khai/tra-cuu",
            data={"code": code, "digits": "1234", "csrf": csrf_of(form)},
            headers=via_proxy(citizen) | {"Cookie": cookie},
        )
        return answer.status_code

    assert [look_up("203.0.113.66", f"KHONG-CO-{n}") for n in range(10)] == [404] * 10
    assert look_up("203.0.113.66", "KHONG-CO-X") == 429
    assert look_up("203.0.113.8", "KHONG-CO-X") == 404  # the same proxy, another citizen: not paused


def test_an_answer_written_while_a_colleague_answered_first_is_shown_back_not_lost(
    site: ServerProcess,
) -> None:
    forwarding_id = forward(site, "P-DONG-1")
    mine, colleague = signed_in(site), signed_in(site)
    my_form = mine.get(f"/don-vi/phieu/{forwarding_id}")
    their_form = colleague.get(f"/don-vi/phieu/{forwarding_id}")
    first = colleague.post(
        f"/don-vi/phieu/{forwarding_id}/tra-loi", data={"csrf": csrf_of(their_form), "answer": "Đã xử lý."}
    )
    assert first.status_code == 303
    late = mine.post(
        f"/don-vi/phieu/{forwarding_id}/tra-loi", data={"csrf": csrf_of(my_form), "answer": TYPED_ANSWER}
    )
    assert late.status_code == 422 and "đã được trả lời hoặc trả lại" in late.text
    unsent = re.search(r'<div class="card" id="unsent">(.*?)</div>', late.text, re.S)
    assert unsent is not None and TYPED_ANSWER in unsent.group(1)  # to copy into a note, or compare
    assert "Đã xử lý." in late.text  # what the colleague sent, beside it
