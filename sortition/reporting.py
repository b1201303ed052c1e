"""From a draw and its audit bundle to the selection report's data (the report itself is built in reports/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from reports import Fairness, FeatureReport, FeatureRow, PanelMember, SelectionReportData
from sortition.comparison import FairnessComparison
from sortition.selection import Selection
from stratification import Person, Pool, QuotaSet

__all__ = ["selection_report_data"]


def selection_report_data(
    pool: Pool,
    quotas: QuotaSet,
    selection: Selection,
    bundle: Mapping[str, Any],
    *,
    date: str,
    title: str | None = None,
    legacy_estimate: FairnessComparison | None = None,
    contact_columns: tuple[str, ...] = (),
    is_contact_sheet: bool = False,
    bundle_path: str = "DIR/audit.json",
    people_path: str = "people.csv",
    features_path: str = "features.csv",
) -> SelectionReportData:
    """The report's data for `selection` drawn from `pool` under `quotas`, with the facts recorded in `bundle`.

    Missing bundle keys are shown as empty. `bundle["verify_command"]` is used as given; without it the
    command is built from `bundle_path`, `people_path` and `features_path`. Contact columns are copied
    only for a contact sheet (`is_contact_sheet`), so a published report cannot carry names by mistake.
    """
    panel = [pool.person(person_id) for person_id in selection.panel]
    features = tuple(_feature(f.name, f.values, quotas, pool, panel) for f in quotas.features)
    contacts = contact_columns if is_contact_sheet else ()
    members = tuple(
        PanelMember(p.id, tuple(pool.value(p, f) for f in quotas.feature_names()), tuple(pool.field(p, c) for c in contacts))
        for p in panel
    )
    solver = bundle.get("solver") or {}
    seed = bundle.get("seed") or {}
    inputs = bundle.get("inputs") or {}
    distribution = bundle.get("distribution") or {}
    verify = bundle.get("verify_command") or f"sortition verify {bundle_path} --people {people_path} --features {features_path}"
    return SelectionReportData(
        title=title or bundle.get("title") or "Selection report",
        date=date,
        pool_size=len(pool),
        panel_size=selection.panel_size,
        algorithm=selection.algorithm,
        seed=selection.seed,
        seed_source=str(seed.get("source") or "source not recorded"),
        seed_input=seed.get("input"),
        solver=str(solver.get("name", "")),
        solver_version=str(solver.get("version", "")),
        toolkit_version=str(bundle.get("toolkit_version", "")),
        pool_sha256=str(inputs.get("pool_sha256") or (bundle.get("pool") or {}).get("sha256", "")),
        quotas_sha256=str(inputs.get("quotas_sha256") or (bundle.get("quotas") or {}).get("sha256", "")),
        distribution_sha256=distribution.get("sha256"),
        feature_names=quotas.feature_names(),
        features=features,
        panel=members,
        verify_command=verify,
        fairness=_fairness(selection, legacy_estimate),
        contact_columns=contacts,
        is_contact_sheet=bool(contacts),
        lottery=_lottery(selection),
    )


def _lottery(selection: Selection) -> str | None:
    if selection.uniform is None:
        return None
    count = len(selection.uniform.panels)
    return (f"transparent: {count} equally likely panels (numbered 0 to {count - 1}, listed in the audit bundle); "
            f"panel {selection.panel_index} was drawn; rounding changed no one's probability by more than "
            f"{selection.uniform.largest_change:.4%}")


def _feature(name: str, values: tuple[str, ...], quotas: QuotaSet, pool: Pool, panel: list[Person]) -> FeatureReport:
    in_pool = Counter(pool.value(p, name) for p in pool.people)
    in_panel = Counter(pool.value(p, name) for p in panel)
    rows = tuple(
        FeatureRow(value, quotas.quota(name, value).min, quotas.quota(name, value).max, in_pool[value], in_panel[value])
        for value in values
    )
    return FeatureReport(name, rows)


def _fairness(selection: Selection, legacy: FairnessComparison | None) -> Fairness | None:
    if selection.marginals is None:
        return None
    if legacy is None:
        return Fairness(selection.marginals)
    return Fairness(selection.marginals, legacy.legacy, legacy.draws)
