"""The project's modules import each other without circles (module level or inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "server", "protocol", "reports")


def module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules this one imports at run time; `if TYPE_CHECKING:` blocks are types only, not imports."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                submodules = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
                # `from package import submodule` needs the submodule, not the package's other members
                found.update(submodules or {base})
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {module for module in found if module in modules and module != name}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            connect(module)
    return groups


def test_no_module_imports_back_a_module_that_imports_it() -> None:
    modules = module_files()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert circles(graph) == []


def test_the_circle_finder_sees_a_circle_through_a_function_body() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_call_manager_and_its_offer_answer_half_share_the_dialog_module_not_each_other() -> None:
    """Not even for types: `negotiation.py` reads the call's state from `dialog.py`, not from `calls.py`."""
    negotiation = (ROOT / "desktop" / "telephony" / "negotiation.py").read_text(encoding="utf-8")
    assert "telephony.calls" not in negotiation
    assert "from desktop.telephony.dialog import" in negotiation


def test_the_call_managers_parts_are_objects_it_holds_with_their_own_state_not_mixins() -> None:
    """`CallManager` holds its offer/answer and transfer parts; none of them declares its host's state
    for the type checker (an `if TYPE_CHECKING:` inside a class body) or inherits it."""
    from desktop.telephony.calls import CallManager
    from desktop.telephony.negotiation import Negotiation
    from desktop.telephony.transfer import Transfers

    assert CallManager.__bases__ == (object,)
    for part in (Negotiation, Transfers):
        assert part.__bases__ == (object,) and "__init__" in vars(part)
    for name in ("calls.py", "negotiation.py", "transfer.py", "dialogs.py"):
        tree = ast.parse((ROOT / "desktop" / "telephony" / name).read_text(encoding="utf-8"))
        for klass in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            declared = [
                node
                for node in klass.body
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            ]
            assert declared == [], f"{name}: {klass.name} re-declares its host's state"
