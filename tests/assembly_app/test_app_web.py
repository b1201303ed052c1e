"""The web shell: CSRF, login rate limit, cookies, language, the member page, uploads."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app.models import Assembly, AuditEntry, Member
from app_testing import login, make_test_app


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()


def _app_with_user(tmp_path, **config):
    app = make_test_app(tmp_path, **config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["create-user", "ana", "--role", "organiser"], input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    return app


def test_state_changing_requests_without_a_csrf_token_are_refused(tmp_path):
    client = _app_with_user(tmp_path).test_client()
    refused = client.post("/login", data={"username": "ana", "password": "correct horse battery"})
    assert refused.status_code == 400 and b"reload the page" in refused.data
    token = _csrf(client.get("/login").data)
    assert client.post("/login", data={"username": "ana", "password": "correct horse battery", "csrf_token": token}).status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_the_sixth_failed_login_within_15_minutes_gets_429(tmp_path):
    client = _app_with_user(tmp_path, WTF_CSRF_ENABLED=False).test_client()
    for _ in range(5):
        response = login(client, "ana", "wrong password")
        assert response.status_code == 200 and b"Wrong username or password" in response.data
    assert login(client, "ana", "wrong password").status_code == 429
    assert login(client, "ana", "correct horse battery").status_code == 429


def test_session_cookies_are_httponly_lax_and_secure_in_production(tmp_path):
    client = _app_with_user(tmp_path, WTF_CSRF_ENABLED=False).test_client()
    cookie = login(client, "ana", "correct horse battery").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    (tmp_path / "production").mkdir()
    production = _app_with_user(tmp_path / "production", WTF_CSRF_ENABLED=False, ENV_PRODUCTION=True).test_client()
    assert "Secure" in login(production, "ana", "correct horse battery").headers["Set-Cookie"]


def test_the_interface_speaks_french_when_asked(tmp_path):
    client = make_test_app(tmp_path).test_client()
    assert b"Staff login" in client.get("/login").data
    assert b"Se connecter" in client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).data
    assert b"Se connecter" in client.get("/login?lang=fr").data
    remembered = client.get("/member", headers={"Accept-Language": "en"}).data
    assert b'<html lang="fr">' in remembered and "Saisissez le code imprimé".encode() in remembered


def test_a_member_opens_their_page_with_the_code_from_their_card(demo):
    person_id, code = sorted(demo.member_codes.items())[0]
    client = demo.test_client()
    assert b"not valid" in client.post("/member", data={"code": "AAAAAAAAAA"}).data
    response = client.post("/member", data={"code": f"{code[:5].lower()} {code[5:]}"}, follow_redirects=True)
    assert response.status_code == 200 and person_id.encode() in response.data and b"Demo assembly" in response.data
    assert client.get("/").status_code == 403


def test_contact_columns_are_shown_to_organisers_only(demo):
    organiser, facilitator = demo.test_client(), demo.test_client()
    login(organiser, "organiser"), login(facilitator, "facilitator")
    assert b"@example.org" in organiser.get("/assemblies/1").data
    page = facilitator.get("/assemblies/1").data
    assert b"@example.org" not in page and b"territory" in page


def test_withdrawing_a_member_shows_on_the_roster_and_in_the_log(demo):
    client = demo.test_client()
    login(client, "organiser")
    with Session(demo.extensions["engine"]) as db:
        member = db.scalars(select(Member).where(Member.status == "active")).first()
    url = f"/assemblies/1/members/{member.id}/withdraw"
    assert client.post(url, data={"on": "2026-03-01", "reason": ""}).status_code == 200  # reason required
    assert client.post(url, data={"on": "2026-03-01", "reason": "moved away"}).status_code == 302
    assert b"moved away" in client.get("/assemblies/1").data
    assert client.post(url, data={"on": "2026-03-01", "reason": "again"}).status_code == 400
    assert b"member.withdraw" in client.get("/audit").data


def test_replacing_a_withdrawn_member_shows_the_composition_before_and_after(demo):
    client = demo.test_client()
    login(client, "organiser")
    with Session(demo.extensions["engine"]) as db:
        member = db.scalars(select(Member).where(Member.status == "active")).first()
    assert client.post(f"/assemblies/1/members/{member.id}/withdraw", data={"on": "2026-03-01", "reason": "moved away"}).status_code == 302
    page = client.get(f"/assemblies/1/replace?member={member.id}").data.decode()
    assert f'checked id="dropouts-0" name="dropouts" type="checkbox" value="{member.id}"' in page and "Quota (min–max)" in page
    assert client.post("/assemblies/1/replace", data={"dropouts": [str(member.id)], "seed": "-1"}).status_code == 400
    done = client.post("/assemblies/1/replace", data={"dropouts": [str(member.id)], "seed": "5"})
    text = done.data.decode()
    assert done.status_code == 200 and "Replacements drawn" in text and "<code>5</code>" in text and "After" in text
    again = client.post("/assemblies/1/replace", data={"dropouts": [str(member.id)], "seed": "5"})
    assert again.status_code == 400 and b"No withdrawn member is waiting" in again.data
    with Session(demo.extensions["engine"]) as db:
        replaced = db.get(Member, member.id)
        assert replaced.status == "replaced" and replaced.replaced_by.status == "active"
    assert b"member.replace" in client.get("/audit").data


def _upload(client, draw_folder, **replace):
    files = {name: (draw_folder / f"{name}.csv").read_bytes() for name in ("selected", "remaining", "features")}
    files["audit"] = (draw_folder / "audit.json").read_bytes()
    files.update(replace)
    data = {"name": "Uploaded", "id_column": "id", **{name: (io.BytesIO(content), f"{name}.csv") for name, content in files.items()}}
    return client.post("/assemblies/new", data=data, content_type="multipart/form-data")


def _stored(app) -> tuple[int, int, int]:
    with Session(app.extensions["engine"]) as db:
        return tuple(db.scalar(select(func.count()).select_from(table)) for table in (Assembly, Member, AuditEntry))


def test_uploading_a_draw_creates_an_assembly(demo, draw_folder):
    client = demo.test_client()
    login(client, "organiser")
    response = _upload(client, draw_folder)
    assert response.status_code == 302 and response.location.endswith("/assemblies/2")
    assert b"SHA-256" in client.get("/assemblies/2").data


def test_bad_uploads_say_what_is_wrong_and_store_nothing(demo, draw_folder):
    client = demo.test_client()
    login(client, "organiser")
    before = _stored(demo)

    assert demo.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    # A smaller limit keeps the test client's request body in memory (it leaves a larger one's temporary file open).
    demo.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    oversized = _upload(client, draw_folder, remaining=b"x" * (256 * 1024 + 1))
    assert oversized.status_code == 413 and b"too large (limit: 0.25 MB)" in oversized.data

    latin1 = (draw_folder / "selected.csv").read_text(encoding="utf-8").encode("latin-1")
    response = _upload(client, draw_folder, selected=latin1)
    assert response.status_code == 400 and b"selected.csv, row 2: is not UTF-8 text" in response.data

    text = (draw_folder / "selected.csv").read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    first = first.replace(",urban", ",suburban").replace(",rural", ",suburban")
    response = _upload(client, draw_folder, selected="\n".join([header, first, *rest]).encode())
    page = response.data.decode()
    assert response.status_code == 400 and "selected.csv, row 2, column &#39;territory&#39;" in page and "suburban" in page
    assert _stored(demo) == before


def test_the_sixth_wrong_voting_code_within_15_minutes_gets_429(demo):
    client = demo.test_client()
    for attempt in range(5):
        response = client.post("/member", data={"code": f"WRONGCODE{attempt}"})
        assert response.status_code == 200 and b"This code is not valid" in response.data
    assert client.post("/member", data={"code": "WRONGCODE5"}).status_code == 429
    assert client.post("/member", data={"code": next(iter(demo.member_codes.values()))}).status_code == 429


def test_behind_a_trusted_proxy_the_rate_limit_counts_the_clients_address_and_otherwise_ignores_the_header(tmp_path, draw_folder):
    for proxies, other_client_status in ((1, 302), (0, 429)):
        (tmp_path / str(proxies)).mkdir()
        app = make_test_app(tmp_path / str(proxies), WTF_CSRF_ENABLED=False, TRUSTED_PROXIES=proxies)
        result = app.test_cli_runner().invoke(args=["demo", "--draw", str(draw_folder)])
        assert result.exit_code == 0, result.output
        code = re.search(r"^  P\d+  ([A-Z0-9]{10})$", result.output, re.MULTILINE).group(1)
        client = app.test_client()
        for attempt in range(6):
            client.post("/member", data={"code": f"WRONGCODE{attempt}"}, headers={"X-Forwarded-For": "203.0.113.5"})
        other = app.test_client().post("/member", data={"code": code}, headers={"X-Forwarded-For": "203.0.113.6"})
        assert other.status_code == other_client_status, proxies  # without a trusted proxy the header is forged or absent: one address
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be the number of proxies"):
        make_test_app(tmp_path, TRUSTED_PROXIES="nginx")
