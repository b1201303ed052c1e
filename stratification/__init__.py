"""Vocabulary and input: features, values, quotas, people, pools; CSV loading and validation."""

from stratification.errors import InputError, Problem
from stratification.households import find_households
from stratification.loading import load_inputs, load_pool, load_quotas, load_shares
from stratification.model import Feature, Person, Pool, Quota, QuotaSet
from stratification.shares import Share, format_quotas_csv, quotas_from_shares

__all__ = [
    "Feature",
    "InputError",
    "Person",
    "Pool",
    "Problem",
    "Quota",
    "QuotaSet",
    "Share",
    "find_households",
    "format_quotas_csv",
    "load_inputs",
    "load_pool",
    "load_quotas",
    "load_shares",
    "quotas_from_shares",
]
