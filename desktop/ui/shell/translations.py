"""Translations: the .qm compiled from the committed .ts when missing or stale, installed on the app."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.resources import resources_dir

log = logging.getLogger(__name__)
CATALOG = "tongdai1022"


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def ts_path(language: str = "vi") -> Path:
    return i18n_dir() / f"{CATALOG}_{language}.ts"


def _lrelease() -> list[str] | None:
    """The lrelease binary shipped inside PySide6, else a `pyside6-lrelease` on the PATH."""
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    for candidate in (
        package / "lrelease",
        package / "lrelease.exe",
        package / "Qt" / "libexec" / "lrelease",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease")
    return [found] if found else None


def _fresh(qm: Path, ts: Path) -> bool:
    try:
        return qm.stat().st_mtime >= ts.stat().st_mtime and qm.stat().st_size > 0
    except OSError:
        return False


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tongdai1022", appauthor=False)) / "i18n"


def compiled_qm(ts: Path, cache_dir: Path | None = None) -> Path | None:
    """The .qm for `ts`: beside it when writable, else in the user cache; compiled if missing or stale."""
    if not ts.is_file():
        return None
    beside = ts.with_suffix(".qm")
    if _fresh(beside, ts):
        return beside
    cached = (cache_dir or _cache_dir()) / beside.name
    if _fresh(cached, ts):
        return cached
    tool = _lrelease()
    if tool is None:
        log.warning("Không tìm thấy lrelease để dịch %s", ts)
        return beside if beside.exists() else None
    targets = [beside, cached] if os.access(ts.parent, os.W_OK) else [cached]
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [*tool, "-silent", str(ts), "-qm", str(target)],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("Không biên dịch được %s vào %s: %s", ts, target, error)
            continue
        if target.is_file():
            return target
    return None


def install_translations(app: QCoreApplication, language: str = "vi") -> list[QTranslator]:
    """Installs the desk's translation and Qt's own (qtbase_vi, else ours); returns them to keep alive."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    QLocale.setDefault(QLocale(f"{language}_VN" if language == "vi" else language))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    else:  # PySide6 ships no qtbase_vi: ours covers the buttons and context menus an operator meets
        ours = compiled_qm(i18n_dir() / f"qtbase_{language}.ts")
        if ours is not None and qt_translator.load(str(ours)):
            app.installTranslator(qt_translator)
            installed.append(qt_translator)
    qm = compiled_qm(ts_path(language))
    if qm is not None:
        translator = QTranslator(app)
        if translator.load(str(qm)):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Không nạp được bản dịch %s", qm)
    return installed


def remove_translations(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
