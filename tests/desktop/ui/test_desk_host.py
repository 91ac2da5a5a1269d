"""The feature desks use the main window only through its typed host API (`DeskHost`), never its widgets."""

from __future__ import annotations

import ast
from pathlib import Path

from desktop.ui.common.host import DeskHost

ROOT = Path(__file__).resolve().parents[3]
UI = ROOT / "desktop" / "ui"
FEATURE_DESKS = [
    UI / "phone" / "desk.py",
    UI / "sync" / "desk.py",
    UI / "tickets" / "forward_dialog.py",
]
HOST_MEMBERS = {name for name in vars(DeskHost) if not name.startswith("_")}


def _window_uses(path: Path) -> set[str]:
    """Attributes read on `window` or `self.window` in a module."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == "window") or (
            isinstance(owner, ast.Attribute) and owner.attr == "window" and isinstance(owner.value, ast.Name)
        ):
            used.add(node.attr)
    return used


def test_the_host_api_offers_panels_menus_the_status_bar_and_shortcuts() -> None:
    assert {"add_side_panel", "add_desk_menu", "add_status_widget", "add_shortcut", "list_shortcuts"} <= (
        HOST_MEMBERS
    )


def test_each_feature_desk_touches_the_window_only_through_the_host_api() -> None:
    for path in FEATURE_DESKS:
        reached = _window_uses(path) - HOST_MEMBERS
        assert not reached, f"{path.relative_to(ROOT)} reaches into the window: {sorted(reached)}"


def test_no_window_or_widget_of_the_desk_is_typed_any() -> None:
    untyped = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for arg in [*node.args.args, *node.args.kwonlyargs]:
                    widgety = arg.arg in {"window", "parent", "widget", "panel", "host"}
                    if widgety and arg.annotation is not None and "Any" in ast.unparse(arg.annotation):
                        untyped.append(f"{path.relative_to(ROOT)}:{node.lineno} {arg.arg}")
    assert not untyped
