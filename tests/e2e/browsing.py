"""What the end-to-end tests share besides fixtures: window sizes, the sample folder, and the steps every test takes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "small"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# No is_mobile: mobile emulation zooms out to fit a too-wide page, which would hide the overflow we check for.
PHONE = {"viewport": {"width": 375, "height": 667}, "has_touch": True}


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def open_member_page(page: Page, code: str) -> None:
    page.goto("/member")
    page.get_by_label("Your code").fill(code)
    page.get_by_role("button", name="Open my page").click()
