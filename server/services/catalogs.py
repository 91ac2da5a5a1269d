"""Catalogs and knowledge base edited by an administrator; every change goes into the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from protocol.contract import text_problem
from protocol.records import CATALOG_RECORDS, CatalogKind, central_setting_problem
from reports.areas import AREA_GROUPS
from server.models import Base, CentralSetting, Field, Holiday, KbQa, LevelRule, Unit
from server.services.catalog_refs import session_lookup
from server.services.feed import PendingChanges, publish
from server.services.ticket_areas import ask_restamp
from server.services.values import to_json

TABLES: dict[CatalogKind, type[Base]] = {
    CatalogKind.UNIT: Unit,
    CatalogKind.FIELD: Field,
    CatalogKind.LEVEL: LevelRule,
    CatalogKind.HOLIDAY: Holiday,
    CatalogKind.KB_QA: KbQa,
    CatalogKind.SETTING: CentralSetting,
}
DATA_COLUMNS: dict[CatalogKind, tuple[str, ...]] = {
    kind: tuple(record.model_fields) for kind, record in CATALOG_RECORDS.items()
}


_AREAS_ASKED = "areas_reread_asked"  # Session.info: this transaction asked for the tickets' areas again
AREAS_NOTICE = (
    "Đã lưu. Tên địa bàn thay đổi: máy chủ đang xác định lại địa bàn của các phiếu theo danh mục mới"
    " (chạy nền, vài giây đến vài phút); bảng theo địa bàn của báo cáo đúng khi việc này xong."
)


class CatalogError(ValueError):
    """A refused catalog edit; the message is Vietnamese."""


def parse_key(kind: CatalogKind, key: str) -> Any:
    try:
        if kind is CatalogKind.LEVEL:
            level = int(key)
            if not 1 <= level <= 4:
                raise ValueError
            return level
        if kind is CatalogKind.HOLIDAY:
            return date.fromisoformat(key)
    except ValueError:
        raise CatalogError(f"Khoá «{key}» không hợp lệ cho danh mục {kind.value}.") from None
    if not 1 <= len(key) <= 64:
        raise CatalogError("Mã danh mục phải dài 1-64 ký tự.")
    return key


def put(session: Session, kind: CatalogKind, key: str, body: dict[str, Any], author: str) -> dict[str, Any]:
    try:
        record = CATALOG_RECORDS[kind].model_validate(body)
    except ValidationError as error:
        raise CatalogError(f"Dữ liệu danh mục không hợp lệ: {error.errors()[0]['msg']}") from None
    table = TABLES[kind]
    pk = parse_key(kind, key)
    checked = record.model_dump()
    for name, value in checked.items():
        problem = text_problem(name, value) if isinstance(value, str) else None
        if problem is not None:
            raise CatalogError(problem)
    if kind is CatalogKind.SETTING:
        problem = central_setting_problem(key, checked["value"])
        if problem is not None:
            raise CatalogError(problem)
    if kind is CatalogKind.UNIT and checked.get("merged_into") is not None:
        _check_merge_target(session, key, checked["merged_into"])
    row: Any = session.get(table, pk, with_for_update=True)
    values = record.model_dump()
    areas_change = kind is CatalogKind.UNIT and _changes_an_area(row, values)
    if kind is CatalogKind.KB_QA:
        values.update(author=author, updated_at=datetime.now(UTC))
    if row is None:
        row = table(**{_key_column(kind): pk}, version=1, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
    session.flush()
    if areas_change and ask_restamp(session.connection()):  # the stored areas were read with the old names
        session.info[_AREAS_ASKED] = True
    data = entry_data(kind, row)
    feed = PendingChanges()
    feed.record(kind.value, key, row.version, data)
    publish(session, feed)
    return data


def areas_reread_asked(session: Session) -> bool:
    """Whether this session's edit asked for the tickets' areas to be read again (after its commit, by
    server.services.ticket_areas.restamp_asked: a re-read of every ticket is no work for the request)."""
    return bool(session.info.pop(_AREAS_ASKED, False))


def _changes_an_area(row: Unit | None, values: dict[str, Any]) -> bool:
    """Whether the addresses' areas may read differently: an area's name or group, a unit becoming one, or
    an area's merge undone or moved (the codes stamped before server.services.ticket_areas stored the
    named area were the absorbing one's: they would stay counted where the merge had put them)."""
    before = (row.name, row.group) if row is not None else None
    if before == (values.get("name"), values.get("group")):
        return (
            row is not None
            and row.group in AREA_GROUPS
            and row.merged_into not in (None, values.get("merged_into"))
        )
    return values.get("group") in AREA_GROUPS or (before is not None and before[1] in AREA_GROUPS)


def _check_merge_target(session: Session, code: str, target_code: str) -> None:
    """A unit merges into an active unit that exists, never into itself or round a circle: every desk
    stores the merge with a foreign key, so a typo here would break every desk's download."""
    lookup = session_lookup(session)  # the server's units over the shipped ones, as pushes are checked
    seen = {code}
    current: str | None = target_code
    while current is not None:
        if current in seen:
            raise CatalogError(f"Không thể sáp nhập «{code}» vào «{target_code}»: tạo thành vòng sáp nhập.")
        seen.add(current)
        unit = lookup("unit", current)
        if unit is None:
            raise CatalogError(f"Đơn vị «{current}» không có trong danh mục: không thể sáp nhập vào đó.")
        if current == target_code and not unit.active:
            raise CatalogError(
                f"Đơn vị «{current}» đã ngừng nhận phiếu: hãy sáp nhập vào đơn vị đang hoạt động."
            )
        current = unit.merged_into


def delete(session: Session, kind: CatalogKind, key: str) -> bool:
    if kind is CatalogKind.UNIT:
        raise CatalogError(
            "Không xoá đơn vị (các phiếu cũ vẫn mang mã đơn vị). "
            "Hãy cho đơn vị ngừng nhận phiếu (active=false)."
        )
    table = TABLES[kind]
    row: Any = session.get(table, parse_key(kind, key), with_for_update=True)
    if row is None:
        return False
    version = row.version + 1
    session.delete(row)
    feed = PendingChanges()
    feed.record(kind.value, key, version, None)
    publish(session, feed)
    return True


def entry_data(kind: CatalogKind, row: Any) -> dict[str, Any]:
    data = {name: to_json(getattr(row, name)) for name in DATA_COLUMNS[kind]}
    data[_key_column(kind)] = to_json(getattr(row, _key_column(kind)))
    data["version"] = row.version
    return data


def _key_column(kind: CatalogKind) -> str:
    keys = {
        CatalogKind.LEVEL: "level",
        CatalogKind.HOLIDAY: "day",
        CatalogKind.KB_QA: "id",
        CatalogKind.SETTING: "name",
    }
    return keys.get(kind, "code")
