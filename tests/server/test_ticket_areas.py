"""The area of a ticket's citizen address is stored when a push brings it (tickets.area_code), follows an
edited address and the catalog's area names (read again after the admin's answer), and the report by area
counts stored codes and unstamped addresses alike."""

from __future__ import annotations

import time
from datetime import date, datetime

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from reports import Period
from server.services.forwarding import VN, work_calendar
from server.services.ticket_areas import RESTAMP_ASKED, stamp_all
from server.services.unit_timeliness import on_time_tables
from tests.server.server_lab import Desk, ServerProcess, edit, new_id, ticket

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
CATALOG = {
    "ubnd-phuong-sa-dec": ("UBND phường Sa Đéc", "xa", True, None),
    "ubnd-phuong-2-sa-dec": ("UBND Phường 2", "xa", True, None),
    "ubnd-xa-tan-khanh-dong": ("UBND xã Tân Khánh Đông", "xa", True, None),
}


def _reread_asked(server: ServerProcess) -> bool:
    engine = create_engine(server.db_url)
    with engine.connect() as connection:
        asked = connection.execute(
            text("SELECT count(*) FROM server_meta WHERE key = :key"), {"key": RESTAMP_ASKED}
        ).scalar()
    engine.dispose()
    return bool(asked)


def _put_unit(admin: Desk, code: str, entry: dict[str, object]) -> dict[str, object]:
    """The admin's edit, then the tickets' areas once the server has read them again (in the background)."""
    answer = admin.http.put(f"/api/v1/catalog/unit/{code}", json=entry)
    assert answer.status_code == 200, answer.text
    deadline = time.monotonic() + 60
    while _reread_asked(admin.server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _reread_asked(admin.server), "the tickets' areas were not read again within 60 s"
    saved: dict[str, object] = answer.json()
    return saved


def _areas(server: ServerProcess) -> dict[str, str | None]:
    engine = create_engine(server.db_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, area_code FROM tickets WHERE code LIKE 'P-KV-%'")).all()
    engine.dispose()
    return dict(rows)  # type: ignore[arg-type]


def _area_rows(server: ServerProcess) -> list[tuple[str, int]]:
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        _, areas = on_time_tables(session, APRIL, date(2026, 5, 4), work_calendar(session))
    engine.dispose()
    return [(row["area"], row["tickets"]) for row in areas]


def test_a_pushed_ticket_keeps_its_area_and_an_edited_address_moves_it(server: ServerProcess) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    for code, (name, group, active, merged_into) in CATALOG.items():
        _put_unit(admin, code, {"name": name, "group": group, "active": active, "merged_into": merged_into})
    first, second = new_id(), new_id()
    made = [
        operator.mutation("ticket", "create", first, ticket("P-KV-1", citizen_address="Phường 2, TP Sa Đéc",
                                                            received_at="2026-04-02T08:00:00+07:00")),
        operator.mutation("ticket", "create", second, ticket("P-KV-2", citizen_address="Quận 3, TP HCM",
                                                             received_at="2026-04-03T08:00:00+07:00")),
    ]  # fmt: skip
    assert operator.push(made).status_code == 200
    assert _areas(server) == {"P-KV-1": "ubnd-phuong-2-sa-dec", "P-KV-2": ""}  # "": it names no area

    moved = edit(citizen_address=("Phường 2, TP Sa Đéc", "ấp Tân Hòa, xã Tân Khánh Đông"))
    assert operator.push([operator.mutation("ticket", "update", first, moved, base=1)]).status_code == 200
    assert _areas(server)["P-KV-1"] == "ubnd-xa-tan-khanh-dong"

    # An address written behind the push's back loses its stored area at once (the trigger): never stale.
    engine = create_engine(server.db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET citizen_address = 'phường Sa Đéc' WHERE code = 'P-KV-2'"))
    assert _areas(server)["P-KV-2"] is None
    assert _area_rows(server) == [("Phường Sa Đéc", 1), ("Xã Tân Khánh Đông", 1)]  # read from the address

    # Phường 2 merged into phường Sa Đéc after P-KV-1 was stamped: its stored code counts where it went.
    with engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET citizen_address = 'Phường 2' WHERE code = 'P-KV-1'"))
        assert stamp_all(connection) >= 2
    assert _areas(server) == {"P-KV-1": "ubnd-phuong-2-sa-dec", "P-KV-2": "ubnd-phuong-sa-dec"}
    merged = {"name": "UBND Phường 2", "group": "xa", "active": False, "merged_into": "ubnd-phuong-sa-dec"}
    assert "notice" not in _put_unit(admin, "ubnd-phuong-2-sa-dec", merged)  # a merge reads nothing again
    engine.dispose()
    assert _area_rows(server) == [("Phường Sa Đéc", 2)]


def test_a_commune_added_to_the_catalog_takes_the_tickets_that_named_it(server: ServerProcess) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    values = ticket(
        "P-KV-3", citizen_address="ấp 4, xã Tân Phú Đông", received_at="2026-04-06T08:00:00+07:00"
    )
    assert operator.push([operator.mutation("ticket", "create", new_id(), values)]).status_code == 200
    assert _areas(server)["P-KV-3"] == ""  # the catalog has no such commune yet
    commune = {"name": "UBND xã Tân Phú Đông", "group": "xa", "active": True, "merged_into": None}
    saved = _put_unit(admin, "ubnd-xa-tan-phu-dong", commune)
    assert saved["name"] == "UBND xã Tân Phú Đông" and "đang xác định lại địa bàn" in str(saved["notice"])
    assert _areas(server)["P-KV-3"] == "ubnd-xa-tan-phu-dong"
    assert ("Xã Tân Phú Đông", 1) in _area_rows(server)
    department = {"name": "Sở Tân Phú Đông", "group": "so_nganh", "active": True, "merged_into": None}
    assert "notice" not in _put_unit(admin, "so-tan-phu-dong", department)
    assert _areas(server)["P-KV-3"] == "ubnd-xa-tan-phu-dong"  # a department is not an area


def _forwarding_areas(server: ServerProcess) -> list[str | None]:
    engine = create_engine(server.db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT f.area_code FROM forwardings f JOIN tickets t ON t.id = f.ticket_id"
                " WHERE t.code = 'P-KV-4' ORDER BY f.forwarded_at"
            )
        ).scalars()
        found = list(rows)
    engine.dispose()
    return found


def test_a_forwarding_carries_its_tickets_area_and_follows_its_address(server: ServerProcess) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    for code, (name, group, active, merged_into) in CATALOG.items():
        _put_unit(admin, code, {"name": name, "group": group, "active": active, "merged_into": merged_into})
    assert admin.http.put("/api/v1/catalog/unit/so-xay-dung", json={"name": "Sở Xây dựng"}).status_code == 200
    ticket_id = new_id()
    values = ticket("P-KV-4", level=3, citizen_address="Phường 2, TP Sa Đéc")
    assert operator.push([operator.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    sent = operator.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-xay-dung"})
    assert sent.status_code == 201, sent.text
    assert _forwarding_areas(server) == ["ubnd-phuong-2-sa-dec"]  # taken from the ticket when made

    moved = edit(citizen_address=("Phường 2, TP Sa Đéc", "ấp Tân Hòa, xã Tân Khánh Đông"))
    assert operator.push([operator.mutation("ticket", "update", ticket_id, moved, base=1)]).status_code == 200
    assert _forwarding_areas(server) == ["ubnd-xa-tan-khanh-dong"]  # the push's new stamp reaches it

    engine = create_engine(server.db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET citizen_address = 'phường Sa Đéc' WHERE code = 'P-KV-4'"))
    assert _forwarding_areas(server) == [None]  # the ticket's area forgotten: so is the forwarding's
    today = datetime.now(VN).date()
    with Session(engine) as session:
        _, areas = on_time_tables(session, Period(today, today), today, work_calendar(session))
    assert [(row["area"], row["forwarded"]) for row in areas] == [("Phường Sa Đéc", 1)]  # its address read
    with engine.begin() as connection:
        assert stamp_all(connection) >= 1
    engine.dispose()
    assert _forwarding_areas(server) == ["ubnd-phuong-sa-dec"]


def test_a_renamed_area_takes_the_tickets_naming_its_new_name_and_leaves_the_old(
    server: ServerProcess,
) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    commune = {"name": "UBND xã Long Hậu", "group": "xa", "active": True, "merged_into": None}
    _put_unit(admin, "ubnd-xa-long-hau", commune)
    _put_unit(admin, "so-xay-dung", {"name": "Sở Xây dựng"})
    old_name, new_name = new_id(), new_id()
    addresses = {"P-KV-5": "ấp 2, xã Long Hậu", "P-KV-6": "ấp 1, X. Mỹ An Hưng", "P-KV-7": "xa my an hung"}
    ids = {"P-KV-5": old_name, "P-KV-6": new_id(), "P-KV-7": new_name}
    made = [
        operator.mutation("ticket", "create", ids[code], ticket(code, level=3, citizen_address=address))
        for code, address in addresses.items()
    ]
    assert operator.push(made).status_code == 200
    for ticket_id in (old_name, new_name):
        sent = operator.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-xay-dung"})
        assert sent.status_code == 201, sent.text
    assert [_areas(server)[code] for code in ("P-KV-5", "P-KV-6", "P-KV-7")] == ["ubnd-xa-long-hau", "", ""]

    renamed = {"name": "UBND xã Mỹ An Hưng", "group": "xa", "active": True, "merged_into": None}
    assert "notice" in _put_unit(admin, "ubnd-xa-long-hau", renamed)
    areas = _areas(server)
    assert [areas[code] for code in ("P-KV-5", "P-KV-6", "P-KV-7")] == [
        "",
        "ubnd-xa-long-hau",
        "ubnd-xa-long-hau",
    ]
    engine = create_engine(server.db_url)
    with engine.connect() as connection:
        forwarded = connection.execute(
            text(
                "SELECT t.code, f.area_code FROM forwardings f JOIN tickets t ON t.id = f.ticket_id"
                " WHERE t.code IN ('P-KV-5', 'P-KV-7')"
            )
        ).all()
    assert dict(forwarded) == {"P-KV-5": "", "P-KV-7": "ubnd-xa-long-hau"}  # the forwardings follow

    # A server stopped before its re-read: the next one to start does it before it serves.
    with engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET area_code = 'ubnd-xa-long-hau' WHERE code = 'P-KV-5'"))
        connection.execute(
            text("INSERT INTO server_meta (key, value) VALUES (:key, 'cut-short')"), {"key": RESTAMP_ASKED}
        )
    engine.dispose()
    restarted = ServerProcess(server.db_url).start()
    try:
        assert not _reread_asked(server)
        assert _areas(server)["P-KV-5"] == ""
    finally:
        restarted.stop()
        restarted.log_path.unlink(missing_ok=True)


def test_a_re_read_that_fails_at_start_leaves_the_server_serving_and_the_re_read_asked(
    server: ServerProcess,
) -> None:
    """The tickets' areas read again at start (an edit whose re-read a stop cut short) can fail like any
    statement: a lock held by another server process of a cluster, a deadlock with its pushes. The report's
    areas wait for the next try; the province's server must not stay down for it."""
    operator = Desk(server, "dtv1")
    values = ticket("P-KV-9", citizen_address="Phường 2, TP Sa Đéc", received_at="2026-04-06T08:00:00+07:00")
    assert operator.push([operator.mutation("ticket", "create", new_id(), values)]).status_code == 200
    engine = create_engine(server.db_url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO server_meta (key, value) VALUES (:key, 'cut-short')"), {"key": RESTAMP_ASKED}
        )
    holder = engine.connect()
    holder.execute(text("LOCK TABLE tickets IN SHARE MODE"))  # another process's long transaction
    separator = "&" if "?" in server.db_url else "?"
    impatient = f"{server.db_url}{separator}options=-c%20lock_timeout%3D300"  # its wait ends in an error
    restarted = ServerProcess(impatient)
    try:
        restarted.start()
        assert httpx.get(f"{restarted.base}/health", timeout=10).status_code == 200
        assert "areas of the tickets not read again" in restarted.log_text()
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
        restarted.stop()
        restarted.log_path.unlink(missing_ok=True)
    assert _reread_asked(server)  # the next edit or start reads them again


def test_a_merge_undone_gives_the_area_back_its_tickets(server: ServerProcess) -> None:
    """A commune merged by mistake and set apart again: the tickets pushed while it was merged, and those a
    server stamped with the absorbing commune's code before, count under it again."""
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    absorbing = {"name": "UBND xã An Bình", "group": "xa", "active": True, "merged_into": None}
    _put_unit(admin, "ubnd-xa-an-binh", absorbing)
    merged = {"name": "UBND xã Tân Thuận", "group": "xa", "active": False, "merged_into": "ubnd-xa-an-binh"}
    _put_unit(admin, "ubnd-xa-tan-thuan", merged)
    made = [
        operator.mutation("ticket", "create", new_id(), ticket(code, citizen_address=address,
                                                               received_at="2026-04-07T08:00:00+07:00"))
        for code, address in (("P-KV-10", "ấp 1, xã Tân Thuận"), ("P-KV-11", "ấp 2, xã Tân Thuận"))
    ]  # fmt: skip
    assert operator.push(made).status_code == 200
    assert ("Xã An Bình", 2) in _area_rows(server)  # counted where the merge put them
    engine = create_engine(server.db_url)
    with engine.begin() as connection:  # as a server before this stamped them: the absorbing commune
        connection.execute(text("UPDATE tickets SET area_code = 'ubnd-xa-an-binh' WHERE code = 'P-KV-11'"))
    engine.dispose()

    apart = {"name": "UBND xã Tân Thuận", "group": "xa", "active": True, "merged_into": None}
    assert "notice" in _put_unit(admin, "ubnd-xa-tan-thuan", apart)
    assert [_areas(server)[code] for code in ("P-KV-10", "P-KV-11")] == ["ubnd-xa-tan-thuan"] * 2
    rows = _area_rows(server)
    assert ("Xã Tân Thuận", 2) in rows and not [row for row in rows if row[0] == "Xã An Bình"]


def test_a_renamed_area_is_named_anew_in_the_report_while_its_tickets_are_read_again(
    server: ServerProcess,
) -> None:
    """The re-read after a rename runs in the background (seconds to minutes on a year of tickets); the
    report names the stored codes as the catalog names them now, so no table says the old name meanwhile."""
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    _put_unit(admin, "ubnd-xa-hoa-an", {"name": "UBND xã Hòa An", "group": "xa", "active": True})
    values = ticket("P-KV-12", citizen_address="ấp 3, xã Hòa An", received_at="2026-04-08T08:00:00+07:00")
    assert operator.push([operator.mutation("ticket", "create", new_id(), values)]).status_code == 200
    engine = create_engine(server.db_url)
    holder = engine.connect()
    holder.execute(text("SELECT pg_advisory_lock(10220016)"))  # the re-read jobs' turn (ticket_areas)
    try:
        renamed = {"name": "UBND phường Hòa An", "group": "xa", "active": True}
        answer = admin.http.put("/api/v1/catalog/unit/ubnd-xa-hoa-an", json=renamed)
        assert answer.status_code == 200 and "notice" in answer.json()
        assert _reread_asked(server)  # the re-read waits for its turn
        rows = _area_rows(server)
        assert ("Phường Hòa An", 1) in rows and not [row for row in rows if row[0] == "Xã Hòa An"]
    finally:
        holder.execute(text("SELECT pg_advisory_unlock(10220016)"))
        holder.close()
        engine.dispose()


def test_an_area_is_never_deleted_so_its_tickets_keep_it(server: ServerProcess) -> None:
    """No deletion can leave tickets stamped with a unit gone from the catalog: the catalog refuses to
    delete a unit (old tickets name it) and says to retire it, which changes no address's area."""
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    _put_unit(admin, "ubnd-xa-tan-binh", {"name": "UBND xã Tân Bình", "group": "xa", "active": True})
    values = ticket("P-KV-13", citizen_address="ấp 5, xã Tân Bình", received_at="2026-04-09T08:00:00+07:00")
    assert operator.push([operator.mutation("ticket", "create", new_id(), values)]).status_code == 200
    refused = admin.http.delete("/api/v1/catalog/unit/ubnd-xa-tan-binh")
    assert refused.status_code == 409 and "ngừng nhận phiếu" in refused.json()["detail"]
    retired = {"name": "UBND xã Tân Bình", "group": "xa", "active": False}
    assert "notice" not in _put_unit(admin, "ubnd-xa-tan-binh", retired)
    assert _areas(server)["P-KV-13"] == "ubnd-xa-tan-binh"
    assert ("Xã Tân Bình", 1) in _area_rows(server)
