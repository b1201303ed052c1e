"""Generated benchmark instances: a pool shaped like the paper's largest (sf_e) and an open registration."""

from __future__ import annotations

import numpy as np

from stratification import Person, Pool, Quota, QuotaSet

__all__ = ["biased_instance"]


def biased_instance(
    name: str, people: int, panel_size: int, values_per_feature: tuple[int, ...], *, bias: float, slack: float, seed: int
) -> tuple[Pool, QuotaSet]:
    """A pool whose volunteers over-represent some values, with quotas near population shares.

    Population shares of each feature are drawn at random; volunteers are drawn from shares
    tilted by `bias` (some values volunteer more) and with a correlation between consecutive
    features (as age and occupation are). Quotas are the population share of the panel, widened
    by `slack` (a fraction of the panel, at least one seat), as organisers set them.
    """
    rng = np.random.default_rng(seed)
    features = [f"f{i}" for i in range(len(values_per_feature))]
    profiles = np.zeros((people, len(features)), dtype=np.int64)
    quotas: list[Quota] = []
    for f, count in enumerate(values_per_feature):
        population = rng.dirichlet(np.full(count, 4.0))
        tilt = np.exp(bias * rng.normal(size=count))
        volunteers = population * tilt / (population * tilt).sum()
        if f == 0:
            profiles[:, f] = rng.choice(count, size=people, p=volunteers)
        else:
            # Correlate with the previous feature: each of its values shifts these odds.
            shifts = np.exp(bias * rng.normal(size=(values_per_feature[f - 1], count)))
            odds = volunteers * shifts[profiles[:, f - 1]]
            odds /= odds.sum(axis=1, keepdims=True)
            profiles[:, f] = (odds.cumsum(axis=1) > rng.random((people, 1))).argmax(axis=1)
        margin = max(1, round(slack * panel_size))
        for v in range(count):
            seats = population[v] * panel_size
            quotas.append(Quota(features[f], f"v{v}", max(0, int(seats) - margin), int(np.ceil(seats)) + margin))
    columns = ("id", *features)
    pool = Pool(
        tuple(
            Person(f"{name}{i:05d}", tuple(f"v{v}" for v in row), (f"{name}{i:05d}", *(f"v{v}" for v in row)), i + 2)
            for i, row in enumerate(profiles.tolist())
        ),
        tuple(features),
        columns,
        "id",
        name,
    )
    return pool, QuotaSet(tuple(quotas))
