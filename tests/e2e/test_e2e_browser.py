"""End to end: the real app served over HTTP on localhost, driven by Debian's chromium through Playwright
(fixtures in conftest.py, shared steps in browsing.py).

Set E2E_SCREENSHOTS=docs/images to refresh the screenshots of the roster and member pages there.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browsing import DESKTOP, PHONE, expect, log_in, open_member_page

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

DRAW_UPLOADS = (
    ("selected.csv (the panel)", "selected.csv"),
    ("remaining.csv (the rest of the pool)", "remaining.csv"),
    ("features.csv (features and quotas)", "features.csv"),
    ("audit.json (optional)", "audit.json"),
)


def panel_rows(page: Page) -> Locator:
    """The rows of the roster's first table (the panel; the remaining pool is the second)."""
    return page.locator("main table").first.locator("tbody tr")


WIDER_THAN_WINDOW = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth && !e.parentElement.closest(".scroll"))
    .map(e => `<${e.tagName.toLowerCase()}> ${e.textContent.trim().slice(0, 40)}`)"""


def assert_fits(page: Page, what: str) -> None:
    """The page is no wider than the window (a table may scroll inside its own .scroll box)."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{what} is {scroll_width}px wide in a {inner_width}px window: {page.evaluate(WIDER_THAN_WINDOW)}"


def assert_in_view(page: Page, target: Locator, what: str) -> None:
    """`target` is inside the window without scrolling sideways (a .scroll box hides what is past its edge)."""
    box, width = target.bounding_box(), page.evaluate("window.innerWidth")
    assert box is not None and box["x"] + box["width"] <= width, f"{what} ends at {box and box['x'] + box['width']}px in a {width}px window"


def test_organiser_imports_a_draw_then_withdraws_and_replaces_a_member(page, draw_folder):
    log_in(page, "organiser")
    page.get_by_role("link", name="Create an assembly from a draw").click()
    page.get_by_label("Name of the assembly").fill("Imported in the browser")
    for label, filename in DRAW_UPLOADS:
        page.get_by_label(label).set_input_files(draw_folder / filename)
    page.get_by_role("button", name="Create the assembly").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported in the browser")
    expect(panel_rows(page)).to_have_count(12)
    expect(page.locator("main")).to_contain_text("leximin, seed 1")

    panel_rows(page).first.get_by_role("link", name="Withdraw").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Withdraw a member: P\d+$"))
    person = heading.inner_text().rsplit(" ", 1)[1]
    page.get_by_label("Date").fill("2026-03-07")
    page.get_by_label("Reason").fill("moved abroad")
    page.get_by_role("button", name="Record the withdrawal").click()

    row = panel_rows(page).filter(has=page.get_by_role("cell", name=person, exact=True))
    expect(row).to_contain_text("withdrawn (2026-03-07: moved abroad)")
    expect(row.get_by_role("link", name="Withdraw")).to_have_count(0)
    expect(panel_rows(page).get_by_role("link", name="Withdraw")).to_have_count(11)

    page.get_by_role("link", name="Audit log").click()
    entry = page.locator("main tbody tr").filter(has_text="member.withdraw")
    expect(entry).to_contain_text(f"member:{person}")
    expect(entry).to_contain_text("moved abroad")
    expect(page.locator("main")).to_contain_text("SHA-256")  # the head of an intact hash chain, not an error
    page.go_back()

    row.get_by_role("link", name="Replace").click()
    page.get_by_label("Seed").fill("7")
    page.get_by_role("button", name="Draw the replacements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replacements drawn: Imported in the browser")
    drawn = page.locator("main table").first.locator("tbody tr")
    expect(drawn).to_have_count(1)
    expect(drawn.locator("td").nth(1)).to_have_text(person)
    newcomer = drawn.locator("td").nth(2).inner_text().split()[0]
    expect(page.locator(".card")).to_contain_text(newcomer)  # the newcomer's voting code card
    page.get_by_role("link", name="Back to the roster").click()
    expect(row).to_contain_text(f"replaced (2026-03-07: moved abroad) → {newcomer}")
    expect(panel_rows(page).filter(has=page.get_by_role("cell", name=newcomer, exact=True))).to_contain_text("active")
    expect(panel_rows(page)).to_have_count(13)


