"""Uploads to the app served by gunicorn: a body over the limit gets the readable 413 page (not a reset
connection), a file that is not UTF-8 gets a form error naming it, and a refused upload stores nothing."""

from __future__ import annotations

import http.client
import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import accounts
from assembly_app.db import make_engine
from assembly_app.models import Assembly, AuditEntry, Member
from served_app import Browser, Server, database

PASSWORD = "correct horse battery"


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()]
    for name, (filename, content) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        parts.append(head.encode() + content + b"\r\n")
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def _upload(browser: Browser, files: dict[str, tuple[str, bytes]]) -> tuple[int, str]:
    token = Browser.csrf_token(browser.get("/assemblies/new")[1])
    content_type, body = _multipart({"csrf_token": token, "name": "Uploaded", "id_column": "id"}, files)
    connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=60)
    try:  # like a browser: the whole body is sent before the answer is read
        connection.request("POST", "/assemblies/new", body=body, headers={"Content-Type": content_type, "Cookie": f"session={browser.cookies['session']}"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def _stored(engine) -> tuple[int, ...]:
    with Session(engine) as db:
        return tuple(db.scalar(select(func.count()).select_from(table)) for table in (Assembly, Member, AuditEntry))


def test_refused_uploads_get_a_readable_answer_and_store_nothing(tmp_path, draw_folder, launcher):
    files = {name: (f"{name}.csv", (draw_folder / f"{name}.csv").read_bytes()) for name in ("selected", "remaining", "features")}
    with database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        with Session(engine) as db:
            accounts.create_user(db, "ana", PASSWORD, "organiser", actor="test", now=datetime(2026, 3, 1))
            db.commit()
        server = Server(url, tmp_path / "gunicorn.log", workers=1, launcher=launcher)
        server.start()
        try:
            browser = Browser(server.port)
            token = Browser.csrf_token(browser.get("/login")[1])
            assert browser.post("/login", {"username": "ana", "password": PASSWORD, "csrf_token": token})[0] == 302
            before = _stored(engine)

            oversized = {**files, "remaining": ("remaining.csv", b"x" * (6 * 1024 * 1024))}  # the default limit is 5 MB
            status, page = _upload(browser, oversized)
            assert status == 413 and "too large (limit: 5 MB)" in page and "<html" in page

            latin1 = {**files, "features": ("features.csv", files["features"][1] + "gender,femme,0,12\n".encode("utf-8").replace(b"femme", "f\xe9e".encode("latin-1")))}
            status, page = _upload(browser, latin1)
            assert status == 400 and "features.csv, row" in page and "is not UTF-8 text" in page
            assert _stored(engine) == before

            assert _upload(browser, files)[0] == 302  # the server still serves, and a good upload is stored
            assert _stored(engine)[0] == before[0] + 1
        finally:
            server.stop()
            engine.dispose()
