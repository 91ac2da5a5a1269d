"""The two installable parts: the desk's wheel carries no server, the server's no Qt, neither the benches."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVER_PROJECT = REPO / "packaging" / "server"
SERVER_ONLY = {
    "fastapi",
    "uvicorn",
    "psycopg",
    "tuf",
    "jinja2",
    "python-multipart",
}  # tuf: the desk gets it through tufup
QT = {"pyside6-essentials", "pyside6-addons", "pyside6", "pyvoip", "keyring"}


def _name(requirement: str) -> str:
    head = requirement.split(";")[0]
    for stop in "<>=!~[ ":
        head = head.split(stop)[0]
    return head.strip().lower()


def _by_name(requirements: list[str]) -> dict[str, str]:
    return {_name(each): each for each in requirements}


def _project(path: Path) -> dict[str, object]:
    with (path / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert isinstance(project, dict)
    return project


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("wheels")
    built: dict[str, zipfile.ZipFile] = {}
    for key, source in (("desk", REPO), ("server", SERVER_PROJECT)):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out / key), str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        (wheel,) = (out / key).glob("*.whl")
        built[key] = zipfile.ZipFile(wheel)
    return built


def _top_levels(wheel: zipfile.ZipFile) -> set[str]:
    return {name.split("/")[0] for name in wheel.namelist() if "/" in name and ".dist-info" not in name}


def _requires(wheel: zipfile.ZipFile) -> dict[str, str]:
    (metadata,) = (n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    message = Parser().parsestr(wheel.read(metadata).decode("utf-8"))
    plain = [r for r in message.get_all("Requires-Dist") or [] if "extra ==" not in r]
    return _by_name(plain)


def test_the_desk_wheel_holds_the_desk_and_what_it_shares_with_the_server_but_no_server_nor_benches(
    wheels: dict[str, zipfile.ZipFile],
) -> None:
    assert _top_levels(wheels["desk"]) == {"desktop", "protocol", "reports"}
    assert "desktop/_resources/catalogs/units.json" in wheels["desk"].namelist()
    assert not SERVER_ONLY & set(_requires(wheels["desk"]))


def test_the_server_wheel_holds_the_server_and_the_shared_packages_but_no_qt_desk_nor_benches(
    wheels: dict[str, zipfile.ZipFile],
) -> None:
    assert _top_levels(wheels["server"]) == {"server", "protocol", "reports", "tongdai1022_server-licenses"}
    assert "server/migrations/env.py" in wheels["server"].namelist()
    # the shipped catalogs the server checks a ticket's unit and field against, and counts deadlines
    # with (protocol/shipped_catalogs.py)
    shipped = {f"protocol/_catalogs/{name}.json" for name in ("units", "fields", "holidays", "levels")}
    assert shipped <= set(wheels["server"].namelist())
    requires = _requires(wheels["server"])
    assert set(requires) >= SERVER_ONLY | {"phonenumbers"}  # protocol/phone.py: the number policy
    assert not QT & set(requires)


def test_both_distributions_have_one_version_and_the_same_supported_pythons() -> None:
    desk, server = _project(REPO), _project(SERVER_PROJECT)
    assert desk["requires-python"] == server["requires-python"]
    pythons = {c for c in desk["classifiers"] if "Python :: 3." in c}  # type: ignore[attr-defined]
    assert pythons == {c for c in server["classifiers"] if "Python :: 3." in c}  # type: ignore[attr-defined]
    assert "Programming Language :: Python :: 3.13" in pythons


def test_the_suite_installs_the_servers_dependencies_with_the_servers_ranges() -> None:
    desk, server = _project(REPO), _project(SERVER_PROJECT)
    test_extra = _by_name(desk["optional-dependencies"]["test"])  # type: ignore[index]
    server_deps = _by_name(server["dependencies"])  # type: ignore[arg-type]
    desk_deps = _by_name(desk["dependencies"])  # type: ignore[arg-type]
    for name in SERVER_ONLY:
        assert test_extra[name] == server_deps[name]
    for name in set(server_deps) - SERVER_ONLY:
        assert desk_deps[name] == server_deps[name], "a library both parts use has one range"


def _imported_roots(package: Path) -> set[str]:
    roots: set[str] = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots


def test_the_desk_code_imports_nothing_of_the_server_and_the_server_nothing_of_qt() -> None:
    server_side = {"server", "fastapi", "uvicorn", "psycopg", "starlette", "bench"}
    for package in ("desktop", "protocol", "reports"):
        assert not server_side & _imported_roots(REPO / package), package
    assert not {"desktop", "PySide6", "pyVoIP", "bench"} & _imported_roots(REPO / "server")