def test_member_opens_their_page_with_a_voting_code_but_no_staff_page(page, site):
    person, code = sorted(site.member_codes.items())[0]
    open_member_page(page, "WRONGCODE1")
    expect(page.get_by_role("alert")).to_have_text("This code is not valid.")
    open_member_page(page, code)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, member {person}")
    expect(page.locator("main")).to_contain_text("Demo assembly (sample_data/small)")
    expect(page.locator("main")).to_contain_text("Your status: active")
    assert page.goto("/").status == 403


def test_facilitator_sees_the_roster_but_not_the_audit_log(page):
    log_in(page, "facilitator")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    expect(panel_rows(page)).to_have_count(12)
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    response = page.goto("/audit")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("You are not allowed to do this.")


def test_auditor_reads_the_audit_log_but_is_refused_a_change(page):
    log_in(page, "auditor")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("main tbody tr").filter(has_text="assembly.import")).to_have_count(1)
    for path in ("/assemblies/new", "/assemblies/1/members/1/withdraw"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.locator("main")).to_contain_text("You are not allowed to do this.")


def test_the_language_switch_shows_french_and_survives_login(page):
    page.goto("/login")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion de l'équipe")
    page.get_by_label("Identifiant").fill("organiser")
    page.get_by_label("Mot de passe").fill("organiser-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assemblées")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Liste des membres (12)")
    expect(page.get_by_role("link", name="English")).to_be_visible()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_roster_and_member_pages_fit_the_screen(new_page, site, screenshots, device):
    options = PHONE if device == "phone" else DESKTOP
    page = new_page(**options)
    log_in(page, "organiser")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    expect(panel_rows(page)).to_have_count(12)
    assert_fits(page, f"the roster on a {device}")
    # The contact columns make the table wider than the page: status and actions come first, in view.
    assert_in_view(page, page.get_by_role("columnheader", name="Status").first, f"the Status column on a {device}")
    assert_in_view(page, panel_rows(page).first.get_by_role("link", name="Withdraw"), f"the Withdraw link on a {device}")
    page.screenshot(path=screenshots / f"app_roster_{device}.png", full_page=True)

    member = new_page(**options)
    open_member_page(member, sorted(site.member_codes.items())[0][1])
    expect(member.get_by_role("heading", level=1)).to_contain_text("Welcome, member")
    assert_fits(member, f"the member page on a {device}")
    member.screenshot(path=screenshots / f"app_member_{device}.png", full_page=True)


def test_login_roster_and_withdrawal_work_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    log_in(page, "organiser")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    expect(panel_rows(page)).to_have_count(12)
    panel_rows(page).first.get_by_role("link", name="Withdraw").click()
    page.get_by_label("Date").fill("2026-03-07")
    page.get_by_label("Reason").fill("ill")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(panel_rows(page).first).to_contain_text("withdrawn (2026-03-07: ill)")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_organiser_balances_and_moves_a_member_and_a_facilitator_reports(new_page, screenshots, device):
    page = new_page(**(PHONE if device == "phone" else DESKTOP))
    log_in(page, "organiser")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    page.get_by_role("link", name="Working groups (5)").click()
    page.get_by_label("Seed (empty: a fresh random seed)").fill("3")
    page.get_by_role("button", name="Draw a balanced assignment").click()
    expect(page.get_by_role("status")).to_contain_text("Balanced assignment drawn with seed 3. Total deviation")
    select = page.locator("main select").first
    select.select_option(label="(no group)")
    page.get_by_role("button", name="Save the assignment").click()
    expect(page.get_by_role("status")).to_have_text("The assignment was saved.")
    expect(page.locator("main select").first).to_have_value("")
    assert_fits(page, f"the groups page on a {device}")
    page.screenshot(path=screenshots / f"app_groups_{device}.png", full_page=True)
    if device == "phone":
        return
    facilitator = new_page()
    log_in(facilitator, "facilitator")
    facilitator.goto("/assemblies/1/sessions/1")
    facilitator.get_by_role("link", name="Write the report (Transport)").click()
    facilitator.get_by_label("Notes").fill("Heard the rail unions.\nVisited a bus depot.")
    facilitator.get_by_label("Outcomes").fill("Draft measure T1: rail before road")
    facilitator.get_by_role("button", name="Save the report").click()
    expect(facilitator.locator("#groups")).to_contain_text("Draft measure T1: rail before road")
    expect(facilitator.get_by_role("link", name="Edit the report (Transport)")).to_be_visible()


