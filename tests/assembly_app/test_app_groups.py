"""Working groups (SQLite and PostgreSQL, then through the web): define, assign, balance, report; stale and unknown input."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import groups, replacements, roster, sessions
from assembly_app.models import AuditEntry, GroupReport, group_members
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)
THEMES = ("Housing", "Transport", "Food", "Consumption", "Production and work")


def _assembly(db: Session, folder, themes=THEMES):
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    for name in themes:
        groups.create_group(db, assembly, name, version=groups.groups_version(assembly), actor="ana", now=NOW)
    db.commit()
    return assembly


def _last(db: Session) -> AuditEntry:
    return db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


def test_a_balanced_assignment_places_every_active_member_and_records_its_seed(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        done = groups.assign_balanced(db, assembly, seed=5, version=groups.groups_version(assembly), actor="ana", now=NOW)
        db.commit()
        sizes = sorted(len(group.members) for group in assembly.groups)
        assert sizes == [2, 2, 2, 3, 3] and (done.seed, done.seed_source) == (5, "given") and done.total >= done.bound
        entry = _last(db)
        after = json.loads(entry.after)
        assert (entry.action, after["seed"], after["total_deviation"]) == ("groups.balance", 5, done.total)
        assert sorted(sum(after["groups"].values(), [])) == sorted(m.person_id for m in assembly.members if m.status == "active")
        gender = [row for row in groups.spread(assembly) if row.feature == "gender"]
        assert all(max(row.counts) - min(row.counts) <= 1 and sum(row.counts) == row.total for row in gender)
        again = groups.assign_balanced(db, assembly, seed=5, version=groups.groups_version(assembly), actor="ana", now=NOW)
        assert json.loads(_last(db).before) == after["groups"] and again.total == done.total


def test_hand_assignment_logs_the_moves_and_refuses_unknown_ids_without_writing(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        housing, transport = assembly.groups[0], assembly.groups[1]
        first, second = groups.active_members(assembly)[:2]
        moved = groups.assign_by_hand(db, assembly, {first.id: housing.id, second.id: transport.id}, version=groups.groups_version(assembly), actor="ana", now=NOW)
        db.commit()
        assert moved == 2 and (first.group.name, second.group.name) == ("Housing", "Transport")
        assert json.loads(_last(db).after) == {first.person_id: "Housing", second.person_id: "Transport"}
        version, rows = groups.groups_version(assembly), db.scalar(select(func.count()).select_from(group_members))
        for choices, message in (({first.id: None, 10**6: housing.id}, "no active member"), ({first.id: None, second.id: 10**6}, "no working group")):
            with pytest.raises(groups.GroupError, match=message):
                groups.assign_by_hand(db, assembly, choices, version=version, actor="ana", now=NOW)
        with pytest.raises(groups.StaleGroups):
            groups.assign_by_hand(db, assembly, {first.id: None}, version="0" * 16, actor="ana", now=NOW)
        db.rollback()
        assert db.scalar(select(func.count()).select_from(group_members)) == rows and first.group.name == "Housing"
        assert groups.assign_by_hand(db, assembly, {first.id: housing.id}, version=version, actor="ana", now=NOW) == 0


def test_groups_are_renamed_and_removed_with_care(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder, THEMES[:2])
        housing, transport = assembly.groups
        with pytest.raises(groups.GroupError, match="already a group called “transport”"):
            groups.create_group(db, assembly, " transport ", version=groups.groups_version(assembly), actor="ana", now=NOW)
        groups.rename_group(db, housing, "Se  loger", version=groups.groups_version(assembly), actor="ana", now=NOW)
        assert housing.name == "Se loger" and json.loads(_last(db).before) == {"name": "Housing"}
        member = groups.active_members(assembly)[0]
        groups.assign_by_hand(db, assembly, {member.id: transport.id}, version=groups.groups_version(assembly), actor="ana", now=NOW)
        with pytest.raises(groups.GroupError, match="has 1 member"):
            groups.remove_group(db, transport, version=groups.groups_version(assembly), confirmed=False, actor="ana", now=NOW)
        session = sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place="Paris", actor="ana", now=NOW)
        groups.record_report(db, session, housing, notes="Heating", outcomes="", version=None, actor="bo", now=NOW)
        with pytest.raises(groups.GroupError, match="reports for session"):
            groups.remove_group(db, housing, version=groups.groups_version(assembly), confirmed=True, actor="ana", now=NOW)
        groups.remove_group(db, transport, version=groups.groups_version(assembly), confirmed=True, actor="ana", now=NOW)
        db.commit()
        assert [group.name for group in assembly.groups] == ["Se loger"] and member.group is None
        assert json.loads(_last(db).before) == {"name": "Transport", "members": [member.person_id]}


def test_a_report_is_versioned_so_a_stale_form_overwrites_nothing(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder, THEMES[:1])
        session = sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place="Paris", actor="ana", now=NOW)
        housing = assembly.groups[0]
        with pytest.raises(groups.GroupError, match="notes or the outcomes"):
            groups.record_report(db, session, housing, notes=" ", outcomes="", version=None, actor="bo", now=NOW)
        report = groups.record_report(db, session, housing, notes="Heard tenants", outcomes="", version=None, actor="bo", now=NOW)
        groups.record_report(db, session, housing, notes="Heard tenants", outcomes="Measure H1", version=1, actor="bo", now=NOW)
        with pytest.raises(groups.GroupError, match="changed by someone else"):
            groups.record_report(db, session, housing, notes="Old", outcomes="", version=1, actor="cy", now=NOW)
        db.commit()
        assert (report.version, report.outcomes) == (2, "Measure H1") and db.scalar(select(func.count()).select_from(GroupReport)) == 1
        assert json.loads(_last(db).before) == {"notes": "Heard tenants", "outcomes": ""}


def _version(page: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]{16})"', page).group(1)


def test_the_organiser_assigns_by_hand_and_a_stale_or_forged_form_is_explained(demo):
    client = demo.test_client()
    login(client, "organiser")
    page = client.get("/assemblies/1/groups").data.decode()
    assert "Production and work" in page and page.count("<select") == 12 and "Draw a balanced assignment" in page
    member = re.search(r'name="member-(\d+)"', page).group(1)
    version = _version(page)
    moved = client.post("/assemblies/1/groups/assign", data={"version": version, f"member-{member}": "5"})
    assert moved.status_code == 302 and b"The assignment was saved." in client.get("/assemblies/1/groups").data
    stale = client.post("/assemblies/1/groups/assign", data={"version": version, f"member-{member}": "1"})
    assert stale.status_code == 400 and b"changed by someone else" in stale.data
    fresh = _version(client.get("/assemblies/1/groups").data.decode())
    for data in ({f"member-{member}": "99"}, {"member-9999": "1"}, {f"member-{member}": "housing"}):
        refused = client.post("/assemblies/1/groups/assign", data={"version": fresh, **data})
        assert refused.status_code == 400 and b"Nothing was changed:" in refused.data, data
    assert _version(client.get("/assemblies/1/groups").data.decode()) == fresh
    french = client.post("/assemblies/1/groups/99/rename?lang=fr", data={"version": fresh, "name": "Se nourrir"})
    assert french.status_code == 400 and "Ce membre ou ce groupe ne fait pas".encode() in french.data


def test_the_organiser_balances_with_a_seed_and_sees_the_spread(demo):
    client = demo.test_client()
    login(client, "organiser")
    version = _version(client.get("/assemblies/1/groups").data.decode())
    response = client.post("/assemblies/1/groups/balance", data={"version": version, "seed": "42"}, follow_redirects=True)
    page = response.data.decode()
    assert "Balanced assignment drawn with seed 42. Total deviation" in page
    sizes = re.search(r"<th scope=\"row\" colspan=\"2\">Members</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">(\d+)<", sizes) == ["3", "3", "2", "2", "2", "12"]
    removed = client.post("/assemblies/1/groups/1/remove", data={"version": _version(page)})
    assert removed.status_code == 400 and b"tick \xe2\x80\x9calso unassign its members\xe2\x80\x9d" in removed.data


def test_a_facilitator_writes_a_report_shown_on_the_session_page_and_the_auditor_only_reads(demo):
    client = demo.test_client()
    login(client, "facilitator")
    assert b"Write the report (Housing)" in client.get("/assemblies/1/sessions/1").data
    response = client.post("/assemblies/1/sessions/1/groups/1", data={"notes": "Heard tenants' unions", "outcomes": "Draft measure H1"})
    assert response.status_code == 302
    session_page = client.get("/assemblies/1/sessions/1").data.decode()
    assert "Draft measure H1" in session_page and "Edit the report (Housing)" in session_page
    stale = client.post("/assemblies/1/sessions/1/groups/1", data={"notes": "Overwrite", "outcomes": ""})
    assert stale.status_code == 400 and b"changed by someone else" in stale.data
    assert client.post("/assemblies/1/groups/new", data={"name": "Finance"}).status_code == 403
    auditor = demo.test_client()
    login(auditor, "auditor")
    page = auditor.get("/assemblies/1/groups").data.decode()
    assert "<select" not in page and "Draft measure H1" in auditor.get("/assemblies/1/sessions/1").data.decode()
    assert Counter(re.findall(r"<td>(Housing|Transport|Food|Consumption|Production and work)</td>", page)).total() >= 12


def test_a_replacement_takes_the_working_group_of_the_seat(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder, THEMES[:2])
        groups.assign_balanced(db, assembly, seed=1, version=groups.groups_version(assembly), actor="ana", now=NOW)
        leaving = groups.active_members(assembly)[0]
        group = leaving.group.name
        roster.withdraw(db, leaving, on=date(2026, 3, 7), reason="moved", actor="ana", now=NOW)
        done = replacements.replace_withdrawn(db, assembly, [leaving], seed=7, accept_missed=True, actor="ana", now=NOW)
        db.commit()
        newcomer = done.pairs[0][1]
        assert newcomer.group.name == group and json.loads(_last(db).after)["groups"] == {newcomer.person_id: group}
        assert sum(row.counts[0] + row.counts[1] for row in groups.spread(assembly) if row.feature == "gender") == 12
