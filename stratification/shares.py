"""Quotas from population shares, by the largest-remainder method (as census-based panels do)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from fractions import Fraction

from stratification.model import Quota, QuotaSet

__all__ = ["Share", "quotas_from_shares", "format_quotas_csv"]


@dataclass(frozen=True)
class Share:
    """The weight of a value in the population: a fraction, a percentage or a head count."""

    feature: str
    value: str
    share: float


def quotas_from_shares(shares: tuple[Share, ...], panel_size: int, tolerance: int = 0) -> QuotaSet:
    """Seats for each value proportional to its share, then min/max = seats ∓ tolerance.

    Within each feature, shares are normalised to sum to 1 (so fractions, percentages and head
    counts all work). Each value first gets the whole part of its ideal seats; the seats left over
    go one each to the largest remainders, ties to the value listed first. The arithmetic is exact
    on the shares as written (0.2 is 1/5), so float rounding cannot break a tie or move a seat.
    """
    if panel_size < 1:
        raise ValueError("the panel size must be at least 1")
    if tolerance < 0:
        raise ValueError("the tolerance must be 0 or more")
    by_feature: dict[str, list[Share]] = {}
    for share in shares:
        by_feature.setdefault(share.feature, []).append(share)
    quotas: list[Quota] = []
    for feature_shares in by_feature.values():
        weights = [Fraction(str(share.share)) for share in feature_shares]
        total = sum(weights, Fraction(0))
        if total <= 0 or min(weights) < 0:
            raise ValueError(f"the shares of feature {feature_shares[0].feature!r} must be 0 or more and not all 0")
        ideal = [panel_size * weight / total for weight in weights]
        seats = [math.floor(x) for x in ideal]
        leftover = panel_size - sum(seats)
        by_remainder = sorted(range(len(ideal)), key=lambda i: (-(ideal[i] - seats[i]), i))
        for i in by_remainder[:leftover]:
            seats[i] += 1
        for share, count in zip(feature_shares, seats):
            quotas.append(Quota(share.feature, share.value, max(0, count - tolerance), count + tolerance))
    return QuotaSet(tuple(quotas))


def format_quotas_csv(quotas: QuotaSet) -> str:
    """The quota set as a features file (`feature,value,min,max`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for quota in quotas.quotas:
        writer.writerow([quota.feature, quota.value, quota.min, quota.max])
    return out.getvalue()
