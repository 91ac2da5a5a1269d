"""Units are renamed, merged and retired without touching old tickets, and match by any of their names."""

from __future__ import annotations

import pytest

from desktop.domain.codes import Level
from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService, UnknownUnit
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore


@pytest.mark.parametrize(
    "written",
    [
        "UBND huyện Tân Hong",  # table 1 of the 2021 report
        "UBND huyện Tân Hồng",
        "ubnd huyen tan hong",
        "  UBND   HUYỆN   TÂN HỒNG ",
    ],
)
def test_a_unit_matches_by_name_alias_case_and_without_diacritics(store: LocalStore, written: str) -> None:
    assert CatalogService(store).resolve_unit(written) == "ubnd-huyen-tan-hong"


def test_an_unknown_unit_is_said_in_vietnamese(store: LocalStore) -> None:
    with pytest.raises(UnknownUnit, match="Không có đơn vị"):
        CatalogService(store).resolve_unit("Sở Không Tồn Tại")


def test_renaming_keeps_the_old_name_as_an_alias_and_old_tickets_unchanged(
    store: LocalStore, ticket_service: TicketService
) -> None:
    catalogs = CatalogService(store)
    ticket = ticket_service.create(
        TicketDraft(content="Hỏi", phone="0912345678", level=Level.TWO, unit_code="so-tu-phap")
    )
    catalogs.rename_unit("so-tu-phap", "Sở Tư pháp tỉnh Đồng Tháp (mới)")

    assert catalogs.resolve_unit("Sở Tư pháp") == "so-tu-phap"
    assert catalogs.resolve_unit("so tu phap tinh dong thap (moi)") == "so-tu-phap"
    assert ticket_service.get(ticket.id).draft.unit_code == "so-tu-phap"
    names = {unit.code: unit.name for unit in catalogs.units()}
    assert names["so-tu-phap"] == "Sở Tư pháp tỉnh Đồng Tháp (mới)"


def test_merging_retires_the_unit_from_the_form_but_history_still_matches_it(
    store: LocalStore, ticket_service: TicketService
) -> None:
    catalogs = CatalogService(store)
    before = catalogs.tickets_of_unit("ubnd-huyen-tan-hong")
    ticket_service.create(
        TicketDraft(content="Hỏi", phone="0912345678", level=Level.TWO, unit_code="ubnd-huyen-tan-hong")
    )
    catalogs.merge_unit("ubnd-huyen-tan-hong", "ubnd-huyen-hong-ngu")

    active = {unit.code for unit in catalogs.units()}
    everything = {unit.code for unit in catalogs.units(include_retired=True)}
    assert "ubnd-huyen-tan-hong" not in active and "ubnd-huyen-tan-hong" in everything
    assert catalogs.resolve_unit("UBND huyện Tân Hong") == "ubnd-huyen-tan-hong"
    assert catalogs.current_unit("ubnd-huyen-tan-hong") == "ubnd-huyen-hong-ngu"
    assert catalogs.tickets_of_unit("ubnd-huyen-tan-hong") == before + 1


def test_a_unit_cannot_be_merged_into_itself_or_into_a_retired_unit(store: LocalStore) -> None:
    catalogs = CatalogService(store)
    with pytest.raises(ValueError):
        catalogs.merge_unit("so-y-te", "so-y-te")
    catalogs.retire_unit("thanh-tra-tinh")
    with pytest.raises(ValueError, match="ngừng hoạt động"):
        catalogs.merge_unit("so-y-te", "thanh-tra-tinh")


def test_a_rename_cannot_steal_another_units_name(store: LocalStore) -> None:
    with pytest.raises(ValueError, match="đơn vị khác"):
        CatalogService(store).rename_unit("so-y-te", "Sở Tư pháp")


def test_the_form_lists_come_from_the_catalog_data(store: LocalStore) -> None:
    catalogs = CatalogService(store)
    assert len(catalogs.units()) == 52
    assert catalogs.units()[0].name == "Ban ATGT Tỉnh"
    assert any(field.name == "Đất đai" for field in catalogs.fields())
    assert catalogs.deadline_days() == {1: 0, 2: 3, 3: 5, 4: 10}
