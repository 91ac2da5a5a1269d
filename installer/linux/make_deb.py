"""Packs the frozen desk (a PyInstaller onedir) into a .deb with dpkg-deb.

Layout installed (installer/README.md): /opt/tongdai1022/ (the onedir), /usr/bin/tongdai1022 (the launcher,
tongdai1022-launch.sh: the user's newer signed update or the onedir),
/usr/share/applications/tongdai1022.desktop, the icon in hicolor 256x256. Users' data lives in their
home folders (~/.local/share/tongdai1022), which the package never touches: removing or purging it
keeps every operator's store. Depends: the Debian packages owning the system libraries the bundle's
binaries load and PyInstaller left out (found with ldd and dpkg -S), plus fonts with Vietnamese glyphs.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

INSTALLER = Path(__file__).resolve().parents[1]
PACKAGE = "tongdai1022"
PREFIX = Path("opt") / PACKAGE
# Not libraries, so ldd cannot see them: fontconfig's configuration and a font with Vietnamese glyphs.
ALWAYS = ["fontconfig-config", "fonts-dejavu-core | fonts-noto-core"]
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=Tổng đài 1022
GenericName=Phần mềm điện thoại viên 1022
Comment=Tiếp nhận cuộc gọi, phiếu và tra cứu thủ tục hành chính của Tổng đài 1022
Exec=/usr/bin/tongdai1022 %U
Icon=tongdai1022
Terminal=false
Categories=Office;Telephony;
StartupWMClass=tongdai1022
"""


# dpkg runs these as root before it replaces (preinst) or deletes (prerm) /opt/tongdai1022: a desk still
# open there would go on running on files swapped under it, so the package refuses and says what to do.
REFUSE_WHILE_OPEN = """#!/bin/sh
set -e
case "$1" in
  {cases})
    for exe in /proc/[0-9]*/exe; do
      if [ "$(readlink "$exe" 2>/dev/null)" = /opt/tongdai1022/tongdai1022 ]; then
        echo "Tổng đài 1022 đang mở trên máy này nên chưa thể {action}." >&2
        echo "Hãy đóng mọi cửa sổ Tổng đài 1022 (kể cả của người dùng khác) rồi chạy lại lệnh." >&2
        exit 1
      fi
    done
    ;;
esac
exit 0
"""


def _system_libraries(bundle: Path) -> set[str]:
    """Paths of the libraries outside `bundle` that its ELF files need (with the bundle's own first)."""
    internal = bundle / "_internal"
    library_dirs = {str(p.parent) for p in internal.rglob("*.so*")}
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(sorted(library_dirs))}
    needed: set[str] = set()
    candidates = [bundle / PACKAGE, *(p for p in internal.rglob("*.so*") if p.is_file())]
    for path in candidates:
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False)
        for line in done.stdout.splitlines():
            match = re.search(r"=>\s+(/\S+)", line)
            if match and not match.group(1).startswith(str(bundle)):
                needed.add(os.path.realpath(match.group(1)))
    return needed


def _owning_packages(libraries: set[str]) -> list[str]:
    owners: set[str] = set()
    for library in sorted(libraries):
        for candidate in (library, library.replace("/usr/lib/", "/lib/", 1)):
            done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            if done.returncode == 0:
                owners.update(line.split(":")[0] for line in done.stdout.splitlines())
                break
        else:
            print(f"make_deb: no Debian package owns {library}", file=sys.stderr)
    return sorted(owners)


def _arch() -> str:
    done = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()]


def build(bundle: Path, out_dir: Path) -> Path:
    release = version(PACKAGE)
    root = bundle.parent / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    launcher = root / "usr/bin" / PACKAGE
    shutil.copyfile(INSTALLER / "linux" / "tongdai1022-launch.sh", launcher)
    launcher.chmod(0o755)
    applications = root / "usr/share/applications"
    applications.mkdir(parents=True)
    (applications / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = root / "usr/share/icons/hicolor/256x256/apps"
    icons.mkdir(parents=True)
    shutil.copy(INSTALLER / "icons" / f"{PACKAGE}.png", icons / f"{PACKAGE}.png")
    doc = root / "usr/share/doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copy(INSTALLER.parent / "LICENSE", doc / "copyright")

    depends = [*_owning_packages(_system_libraries(bundle)), *ALWAYS]
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {release}\n"
        f"Architecture: {_arch()}\n"
        "Maintainer: Tổng đài 1022 <it@tongdai1022.invalid>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Homepage: https://tongdai1022.invalid/\n"
        "Description: Tổng đài 1022 — operator desktop of the 1022 public-service hotline\n"
        " Tickets, the caller's history, the knowledge base of administrative procedures and\n"
        " the phone (SIP) of Vietnam's provincial 1022 hotlines. Self-contained (PyInstaller);\n"
        " operators' data stays in their home folders when the package is removed.\n",
        encoding="utf-8",
    )
    for script, cases, action in (
        ("preinst", "install|upgrade", "cài đặt hay cập nhật"),
        ("prerm", "remove|upgrade|deconfigure", "gỡ bỏ hay cập nhật"),
    ):
        path = control.parent / script
        path.write_text(REFUSE_WHILE_OPEN.format(cases=cases, action=action), encoding="utf-8")
        path.chmod(0o755)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{release}_{_arch()}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(root), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"{target} ({target.stat().st_size / 2**20:.1f} MiB)")
    print(f"Depends: {', '.join(depends)}")
    return target


if __name__ == "__main__":
    build(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
