"""Debian's chromium driven by Selenium, headless, for the server's web pages (units' and public)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lab_tools import lab_tool_missing

PHONE_SIZE = (412, 915)  # the units' staff and citizens read these pages on a phone
DESKTOP_SIZE = (1366, 768)  # the office PC's screen


@contextmanager
def chromium(profile: Path, size: tuple[int, int] = PHONE_SIZE) -> Iterator[Any]:
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver:
        lab_tool_missing("chromium and chromedriver are missing (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={size[0]},{size[1]}",
        f"--user-data-dir={profile}",
        "--lang=vi",  # a Vietnamese phone: the file picker's and the forms' own words in Vietnamese
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    # chromium on Linux takes its own words' language from the environment, not from --lang
    vietnamese = {**os.environ, "LANGUAGE": "vi", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    started = webdriver.Chrome(service=Service(driver, env=vietnamese), options=options)
    resize(started, size)
    try:
        yield started
    finally:
        started.quit()


def resize(driver: Any, size: tuple[int, int]) -> None:
    """The screen the next pages are seen on. Headless chromium will not make a window narrower than
    500 px: the width is emulated, so pages (and their screenshots) are laid out as that screen shows them.
    (The emulation outlives set_window_size: a desktop's width must be set here too.)"""
    driver.set_window_size(*size)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 800},
    )


def wait_for(driver: Any, condition: Any, seconds: float = 20) -> None:
    """A click on a form button returns before the next page is there: wait for it, as a user does."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(condition)


def shot(driver: Any, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
