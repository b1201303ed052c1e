"""Our engine beside the Sortition Foundation's `sortition-algorithms`: one run, one table.

Every run (ours or the peer's, one instance and one algorithm) happens in its own
subprocess with a wall-clock cap, so a hung solver is killed and reported as "> cap" and
each run's peak memory is its own. Times are those of the algorithm alone (inputs are read
before the clock starts). The peer's LEXIMIN needs Gurobi, so without it the peer falls back to
MAXIMIN; our LEXIMIN (whose minimum is the MAXIMIN optimum) is therefore compared with that.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/compare.py --instances example_small_20 --peer-timeout 120 --markdown
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MARK = "@@bench "  # prefixes the child's result lines: the peer logs to stdout too
_TOLERANCE = 1e-6
_COLUMNS = ("instance", "n", "k", "types", "algorithm", "tool", "time (s)", "peak MB", "min prob", "ratio", "min matches")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        run_child(json.loads(sys.argv[2]))
        return
    # Imported here, not at the top: the peer's subprocess must not load our engine (nor pandas).
    from cases import CASES, PUBLISHED

    options = parse_options(tuple(CASES))
    unknown = set(options.instances) - set(CASES)
    if unknown:
        sys.exit(f"unknown instance(s) {', '.join(sorted(unknown))}; choose from {', '.join(CASES)}")
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for name in options.instances:
            rows += compare_instance(name, options, Path(scratch))
    print(format_table(rows, options.markdown))
    published = [f"- {name}: {PUBLISHED[name]}" for name in options.instances if name in PUBLISHED]
    if published:
        print("\nPublished (Flanigan et al., Nature 2021):\n" + "\n".join(published))


def parse_options(names: tuple[str, ...]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    split = lambda text: [part.strip() for part in text.split(",") if part.strip()]  # noqa: E731
    parser.add_argument("--instances", type=split, default=list(names), help=f"comma-separated, from {', '.join(names)}")
    parser.add_argument("--algorithms", type=split, default=["leximin", "maximin", "nash"])
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True, help="also run sortition-algorithms")
    parser.add_argument("--timeout", type=float, default=600.0, help="cap on each of our runs (s)")
    parser.add_argument("--peer-timeout", type=float, default=300.0, help="cap on each peer run (s)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the peer's random start")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    options = parser.parse_args()
    bad = set(options.algorithms) - {"leximin", "maximin", "nash"}
    if bad:
        parser.error(f"unknown algorithm(s) {', '.join(sorted(bad))}")
    return options


def compare_instance(name: str, options: argparse.Namespace, scratch: Path) -> list[tuple[str, ...]]:
    """Run every algorithm on one instance, ours then the peer's, and return the table rows."""
    from cases import CASES, write_case_csv

    case = CASES[name]
    ours = {a: run_isolated({"tool": "ours", "case": name, "algorithm": a}, options.timeout) for a in options.algorithms}
    peer: dict[str, dict] = {}
    if options.peer:
        folder = scratch / name
        folder.mkdir()
        people, features = write_case_csv(case, folder)
        spec = {"tool": "peer", "case": name, "people": str(people), "features": str(features), "panel_size": case.panel_size,
                "id_column": case.id_column, "households": list(case.households), "seed": options.seed}
        for algorithm in dict.fromkeys(peer_algorithm(a) for a in options.algorithms):
            peer[algorithm] = run_isolated({**spec, "algorithm": algorithm}, options.peer_timeout)
    types = next((str(run["types"]) for run in ours.values() if "types" in run), "?")
    rows = []
    for algorithm, run in ours.items():
        reference = peer.get(peer_algorithm(algorithm))
        rows.append(format_row(name, case.panel_size, types, algorithm, "ours", run, reference))
    for algorithm, run in peer.items():
        rows.append(format_row(name, case.panel_size, types, algorithm, "peer", run, None))
    return rows


def peer_algorithm(algorithm: str) -> str:
    """What the peer runs for our algorithm: its LEXIMIN falls back to MAXIMIN without Gurobi."""
    return "maximin" if algorithm == "leximin" else algorithm


def run_isolated(spec: dict, cap: float) -> dict:
    """Run one benchmark in a fresh Python process; kill its process group after `cap` seconds."""
    print(f"… {spec['tool']} {spec['algorithm']} on {spec['case']} (cap {cap:g} s)", file=sys.stderr)
    # A fixed hash seed: the peer iterates over sets of ids, so its result depends on it.
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONUTF8": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    result: dict = {"cap": cap}
    try:
        out, err = process.communicate(timeout=cap)
        result["status"] = "ok" if process.returncode == 0 else "error"
    except subprocess.TimeoutExpired:
        peak = read_peak_memory(process.pid)
        os.killpg(process.pid, signal.SIGKILL)
        killed_at = time.time()
        out, err = process.communicate()
        result.update(status="timeout", **({"peak_mb": peak} if peak is not None else {}))
    for line in out.splitlines():
        if line.startswith(_MARK):
            result.update(json.loads(line[len(_MARK):]))
    if result["status"] == "timeout" and "started" in result:
        result["seconds"] = killed_at - result["started"]  # a lower bound on the algorithm's time
    if result["status"] == "error":
        result["error"] = (err.strip().splitlines() or ["exit code %d" % process.returncode])[-1]
    return result


