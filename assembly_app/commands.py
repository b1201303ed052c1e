"""Flask commands: init-db (migrations to head), create-user, demo, verify-log."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app import accounts, amendments, attendance, auditlog, db, groups, measures, roster, sessions, votes
from assembly_app.decisions import Base, Quorum, Rule, Threshold
from assembly_app.models import STAFF_ROLES, Amendment, Assembly, AuditEntry, Measure, Member, User, Voter
from reports import build_selection_report
from sortition import select_panel
from sortition.audit import SeedSource, build_bundle, write_bundle
from sortition.outputs import write_selection
from sortition.reporting import selection_report_data
from stratification import load_inputs

__all__ = ["init_app", "write_sample_draw"]

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "small"
DEMO_USERS = (("organiser", "organiser-demo"), ("facilitator", "facilitator-demo"), ("auditor", "auditor-demo"))
DEMO_SESSIONS = (
    ("Paris, Palais d'Iéna", (("plenary", "Welcome and the mandate", 45), ("hearing", "Climate scientists", 90), ("working_groups", "First themes", 120))),
    (sessions.ONLINE, (("hearing", "Questions to the experts", 60), ("vote", "Rules of procedure", 30))),
)
# The Convention's five themes.
DEMO_GROUPS = ("Housing", "Transport", "Food", "Consumption", "Production and work")
DEMO_PRESENT = 9  # members checked in at the first session


def _session() -> Session:
    return Session(current_app.extensions["engine"])


def _now() -> datetime:
    return current_app.config["CLOCK"]().astimezone(UTC).replace(tzinfo=None)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations to head)."""
    db.upgrade(current_app.extensions["engine"])
    click.echo(f"Database at head: {current_app.extensions['engine'].url.render_as_string(hide_password=True)}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.password_option()
def create_user(username: str, role: str, password: str) -> None:
    """Create a staff account (organiser, facilitator or auditor)."""
    with _session() as session:
        try:
            accounts.create_user(session, username, password, role, actor="cli", now=_now())
        except accounts.AccountError as error:
            raise click.ClickException(error.reason) from None
        session.commit()
    click.echo(f"Created {role} {username!r}.")


@click.command("demo")
@with_appcontext
@click.option("--seed", default=1, show_default=True, help="Seed of the demo draw.")
@click.option("--draw", "draw", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Import this draw folder (with features.csv) instead of drawing.")
def demo(seed: int, draw: Path | None) -> None:
    """Draw a panel of 12 from sample_data/small (or take --draw), import it, create demo accounts, member codes,
    sessions, the five working groups with a balanced assignment, the attendance of the first session, and two
    measures (one edited once and amended three times, one put to a vote by the members present at session 1 and
    decided)."""
    db.upgrade(current_app.extensions["engine"])
    with _session() as session, tempfile.TemporaryDirectory() as folder:
        if session.scalar(select(User).limit(1)) is not None:
            raise click.ClickException("the database already has accounts; the demo needs an empty one")
        out = draw or Path(folder)
        if draw is None:
            write_sample_draw(out, seed, date=_now().date().isoformat())
        for username, password in DEMO_USERS:
            accounts.create_user(session, username, password, username, actor="demo", now=_now())
        assembly = roster.import_draw(session, "Demo assembly (sample_data/small)", out, id_column="id", actor="organiser", now=_now())
        issued = [(member.person_id, code) for member, code in roster.issue_codes(session, assembly, actor="organiser", now=_now())]
        for week, (place, agenda) in enumerate(DEMO_SESSIONS, start=1):
            items = [sessions.ItemInput(*item) for item in agenda]
            sessions.create_session(session, assembly, held_on=_now().date() + timedelta(weeks=2 * week), place=place, agenda=items, actor="facilitator", now=_now())
        _demo_groups(session, assembly, seed)
        _demo_measures(session, assembly)
        _demo_amendments(session, assembly)
        session.commit()
        spread = ", ".join(f"{group.name} {len(group.members)}" for group in assembly.groups)
    click.echo(f"Imported {len(issued)} members from {draw or f'a draw with seed {seed}'}. Staff logins (username / password):")
    for username, password in DEMO_USERS:
        click.echo(f"  {username:<12} {password}")
    click.echo(f"Working groups (seed {seed}): {spread}; {DEMO_PRESENT} of {len(issued)} members checked in at session 1.")
    click.echo("Member voting codes (open /member):")
    for person_id, code in issued:
        click.echo(f"  {person_id}  {code}")


def _demo_groups(session: Session, assembly: Assembly, seed: int) -> None:
    for name in DEMO_GROUPS:
        groups.create_group(session, assembly, name, version=groups.groups_version(assembly), actor="organiser", now=_now())
    groups.assign_balanced(session, assembly, seed=seed, version=groups.groups_version(assembly), actor="organiser", now=_now())
    first = assembly.sessions[0]
    for member in groups.active_members(assembly)[:DEMO_PRESENT]:
        attendance.check_in(session, first, member, actor="facilitator", now=_now())


def _demo_amendments(session: Session, assembly: Assembly) -> None:
    """Three amendments to the renovation measure, all written against its version 2: one proposed by a member and
    accepted by the drafting group, one adopted by a vote (their passages do not overlap, so both survive), one
    found inadmissible."""
    renovation = session.scalars(select(Measure).where(Measure.assembly_id == assembly.id).order_by(Measure.id)).first()
    assert renovation is not None
    version, member = renovation.current, f"member:{groups.active_members(assembly)[0].person_id}"

    def propose(passage: str, replacement: str, rationale: str, by: str, *, insert_after: bool = False) -> Amendment:
        start, end = amendments.locate(version, passage, insert_after=insert_after)
        return amendments.propose(session, version, start=start, end=end, replacement=replacement, rationale=rationale, proposed_by=by, now=_now())

    owners = propose("low-income owners", "low- and middle-income owners", "Middle incomes cannot pay for a complete renovation either.", member)
    worst = propose("compulsory by 2040", ", starting with the worst-insulated homes by 2030", "The worst homes waste the most energy.", "facilitator", insert_after=True)
    boilers = propose("all homes", "all homes, and ban gas boilers", "Heating is half of it.", member)
    for amendment in (owners, worst):
        amendments.declare_admissible(session, amendment, actor="facilitator", now=_now())
    amendments.declare_inadmissible(session, boilers, reason="Gas boilers are the subject of a measure of the Production and work group.", actor="facilitator", now=_now())
    amendments.accept(session, owners, actor="facilitator", now=_now())
    vote = votes.create_vote(session, assembly, question="Adopt amendment 2 to “Renovate every home by 2040”?", rule=Rule(Threshold.SIMPLE_MAJORITY), amendment=worst, actor="facilitator", now=_now())
    votes.open_vote(session, vote, actor="facilitator", now=_now())
    voters = session.scalars(select(Member).join(Voter, Voter.member_id == Member.id).where(Voter.vote_id == vote.id).order_by(Member.id)).all()
    for voter, choice in zip(voters, ["yes", "yes", "no", "yes", "abstain", "yes", "yes", "no", "yes", "yes", "yes"]):
        votes.cast_ballot(session, vote, voter, choice, now=_now())
    votes.close_vote(session, vote, actor="facilitator", now=_now())


def _demo_measures(session: Session, assembly: Assembly) -> None:
    housing, transport = assembly.groups[0], assembly.groups[1]
    renovation = measures.create_measure(
        session, assembly, title="Renovate every home by 2040", objective="Halve the energy used for heating.", route="parliament", group=housing,
        text="Make the energy renovation of all buildings compulsory by 2040, with public loans for low-income owners.", actor="facilitator", now=_now(),
    )
    measures.edit_measure(
        session, renovation, based_on=1, title=renovation.title, objective=renovation.objective, route="parliament", group=housing,
        text="Make the complete energy renovation of all homes compulsory by 2040, with grants and zero-interest loans for low-income owners.",
        actor="facilitator", now=_now(),
    )
    speed = measures.create_measure(
        session, assembly, title="110 km/h on motorways", objective="Cut the emissions of road transport.", route="regulation", group=transport,
        text="Lower the speed limit on motorways from 130 km/h to 110 km/h.", actor="facilitator", now=_now(),
    )
    measures.change_state(session, speed, "submitted", actor="facilitator", now=_now())
    rule = Rule(Threshold.TWO_THIRDS, Base.CAST, quorum=Quorum("present", 6))
    vote = votes.create_vote(session, assembly, question="Adopt “110 km/h on motorways”?", rule=rule, measure=speed, session=assembly.sessions[0], actor="facilitator", now=_now())
    votes.open_vote(session, vote, actor="facilitator", now=_now())
    voters = session.scalars(select(Member).join(Voter, Voter.member_id == Member.id).where(Voter.vote_id == vote.id).order_by(Member.id)).all()
    for member, choice in zip(voters, ["yes", "no", "yes", "yes", "abstain", "no", "yes", "yes", "no", "yes"]):
        votes.cast_ballot(session, vote, member, choice, now=_now())
    votes.close_vote(session, vote, actor="facilitator", now=_now())
    votes.publish_result(session, vote, actor="organiser", now=_now())
    _demo_free_votes(session, assembly, list(voters))


def _demo_free_votes(session: Session, assembly: Assembly, voters: list[Member]) -> None:
    """A free question voted with the codes and published; a show of hands entered by one account, confirmed by another."""
    question = "Propose “110 km/h on motorways” by referendum?"
    referendum = votes.create_vote(session, assembly, question=question, rule=Rule(Threshold.ABSOLUTE_MAJORITY, Base.CAST), is_secret=True, actor="organiser", now=_now())
    votes.open_vote(session, referendum, actor="organiser", now=_now())
    for member, choice in zip(voters, ["no", "no", "yes", "no", "abstain", "no", "yes", "no", "no"]):
        votes.cast_ballot(session, referendum, member, choice, now=_now())
    votes.close_vote(session, referendum, actor="organiser", now=_now())
    votes.publish_result(session, referendum, actor="organiser", now=_now())
    hands = votes.create_vote(session, assembly, question="Hold session 3 in Marseille?", rule=Rule(Threshold.SIMPLE_MAJORITY), method="analog", actor="facilitator", now=_now())
    votes.open_vote(session, hands, actor="facilitator", now=_now())
    votes.enter_totals(session, hands, 7, 3, 2, actor="facilitator", now=_now())
    votes.confirm_totals(session, hands, (7, 3, 2), actor="organiser", now=_now())


def write_sample_draw(out: Path, seed: int, *, date: str) -> None:
    """Draw 12 of sample_data/small with the engine and write the folder `sortition select` would (its report.pdf
    dated `date`, ISO), plus features.csv."""
    households = ("address", "postcode")
    pool, quotas = load_inputs(SAMPLE / "people.csv", SAMPLE / "features.csv", 12, household_columns=households)
    selection = select_panel(pool, quotas, 12, seed=seed, households=households)
    write_selection(out, pool, selection)
    bundle = build_bundle(pool, quotas, selection, SeedSource("given"))
    write_bundle(out / "audit.json", bundle)
    report = selection_report_data(
        pool, quotas, selection, bundle, date=date, bundle_path="audit.json", people_path=str(SAMPLE / "people.csv"), features_path="features.csv"
    )
    (out / "report.pdf").write_bytes(build_selection_report(report))
    shutil.copy(SAMPLE / "features.csv", out / "features.csv")


@click.command("verify-log")
@with_appcontext
@click.option("--entry", type=click.IntRange(min=1), help="Also print this entry's hash (a report names the entry that vouches for it).")
@click.option("--published", "published", multiple=True, metavar="N:HASH",
              help="A head published earlier (entry N had hash HASH, as a report or verify-log printed): check it still holds. Repeatable.")
def verify_log(entry: int | None, published: tuple[str, ...]) -> None:
    """Verify the audit log's hash chain; exit 1 naming the first broken entry, or a published head that no longer holds
    (entries cut off the end, or rewritten and re-hashed, since it was published)."""
    heads = [_published_head(value) for value in published]
    with _session() as session:
        count, head, broken = auditlog.verify_chain(session)
        named = None if entry is None else session.get(AuditEntry, entry)
        lost = [(seq, sha) for seq, sha in heads if not auditlog.holds_published_head(session, seq, sha)]
    if broken is not None:
        raise click.ClickException(f"the audit log is broken at {broken}")
    if lost:
        raise click.ClickException("; ".join(f"entry {seq} no longer has the published hash {sha}" + (" (the log now ends at entry %d)" % count if seq > count else "") for seq, sha in lost))
    click.echo(f"The audit log holds: {count} entries, head hash {head}." + (f" Published heads hold: {', '.join(str(seq) for seq, _ in heads)}." if heads else ""))
    if entry is not None:
        if named is None:
            raise click.ClickException(f"the audit log has no entry {entry}")
        click.echo(f"Entry {entry} ({named.at}, {named.action}): hash {named.hash}.")


def _published_head(value: str) -> tuple[int, str]:
    seq, _, sha = value.partition(":")
    if not seq.strip().isdigit() or int(seq) < 1 or len(sha.strip()) != 64:
        raise click.BadParameter(f"“{value}” is not N:HASH (an entry number and its 64-character SHA-256)", param_hint="--published")
    return int(seq), sha.strip().lower()


def init_app(app: Flask) -> None:
    for command in (init_db, create_user, demo, verify_log):
        app.cli.add_command(command)
