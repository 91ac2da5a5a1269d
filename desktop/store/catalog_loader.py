"""Loading the shipped catalogs (units, fields, levels, holidays) into the store, once per version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.text import fold
from desktop.resources import resources_dir
from desktop.store.models import Field, Holiday, LevelRule, Meta, Unit, UnitAlias


def _read(name: str, directory: Path | None) -> dict[str, Any]:
    path = (directory or resources_dir() / "catalogs") / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _loaded_version(session: Session, name: str) -> int:
    value = session.scalar(select(Meta.value).where(Meta.key == f"catalog:{name}"))
    return int(value) if value else 0


def _mark_loaded(session: Session, name: str, version: int) -> None:
    session.merge(Meta(key=f"catalog:{name}", value=str(version)))


def load_catalogs(session: Session, directory: Path | None = None) -> None:
    """Insert what is new in the shipped catalogs; never overwrite a rename or merge made here."""
    units = _read("units", directory)
    if _loaded_version(session, "units") < units["version"]:
        _load_units(session, units["units"])
        _mark_loaded(session, "units", units["version"])
    fields = _read("fields", directory)
    if _loaded_version(session, "fields") < fields["version"]:
        for order, item in enumerate(fields["fields"]):
            if session.get(Field, item["code"]) is None:
                session.add(
                    Field(
                        code=item["code"],
                        name=item["name"],
                        active=item.get("active", True),
                        sort_order=order,
                    )
                )
        _mark_loaded(session, "fields", fields["version"])
    levels = _read("levels", directory)
    if _loaded_version(session, "levels") < levels["version"]:
        for item in levels["levels"]:
            session.merge(
                LevelRule(
                    level=item["level"],
                    name=item["name"],
                    description=item.get("description", ""),
                    deadline_working_days=item["deadline_working_days"],
                )
            )
        _mark_loaded(session, "levels", levels["version"])
    holidays = _read("holidays", directory)
    if _loaded_version(session, "holidays") < holidays["version"]:
        for item in holidays["holidays"]:
            session.merge(
                Holiday(day=date.fromisoformat(item["date"]), name=item["name"], is_working_day=False)
            )
        for item in holidays.get("extra_working_days", []):
            session.merge(
                Holiday(day=date.fromisoformat(item["date"]), name=item["name"], is_working_day=True)
            )
        _mark_loaded(session, "holidays", holidays["version"])


def _load_units(session: Session, items: list[dict[str, Any]]) -> None:
    for order, item in enumerate(items):
        if session.get(Unit, item["code"]) is None:
            session.add(
                Unit(
                    code=item["code"],
                    name=item["name"],
                    group=item.get("group", "khac"),
                    active=item.get("active", True),
                    sort_order=order,
                )
            )
        session.flush()
        for alias in [item["name"], *item.get("aliases", [])]:
            folded = fold(alias)
            if session.get(UnitAlias, folded) is None:
                session.add(UnitAlias(folded=folded, alias=alias, unit_code=item["code"]))
