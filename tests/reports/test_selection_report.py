"""The selection report, read back with pdftotext: its numbers match the draw it describes."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pdf_reading import pdf_text
from reports import Fairness, FeatureReport, FeatureRow, PanelMember, SelectionReportData, build_selection_report
from sortition.audit import SeedSource, build_bundle
from sortition.comparison import FairnessComparison
from sortition.reporting import selection_report_data
from sortition.selection import Selection, select_panel
from stratification import Person, Pool, Quota, QuotaSet, load_inputs

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "sample_data" / "small"
REGIONS = ("Île-de-France", "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur")



@pytest.fixture(scope="module")
def small_draw():
    """A LEXIMIN draw of 12 from the 100 volunteers of sample_data/small, its bundle and its report data."""
    pool, quotas = load_inputs(SMALL / "people.csv", SMALL / "features.csv", 12, household_columns=("address",))
    selection = select_panel(pool, quotas, 12, seed=20261124, households=("address",))
    bundle = build_bundle(pool, quotas, selection, SeedSource("given"))
    data = selection_report_data(pool, quotas, selection, bundle, date="2026-11-24", title="Assemblée citoyenne d'essai")
    return pool, quotas, selection, bundle, data


def synthetic(members: int, *, contacts: tuple[str, ...] = (), is_contact_sheet: bool = False) -> SelectionReportData:
    """Report data for a made-up draw of `members` people from three regions, with no solver involved."""
    counts = [members // 3 + (i < members % 3) for i in range(3)]
    rows = tuple(FeatureRow(region, c - 1, c + 1, 4 * c, c) for region, c in zip(REGIONS, counts))
    panel = tuple(PanelMember(f"V{i:04d}", (REGIONS[i % 3],), contacts) for i in range(members))
    return SelectionReportData(
        title="Convention citoyenne — Île-de-France", date="2026-11-24", pool_size=4 * members, panel_size=members,
        algorithm="leximin", seed=7, seed_source="dice", seed_input="3-1-4-1-5", solver="HiGHS (highspy)",
        solver_version="1.15.1", toolkit_version="0.1.0", pool_sha256="a" * 64, quotas_sha256="b" * 64,
        distribution_sha256="c" * 64, feature_names=("region",), features=(FeatureReport("region", rows),), panel=panel,
        verify_command="sortition verify out/audit.json --people people.csv --features features.csv",
        fairness=Fairness(tuple(0.25 for _ in range(4 * members))), contact_columns=("name",) if contacts else (),
        is_contact_sheet=is_contact_sheet,
    )


def test_summary_matches_the_bundle(small_draw, tmp_path):
    pool, _, selection, bundle, data = small_draw
    text = pdf_text(build_selection_report(data), tmp_path)
    assert re.search(r"Pool size\s+100\b", text)
    assert re.search(r"Panel size\s+12\b", text)
    assert re.search(r"Algorithm\s+leximin\b", text)
    assert re.search(rf"Seed \(source\)\s+{selection.seed} \(given\)", text)
    for digest in (bundle["pool"]["sha256"], bundle["quotas"]["sha256"], bundle["distribution"]["sha256"]):
        assert digest in text
    assert bundle["solver"]["version"] in text
    assert "Assemblée citoyenne d'essai" in text


def test_feature_tables_count_the_pool_and_the_panel(small_draw, tmp_path):
    pool, quotas, selection, _, data = small_draw
    text = pdf_text(build_selection_report(data), tmp_path)
    panel = [pool.person(i) for i in selection.panel]
    for quota in quotas.quotas:
        in_pool = sum(pool.value(p, quota.feature) == quota.value for p in pool.people)
        in_panel = sum(pool.value(p, quota.feature) == quota.value for p in panel)
        line = rf"{re.escape(quota.value)}\s+{quota.min}–{quota.max}\s+{in_pool}\s+{100 * in_pool / 100:.1f}%\s+{in_panel}\s+{100 * in_panel / 12:.1f}%"
        assert re.search(line, text), line


def test_fairness_gives_the_minimum_and_the_share_below_k_over_n(small_draw, tmp_path):
    _, _, selection, _, data = small_draw
    text = pdf_text(build_selection_report(data), tmp_path)
    below = sum(p < 0.12 - 1e-9 for p in selection.marginals)
    assert re.search(rf"Lowest selection probability\s+{min(selection.marginals):.4f}", text)
    assert re.search(r"Equal chance k/n\s+0\.1200", text)
    assert re.search(rf"Volunteers below k/n\s+{below} of 100", text)


def test_the_panel_is_listed_with_its_values_and_the_verify_command(small_draw, tmp_path):
    pool, quotas, selection, _, data = small_draw
    text = pdf_text(build_selection_report(data), tmp_path)
    for person_id in selection.panel:
        values = [pool.value(pool.person(person_id), f) for f in quotas.feature_names()]
        assert re.search(r"\s+".join(map(re.escape, [person_id, *values])), text), person_id
    assert "sortition verify DIR/audit.json --people people.csv --features features.csv" in text


def test_a_verify_command_in_the_bundle_is_printed_as_given(small_draw, tmp_path):
    pool, quotas, selection, bundle, _ = small_draw
    command = "sortition verify out/small/audit.json --people sample_data/small/people.csv --features sample_data/small/features.csv"
    data = selection_report_data(pool, quotas, selection, {**bundle, "verify_command": command}, date="2026-11-24")
    assert command in " ".join(pdf_text(build_selection_report(data), tmp_path).split())  # long commands wrap


def test_two_generations_are_byte_identical(small_draw):
    data = small_draw[-1]
    first = build_selection_report(data)
    assert first.startswith(b"%PDF") and first == build_selection_report(data)
    assert b"D:20261124000000" in first
    assert build_selection_report(replace(data, date="2026-11-25")) != first


def test_another_process_with_another_hash_seed_gives_the_same_bytes(tmp_path):
    data = synthetic(40)
    (tmp_path / "data.pickle").write_bytes(pickle.dumps(data))
    script = "import pickle, sys; from reports import build_selection_report; " \
             "sys.stdout.buffer.write(build_selection_report(pickle.load(open(sys.argv[1], 'rb'))))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data.pickle")], check=True, capture_output=True, env=env).stdout
    assert other == build_selection_report(data)


def test_the_legacy_estimate_is_compared_when_given(small_draw, tmp_path):
    pool, quotas, selection, bundle, _ = small_draw
    legacy = tuple(0.05 if i < 30 else 0.15 for i in range(100))
    estimate = FairnessComparison(selection.ids, legacy, selection.marginals, "leximin", 500, 1, 12)
    data = selection_report_data(pool, quotas, selection, bundle, date="2026-11-24", legacy_estimate=estimate)
    text = pdf_text(build_selection_report(data), tmp_path)
    assert re.search(r"Lowest probability, legacy \(estimated\)\s+0\.0500", text)
    assert re.search(r"Below k/n, legacy \(estimated\)\s+30 of 100 \(30\.0%\)", text)
    assert "estimated from 500 seeded draws" in text


def test_accents_are_printed_with_the_embedded_font(tmp_path):
    pdf = build_selection_report(synthetic(12))
    text = pdf_text(pdf, tmp_path)
    for region in REGIONS:
        assert region in text
    assert "Convention citoyenne — Île-de-France" in text
    assert b"DejaVuSans" in pdf and b"/FontFile2" in pdf
    assert re.search(r"Seed \(source\)\s+7 \(dice: 3-1-4-1-5\)", text)


def test_a_long_panel_splits_across_pages_with_the_header_repeated(tmp_path):
    pdf = build_selection_report(synthetic(150))
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    total = len([p for p in pages if p.strip()])
    header = re.compile(r"#\s+Id\s+region")
    panel_pages = [page for page in pages if re.search(r"\bV\d{4}\b", page)]
    assert len(panel_pages) >= 3
    assert all(header.search(page) for page in panel_pages)
    assert all(re.search(rf"\b{i + 1}\s+V{i:04d}\s+{re.escape(REGIONS[i % 3])}", text) for i in range(150))
    assert f"page {total} of {total}" in text and f"page 1 of {total}" in text


def test_names_appear_only_on_a_contact_sheet(tmp_path):
    canary = ("Zébulon Canari-Témoin",)
    assert "Canari" not in pdf_text(build_selection_report(synthetic(6, contacts=canary)), tmp_path)
    assert "Zébulon Canari-Témoin" in pdf_text(build_selection_report(synthetic(6, contacts=canary, is_contact_sheet=True)), tmp_path)


def test_the_adapter_copies_contact_columns_only_for_a_contact_sheet(tmp_path):
    people = tuple(Person(f"P{i}", ("woman" if i % 2 else "man",), (f"P{i}", f"Canari{i}", "woman" if i % 2 else "man"), i + 2) for i in range(6))
    pool = Pool(people, ("gender",), ("id", "name", "gender"))
    quotas = QuotaSet((Quota("gender", "woman", 1, 1), Quota("gender", "man", 1, 1)))
    selection = Selection(("P0", "P1"), "leximin", 3, 2, (), tuple(p.id for p in people), (1 / 3,) * 6)
    published = selection_report_data(pool, quotas, selection, {}, date="2026-11-24", contact_columns=("name",))
    assert all(member.contacts == () for member in published.panel) and not published.is_contact_sheet
    assert "Canari" not in pdf_text(build_selection_report(published), tmp_path)
    sheet = selection_report_data(pool, quotas, selection, {}, date="2026-11-24", contact_columns=("name",), is_contact_sheet=True)
    assert [m.contacts for m in sheet.panel] == [("Canari0",), ("Canari1",)]
    assert re.search(r"P0\s+man\s+Canari0", pdf_text(build_selection_report(sheet), tmp_path))


def test_a_legacy_draw_reports_no_probabilities(tmp_path):
    pool, quotas = load_inputs(SMALL / "people.csv", SMALL / "features.csv", 12)
    selection = select_panel(pool, quotas, 12, algorithm="legacy", seed=5)
    bundle = build_bundle(pool, quotas, selection, SeedSource("given"))
    data = selection_report_data(pool, quotas, selection, bundle, date="2026-11-24")
    assert data.fairness is None and data.distribution_sha256 is None
    text = pdf_text(build_selection_report(data), tmp_path)
    assert "has no exact selection probabilities" in text and "none (the legacy algorithm" in text
    assert all(person_id in text for person_id in selection.panel)
