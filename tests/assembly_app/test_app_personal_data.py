"""Personal data canaries: names, emails, phones and addresses planted in a pool never leave the places meant for them.

`sortition select` runs on the small sample with canary contact columns; its draw is imported into the app, which
is then used by every role (roster, voting codes, withdrawal and replacement, a session with check-ins, its
minutes, a vote, the audit log, the member pages). The canaries must not appear in audit.json, report.pdf,
probabilities.csv, the CLI's output, the audit log's rows, the minutes without ?names=1, any page of a facilitator,
auditor, member or visitor (except names at the attendance desk, where facilitators greet people), or anything
logged. They must appear where organisers are meant to see contacts, so that the test can tell.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from assembly_app import sessions
from assembly_app.db import make_engine
from assembly_app.models import Assembly, Member
from app_testing import login
from pdf_reading import pdf_text
from sortition.cli import cli

SMALL = Path(__file__).resolve().parents[2] / "sample_data" / "small"
NAME, EMAIL, PHONE, ADDRESS = "Zxqcanary", "zxq.canary", "+99 555", "Zxqstreet"
CONTACT = (EMAIL, PHONE, ADDRESS)  # organisers only
EVERY = (NAME, *CONTACT)


def _canary_pool(folder):
    """The small sample with a canary in every person's last name, email, phone and address (households kept)."""
    with open(SMALL / "people.csv", encoding="utf-8", newline="") as handle:
        people = list(csv.DictReader(handle))
    for n, person in enumerate(people):
        person["last_name"] = f"{NAME} {person['last_name']}"
        person["email"] = f"{EMAIL}.{person['id'].lower()}@example.org"
        person["phone"] = f"{PHONE} {n:04d}"
        person["address"] = f"{person['address']} {ADDRESS}"
    with open(folder / "people.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(people[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(people)
    return folder / "people.csv"


def _found(text: str, canaries=EVERY) -> list[str]:
    return [canary for canary in canaries if canary.lower() in text.lower()]


def test_canaries_stay_where_they_belong(demo, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    people, out = _canary_pool(tmp_path), tmp_path / "draw"
    result = CliRunner().invoke(cli, ["select", "--people", str(people), "--features", str(SMALL / "features.csv"), "--panel-size", "12",
                                      "--households", "address,postcode", "--seed", "1", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _found(result.output) == []
    for name in ("audit.json", "probabilities.csv"):
        assert _found((out / name).read_text(encoding="utf-8")) == [], name
    assert _found(pdf_text(out / "report.pdf")) == []
    assert _found((out / "selected.csv").read_text(encoding="utf-8")) == list(EVERY)  # carried through, as designed

    organiser, facilitator, auditor = (demo.test_client() for _ in range(3))
    for client, role in ((organiser, "organiser"), (facilitator, "facilitator"), (auditor, "auditor")):
        login(client, role)
    files = {name: (io.BytesIO((out / f"{name}.csv").read_bytes()), f"{name}.csv") for name in ("selected", "remaining")}
    files["features"] = (io.BytesIO((SMALL / "features.csv").read_bytes()), "features.csv")
    files["audit"] = (io.BytesIO((out / "audit.json").read_bytes()), "audit.json")
    response = organiser.post("/assemblies/new", data={"name": "Canaries", "id_column": "id", **files}, content_type="multipart/form-data")
    assert response.status_code == 302
    assembly = int(response.location.rsplit("/", 1)[1])
    base = f"/assemblies/{assembly}"

    # Organisers see contacts: the roster and the voting-code cards (positive controls).
    assert _found(organiser.get(base).data.decode()) == list(EVERY)
    cards = organiser.post(f"{base}/codes").data.decode()
    assert _found(cards, (NAME,)) == [NAME]
    codes = ["".join(pair) for pair in re.findall(r'<span class="code">(\w{5}) (\w{5})</span>', cards)]
    with Session(demo.extensions["engine"]) as db:
        members = db.scalars(select(Member).where(Member.assembly_id == assembly, Member.status == "active").order_by(Member.seat)).all()
        leaving = members[0].id
        session = sessions.create_session(db, db.get(Assembly, assembly), held_on=date(2026, 4, 4), place="Paris", actor="facilitator", now=datetime(2026, 3, 1))
        db.commit()
        number = session.number
    assert organiser.post(f"{base}/members/{leaving}/withdraw", data={"on": "2026-03-01", "reason": "moved away"}).status_code == 302
    assert organiser.post(f"{base}/replace", data={"dropouts": [str(leaving)], "seed": "5"}).status_code == 200

    # The attendance desk: facilitators check people in by name, and see names only.
    desk = f"{base}/sessions/{number}/attendance"
    for seat in ("2", "3", "4"):
        assert facilitator.post(desk, data={"query": seat}).status_code == 302  # one match: checked in at once
    for page in (facilitator.get(desk).data.decode(), facilitator.get(f"{desk}/sheet.csv").data.decode("utf-8-sig")):
        assert _found(page) == [NAME]

    minutes = f"{base}/sessions/{number}/minutes.pdf"
    assert _found(pdf_text(organiser.get(minutes).data, tmp_path)) == []
    assert _found(pdf_text(organiser.get(minutes + "?names=1").data, tmp_path)) == [NAME]  # the internal copy

    staff_pages = [base, f"{base}/sessions", f"{base}/sessions/{number}", f"{base}/groups", f"{base}/measures", f"{base}/votes", "/"]
    for client, role in ((facilitator, "facilitator"), (auditor, "auditor")):
        for path in staff_pages + (["/audit"] if role == "auditor" else []):
            response = client.get(path)
            assert response.status_code == 200 and _found(response.data.decode()) == [], (role, path)
    assert _found(auditor.get(f"{desk}/sheet.csv").data.decode("utf-8-sig"), CONTACT) == []

    visitor, member = demo.test_client(), demo.test_client()
    assert member.post("/member", data={"code": codes[-1]}).status_code == 302
    for client, path in ((visitor, "/login"), (visitor, "/member"), (member, "/member/home")):
        assert _found(client.get(path).data.decode()) == [], path

    with Session(demo.extensions["engine"]) as db:
        rows = db.execute(text("SELECT * FROM audit_log")).all()
    assert len(rows) > 10 and _found(repr(rows)) == []
    assert _found("\n".join(record.getMessage() for record in caplog.records)) == []


def test_database_errors_do_not_carry_personal_data_into_logs(tmp_path):
    """A failed statement's message, which Flask logs with the traceback of a 500, would list its parameters:
    the contact data of the members being imported, say."""
    engine = make_engine(f"sqlite:///{tmp_path / 'errors.sqlite3'}")
    with engine.connect() as connection, pytest.raises(DBAPIError) as failed:
        connection.execute(text("INSERT INTO no_such_table VALUES (:email)"), {"email": f"{EMAIL}@example.org"})
    engine.dispose()
    assert "no_such_table" in str(failed.value) and _found(str(failed.value)) == []
