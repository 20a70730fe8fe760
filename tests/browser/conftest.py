"""Playwright on Debian's Chromium (/usr/bin/chromium), headless, against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("QIAO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The machine has no outside network: Chromium's own background traffic would only fail.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class PageWatcher:
    """Records what a page asks of other hosts and what the console reports (CSP violations, errors)."""

    def __init__(self, page, base_url: str):
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request(base_url))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_request(self, base_url):
        def record(request):
            if not request.url.startswith((base_url, "data:", "blob:")):
                self.outside_requests.append(request.url)

        return record


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(locale: str = "zh-CN", width: int = 1366, height: int = 900):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page, PageWatcher(page, live_server.url)

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
