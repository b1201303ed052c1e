"""Session minutes from the app: the PDF of a stored session, by seat and id unless an organiser asks for names."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app.commands import DEMO_PRESENT
from assembly_app.models import Member
from app_testing import login
from pdf_reading import pdf_text

MINUTES = "/assemblies/1/sessions/1/minutes.pdf"



def test_the_demo_session_minutes_give_its_number_and_who_was_present(demo, tmp_path):
    client = demo.test_client()
    login(client, "auditor")
    page = client.get("/assemblies/1/sessions/1")
    assert MINUTES in page.text
    response = client.get(MINUTES)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "Minutes of session 1" in text and re.search(r"Session\s+1\b", text)
    assert re.search(rf"Present\s+{DEMO_PRESENT} of 12 members", text) and f"Present ({DEMO_PRESENT})" in text
    assert re.search(rf"Absent\s+{12 - DEMO_PRESENT} of 12 members", text)
    assert "Demo assembly (sample_data/small)" in text
    assert response.data == client.get(MINUTES).data


def test_names_only_for_an_organiser_who_asks(demo, tmp_path):
    with Session(demo.extensions["engine"]) as db:
        member = db.scalars(select(Member).where(Member.seat == 1)).one()
        name = member.name
    assert name != member.person_id  # the demo draw carries first and last names
    organiser, facilitator = demo.test_client(), demo.test_client()
    login(organiser, "organiser")
    login(facilitator, "facilitator")
    assert name not in pdf_text(organiser.get(MINUTES).data, tmp_path)
    assert name in pdf_text(organiser.get(MINUTES + "?names=1").data, tmp_path)
    assert name not in pdf_text(facilitator.get(MINUTES + "?names=1").data, tmp_path)
