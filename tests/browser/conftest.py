"""Real-browser tests: Playwright (Python, sync API) driving Debian's Chromium.

Needs the `chromium` Debian package (/usr/bin/chromium) and the `playwright`
Python package; Playwright's own browser downloads are never used.
Screenshots go to test-artifacts/ at the project root (gitignored).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in this thread, and
# Django refuses ORM calls from a thread with a running loop unless told otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("ROLEATLAS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session. Missing pieces fail loudly, never skip."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install -y chromium` (or run them with `-m 'not browser'`).",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Browser tests need the `playwright` Python package: `.venv/bin/pip install -r requirements-dev.txt`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, artifacts):
    """A fresh browser profile of a Chinese-speaking user; screenshot kept when the test fails."""
    context = browser.new_context(
        locale="zh-CN",  # Accept-Language: LocaleMiddleware would serve English to an en-US browser
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 1200},  # the whole seed tree fits: no auto-scroll while dragging
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        tab.screenshot(path=artifacts / f"FAILED-{request.node.name}.png", full_page=True)
    context.close()
