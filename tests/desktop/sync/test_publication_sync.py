"""A published answer from the desk to the public page (#17 point 5), against the real server: the operator
records the citizen's agreement and the rewritten texts, the sync pushes them, the server's public page
lists them (never the citizen), the citizen's look-up finds the ticket, another desk pulls the choice, and
an edit there (the citizen withdrew their agreement) takes the answer off the page."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import httpx
from server_lab import PASSWORD, ServerProcess
from store_keys import open_test_store

from desktop.domain.codes import Publication, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine

DRAFT = TicketDraft(
    content="Chị Hạnh ở ấp 3 hỏi lệ phí đổi bằng lái B2",
    phone="0912 345 678",
    citizen_name="Trần Thị Hạnh",
    citizen_address="Ấp 3, xã Mỹ Hiệp",
    answer="Đã hướng dẫn chị Hạnh: lệ phí 135.000 đồng.",
    status=TicketStatus.RESOLVED,
    publication=Publication.PUBLIC,
    public_question="Hỏi lệ phí cấp đổi giấy phép lái xe hạng B2",
    public_answer="Lệ phí 135.000 đồng, nộp tại Bộ phận một cửa hoặc Cổng dịch vụ công.",
)


def sync(store: LocalStore, server: ServerProcess, username: str) -> None:
    credentials = Credentials(None)
    login = Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    SyncEngine(store, SyncClient(server.base), credentials, login).run_cycle()


def public_page(server: ServerProcess, query: str) -> str:
    page = httpx.get(f"{server.base}/cong-khai/", params={"q": query})
    assert page.status_code == 200
    return page.text


def test_a_desks_published_answer_reaches_the_public_page_and_leaves_it_when_withdrawn(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk_a, desk_b = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "b")
    ticket = TicketService(desk_a, "dtv1").create(DRAFT)
    sync(desk_a, server, "dtv1")

    page = public_page(server, "le phi giay phep lai xe")
    assert "1 kết quả" in page and "Cổng dịch vụ công" in page
    for personal in ("Hạnh", "912", "345 678", "Mỹ Hiệp", "Ấp 3"):
        assert personal not in page
    look_up = httpx.Client(base_url=server.base)
    token = re.search(r'name="csrf" value="([^"]+)"', look_up.get("/cong-khai/tra-cuu").text)
    assert token is not None
    found = look_up.post("/cong-khai/tra-cuu", data={"code": ticket.code, "digits": "5678", "csrf": token[1]})
    assert found.status_code == 200 and 'id="step">Đã xử lý xong<' in found.text

    sync(desk_b, server, "dtv2")
    service_b = TicketService(desk_b, "dtv2")
    on_b = service_b.get(ticket.id)
    assert on_b.draft.publication is Publication.PUBLIC
    assert on_b.draft.public_answer == DRAFT.public_answer
    service_b.update(ticket.id, replace(on_b.draft, publication=Publication.NOT_PUBLIC), on_b.version)
    sync(desk_b, server, "dtv2")
    assert "0 kết quả" in public_page(server, "le phi giay phep lai xe")
    sync(desk_a, server, "dtv1")
    assert TicketService(desk_a, "dtv1").get(ticket.id).draft.publication is Publication.NOT_PUBLIC
    desk_a.close()
    desk_b.close()
