"""The public pages in a real browser (Debian's chromium through Selenium), on a phone's screen and an office
PC's: a citizen reads the published answers, searches them without typing diacritics, turns the page, then
looks up their own ticket by its code and the last four digits of their number; a wrong guess reads plainly.
No page ever shows the citizen's name, number, ID number or address.
Screenshots: build/screenshots/published/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from server_lab import Desk, Postgres, ServerProcess, new_id, ticket
from web_browser import DESKTOP_SIZE, PHONE_SIZE, chromium, resize, shot, wait_for

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "published"
VN = timezone(timedelta(hours=7))
NAME, PHONE, ADDRESS, ID_NUMBER = "Đoàn Thị Kínđáo", "+84976543210", "Tổ 4 ấp Bíẩn, xã Tân Mỹ", "087199004321"
PERSONAL = (NAME, "Kínđáo", PHONE, "0976543210", "976543210", "0976 543 210", ADDRESS, "Bíẩn", ID_NUMBER)


def published(code: str, n: int, question: str, answer: str, **overrides: Any) -> dict[str, Any]:
    values = ticket(
        code,
        phone=PHONE,
        citizen_name=NAME,
        citizen_address=ADDRESS,
        content=f"Chị {NAME}, CCCD {ID_NUMBER}, ở {ADDRESS}: {question}",
        answer=f"Đã gọi lại chị {NAME}: {answer}",
        status="da_xu_ly",
        resolved_at=(datetime(2026, 5, 4, 8, 0, tzinfo=VN) + timedelta(hours=n)).isoformat(),
        unit_code="so-gtvt",
        field_code="giao-thong",
        publication="cong_khai",
        public_question=question,
        public_answer=answer,
    )
    values.update(overrides)
    return values


@pytest.fixture(scope="module")
def site(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    server = ServerProcess(postgres.url(postgres.create_database(template))).start()
    admin = Desk(server, "admin")
    for kind, code, name in (
        ("unit", "so-gtvt", "Sở Giao thông vận tải"),
        ("field", "giao-thong", "Giao thông"),
    ):
        assert admin.http.put(f"/api/v1/catalog/{kind}/{code}", json={"name": name}).status_code == 200
    desk = Desk(server, "dtv1")
    answers = [
        published(
            f"GT-{n:02d}",
            n,
            f"Xin hỏi thủ tục đổi giấy phép lái xe hạng B2 quá hạn {n} tháng làm thế nào?",
            "Nộp tờ khai và giấy phép cũ tại Bộ phận một cửa hoặc Cổng dịch vụ công; lệ phí 135.000 đồng.",
        )
        for n in range(1, 24)
    ]
    answers.append(
        published(
            "GT-DEN",
            30,
            "Đèn tín hiệu giao thông ở ngã tư Hoà Bình hỏng nhiều ngày, khi nào sửa?",
            "Sở đã giao đơn vị quản lý thay bộ điều khiển; đèn hoạt động lại từ ngày 06/05/2026.",
        )
    )
    answers.append(
        published("GT-RIENG", 31, "Câu hỏi riêng Gamma", "Trả lời riêng", publication="khong_cong_khai")
    )
    mutations = [desk.mutation("ticket", "create", new_id(), values) for values in answers]
    assert desk.push(mutations).status_code == 200
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium"), PHONE_SIZE) as started:
        yield started


def nothing_personal(driver: Any) -> None:
    html = driver.page_source
    for personal in PERSONAL:
        assert personal not in html, (driver.current_url, personal)


def test_a_citizen_reads_searches_and_pages_the_published_answers_on_a_phone(
    site: ServerProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    resize(browser, PHONE_SIZE)
    browser.get(f"{site.base}/cong-khai/")
    assert "Trả lời phản ánh, kiến nghị đã công khai" in browser.title
    assert browser.find_element(By.ID, "count").text == "24 trả lời"
    first = browser.find_elements(By.CSS_SELECTOR, "article.qa")
    assert len(first) == 20 and "ngã tư Hoà Bình" in first[0].text  # the latest answered first
    assert "Sở Giao thông vận tải · Giao thông" in first[0].text
    assert "Gamma" not in browser.page_source
    nothing_personal(browser)
    # nothing wider than the phone's screen: no sideways scrolling to read an answer
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_SIZE[0]
    shot(browser, SHOTS, "01-cong-khai-dien-thoai")

    browser.find_element(By.ID, "next").click()
    wait_for(browser, lambda d: "Trang 2/2" in d.page_source)
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.qa")) == 4
    shot(browser, SHOTS, "02-trang-2-dien-thoai")

    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("den hoa binh")  # typed without a single diacritic
    browser.find_element(By.ID, "search").click()
    wait_for(browser, lambda d: "1 kết quả" in d.page_source)
    (found,) = browser.find_elements(By.CSS_SELECTOR, "article.qa")
    assert "Đèn tín hiệu giao thông ở ngã tư Hoà Bình" in found.text
    assert "06/05/2026" in found.text
    assert browser.find_element(By.ID, "q").get_attribute("value") == "den hoa binh"
    nothing_personal(browser)
    shot(browser, SHOTS, "03-tim-khong-dau-dien-thoai")


def test_a_citizen_looks_up_their_ticket_and_a_wrong_guess_reads_plainly(
    site: ServerProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    resize(browser, PHONE_SIZE)
    browser.get(f"{site.base}/cong-khai/")
    browser.find_element(By.LINK_TEXT, "Tra cứu phiếu của tôi").click()
    wait_for(browser, lambda d: d.current_url.endswith("/cong-khai/tra-cuu"))
    browser.find_element(By.ID, "code-input").send_keys("GT-RIENG")
    browser.find_element(By.ID, "digits").send_keys("3210")
    browser.find_element(By.ID, "look-up").click()
    wait_for(browser, lambda d: 'id="result"' in d.page_source)
    assert browser.find_element(By.ID, "step").text == "Đã xử lý xong"
    assert browser.find_element(By.ID, "unit").text == "Sở Giao thông vận tải"
    assert browser.find_element(By.ID, "answer").text == "Trả lời riêng"
    nothing_personal(browser)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_SIZE[0]
    shot(browser, SHOTS, "04-tra-cuu-dien-thoai")

    browser.find_element(By.ID, "code-input").send_keys("GT-RIENG")
    browser.find_element(By.ID, "digits").send_keys("0000")
    browser.find_element(By.ID, "look-up").click()
    wait_for(browser, lambda d: "Không tìm thấy phiếu" in d.page_source)
    assert not browser.find_elements(By.ID, "result")
    assert browser.find_element(By.CSS_SELECTOR, "p.error").text.startswith("Không tìm thấy phiếu với mã")
    assert (
        browser.find_element(By.ID, "code-input").get_attribute("value") == "GT-RIENG"
    )  # to correct, not retype
    nothing_personal(browser)
    shot(browser, SHOTS, "05-tra-cuu-sai-dien-thoai")


def test_the_same_pages_read_well_on_an_office_screen(site: ServerProcess, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    resize(browser, DESKTOP_SIZE)
    assert browser.execute_script("return window.innerWidth") == DESKTOP_SIZE[0]
    browser.get(f"{site.base}/cong-khai/?q=giay+phep+lai+xe")
    assert "23 kết quả" in browser.find_element(By.ID, "count").text
    nothing_personal(browser)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= DESKTOP_SIZE[0]
    shot(browser, SHOTS, "06-cong-khai-may-tinh")
    browser.get(f"{site.base}/cong-khai/tra-cuu")
    browser.find_element(By.ID, "code-input").send_keys("GT-DEN")
    browser.find_element(By.ID, "digits").send_keys("3210")
    browser.find_element(By.ID, "look-up").click()
    wait_for(browser, lambda d: 'id="result"' in d.page_source)
    assert "đèn hoạt động lại" in browser.find_element(By.ID, "answer").text
    nothing_personal(browser)
    shot(browser, SHOTS, "07-tra-cuu-may-tinh")