def read_peak_memory(pid: int) -> float | None:
    """A live process's peak resident memory in MB so far (Linux), or None if unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kilobytes = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(kilobytes[0]) / 1024 if kilobytes else None


def run_child(spec: dict) -> None:
    """Inside the subprocess: load, start the clock, compute the distribution, report."""
    compute = compute_ours if spec["tool"] == "ours" else compute_peer
    started, minimum = compute(spec)
    seconds = time.time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    emit(seconds=seconds, minimum=minimum, peak_mb=peak)


def start_clock(**facts: object) -> float:
    """Report the start time (wall clock, so the parent can bound a killed run) and facts."""
    started = time.time()
    emit(started=started, **facts)
    return started


def emit(**facts: object) -> None:
    print(_MARK + json.dumps(facts), flush=True)


def compute_ours(spec: dict) -> tuple[float, float]:
    """Our start time and minimum selection probability, by `build_instance` and `fair_distribution`."""
    from cases import CASES, load_case

    from sortition import build_instance
    from sortition.fair import fair_distribution

    case = CASES[spec["case"]]
    pool, quotas = load_case(case)
    started = start_clock(n=len(pool))
    instance = build_instance(pool, quotas, case.panel_size, case.households)
    emit(types=len(instance.type_members))
    distribution = fair_distribution(instance, spec["algorithm"])
    return started, min(distribution.type_marginals)


def compute_peer(spec: dict) -> tuple[float, float]:
    """The peer's start time and minimum selection probability, from its distribution over committees."""
    from sortition_algorithms import CSVFileDataSource, SelectionData, Settings
    from sortition_algorithms.committee_generation import (
        find_distribution_maximin,
        find_distribution_nash,
        standardize_distribution,
    )
    from sortition_algorithms.utils import set_random_provider

    unused = Path(spec["features"]).with_name("peer-unused.csv")  # outputs are never written
    source = CSVFileDataSource(
        features_file=Path(spec["features"]), people_file=Path(spec["people"]),
        already_selected_file=None, selected_file=unused, remaining_file=unused,
    )
    data = SelectionData(source)
    features, _ = data.load_features(spec["panel_size"])
    settings = Settings(
        id_column=spec["id_column"], columns_to_keep=[],
        check_same_address=bool(spec["households"]), check_same_address_columns=spec["households"],
    )
    people, _ = data.load_people(settings, features)
    set_random_provider(spec["seed"])  # else its multiplicative-weights start draws from `secrets`
    find = {"maximin": find_distribution_maximin, "nash": find_distribution_nash}[spec["algorithm"]]
    started = start_clock(n=people.count)
    committees, probabilities, _ = find(features, people, spec["panel_size"], settings.normalised_address_columns)
    # What the peer's find_random_sample draws from: negligible committees dropped, renormalised.
    committees, probabilities = standardize_distribution(committees, probabilities)
    marginals = dict.fromkeys(people, 0.0)
    for committee, probability in zip(committees, probabilities):
        for person in committee:
            marginals[person] += probability
    return started, min(marginals.values())


def format_row(name: str, k: int, types: str, algorithm: str, tool: str, run: dict, reference: dict | None) -> tuple[str, ...]:
    """One table row; `reference` is the peer run our run is compared with."""
    return (name, str(run.get("n", "?")), str(k), types, algorithm, tool, format_time(run), format_memory(run),
            f"{run['minimum']:.4%}" if run["status"] == "ok" else "—", *compare_runs(run, reference))


def format_time(run: dict) -> str:
    if run["status"] == "timeout":
        return f"> {run.get('seconds', run['cap']):.0f} (cap {run['cap']:g})"
    if run["status"] == "error":
        return "error: " + run["error"][:60]
    return f"{run['seconds']:.2f}" if run["seconds"] >= 0.1 else f"{run['seconds']:.3f}"


def format_memory(run: dict) -> str:
    if "peak_mb" not in run:
        return "—"
    return f"> {run['peak_mb']:.0f}" if run["status"] == "timeout" else f"{run['peak_mb']:.0f}"


def compare_runs(ours: dict, peer: dict | None) -> tuple[str, str]:
    """Ratio of times (peer / ours) and whether our minimum is at least the peer's."""
    if peer is None or ours["status"] != "ok":
        return "—", "—"
    if peer["status"] == "timeout" and "seconds" in peer:
        return f"> {peer['seconds'] / ours['seconds']:.1f}", "—"
    if peer["status"] != "ok":
        return "—", "—"
    matches = "yes" if ours["minimum"] >= peer["minimum"] - _TOLERANCE else "NO"
    return f"{peer['seconds'] / ours['seconds']:.1f}", matches


def format_table(rows: list[tuple[str, ...]], markdown: bool) -> str:
    if markdown:
        lines = [_COLUMNS, tuple("---" for _ in _COLUMNS), *rows]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    widths = [max(len(line[i]) for line in (_COLUMNS, *rows)) for i in range(len(_COLUMNS))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in (_COLUMNS, *rows))


if __name__ == "__main__":
    main()
