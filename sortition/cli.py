"""The `sortition` command line (DESIGN.md's CLI contract); the one place errors become exit codes."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from reports import build_selection_report
from sortition.audit import (
    SeedSource,
    build_bundle,
    build_replacement_bundle,
    derive_seed,
    file_sha256,
    parse_seed_source,
    pool_sha256,
    quotas_sha256,
    read_bundle,
    read_json_object,
    write_bundle,
)
from sortition.comparison import FairnessComparison, compare_with_legacy, estimate_legacy
from sortition.fair import FAIR_ALGORITHMS
from sortition.feasibility import Infeasible, Relaxation, find_relaxations
from sortition.instance import build_instance
from sortition.legacy import SelectionFailed
from sortition.outputs import write_comparison, write_panel, write_selection
from sortition.replacement import replace_members
from sortition.reporting import selection_report_data
from sortition.selection import ALGORITHMS, new_seed, select_panel
from sortition.solver import SOLVERS
from sortition.verify import verify_bundle
from stratification import InputError, Problem, format_quotas_csv, load_inputs, load_shares, quotas_from_shares

__all__ = ["main"]

EXIT_INFEASIBLE = 1
EXIT_DISCREPANCY = 1
EXIT_BAD_INPUT = 2


class _Commands(click.Group):
    """Maps domain errors to messages and exit codes: bad input 2, infeasible quotas 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            click.echo(str(error), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Infeasible as error:
            click.echo(_describe_infeasible(error), err=True)
            ctx.exit(EXIT_INFEASIBLE)
        except SelectionFailed as error:
            click.echo(f"Selection failed: {error}", err=True)
            ctx.exit(EXIT_INFEASIBLE)


def _comma_list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _input_options(function: Any) -> Any:
    options = [
        click.option("--people", required=True, type=click.Path(dir_okay=False, path_type=Path), help="People CSV: one row per volunteer."),
        click.option("--features", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Features CSV: feature,value,min,max."),
        click.option("--panel-size", required=True, type=int, help="Number of people to select (k)."),
        click.option("--households", default=None, help="Comma-separated address columns; people sharing all of them are never selected together."),
        click.option("--id-column", default="id", show_default=True, help="Column of the people file holding each person's id."),
        click.option("--solver", type=click.Choice(SOLVERS), default=None, help="MILP solver (default: HiGHS, else CBC)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(cls=_Commands)
@click.version_option(package_name="assembly-toolkit")
def cli() -> None:
    """Fair selection of citizens' assemblies by lot."""


@cli.command()
@_input_options
def check(people: Path, features: Path, panel_size: int, households: str | None, id_column: str, solver: str | None) -> None:
    """Exit 0 if some panel meets every quota; else exit 1 with the smallest relaxations."""
    columns = _comma_list(households)
    pool, quotas = load_inputs(people, features, panel_size, id_column=id_column, household_columns=columns)
    relaxations = find_relaxations(build_instance(pool, quotas, panel_size, columns), solver)
    if relaxations:
        raise Infeasible(relaxations, "no panel meets every quota")
    click.echo(f"Feasible: a panel of {panel_size} from {len(pool)} people can meet every quota.")


@cli.command()
@_input_options
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the results.")
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default="leximin", show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the draw (default: a fresh random one, printed).")
@click.option("--dice", default=None, help="Public randomness: dice rolls witnessed after `sortition commit`, e.g. 3,6,1,4,2,5.")
@click.option("--beacon", default=None, help="Public randomness: a beacon value (hexadecimal) published after `sortition commit`.")
@click.option("--uniform-panels", type=click.IntRange(min=1), default=None, help="Round the lottery to this many equally likely panels (e.g. 1000) and draw one.")
@click.option("--legacy-draws", type=click.IntRange(min=10), default=None, help="Also estimate the legacy algorithm's probabilities from this many draws (seed 0) for report.pdf.")
@click.option("--quiet", is_flag=True, help="No progress display.")
def select(
    people: Path, features: Path, panel_size: int, households: str | None, id_column: str, solver: str | None, out: Path,
    algorithm: str, seed: int | None, dice: str | None, beacon: str | None, uniform_panels: int | None, legacy_draws: int | None, quiet: bool,
) -> None:
    """Draw a panel; write selected.csv, remaining.csv, probabilities.csv, audit.json and report.pdf to --out."""
    for option, value in (("--uniform-panels", uniform_panels), ("--legacy-draws", legacy_draws)):
        if algorithm == "legacy" and value is not None:
            raise click.UsageError(f"{option} needs a fair lottery; the legacy algorithm has none")
    columns = _comma_list(households)
    pool, quotas = load_inputs(people, features, panel_size, id_column=id_column, household_columns=columns)
    source, seed = _seed(seed, dice, beacon, pool_sha256(pool, columns), quotas_sha256(quotas), panel_size)
    with _progress(quiet) as progress:
        selection = select_panel(
            pool, quotas, panel_size, algorithm=algorithm, seed=seed, households=columns, solver=solver, progress=progress, uniform_panels=uniform_panels
        )
        legacy = None
        if legacy_draws is not None and selection.marginals is not None:
            estimate = estimate_legacy(build_instance(pool, quotas, panel_size, columns), seed=0, draws=legacy_draws, progress=progress)
            legacy = FairnessComparison(selection.ids, estimate, selection.marginals, algorithm, legacy_draws, 0, panel_size)
    bundle = build_bundle(pool, quotas, selection, source, solver)
    report = selection_report_data(
        pool, quotas, selection, bundle, date=_report_date(), legacy_estimate=legacy,
        bundle_path=str(out / "audit.json"), people_path=str(people), features_path=str(features),
    )
    with _writing(out):
        written = write_selection(out, pool, selection)
        write_bundle(out / "audit.json", bundle)
        (out / "report.pdf").write_bytes(build_selection_report(report))
    written += [out / "audit.json", out / "report.pdf"]
    click.echo(f"Selected {len(selection.panel)} of {len(pool)} people with {algorithm} (seed {seed}, {_origin(source)}).")
    if selection.uniform is not None:
        click.echo(f"Transparent lottery: {uniform_panels} equally likely panels, numbered from 0; the seed drew panel number {selection.panel_index}.")
        click.echo(f"Largest change of a selection probability from the fair lottery: {selection.uniform.largest_change:.4%}.")
    if selection.marginals is not None:
        click.echo(f"Smallest selection probability: {min(selection.marginals):.4%} (k/n = {panel_size / len(pool):.4%}).")
    for path in written:
        click.echo(f"  wrote {path}")


def _origin(source: SeedSource) -> str:
    return f"from {source.kind} {source.input}" if source.input else source.kind


def _report_date() -> str:
    """Today (UTC), or the date of SOURCE_DATE_EPOCH when set, so a report can be re-made byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return moment.date().isoformat()


def _seed(
    seed: int | None, dice: str | None, beacon: str | None, pool_hash: str, quotas_hash: str, panel_size: int, dropouts: list[str] | None = None
) -> tuple[SeedSource, int]:
    """The seed and where it came from: --seed, --dice, --beacon (at most one), or the operating system."""
    given = [name for name, value in (("--seed", seed), ("--dice", dice), ("--beacon", beacon)) if value is not None]
    if len(given) > 1:
        raise click.UsageError(f"give at most one of --seed, --dice and --beacon (got {' and '.join(given)})")
    if seed is not None:
        return SeedSource("given"), seed
    if dice is None and beacon is None:
        return SeedSource("random"), new_seed()
    source = parse_seed_source("dice", dice) if dice is not None else parse_seed_source("beacon", beacon or "")
    return source, derive_seed(source, pool_hash, quotas_hash, panel_size, dropouts)


@cli.command()
@_input_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the commitment as JSON to this file.")
def commit(people: Path, features: Path, panel_size: int, households: str | None, id_column: str, solver: str | None, out: Path | None) -> None:
    """Publish the input hashes before the public randomness (dice, beacon) exists."""
    columns = _comma_list(households)
    pool, quotas = load_inputs(people, features, panel_size, id_column=id_column, household_columns=columns)
    commitment = {
        "pool_sha256": pool_sha256(pool, columns),
        "quotas_sha256": quotas_sha256(quotas),
        "panel_size": panel_size,
        "household_columns": list(columns),
        "pool_size": len(pool),
    }
    for key, value in commitment.items():
        click.echo(f"{key + ':':<19} {','.join(value) if isinstance(value, list) else value}")
    click.echo("Publish these lines; then roll the dice (or take the beacon value) and run select with --dice or --beacon.")
    if out is not None:
        with _writing(out):
            out.write_text(json.dumps(commitment, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        click.echo(f"  wrote {out}")


@cli.command()
@click.argument("bundle_path", metavar="AUDIT_JSON", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--people", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The people CSV the draw was made from.")
@click.option("--features", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The features CSV the draw was made from.")
@click.option("--commitment", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The published `sortition commit --out` file the inputs must match.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None, help="For a replacement: the bundle it replaces (default: the path the bundle names).")
@click.option("--no-resolve", is_flag=True, help="Skip solving the fair distribution again (the slow part on large pools).")
@click.option("--quiet", is_flag=True, help="No progress display.")
def verify(bundle_path: Path, people: Path, features: Path, commitment: Path | None, previous: Path | None, no_resolve: bool, quiet: bool) -> None:
    """Exit 0 only if the inputs and a replay of the draw agree with the audit bundle."""
    bundle = read_bundle(bundle_path)
    promised = None if commitment is None else read_json_object(commitment)
    with _complete(bundle_path):
        earlier = _previous_bundle(bundle, bundle_path, previous)
        columns = tuple(bundle["household_columns"])
        pool, quotas = load_inputs(people, features, int(bundle["panel_size"]), id_column=bundle["pool"]["id_column"], household_columns=columns)
        with _progress(quiet) as progress:
            result = verify_bundle(bundle, pool, quotas, resolve=not no_resolve, progress=progress, commitment=promised, previous=earlier)
    for note in result.notes:
        click.echo(f"  note: {note}")
    if result.ok:
        drawn = f"adds the same {len(bundle['replacement']['added'])}" if bundle["kind"] == "replacement" else f"selects the same {len(bundle['selected'])}"
        click.echo(f"Verified: {bundle_path} matches {people} and {features}; the replayed draw {drawn} people.")
        return
    click.echo(f"NOT verified: {len(result.problems)} discrepancies between {bundle_path} and the inputs:", err=True)
    for problem in result.problems:
        click.echo(f"  - {problem}", err=True)
    click.get_current_context().exit(EXIT_DISCREPANCY)


def _previous_bundle(bundle: dict[str, Any], bundle_path: Path, given: Path | None) -> tuple[dict[str, Any], str] | None:
    """The bundle a replacement replaces, with its file's hash: --previous, else the path it names if that file exists."""
    if bundle["kind"] != "replacement":
        return None
    path = given or bundle_path.parent / bundle["replaces"]["bundle"]
    if given is None and not path.is_file():
        return None
    return read_bundle(path), file_sha256(path)


@cli.command()
@click.argument("bundle_path", metavar="AUDIT_JSON", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--people", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The people CSV the draw was made from.")
@click.option("--features", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The features CSV the draw was made from.")
@click.option("--dropouts", required=True, help="Comma-separated ids of the members who dropped out.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the new panel and its audit bundle.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the replacement draw (default: a fresh random one, printed).")
@click.option("--dice", default=None, help="Public randomness: dice rolls witnessed after the dropouts were announced.")
@click.option("--beacon", default=None, help="Public randomness: a beacon value (hexadecimal) published after the dropouts were announced.")
@click.option("--solver", type=click.Choice(SOLVERS), default=None, help="MILP solver for the feasibility check (default: HiGHS, else CBC).")
@click.option("--quiet", is_flag=True, help="No progress display.")
def replace(
    bundle_path: Path, people: Path, features: Path, dropouts: str, out: Path,
    seed: int | None, dice: str | None, beacon: str | None, solver: str | None, quiet: bool,
) -> None:
    """Replace members who dropped out of the panel in AUDIT_JSON; write the new panel and an audit bundle linked to it."""
    bundle = read_bundle(bundle_path)
    with _complete(bundle_path):
        columns, panel_size, panel = tuple(bundle["household_columns"]), int(bundle["panel_size"]), list(bundle["selected"])
        algorithm, recorded = bundle["algorithm"], (bundle["pool"]["sha256"], bundle["quotas"]["sha256"])
        id_column = bundle["pool"]["id_column"]
    pool, quotas = load_inputs(people, features, panel_size, id_column=id_column, household_columns=columns)
    hashes = (pool_sha256(pool, columns), quotas_sha256(quotas))
    for path, actual, expected in zip((people, features), hashes, recorded):
        if actual != expected:
            raise InputError([Problem(str(path), f"is not the file {bundle_path} was drawn from (run sortition verify to see what differs)")])
    leaving = list(_comma_list(dropouts))
    source, seed = _seed(seed, dice, beacon, *hashes, panel_size, leaving)
    with _progress(quiet) as progress:
        result = replace_members(pool, quotas, panel_size, panel, leaving, algorithm=algorithm, seed=seed, households=columns, solver=solver, progress=progress)
    new_bundle = build_replacement_bundle(pool, quotas, panel_size, result, source, (_relative(bundle_path, out), file_sha256(bundle_path)), solver)
    with _writing(out):
        written = write_panel(out, pool, result.panel)
        write_bundle(out / "audit.json", new_bundle)
    written.append(out / "audit.json")
    click.echo(f"Replaced {', '.join(result.dropouts)} with {', '.join(result.added)} using {algorithm} (seed {seed}, {_origin(source)}).")
    if result.missed:
        click.echo("No replacement meets every quota; the new panel misses:")
        for missed in result.missed:
            click.echo(f"  {missed}")
    else:
        click.echo(f"The new panel of {panel_size} meets every quota.")
    for path in written:
        click.echo(f"  wrote {path}")


def _relative(target: Path, folder: Path) -> str:
    """`target` as seen from `folder` (how a replacement bundle names the one before it)."""
    return Path(os.path.relpath(target.resolve(), folder.resolve())).as_posix()


@cli.command()
@_input_options
@click.option("--algorithm", type=click.Choice(FAIR_ALGORITHMS), default="leximin", show_default=True)
@click.option("--draws", type=click.IntRange(min=10), default=1000, show_default=True, help="LEGACY draws used to estimate its probabilities.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the LEGACY draws.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="CSV of id, legacy_estimate, fair probability.")
@click.option("--quiet", is_flag=True, help="No progress display.")
def compare(
    people: Path, features: Path, panel_size: int, households: str | None, id_column: str, solver: str | None,
    algorithm: str, draws: int, seed: int, out: Path | None, quiet: bool,
) -> None:
    """Estimate LEGACY's selection probabilities by repeated draws and compare them with a fair algorithm's."""
    columns = _comma_list(households)
    pool, quotas = load_inputs(people, features, panel_size, id_column=id_column, household_columns=columns)
    with _progress(quiet) as progress:
        result = compare_with_legacy(pool, quotas, panel_size, seed=seed, draws=draws, households=columns, algorithm=algorithm, solver=solver, progress=progress)
    even = panel_size / len(pool)
    name = algorithm.upper()
    click.echo(f"{len(pool)} volunteers, {panel_size} seats, k/n = {even:.2%}; LEGACY estimated from {draws} draws (seed {seed}).")
    click.echo(f"  {'':<40} {'LEGACY':>8} {name:>8}")
    click.echo(f"  {'smallest probability':<40} {min(result.legacy):>8.2%} {min(result.fair):>8.2%}")
    for label, level in (("people below k/n", even), ("people below half of k/n", even / 2)):
        click.echo(f"  {label:<40} {result.below(result.legacy, level):>8} {result.below(result.fair, level):>8}")
    click.echo(f"{name} gives {result.helped()} of {len(pool)} volunteers a higher chance than LEGACY (beyond LEGACY's 99% interval).")
    if out is not None:
        with _writing(out):
            write_comparison(out, pool.id_column, result)
        click.echo(f"  wrote {out}")


@cli.command()
@click.option("--shares", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Population shares CSV: feature,value,share.")
@click.option("--panel-size", required=True, type=click.IntRange(min=1), help="Number of seats.")
@click.option("--tolerance", type=click.IntRange(min=0), default=0, show_default=True, help="Seats each quota may deviate from its proportional number.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Features CSV to write (default: print it).")
def quotas(shares: Path, panel_size: int, tolerance: int, out: Path | None) -> None:
    """Compute min/max quotas from population shares by the largest-remainder method."""
    text = format_quotas_csv(quotas_from_shares(load_shares(shares), panel_size, tolerance))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@contextmanager
def _complete(bundle_path: Path) -> Iterator[None]:
    """A bundle with a missing or malformed field is bad input (exit 2), not a traceback."""
    try:
        yield
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise InputError([Problem(str(bundle_path), f"is not a complete audit bundle ({type(error).__name__}: {error})")]) from error


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """An output that cannot be written is bad input (exit 2), not a traceback."""
    try:
        yield
    except OSError as error:
        raise InputError([Problem(str(path), f"cannot be written: {error.strerror or error}")]) from error


@contextmanager
def _progress(quiet: bool) -> Iterator[_ProgressLine | None]:
    """A progress line on a terminal, none when quiet or piped; cleared at the end."""
    line = None if quiet or not sys.stderr.isatty() else _ProgressLine()
    try:
        yield line
    finally:
        if line:
            line.close()


class _ProgressLine:
    """One self-overwriting status line on the terminal, at most a few updates a second."""

    def __init__(self) -> None:
        self._start = self._shown = time.monotonic()

    def __call__(self, phase: str, iteration: int, minimum: float) -> None:
        now = time.monotonic()
        if now - self._shown >= 0.25:
            self._shown = now
            click.echo(f"\r{phase}, iteration {iteration}, smallest probability {minimum:.4%}, {now - self._start:.0f} s   ", err=True, nl=False)

    def close(self) -> None:
        click.echo("\r" + " " * 78 + "\r", err=True, nl=False)


def _describe_infeasible(error: Infeasible) -> str:
    if not error.relaxations:
        return f"Infeasible: {error.reason}."
    lines = [
        "Infeasible: no panel meets every quota.",
        "The smallest change that makes a panel possible:",
        "",
        f"  {'feature':<20} {'value':<24} {'bound':<5} {'now':>5} {'change to':>9}  note",
    ]
    lines += [f"  {r.feature:<20} {r.value:<24} {r.bound:<5} {r.current:>5} {r.needed:>9}  {_flex_note(r)}" for r in error.relaxations]
    return "\n".join(lines)


def _flex_note(relaxation: Relaxation) -> str:
    if relaxation.within_flex is None:
        return ""
    flex = f"{relaxation.bound}_flex {relaxation.flex}"
    return f"within {flex}" if relaxation.within_flex else f"beyond {flex}"


def main() -> None:
    cli(prog_name="sortition")


if __name__ == "__main__":
    sys.exit(main())
