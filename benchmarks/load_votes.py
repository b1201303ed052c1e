"""Load: 150 members log in with their voting codes and vote within 10 seconds, each ballot sent twice at once,
against the app served by gunicorn on SQLite and on PostgreSQL; prints one comparison table."""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The helpers live with the tests; ROOT first, so that tests/sortition cannot shadow the real package.
sys.path += [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from assembly_app import auditlog  # noqa: E402
from assembly_app.db import make_engine  # noqa: E402
from assembly_app.models import Ballot, Voter  # noqa: E402
from served_app import Browser, Server, database, import_assembly, open_vote  # noqa: E402

ALREADY = "already voted"


@dataclass
class Tally:
    """What the members saw: every request's latency, and how the ballots and their duplicates were answered."""

    latencies: list[float] = field(default_factory=list)
    acknowledged: int = 0
    refused: int = 0
    server_errors: int = 0
    connection_errors: int = 0
    unexpected: list[str] = field(default_factory=list)
    first: float = float("inf")
    last: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, browser: Browser, method: str, path: str, fields: dict[str, str] | None = None) -> tuple[int, str] | None:
        start = time.monotonic()
        try:
            status, body = browser.request(method, path, fields)
        except (OSError, http.client.HTTPException) as error:
            with self.lock:
                self.connection_errors += 1
                self.unexpected.append(f"{method} {path}: {type(error).__name__}: {error}")
            return None
        end = time.monotonic()
        with self.lock:
            self.latencies.append(end - start)
            self.first, self.last = min(self.first, start), max(self.last, end)
            if status >= 500:
                self.server_errors += 1
        return status, body


def member(port: int, code: str, vote_id: int, choice: str, delay: float, tally: Tally) -> None:
    """Log in with the code, open the ballot, and send it twice at the same moment (a double click)."""
    time.sleep(delay)
    browser = Browser(port)
    page = tally.timed(browser, "GET", "/member")
    if page is None:
        return
    if (answer := tally.timed(browser, "POST", "/member", {"code": code, "csrf_token": Browser.csrf_token(page[1])})) is None:
        return
    if answer[0] != 302:
        tally.unexpected.append(f"login answered {answer[0]}")
        return
    ballot = f"/member/votes/{vote_id}"
    page = tally.timed(browser, "GET", ballot)
    if page is None:
        return
    fields = {"choice": choice, "csrf_token": Browser.csrf_token(page[1])}
    answers: list[tuple[int, str] | None] = [None, None]

    def send(slot: int) -> None:
        answers[slot] = tally.timed(browser, "POST", ballot, fields)

    twins = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for twin in twins:
        twin.start()
    for twin in twins:
        twin.join()
    with tally.lock:
        for answer in answers:
            if answer is None:
                continue
            if answer[0] == 302:
                tally.acknowledged += 1
            elif answer[0] == 400 and ALREADY in answer[1]:
                tally.refused += 1
            else:
                tally.unexpected.append(f"ballot answered {answer[0]}")


def warm_up(port: int, code: str, vote_id: int, workers: int) -> None:
    """Every page of the members' path a few times in each worker, answered before the clock starts: a worker's
    first requests compile templates and open connections (100-400 ms on a busy machine), which a server that
    has been running for a while has long done. The ballot is sent without a choice, so nobody votes."""

    def visit() -> None:
        browser = Browser(port)
        browser.sign_in(code)
        token = Browser.csrf_token(browser.get(f"/member/votes/{vote_id}")[1])
        browser.post(f"/member/votes/{vote_id}", {"csrf_token": token})

    for _ in range(3):
        visitors = [threading.Thread(target=visit) for _ in range(2 * workers)]
        for visitor in visitors:
            visitor.start()
        for visitor in visitors:
            visitor.join()


def run(kind: str, members: int, workers: int, spread: float, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as scratch, database(kind, Path(scratch)) as url:
        assembly_id, codes = import_assembly(url, members)
        vote_id = open_vote(url, assembly_id)
        server = Server(url, Path(scratch) / "gunicorn.log", workers=workers)
        server.start()
        tally = Tally()
        try:
            warm_up(server.port, next(iter(codes.values())), vote_id, workers)
            warm, cpu = len(server.request_seconds()), server.cpu_seconds()
            crowd = [
                threading.Thread(target=member, args=(server.port, code, vote_id, rng.choice(("yes", "no", "abstain")), rng.uniform(0, spread), tally))
                for code in codes.values()
            ]
            for thread in crowd:
                thread.start()
            for thread in crowd:
                thread.join()
            cpu = server.cpu_seconds() - cpu
        finally:
            server.stop()
        served = server.request_seconds()[warm:]
        engine = make_engine(url)
        with Session(engine) as db:
            stored = db.scalar(select(func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id))
            marked = db.scalar(select(func.count()).select_from(Voter).where(Voter.vote_id == vote_id, Voter.voted_at.is_not(None)))
            _, _, broken = auditlog.verify_chain(db)
        engine.dispose()
    for problem in tally.unexpected[:5]:
        print(f"  {kind}: {problem}", file=sys.stderr)
    cuts = statistics.quantiles(tally.latencies, n=100, method="inclusive")
    worker = statistics.quantiles(served, n=100, method="inclusive")
    wall = tally.last - tally.first
    return {
        "database": kind,
        "workers": workers,
        "requests": len(tally.latencies) + tally.connection_errors,
        "wall (s)": f"{wall:.1f}",
        "req/s": f"{len(tally.latencies) / wall:.0f}",
        "p50 (ms)": f"{cuts[49] * 1000:.0f}",
        "p95 (ms)": f"{cuts[94] * 1000:.0f}",
        "p99 (ms)": f"{cuts[98] * 1000:.0f}",
        "worker p50/p95 (ms)": f"{worker[49] * 1000:.0f} / {worker[94] * 1000:.0f}",
        "CPU/request (ms)": f"{cpu / len(served) * 1000:.1f}",
        "ballots stored": stored,
        "acknowledged": tally.acknowledged,
        "duplicates refused": tally.refused,
        "5xx": tally.server_errors,
        "conn. errors": tally.connection_errors,
        "chain": "ok" if broken is None and marked == stored else f"BROKEN ({broken}, {marked} marked)",
        "_p95": cuts[94],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--spread", type=float, default=8.0, help="members start at random moments in the first SPREAD seconds (0: all at once)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows, load = [], os.getloadavg()[0]
    for kind in args.databases.split(","):
        print(f"running {kind}...", file=sys.stderr)
        rows.append(run(kind, args.members, args.workers, args.spread, args.seed))
    columns = [name for name in rows[0] if not name.startswith("_")]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[name]) for name in columns) + " |")
    met = all(row["ballots stored"] == args.members and row["5xx"] == 0 and row["conn. errors"] == 0 and row["_p95"] < 0.3 and row["chain"] == "ok" for row in rows)
    print(f"{os.cpu_count()} cores; load average (1 min) {load:.1f} before, {os.getloadavg()[0]:.1f} after.")
    print(f"Targets ({args.members} ballots, 0 server errors, p95 < 300 ms): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
