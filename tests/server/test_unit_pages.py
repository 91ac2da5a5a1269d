"""The units' web page end to end: a desk forwards a level-2 ticket, the unit signs in with a real browser
(Debian's chromium through Selenium), sees it in its inbox with its deadline light, the citizen masked,
answers with a PDF; the answer reaches the desks' feed. Another unit never sees it; a form without its
CSRF token is refused; the session cookie is HttpOnly and SameSite=Strict."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_lab import Desk, Postgres, ServerProcess, new_id, ticket
from web_browser import DESKTOP_SIZE, PHONE_SIZE, chromium, resize, wait_for
from web_browser import shot as save_shot

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "unit-pages"
UNIT_PASSWORD = "tra-loi-cong-dan-2026"
CITIZEN_PHONE = "0912345678"
CITIZEN_ID = "001203004567"


@pytest.fixture(scope="module")
def site(
    postgres: Postgres, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    files = tmp_path_factory.mktemp("files")
    server = ServerProcess(
        postgres.url(postgres.create_database(template)), env={"TONGDAI1022_SERVER_FILES": str(files)}
    ).start()
    admin = Desk(server, "admin")
    for code, name in (("so-y-te", "Sở Y tế"), ("so-tu-phap", "Sở Tư pháp")):
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json={"name": name}).status_code == 200
    for username, unit in (("yte.lan", "so-y-te"), ("tuphap.binh", "so-tu-phap")):
        made = server.admin_command(
            "create-unit-account", username, "--unit", unit, TONGDAI1022_NEW_PASSWORD=UNIT_PASSWORD
        )
        assert made.returncode == 0, made.stderr
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(tmp_path_factory.mktemp("chromium")) as started:  # a phone's screen: staff on the road
        yield started


@pytest.fixture(scope="module")
def forwarded(site: ServerProcess) -> dict[str, str]:
    desk = Desk(site, "dtv1")
    ticket_id = new_id()
    content = f"Ông gọi từ {CITIZEN_PHONE}, CCCD {CITIZEN_ID}, phản ánh trạm y tế xã đóng cửa giờ hành chính."
    values = ticket("P-DV-1", level=2, phone=CITIZEN_PHONE, citizen_name="Trần Văn Bình", content=content)
    assert desk.push([desk.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    answer = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-y-te"})
    assert answer.status_code == 201, answer.text
    return {"ticket_id": ticket_id, "forwarding_id": answer.json()["id"], "cursor": "0"}


def sign_in(driver: object, site: ServerProcess, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{site.base}/don-vi/")  # type: ignore[attr-defined]
    assert "/don-vi/dang-nhap" in driver.current_url  # type: ignore[attr-defined]
    driver.find_element(By.ID, "username").send_keys(username)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(UNIT_PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login").click()  # type: ignore[attr-defined]
    wait_for(driver, lambda d: d.current_url.endswith("/don-vi/"))


def shot(driver: object, name: str) -> None:
    """Kept as test artefacts, on the phone and on the office PC; the page must fit either screen's width
    (nothing to scroll sideways)."""
    for size, screen in ((DESKTOP_SIZE, "may-tinh"), (PHONE_SIZE, "dien-thoai")):
        resize(driver, size)
        widths = driver.execute_script(  # type: ignore[attr-defined]
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1] == size[0], (name, screen, widths)
        save_shot(driver, SHOTS, f"{name}-{screen}")


def forward_new(site: ServerProcess, code: str) -> tuple[str, str]:
    desk = Desk(site, "dtv1")
    ticket_id = new_id()
    values = ticket(
        code, level=2, phone=CITIZEN_PHONE, content="Đường vào trạm y tế xã ngập nước, xe cứu thương khó vào."
    )
    assert desk.push([desk.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    answer = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-y-te"})
    assert answer.status_code == 201, answer.text
    return ticket_id, answer.json()["id"]


def open_ticket(driver: object, site: ServerProcess, forwarding_id: str) -> None:
    driver.get(f"{site.base}/don-vi/phieu/{forwarding_id}")  # type: ignore[attr-defined]
    if "/don-vi/dang-nhap" in driver.current_url:  # type: ignore[attr-defined]
        sign_in(driver, site, "yte.lan")
        driver.get(f"{site.base}/don-vi/phieu/{forwarding_id}")  # type: ignore[attr-defined]
    wait_for(driver, lambda d: "Nội dung phản ánh" in d.page_source)


def ask_for_time_in_the_browser(driver: object, days: str, reason: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, "//summary[contains(., 'Xin thêm thời gian')]").click()  # type: ignore[attr-defined]
    field = driver.find_element(By.ID, "days")  # type: ignore[attr-defined]
    field.clear()
    field.send_keys(days)
    driver.find_element(By.ID, "why").send_keys(reason)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "ask-time").click()  # type: ignore[attr-defined]
    wait_for(driver, lambda d: "Đã gửi đề nghị gia hạn" in d.page_source)


def steps_of(site: ServerProcess, ticket_id: str) -> list[tuple[str, str]]:
    answer = Desk(site, "dtv2").http.get(f"/api/v1/tickets/{ticket_id}/steps")
    assert answer.status_code == 200, answer.text
    assert all(step["at"] for step in answer.json())
    return [(step["step"], step["by"]) for step in answer.json()]


def test_the_unit_answers_its_ticket_in_a_browser_and_the_answer_reaches_the_desks(
    site: ServerProcess, browser: object, forwarded: dict[str, str], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    shot_login = browser  # the login page as the unit first sees it
    shot_login.get(f"{site.base}/don-vi/dang-nhap")  # type: ignore[attr-defined]
    shot(browser, "01-dang-nhap")
    sign_in(browser, site, "yte.lan")
    cards = browser.find_elements(By.CSS_SELECTOR, "a.ticket")  # type: ignore[attr-defined]
    assert len(cards) == 1 and "P-DV-1" in cards[0].text
    assert cards[0].get_attribute("data-light") == "green"  # five working days ahead
    assert CITIZEN_PHONE not in browser.page_source and CITIZEN_ID not in browser.page_source  # type: ignore[attr-defined]
    shot(browser, "02-hop-thu")

    cards[0].click()
    wait_for(browser, lambda d: "/don-vi/phieu/" in d.current_url and "Nội dung phản ánh" in d.page_source)
    page = browser.page_source  # type: ignore[attr-defined]
    assert "trạm y tế xã" in page and "•••• ••• 678" in page
    for personal in (CITIZEN_PHONE, CITIZEN_ID, "Trần Văn Bình"):
        assert personal not in page
    shot(browser, "03-phieu")

    pdf = tmp_path / "cong-van-tra-loi.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    browser.find_element(By.ID, "answer").send_keys("Sở đã chỉ đạo trạm mở cửa đúng giờ từ thứ Hai.")  # type: ignore[attr-defined]
    browser.find_element(By.ID, "pdf").send_keys(str(pdf))  # type: ignore[attr-defined]
    browser.find_element(By.ID, "send-answer").click()  # type: ignore[attr-defined]
    wait_for(browser, lambda d: "Đã gửi trả lời" in d.page_source)
    done = browser.find_element(By.ID, "done").text  # type: ignore[attr-defined]
    assert "Sở đã chỉ đạo trạm mở cửa" in done and "yte.lan" in done  # what the unit sent, and who
    shot(browser, "04-da-tra-loi")
    link = browser.find_element(By.ID, "pdf-sent").get_attribute("href")  # type: ignore[attr-defined]
    cookie = browser.get_cookie("dv_session")["value"]  # type: ignore[attr-defined]
    own = httpx.get(link, cookies={"dv_session": cookie})
    assert own.status_code == 200 and own.content == pdf.read_bytes()
    assert own.headers["content-disposition"].startswith("attachment")  # downloaded, never shown inline

    desk = Desk(site, "dtv2")
    changes, _ = desk.pull_all()
    answered = [c for c in changes if c["entity"] == "ticket" and c["entity_id"] == forwarded["ticket_id"]]
    assert answered[-1]["fields"]["answer"] == "Sở đã chỉ đạo trạm mở cửa đúng giờ từ thứ Hai."
    assert answered[-1]["fields"]["unit_code"] == "so-y-te"
    # The operator calling back gets the unit's official reply too.
    steps = desk.http.get(f"/api/v1/tickets/{forwarded['ticket_id']}/steps").json()
    assert [(s["step"], s["attachment"]) for s in steps] == [("forwarded", False), ("answered", True)]
    reply = desk.http.get(f"/api/v1/forwardings/{forwarded['forwarding_id']}/attachment")
    assert reply.status_code == 200 and reply.content == pdf.read_bytes()
    assert reply.headers["content-type"] == "application/pdf"


def test_another_unit_never_sees_the_ticket_and_forms_need_their_csrf_token(
    site: ServerProcess, forwarded: dict[str, str]
) -> None:
    other = httpx.Client(base_url=site.base, follow_redirects=False)
    page = other.get("/don-vi/dang-nhap")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert login_csrf is not None
    signed = other.post(
        "/don-vi/dang-nhap",
        data={"username": "tuphap.binh", "password": UNIT_PASSWORD, "csrf": login_csrf.group(1)},
    )
    assert signed.status_code == 303 and "HttpOnly" in signed.headers["set-cookie"]
    inbox = other.get("/don-vi/")
    assert inbox.status_code == 200 and "P-DV-1" not in inbox.text
    not_found = other.get(f"/don-vi/phieu/{forwarded['forwarding_id']}")
    assert not_found.status_code == 404 and "Không có phiếu này trong danh sách của đơn vị" in not_found.text
    assert 'id="back" href="/don-vi/"' in not_found.text  # and the way back to its own list
    assert other.get(f"/don-vi/phieu/{forwarded['forwarding_id']}/van-ban.pdf").status_code == 404
    csrf = re.search(r'name="csrf" value="([^"]+)"', inbox.text)
    assert csrf is not None
    refused = other.post(
        f"/don-vi/phieu/{forwarded['forwarding_id']}/tra-lai", data={"reason": "x", "csrf": csrf.group(1)}
    )
    assert refused.status_code == 404  # not its ticket, even with a valid token
    forged = other.post(f"/don-vi/phieu/{forwarded['forwarding_id']}/tra-lai", data={"reason": "x"})
    assert forged.status_code == 403


def test_a_wrong_password_is_said_plainly_and_a_guesser_is_locked_out(site: ServerProcess) -> None:
    client = httpx.Client(base_url=site.base, follow_redirects=False)
    codes, first = [], ""
    for n in range(7):
        page = client.get("/don-vi/dang-nhap")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        answer = client.post(
            "/don-vi/dang-nhap", data={"username": "yte.lan", "password": f"doan-{n}", "csrf": token.group(1)}
        )
        codes.append(answer.status_code)
        first = first if n else answer.text
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    assert "Sai tên đăng nhập hoặc mật khẩu. Hãy nhập lại" in first and "quản trị" in first  # and what to do
    assert 'value="yte.lan"' in first  # the name typed stays
    assert "tạm bị khóa" in answer.text


def test_more_time_asked_on_the_page_is_granted_by_a_supervisor_and_each_step_says_when_and_who(
    site: ServerProcess, browser: object
) -> None:
    from selenium.webdriver.common.by import By

    ticket_id, forwarding_id = forward_new(site, "P-DV-2")
    open_ticket(browser, site, forwarding_id)
    first_deadline = Desk(site, "giamsat").http.get("/api/v1/forwardings/extension-requests").json()
    assert first_deadline == []
    ask_for_time_in_the_browser(browser, "3", "Cần khảo sát hiện trường cùng UBND xã.")
    shot(browser, "06-xin-gia-han")

    supervisor = Desk(site, "giamsat")
    assert Desk(site, "dtv1").http.get("/api/v1/forwardings/extension-requests").status_code == 403
    (asked,) = supervisor.http.get("/api/v1/forwardings/extension-requests").json()
    assert (asked["forwarding_id"], asked["ticket_code"], asked["days"]) == (forwarding_id, "P-DV-2", 3)
    assert (
        asked["reason"] == "Cần khảo sát hiện trường cùng UBND xã." and asked["asked_by"] == "don-vi:yte.lan"
    )
    assert asked["asked_at"] is not None and asked["unit_name"] == "Sở Y tế"
    granted = supervisor.http.post(f"/api/v1/forwardings/{forwarding_id}/extension", json={"grant": True})
    assert granted.status_code == 200, granted.text
    assert granted.json()["deadline"] > asked["deadline"]
    assert supervisor.http.get("/api/v1/forwardings/extension-requests").json() == []

    browser.get(f"{site.base}/don-vi/")  # type: ignore[attr-defined]
    card = browser.find_element(By.XPATH, "//a[contains(., 'P-DV-2')]")  # type: ignore[attr-defined]
    assert "đã được gia hạn" in card.text
    open_ticket(browser, site, forwarding_id)
    said = browser.find_element(By.ID, "extension").text  # type: ignore[attr-defined]
    new_deadline = "/".join(reversed(granted.json()["deadline"].split("-")))
    assert "đồng ý gia hạn 3 ngày" in said and new_deadline in said
    shot(browser, "07-da-gia-han")
    assert steps_of(site, ticket_id) == [
        ("forwarded", "dtv1"),
        ("extension_asked", "don-vi:yte.lan"),
        ("extension_granted", "giamsat"),
    ]


def test_a_refused_request_and_a_return_are_on_the_units_page_and_in_the_tickets_steps(
    site: ServerProcess, browser: object
) -> None:
    from selenium.webdriver.common.by import By

    ticket_id, forwarding_id = forward_new(site, "P-DV-3")
    open_ticket(browser, site, forwarding_id)
    ask_for_time_in_the_browser(browser, "5", "Chờ ý kiến Sở Xây dựng.")
    supervisor = Desk(site, "giamsat")
    refused = supervisor.http.post(f"/api/v1/forwardings/{forwarding_id}/extension", json={"grant": False})
    assert refused.status_code == 200 and refused.json()["extension_state"] == "refused"
    open_ticket(browser, site, forwarding_id)
    assert "không đồng ý gia hạn" in browser.find_element(By.ID, "extension").text  # type: ignore[attr-defined]

    browser.find_element(By.XPATH, "//summary[contains(., 'Không thuộc thẩm quyền')]").click()  # type: ignore[attr-defined]
    browser.find_element(By.ID, "reason").send_keys("Đường giao thông thuộc Sở Xây dựng.")  # type: ignore[attr-defined]
    browser.find_element(By.ID, "return").click()  # type: ignore[attr-defined]
    wait_for(browser, lambda d: "Đã trả lại phiếu" in d.page_source)
    done = browser.find_element(By.ID, "done").text  # type: ignore[attr-defined]
    assert "trả lại Tổng đài" in done and "Đường giao thông thuộc Sở Xây dựng." in done
    shot(browser, "08-da-tra-lai")
    assert steps_of(site, ticket_id) == [
        ("forwarded", "dtv1"),
        ("extension_asked", "don-vi:yte.lan"),
        ("extension_refused", "giamsat"),
        ("returned", "don-vi:yte.lan"),
    ]
