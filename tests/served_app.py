"""The app served by gunicorn on localhost, and members driving it like a browser: for the load benchmark and the crash trials."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from assembly_app import roster, votes
from assembly_app.db import make_engine, upgrade
from assembly_app.decisions import Base, Rule, Threshold
from assembly_app.models import Assembly

__all__ = ["Browser", "Launcher", "Server", "database", "import_assembly", "open_vote"]

ROOT = Path(__file__).resolve().parents[1]
FRANCE = ROOT / "sample_data" / "france"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET_KEY = "served-app-secret"
# gunicorn's default access log line (what a deployment keeps), and the seconds the worker took.
ACCESS_LOG = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty, migrated database: a SQLite file in `folder`, or a fresh schema in PostgreSQL's
    `test` database (dropped afterwards), so that nothing clashes with the test suite's tables."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'served.sqlite3'}"
        _migrate(url)
        yield url
        return
    schema = f"served_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        _migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def import_assembly(url: str, members: int, name: str = "Load test") -> tuple[int, dict[str, str]]:
    """An assembly of the first `members` people of the French sample (the next 50 as the remaining pool), each
    with a voting code: return its id and the codes by person id."""
    lines = (FRANCE / "people.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "selected.csv").write_text("".join(lines[: members + 1]), encoding="utf-8")
        (folder / "remaining.csv").write_text("".join(lines[:1] + lines[members + 1 : members + 51]), encoding="utf-8")
        shutil.copy(FRANCE / "features.csv", folder / "features.csv")
        engine = make_engine(url)
        with Session(engine) as db:
            assembly = roster.import_draw(db, name, folder, id_column="id", actor="organiser", now=now)
            codes = {member.person_id: code for member, code in roster.issue_codes(db, assembly, actor="organiser", now=now)}
            db.commit()
            assembly_id = assembly.id
        engine.dispose()
    return assembly_id, codes


def open_vote(url: str, assembly_id: int, question: str = "Adopt the rules of procedure?") -> int:
    """Open a vote (simple majority) of every active member; return its id."""
    now = datetime.now(UTC).replace(tzinfo=None)
    engine = make_engine(url)
    with Session(engine) as db:
        assembly = db.get(Assembly, assembly_id)
        vote = votes.create_vote(db, assembly, question=question, rule=Rule(Threshold.SIMPLE_MAJORITY, Base.CAST_EXCLUDING_ABSTENTIONS), actor="facilitator", now=now)
        votes.open_vote(db, vote, actor="facilitator", now=now)
        db.commit()
        vote_id = vote.id
    engine.dispose()
    return vote_id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Launcher:
    """Importing the app takes seconds on a busy machine, so one launcher process imports it once and forks a
    fresh gunicorn master for every start: a restart after a kill takes a fraction of a second, not five."""

    def __init__(self) -> None:
        # Run from the repository root, where the real packages come before tests/stratification and tests/sortition.
        launch = f"import sys; sys.path.append({str(Path(__file__).parent)!r}); import served_app; served_app._launch()"
        self.process = subprocess.Popen([sys.executable, "-c", launch], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def fork(self, order: dict[str, Any]) -> int:
        """Start a gunicorn master as `order` says; return its pid (also its process group's id)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.communicate()


class Server:
    """The app under gunicorn (sync workers, the app loaded in the master and the workers forked from it) on a free
    port, in its own process group, its output in a file."""

    def __init__(self, url: str, log: Path, workers: int = 4, launcher: Launcher | None = None):
        self.url, self.log, self.workers = url, log, workers
        self.port = _free_port()
        self.pid: int | None = None
        self._launcher, self._owns_launcher = launcher, launcher is None

    def start(self, timeout: float = 30) -> None:
        if self._launcher is None:
            self._launcher = Launcher()
        self.pid = self._launcher.fork({"url": self.url, "port": self.port, "workers": self.workers, "log": str(self.log)})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Browser(self.port).get("/login")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would; return once the
        port is closed."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), and the end of the launcher if it is this server's own."""
        if self.pid is not None:
            self._signal(signal.SIGTERM)
        if self._owns_launcher and self._launcher is not None:
            self._launcher.close()
            self._launcher = None

    def _signal(self, number: int, timeout: float = 30) -> None:
        assert self.pid is not None
        os.killpg(self.pid, number)
        self.pid = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn still listens on {self.port} {timeout} s after signal {number}")

    def cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the running master and its workers, read from Linux's /proc."""
        assert self.pid is not None
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[2]) == self.pid:  # in the master's process group
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def request_seconds(self) -> list[float]:
        """How long the workers took over each request, from the access log."""
        return [float(line.split()[-1]) for line in self.output().splitlines() if line.startswith("127.0.0.1 ")]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def _launch() -> None:
    """The launcher: import the app once, then for each order read from stdin fork a gunicorn master in a new
    process group and answer its pid."""
    from gunicorn.app.base import BaseApplication

    from assembly_app import create_app

    create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": SECRET_KEY})  # imports every view module now
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # masters that were killed are reaped at once

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def __init__(self, order: dict[str, Any]):
            self.order = order
            super().__init__()

        def load_config(self) -> None:
            settings = {"bind": f"127.0.0.1:{self.order['port']}", "workers": self.order["workers"], "preload_app": True}
            for name, value in {**settings, "accesslog": "-", "access_log_format": ACCESS_LOG}.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return create_app({"DATABASE_URL": self.order["url"], "SECRET_KEY": SECRET_KEY})

    for line in sys.stdin:
        order = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            output = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(output, 1)
            os.dup2(output, 2)
            code = 0
            try:
                Gunicorn(order).run()
            except SystemExit as exit_:  # the master's end, or a worker's (they are forked from here too)
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:  # noqa: BLE001 - the traceback goes to the log
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        print(pid, flush=True)


class Browser:
    """One visitor: a new connection per request (gunicorn's sync workers close them anyway), the session cookie kept."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        """(status, body); redirects are not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
            body = None
            if fields is not None:
                body = urlencode(fields)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        return self.request("POST", path, fields)

    def sign_in(self, code: str) -> tuple[int, str]:
        """Enter a voting code on the member page, as a member would: (status, body) of the answer, 302 when accepted."""
        return self.post("/member", {"code": code, "csrf_token": Browser.csrf_token(self.get("/member")[1])})

    @staticmethod
    def csrf_token(page: str) -> str:
        found = _CSRF.search(page)
        if found is None:
            raise AssertionError(f"no CSRF token in the page: {page[:300]!r}")
        return found.group(1)
