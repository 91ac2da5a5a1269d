"""Every statement on the free-text index is written in one module (migrations aside)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "desktop" / "services" / "tickets" / "search_index.py"


def test_only_the_search_index_module_names_the_index_table() -> None:
    strangers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "desktop").rglob("*.py")
        if path != HOME
        and "migrations" not in path.parts
        and "ticket_fts" in path.read_text(encoding="utf-8")
    ]
    assert strangers == []
    assert "ticket_fts" in HOME.read_text(encoding="utf-8")
