"""End to end, a measure's whole life in the browser: drafted, amended twice (one amendment accepted by the drafting
group, one adopted by the plenary's vote), submitted, voted by 20 members each in their own browser context with their
own voting code, closed, published, read on the results page and exported as CSV."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browsing import PHONE, SAMPLE, expect, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

MEMBERS = 20
TITLE = "Ban the advertising of the most polluting products"
TEXT = "Ban the advertising of the most polluting products from 2025, starting with cars. Fund public information campaigns."


@pytest.fixture(scope="module")
def draw_folder(tmp_path_factory) -> Path:
    """A draw of 20 (the first 20 people of sample_data/small; the rest is the remaining pool), for the demo to import."""
    folder = tmp_path_factory.mktemp("e2e_votes_draw")
    header, *people = (SAMPLE / "people.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "selected.csv").write_text(header + "".join(people[:MEMBERS]), encoding="utf-8")
    (folder / "remaining.csv").write_text(header + "".join(people[MEMBERS:]), encoding="utf-8")
    shutil.copy(SAMPLE / "features.csv", folder / "features.csv")
    return folder


def propose(page: Page, passage: str, replacement: str) -> None:
    page.get_by_role("link", name="Propose an amendment").click()
    page.get_by_label("Passage", exact=True).fill(passage)
    page.get_by_label("New text (empty: delete the passage)").fill(replacement)
    page.get_by_role("button", name="Propose").click()
    page.get_by_label("admissible", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main dl")).to_contain_text("admissible")


def open_vote(page: Page) -> str:
    """Open the vote shown on `page`; return the members' page of the vote."""
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_role("status")).to_contain_text("The vote is open")
    return f"/member/votes/{page.url.rsplit('/', 1)[1]}"


def everyone_votes(members: list[Page], ballot: str, choices: list[str]) -> None:
    """Each member opens the ballot and votes; the pages load side by side, as members' phones would."""
    for member in members:
        member.goto(ballot, wait_until="commit")
    for member, choice in zip(members, choices, strict=True):
        member.get_by_label(choice, exact=True).check()
        member.get_by_role("button", name="Cast my ballot").click()
    for member in members:
        expect(member.get_by_role("status")).to_have_text("Your ballot was counted.")


def test_a_measure_is_amended_voted_by_20_members_published_and_exported(new_page, site):
    organiser = new_page()
    log_in(organiser, "organiser")
    codes = list(site.member_codes.values())
    assert len(codes) == MEMBERS
    members = [new_page() for _ in codes]
    for member in members:
        member.goto("/member", wait_until="commit")
    for member, code in zip(members, codes):
        member.get_by_label("Your code").fill(code)
        member.get_by_role("button", name="Open my page").click()
    for member in members:
        expect(member.get_by_role("heading", level=1)).to_contain_text("Welcome, member")

    organiser.goto("/assemblies/1/measures")
    organiser.get_by_role("link", name="Draft a new measure").click()
    organiser.get_by_label("Title").fill(TITLE)
    organiser.get_by_label("Objective").fill("Consume less.")
    organiser.get_by_label("Proposed route").select_option("parliament")
    organiser.get_by_label("Text").fill(TEXT)
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(TITLE)
    measure_url = organiser.url

    propose(organiser, "from 2025", "from 2024")
    organiser.get_by_role("button", name="Accept (drafting group)").click()
    expect(organiser.locator("main dl")).to_contain_text("accepted by the drafting group")
    organiser.goto(measure_url)
    propose(organiser, "starting with cars", "starting with cars and planes")
    organiser.get_by_role("link", name="Put to a vote").click()
    organiser.get_by_role("button", name="Save the vote (not open yet)").click()
    amendment_vote = f"Adopt amendment 2 to “{TITLE}”?"
    everyone_votes(members[:6], open_vote(organiser), ["Yes"] * 5 + ["No"])  # not everyone votes on an amendment
    organiser.reload()
    organiser.get_by_role("button", name="Close the vote").click()
    expect(organiser.locator("main")).to_contain_text("needed 2 yes (more than the 1 no), got 5")

    organiser.goto(measure_url)
    expect(organiser.locator("main div.text").first).to_have_text(
        "Ban the advertising of the most polluting products from 2024, starting with cars and planes. Fund public information campaigns."
    )
    organiser.get_by_label("Change the state to").select_option(label="submitted to the plenary")
    organiser.get_by_role("button", name="Change the state").click()
    organiser.goto("/assemblies/1/votes/new")
    question = f"Adopt “{TITLE}”?"
    organiser.get_by_label("Question", exact=True).fill(question)
    organiser.get_by_label("On the measure").select_option(label=TITLE)
    organiser.get_by_label("Secret ballot").check()
    organiser.get_by_label("Threshold", exact=True).select_option("absolute_majority")
    organiser.get_by_label("Base", exact=True).select_option("cast")
    organiser.get_by_role("button", name="Save the vote (not open yet)").click()
    ballot = open_vote(organiser)
    members[0].goto("/member/home")
    expect(members[0].get_by_role("link", name=question, exact=True)).to_have_attribute("href", ballot)  # listed on their page
    everyone_votes(members, ballot, ["Yes"] * 13 + ["No"] * 5 + ["Abstain"] * 2)
    organiser.reload()
    expect(organiser.locator("main")).to_contain_text("20 of 20 voters have voted.")
    expect(organiser.locator("main")).not_to_contain_text("yes 13")  # the tally stays hidden until the close
    organiser.get_by_role("button", name="Close the vote").click()
    reason = "needed 11 of 20 votes cast, got 13"
    expect(organiser.locator("main dl")).to_contain_text(f"Passed: {reason} (yes 13, no 5, abstain 2)")
    members[0].reload()
    expect(members[0].locator("main")).to_contain_text("closed, result not yet published")
    expect(members[0].locator("main")).not_to_contain_text(reason)
    organiser.get_by_role("button", name="Publish the result").click()
    expect(organiser.get_by_role("status")).to_have_text("The result is published: members can read it.")
    members[0].reload()
    expect(members[0].locator("main")).to_contain_text(f"Passed: {reason} (yes 13, no 5, abstain 2)")

    organiser.get_by_role("link", name="Results", exact=True).click()
    row = organiser.locator("main tbody tr").filter(has=organiser.get_by_role("rowheader", name=TITLE))
    for cell in (f"Passed: {reason}", "absolute majority · votes cast", "adopted", "parliament", "3", question):
        expect(row).to_contain_text(cell)
    with organiser.expect_download() as download:
        organiser.get_by_role("link", name="Results (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    ours = [row for row in rows if row["measure"] == TITLE]
    assert [(row["amendment"], row["question"], row["yes"], row["no"], row["abstain"], row["passed"]) for row in ours] == [
        ("2", amendment_vote, "5", "1", "0", "yes"),
        ("", question, "13", "5", "2", "yes"),
    ]
    assert ours[1]["rule"] == "absolute majority of votes cast" and ours[1]["reason"] == reason and ours[1]["published_at"]
    assert ours[0]["published_at"] == ""  # the amendment's result was not published

    phone = new_page(**PHONE)
    log_in(phone, "auditor")
    for path in ("/assemblies/1/results", f"{measure_url}/results", ballot.replace("/member/votes/", "/assemblies/1/votes/")):
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375 px phone"  # tables scroll inside their own box
