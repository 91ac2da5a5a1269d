"""A unit with many open tickets sees them fifty at a time, the nearest deadline first, with plain links
to the next and previous pages (no JavaScript), and the count of all of them in the heading."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy.orm import Session

from server.db import create_server_engine
from server.services import unit_accounts
from tests.server.server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket, unit_browser
from tests.server.test_unit_pages import browser, shot

__all__ = ["browser"]  # the module's headless chromium, shared with the unit pages' tests

OPEN = 55


def codes(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text
    return re.findall(r"<strong>(P-TR-\d+)</strong>", page.text)


def test_the_inbox_shows_fifty_tickets_a_page_nearest_deadline_first(
    server: ServerProcess, browser: object
) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    assert admin.http.put("/api/v1/catalog/unit/so-xd-trang", json={"name": "Sở Xây dựng"}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "xaydung.an", "so-xd-trang", PASSWORD)
    engine.dispose()
    made = [(new_id(), f"P-TR-{n:03d}") for n in range(OPEN)]
    creates = [
        operator.mutation("ticket", "create", ticket_id, ticket(code, level=2, content="Hỏi giấy phép."))
        for ticket_id, code in made
    ]
    assert operator.push(creates).status_code == 200
    for ticket_id, _ in made:  # one after another: forwarded_at orders tickets of the same deadline
        sent = operator.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-xd-trang"})
        assert sent.status_code == 201, sent.text
    unit = unit_browser(server, "xaydung.an")
    first = unit.get("/don-vi/")
    assert f"Phiếu chờ đơn vị trả lời ({OPEN})" in first.text
    assert codes(first) == [code for _, code in made[:50]]
    assert 'href="/don-vi/?trang=2"' in first.text and "Trang 1/2" in first.text
    second = unit.get("/don-vi/", params={"trang": 2})
    assert codes(second) == [code for _, code in made[50:]]
    assert 'href="/don-vi/?trang=1"' in second.text and "trang=3" not in second.text
    assert codes(unit.get("/don-vi/", params={"trang": 9})) == codes(second)  # past the end: the last page
    assert codes(unit.get("/don-vi/", params={"trang": 0})) == codes(first)  # a page, not a JSON refusal

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver: Any = browser
    driver.get(f"{server.base}/don-vi/dang-nhap")
    driver.find_element(By.ID, "username").send_keys("xaydung.an")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/don-vi/"))
    driver.find_element(By.ID, "next").click()  # a plain link: no JavaScript needed
    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("trang=2"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "a.ticket")) == OPEN - 50
    shot(driver, "05-hop-thu-trang-2")
