"""Security headers: on pages, error pages, downloads and static files; HSTS and Secure cookies in production."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from app_testing import login, make_test_app

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_secured(response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'", "object-src 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "script-src" not in policy  # scripts fall back to default-src 'self'


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        (None, "/login", 200),
        ("facilitator", "/audit", 403),
        ("organiser", "/no/such/page", 404),
        ("organiser", "/assemblies/1/sessions/1/attendance/sheet.csv", 200),
        (None, "/static/app.css", 200),
    ],
)
def test_every_response_carries_the_security_headers(demo, username, path, status):
    client = demo.test_client()
    if username:
        login(client, username)
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    assert response.status_code == status
    assert_secured(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


def test_a_page_s_own_style_block_is_allowed_by_its_hash_and_no_other(demo):
    client = demo.test_client()
    login(client, "organiser")
    response = client.get("/assemblies/1/sessions/1/attendance")
    blocks = re.findall(r"<style>(.*?)</style>", response.get_data(as_text=True), re.DOTALL)
    assert blocks, "the attendance page keeps a <style> block of its own"
    style_src = next(d for d in response.headers["Content-Security-Policy"].split("; ") if d.startswith("style-src "))
    for block in blocks:
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in style_src.split()
    assert "'sha256-" + base64.b64encode(hashlib.sha256(b"body { display: none }").digest()).decode() + "'" not in style_src


def test_production_adds_hsts_and_secure_session_cookies(tmp_path):
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, ENV_PRODUCTION=True)
    client = app.test_client()
    response = client.get("/login?lang=fr")  # choosing a language stores it in the session: a cookie is set
    assert_secured(response)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is True
