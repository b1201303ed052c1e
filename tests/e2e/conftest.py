"""Fixtures for the end-to-end tests: one headless chromium, the app with the demo served on a free port, fresh
browser contexts that fail their test on a Content-Security-Policy refusal. Tests import the shared steps and
constants from browsing.py (a module named "conftest" would be ambiguous beside tests/assembly_app's)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import make_server

from assembly_app import create_app
from browsing import DESKTOP, SAMPLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

def _unavailable(reason: str) -> None:
    """Skip on a developer's machine; under CI a missing browser is a failure, as for PostgreSQL."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; under CI the browser tests must run")
    pytest.skip(f"{reason}; install Debian's chromium (apt-get install chromium) and the test extra to run the browser tests")


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the session (Debian's, not a Playwright download)."""
    executable = _chromium()
    if executable is None:
        _unavailable("chromium was not found on PATH (nor in $CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def draw_folder(tmp_path_factory) -> Path:
    """What an organiser uploads: `sortition select` on sample_data/small (k=12, seed 1), plus features.csv."""
    folder = tmp_path_factory.mktemp("e2e_draw")
    command = [
        str(Path(sys.executable).with_name("sortition")), "select",
        "--people", str(SAMPLE / "people.csv"), "--features", str(SAMPLE / "features.csv"),
        "--panel-size", "12", "--seed", "1", "--households", "address,postcode", "--out", str(folder),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.copy(SAMPLE / "features.csv", folder / "features.csv")
    return folder


@dataclass(frozen=True)
class Site:
    url: str
    member_codes: dict[str, str]


@pytest.fixture
def site(tmp_path, draw_folder) -> Iterator[Site]:
    """The app on a fresh SQLite database with the demo (staff accounts, the draw, member codes), served on a free port."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}", "SECRET_KEY": "e2e"})
    result = app.test_cli_runner().invoke(args=["demo", "--draw", str(draw_folder)])
    assert result.exit_code == 0, result.output
    codes = dict(re.findall(r"^  (P\d+)  ([A-Z0-9]{10})$", result.output, re.MULTILINE))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", codes)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["engine"].dispose()


@pytest.fixture
def new_page(browser, site) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies) with the given context options.
    Any page of the test that breaks the Content-Security-Policy (a style or script it refused) fails the test."""
    contexts, refusals = [], []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(base_url=site.url, **(DESKTOP | options))
        context.set_default_timeout(5_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: "Content Security Policy" in message.text and refusals.append(f"{page.url}: {message.text}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refusals, "\n".join(refusals)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where screenshots go: $E2E_SCREENSHOTS (e.g. docs/images) when set, else the test's tmp_path."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
