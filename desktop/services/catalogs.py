"""Catalogs as the desk uses them: lists for the form, unit matching by alias, rename/merge/retire."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn
from desktop.domain.text import fold
from desktop.domain.workdays import WorkCalendar
from desktop.store.local import LocalStore
from desktop.store.models import Field, Holiday, LevelRule, Ticket, Unit, UnitAlias


@dataclass(frozen=True)
class CatalogItem:
    code: str
    name: str
    active: bool = True


class UnknownUnit(LookupError):
    """A unit name that matches no unit, alias or old name."""


class CatalogService:
    """Reads and edits the catalogs; old tickets keep the unit they were given."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def units(self, *, include_retired: bool = False) -> list[CatalogItem]:
        query = select(Unit.code, Unit.name, Unit.active).order_by(Unit.sort_order, Unit.name)
        if not include_retired:
            query = query.where(Unit.active.is_(True))
        with self._store.sessions() as session:
            return [CatalogItem(code, name, active) for code, name, active in session.execute(query)]

    def fields(self) -> list[CatalogItem]:
        query = select(Field.code, Field.name, Field.active).order_by(Field.sort_order)
        with self._store.sessions() as session:
            return [CatalogItem(*row) for row in session.execute(query) if row[2]]

    def deadline_days(self) -> dict[int, int]:
        with self._store.sessions() as session:
            rows = session.execute(select(LevelRule.level, LevelRule.deadline_working_days))
            return {level: days for level, days in rows}

    def work_calendar(self) -> WorkCalendar:
        with self._store.sessions() as session:
            rows = session.execute(select(Holiday.day, Holiday.is_working_day)).all()
        return WorkCalendar.of(
            (day for day, working in rows if not working), (day for day, working in rows if working)
        )

    def unit_aliases(self) -> dict[str, str]:
        """Folded name or alias -> unit code, for matching many rows at once."""
        with self._store.sessions() as session:
            rows = session.execute(select(UnitAlias.folded, UnitAlias.unit_code))
            return {folded: code for folded, code in rows}

    def resolve_unit(self, name: str) -> str:
        """The unit code for a name as people write it: any case, with or without diacritics."""
        code = self.unit_aliases().get(fold(name))
        if code is None:
            raise UnknownUnit(f"Không có đơn vị «{name}» trong danh mục (kể cả tên cũ).")
        return code

    def rename_unit(self, code: str, new_name: str) -> None:
        """The old name stays an alias, so imports written with it still match."""
        with self._store.writes.begin() as session:
            unit = self._unit(session, code)
            _add_alias(session, unit.name, code)
            unit.name = new_name.strip()
            _add_alias(session, unit.name, code)

    def merge_unit(self, code: str, into: str) -> None:
        """`code` stops taking new tickets and points to `into`; its tickets keep `code`."""
        if code == into:
            raise ValueError("Không thể sáp nhập một đơn vị vào chính nó.")
        with self._store.writes.begin() as session:
            unit = self._unit(session, code)
            target = self._unit(session, into)
            if not target.active:
                raise ValueError(f"Đơn vị «{target.name}» đã ngừng hoạt động.")
            unit.active = False
            unit.merged_into = into
            unit.retired_at = now_vn()

    def retire_unit(self, code: str) -> None:
        with self._store.writes.begin() as session:
            unit = self._unit(session, code)
            unit.active = False
            unit.retired_at = now_vn()

    def current_unit(self, code: str) -> str:
        """Where a merged unit's work goes now (follows merges to the end)."""
        with self._store.sessions() as session:
            seen = {code}
            while True:
                unit = self._unit(session, code)
                if unit.merged_into is None or unit.merged_into in seen:
                    return unit.code
                code = unit.merged_into
                seen.add(code)

    def tickets_of_unit(self, code: str) -> int:
        with self._store.sessions() as session:
            return session.scalar(select(func.count()).where(Ticket.unit_code == code)) or 0

    @staticmethod
    def _unit(session: Session, code: str) -> Unit:
        unit = session.get(Unit, code)
        if unit is None:
            raise UnknownUnit(f"Không có đơn vị mã «{code}».")
        return unit


def _add_alias(session: Session, alias: str, code: str) -> None:
    folded = fold(alias)
    existing = session.get(UnitAlias, folded)
    if existing is None:
        session.add(UnitAlias(folded=folded, alias=alias, unit_code=code))
    elif existing.unit_code != code:
        raise ValueError(f"Tên «{alias}» đã là tên của một đơn vị khác.")
