"""Sessions and their agenda (SQLite and PostgreSQL): numbering, online, stale forms, bad items, the log."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import roster, sessions
from assembly_app.models import AgendaItem, AuditEntry
from assembly_app.sessions import ItemInput
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)
AGENDA = (ItemInput("plenary", "Welcome", 30), ItemInput("hearing", "Climate scientists", 90))


def _assembly(db: Session, folder):
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    db.commit()
    return assembly


def test_sessions_are_numbered_in_order_with_their_agenda(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        first = sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place=" Paris ", agenda=AGENDA, actor="ana", now=NOW)
        second = sessions.create_session(db, assembly, held_on=date(2026, 4, 18), place="Online", actor="ana", now=NOW)
        db.commit()
        assert (first.number, first.place, first.is_online) == (1, "Paris", False)
        assert (second.number, second.place, second.is_online) == (2, "online", True)
        assert [(item.position, item.kind, item.minutes) for item in first.agenda] == [(1, "plenary", 30), (2, "hearing", 90)]
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert (entry.action, entry.target) == ("session.create", f"assembly:{assembly.id}/session:2")


def test_an_edit_replaces_the_agenda_and_a_stale_form_changes_nothing(engine, draw_folder):
    with Session(engine) as db:
        session = sessions.create_session(db, _assembly(db, draw_folder), held_on=date(2026, 4, 4), place="Paris", agenda=AGENDA, actor="ana", now=NOW)
        db.commit()
        agenda = (ItemInput("vote", "Measures 1-10", 60),)
        sessions.update_session(db, session, version=1, held_on=date(2026, 4, 5), place="Lyon", agenda=agenda, actor="bo", now=NOW)
        db.commit()
        assert (session.version, session.place, [item.title for item in session.agenda]) == (2, "Lyon", ["Measures 1-10"])
        assert db.scalar(select(func.count()).select_from(AgendaItem)) == 1
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert json.loads(entry.before)["place"] == "Paris" and json.loads(entry.after)["agenda"] == [["vote", "Measures 1-10", 60]]
        with pytest.raises(sessions.StaleForm, match="changed by someone else"):
            sessions.update_session(db, session, version=1, held_on=date(2026, 4, 6), place="Nice", agenda=(), actor="cy", now=NOW)
        assert (session.version, session.place) == (2, "Lyon")


@pytest.mark.parametrize(
    ("place", "item", "message"),
    [
        ("", None, "give the place"),
        ("Paris", ItemInput("party", "Drinks", 30), "the kind must be one of"),
        ("Paris", ItemInput("vote", " ", 30), "give it a title"),
        ("Paris", ItemInput("vote", "Final vote", 0), "between 1 and 1440 minutes"),
    ],
)
def test_bad_sessions_are_refused_with_the_reason(engine, draw_folder, place, item, message):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        with pytest.raises(sessions.SessionError, match=message):
            sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place=place, agenda=() if item is None else (item,), actor="ana", now=NOW)


ROW = {"agenda-0-position": "", "agenda-0-kind": "plenary", "agenda-0-title": "Welcome", "agenda-0-minutes": "30"}


def test_a_facilitator_plans_a_session_and_the_agenda_is_sorted_by_order(demo):
    client = demo.test_client()
    login(client, "facilitator")
    rows = {**ROW, "agenda-0-position": "2", "agenda-1-position": "1", "agenda-1-kind": "hearing", "agenda-1-title": "Experts", "agenda-1-minutes": "90"}
    response = client.post("/assemblies/1/sessions/new", data={"held_on": "2026-05-02", "place": "Marseille", **rows, "agenda-2-title": ""})
    assert response.status_code == 302 and response.location.endswith("/assemblies/1/sessions/3")
    page = client.get("/assemblies/1/sessions/3").data.decode()
    assert page.index("Experts") < page.index("Welcome") and "Marseille" in page and "120" in page


def test_bad_dates_stale_forms_and_auditors_change_nothing(demo):
    client = demo.test_client()
    login(client, "facilitator")
    before = _entries(demo)
    bad_date = client.post("/assemblies/1/sessions/new", data={"held_on": "2026-02-30", "place": "Paris", **ROW})
    assert bad_date.status_code == 400 and b"Not a valid date value" in bad_date.data
    french = client.post("/assemblies/1/sessions/new?lang=fr", data={"held_on": "demain", "place": "Paris", **ROW})
    assert "N&#39;est pas une date valide".encode() in french.data
    edit = {"held_on": "2026-05-02", "place": "Lille", "version": "1", **ROW}
    assert client.post("/assemblies/1/sessions/1/edit?lang=en", data=edit).status_code == 302
    stale = client.post("/assemblies/1/sessions/1/edit", data={**edit, "place": "Nice"})
    assert stale.status_code == 400 and b"changed by someone else" in stale.data
    assert b"Lille" in client.get("/assemblies/1/sessions/1").data and _entries(demo) == before + 1
    auditor = demo.test_client()
    login(auditor, "auditor")
    assert auditor.get("/assemblies/1/sessions/1").status_code == 200
    assert auditor.post("/assemblies/1/sessions/1/edit", data=edit).status_code == 403


def _entries(app) -> int:
    with Session(app.extensions["engine"]) as db:
        return db.scalar(select(func.count()).select_from(AuditEntry))
