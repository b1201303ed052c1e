"""Every route as every role (and anonymous), against the intended permission table."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app.models import Member
from app_testing import login

ROLES = ("anonymous", "member", "auditor", "facilitator", "organiser")
LOGIN, FORBIDDEN = "login", 403

# (method, url, rule) -> outcome per role, in ROLES order. "login": sent to a login page.
PERMISSIONS = {
    ("GET", "/login", "/login"): (200, 200, 200, 200, 200),
    ("POST", "/login", "/login"): (200, 200, 200, 200, 200),
    ("GET", "/member", "/member"): (200, 200, 200, 200, 200),
    ("POST", "/member", "/member"): (200, 200, 200, 200, 200),
    ("POST", "/logout", "/logout"): (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("GET", "/member/home", "/member/home"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/", "/"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/new", "/assemblies/new"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200),
    ("POST", "/assemblies/new", "/assemblies/new"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200),
    ("GET", "/assemblies/1", "/assemblies/<int:assembly_id>"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/members/{m}/withdraw", "/assemblies/<int:assembly_id>/members/<int:member_id>/withdraw"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200),
    ("POST", "/assemblies/1/members/{m}/withdraw", "/assemblies/<int:assembly_id>/members/<int:member_id>/withdraw"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302),
    ("GET", "/assemblies/1/replace", "/assemblies/<int:assembly_id>/replace"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200),
    ("POST", "/assemblies/1/replace", "/assemblies/<int:assembly_id>/replace"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("POST", "/assemblies/1/codes", "/assemblies/<int:assembly_id>/codes"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200),
    ("GET", "/assemblies/1/sessions", "/assemblies/<int:assembly_id>/sessions"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/sessions/new", "/assemblies/<int:assembly_id>/sessions/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/sessions/new", "/assemblies/<int:assembly_id>/sessions/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/sessions/1", "/assemblies/<int:assembly_id>/sessions/<int:number>"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/sessions/1/minutes.pdf", "/assemblies/<int:assembly_id>/sessions/<int:number>/minutes.pdf"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/sessions/1/edit", "/assemblies/<int:assembly_id>/sessions/<int:number>/edit"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/sessions/1/edit", "/assemblies/<int:assembly_id>/sessions/<int:number>/edit"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/sessions/1/attendance", "/assemblies/<int:assembly_id>/sessions/<int:number>/attendance"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("POST", "/assemblies/1/sessions/1/attendance", "/assemblies/<int:assembly_id>/sessions/<int:number>/attendance"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/sessions/1/attendance/{m}/undo", "/assemblies/<int:assembly_id>/sessions/<int:number>/attendance/<int:member_id>/undo"): (LOGIN, FORBIDDEN, FORBIDDEN, 302, 302),
    ("GET", "/assemblies/1/sessions/1/attendance/sheet.csv", "/assemblies/<int:assembly_id>/sessions/<int:number>/attendance/sheet.csv"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/groups", "/assemblies/<int:assembly_id>/groups"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("POST", "/assemblies/1/groups/new", "/assemblies/<int:assembly_id>/groups/new"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("POST", "/assemblies/1/groups/1/rename", "/assemblies/<int:assembly_id>/groups/<int:group_id>/rename"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("POST", "/assemblies/1/groups/1/remove", "/assemblies/<int:assembly_id>/groups/<int:group_id>/remove"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("POST", "/assemblies/1/groups/assign", "/assemblies/<int:assembly_id>/groups/assign"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("POST", "/assemblies/1/groups/balance", "/assemblies/<int:assembly_id>/groups/balance"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("GET", "/assemblies/1/sessions/1/groups/1", "/assemblies/<int:assembly_id>/sessions/<int:number>/groups/<int:group_id>"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/sessions/1/groups/1", "/assemblies/<int:assembly_id>/sessions/<int:number>/groups/<int:group_id>"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/measures", "/assemblies/<int:assembly_id>/measures"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/measures/new", "/assemblies/<int:assembly_id>/measures/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/measures/new", "/assemblies/<int:assembly_id>/measures/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/measures/1", "/assemblies/<int:assembly_id>/measures/<int:measure_id>"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/measures/1/edit", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/edit"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/measures/1/edit", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/edit"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/measures/1/state", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/state"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/measures/1/compare", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/compare"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/measures/1/amendments/new", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/measures/1/amendments/new", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/measures/1/amendments/1", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("POST", "/assemblies/1/measures/1/amendments/1/admissibility", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>/admissibility"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/measures/1/amendments/1/accept", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>/accept"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/measures/1/amendments/1/withdraw", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>/withdraw"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/measures/1/amendments/1/vote", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>/vote"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/measures/1/amendments/1/vote", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments/<int:number>/vote"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/member/measures", "/member/measures"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/member/measures/1", "/member/measures/<int:measure_id>"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/member/measures/1/amendments/new", "/member/measures/<int:measure_id>/amendments/new"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/member/measures/1/amendments/new", "/member/measures/<int:measure_id>/amendments/new"): (LOGIN, 400, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The member signed in did not propose amendment 1: only its author (or staff) may withdraw it.
    ("POST", "/member/measures/1/amendments/1/withdraw", "/member/measures/<int:measure_id>/amendments/<int:number>/withdraw"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/assemblies/1/votes", "/assemblies/<int:assembly_id>/votes"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/votes/new", "/assemblies/<int:assembly_id>/votes/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 200, 200),
    ("POST", "/assemblies/1/votes/new", "/assemblies/<int:assembly_id>/votes/new"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("GET", "/assemblies/1/votes/1", "/assemblies/<int:assembly_id>/votes/<int:vote_id>"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("POST", "/assemblies/1/votes/1/open", "/assemblies/<int:assembly_id>/votes/<int:vote_id>/open"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/votes/1/close", "/assemblies/<int:assembly_id>/votes/<int:vote_id>/close"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/votes/1/totals", "/assemblies/<int:assembly_id>/votes/<int:vote_id>/totals"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/votes/1/confirm", "/assemblies/<int:assembly_id>/votes/<int:vote_id>/confirm"): (LOGIN, FORBIDDEN, FORBIDDEN, 400, 400),
    ("POST", "/assemblies/1/votes/1/publish", "/assemblies/<int:assembly_id>/votes/<int:vote_id>/publish"): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 400),
    ("GET", "/assemblies/1/results", "/assemblies/<int:assembly_id>/results"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/results.csv", "/assemblies/<int:assembly_id>/results.csv"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/measures/1/results", "/assemblies/<int:assembly_id>/measures/<int:measure_id>/results"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/member/votes/1", "/member/votes/<int:vote_id>"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("POST", "/member/votes/1", "/member/votes/<int:vote_id>"): (LOGIN, 400, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/member/results", "/member/results"): (LOGIN, 200, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("GET", "/assemblies/1/results.pdf", "/assemblies/<int:assembly_id>/results.pdf"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/assemblies/1/selection-report.pdf", "/assemblies/<int:assembly_id>/selection-report.pdf"): (LOGIN, FORBIDDEN, 200, 200, 200),
    ("GET", "/audit", "/audit"): (LOGIN, FORBIDDEN, 200, FORBIDDEN, 200),
}


def _sign_in(client, role: str, code: str) -> None:
    if role == "member":
        assert client.post("/member", data={"code": code}).status_code == 302
    elif role != "anonymous":
        assert login(client, role).status_code == 302


def test_the_table_covers_every_route_and_method(demo):
    routes = {(method, rule.rule) for rule in demo.url_map.iter_rules() if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {(method, rule) for method, _, rule in PERMISSIONS}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(demo, role):
    with Session(demo.extensions["engine"]) as db:
        member_id, person_id = db.execute(select(Member.id, Member.person_id).where(Member.status == "active").order_by(Member.id.desc())).first()
    code = demo.member_codes[person_id]
    withdrawal = {"on": "2026-03-01", "reason": "moved away"}
    for (method, url, _), outcomes in PERMISSIONS.items():
        client = demo.test_client()
        _sign_in(client, role, code)
        url = url.format(m=member_id)
        response = client.get(url) if method == "GET" else client.post(url, data=withdrawal if "withdraw" in url else {})
        expected = outcomes[ROLES.index(role)]
        if expected == LOGIN:
            assert response.status_code == 302 and ("/login" in response.location or response.location.endswith("/member")), (method, url)
        else:
            assert response.status_code == expected, (method, url, role)