def check_in_at_the_desk(page: Page, typed: str) -> None:
    page.get_by_label("Seat number or part of a name").fill(typed)
    page.get_by_label("Seat number or part of a name").press("Enter")


def test_organiser_plans_a_session_and_checks_members_in_at_the_door(page):
    log_in(page, "organiser")
    page.get_by_role("link", name="Demo assembly (sample_data/small)").click()
    page.get_by_role("link", name=re.compile(r"^Sessions \(\d+\)$")).click()
    page.get_by_role("link", name="Plan a new session").click()
    page.get_by_label("Date").fill("2026-04-11")
    page.get_by_label("Place", exact=True).fill("Palais d'Iéna, Paris")
    agenda = (("plenary", "Welcome and the week's programme", "45"), ("hearing", "Hearing: the rail unions", "90"))
    for row, (kind, title, minutes) in enumerate(agenda):
        page.get_by_label("Kind", exact=True).nth(row).select_option(kind)
        page.get_by_label("Item", exact=True).nth(row).fill(title)
        page.get_by_label("Minutes planned").nth(row).fill(minutes)
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Session \d+: Demo assembly"))
    expect(page.locator("main")).to_contain_text("2026-04-11 · Palais d'Iéna, Paris")
    items = page.locator("main table").first.locator("tbody tr")
    expect(items).to_have_count(2)
    expect(items.nth(1)).to_contain_text("Hearing: the rail unions")
    expect(page.locator("main tfoot")).to_contain_text("135")

    page.get_by_role("link", name="Attendance (0)").click()
    check_in_at_the_desk(page, "3")  # a seat number
    expect(page.get_by_role("status")).to_have_text("Seat 3 · Emma Robert: checked in.")
    # Styled under the Content-Security-Policy: the style sheet, and the page's own <style> block by its hash.
    expect(page.locator("main .scroll").first).to_have_css("overflow-x", "auto")
    expect(page.get_by_role("status")).to_have_css("font-weight", "600")
    check_in_at_the_desk(page, "lefevre")  # part of a name, without its accent: Lucas Lefèvre
    expect(page.get_by_role("status")).to_have_text("Seat 11 · Lucas Lefèvre: checked in.")
    check_in_at_the_desk(page, "3")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Seat 3 · Emma Robert is already checked in \(\d\d:\d\d\)\. Nothing changed\.$"))
    expect(page.locator("main")).to_contain_text("2 present of 12")

    present = page.locator("main section").filter(has=page.get_by_role("heading", name="Present (2)")).locator("tbody tr")
    present.filter(has_text="Lucas Lefèvre").get_by_role("button", name="Undo check-in").click()
    expect(page.get_by_role("status")).to_have_text("Seat 11 · Lucas Lefèvre: check-in undone.")
    expect(page.locator("main")).to_contain_text("1 present of 12")

    with page.expect_download() as download:
        page.get_by_role("link", name="Attendance sheet (CSV)").click()
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))}
    assert len(rows) == 12
    assert (rows["P034"]["name"], rows["P034"]["present"], rows["P034"]["checked_in_by"]) == ("Emma Robert", "yes", "organiser")
    assert (rows["P093"]["name"], rows["P093"]["present"]) == ("Lucas Lefèvre", "no")
    assert {row["date"] for row in rows.values()} == {"2026-04-11"}
