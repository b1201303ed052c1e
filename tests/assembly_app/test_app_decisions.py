"""Decision rules: every threshold against every base, ties, quorums, everyone abstaining, and properties."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assembly_app.decisions import Base, Quorum, Rule, RuleError, Threshold, decide

THRESHOLDS = [Rule(Threshold.ABSOLUTE_MAJORITY, b) for b in Base] + [Rule(Threshold.TWO_THIRDS, b) for b in Base] + [
    Rule(Threshold.PERCENTAGE, b, percentage=p) for b in Base for p in (1, 50, 60, 100)
]
RULES = [Rule(Threshold.SIMPLE_MAJORITY)] + THRESHOLDS


def _base(rule: Rule, yes: int, no: int, abstain: int, present: int, active: int) -> int:
    return {Base.CAST_EXCLUDING_ABSTENTIONS: yes + no, Base.CAST: yes + no + abstain, Base.PRESENT: present, Base.ACTIVE: active}[rule.base]


def _passes_by_definition(rule: Rule, yes: int, no: int, abstain: int, present: int, active: int) -> bool:
    base = _base(rule, yes, no, abstain, present, active)
    if rule.threshold is Threshold.SIMPLE_MAJORITY:
        return yes > no
    if yes == 0:
        return False
    if rule.threshold is Threshold.ABSOLUTE_MAJORITY:
        return yes * 2 > base
    if rule.threshold is Threshold.TWO_THIRDS:
        return yes * 3 >= base * 2
    return yes * 100 >= base * rule.percentage


def test_the_convention_example_reads_exactly():
    decision = decide(Rule(Threshold.TWO_THIRDS, Base.CAST), yes=80, no=40, abstain=13, present=140, active=150)
    assert decision == decision.__class__(False, 89, 80, "needed 89 of 133 votes cast, got 80")  # 2/3 of 133 is 88.67
    decision = decide(Rule(Threshold.ABSOLUTE_MAJORITY, Base.CAST), yes=80, no=40, abstain=13, present=140, active=150)
    assert decision == decision.__class__(True, 67, 80, "needed 67 of 133 votes cast, got 80")


def test_every_rule_matches_its_definition_on_every_small_count():
    for rule in RULES:
        for yes, no, abstain, extra_present, extra_active in itertools.product(range(5), range(5), range(3), range(2), range(2)):
            present = yes + no + abstain + extra_present
            active = present + extra_active
            decision = decide(rule, yes, no, abstain, present, active)
            assert decision.passed == _passes_by_definition(rule, yes, no, abstain, present, active), (rule, yes, no, abstain, present, active)
            assert decision.passed == (decision.got >= decision.needed)
            assert decision.got == yes


@pytest.mark.parametrize(
    ("rule", "yes", "no", "passed", "needed"),
    [
        (Rule(Threshold.SIMPLE_MAJORITY), 50, 50, False, 51),
        (Rule(Threshold.SIMPLE_MAJORITY), 51, 50, True, 51),
        (Rule(Threshold.ABSOLUTE_MAJORITY), 50, 50, False, 51),
        (Rule(Threshold.TWO_THIRDS), 66, 33, True, 66),
        (Rule(Threshold.TWO_THIRDS), 65, 34, False, 66),
        (Rule(Threshold.PERCENTAGE, percentage=50), 50, 50, True, 50),
        (Rule(Threshold.PERCENTAGE, percentage=60), 59, 41, False, 60),
        (Rule(Threshold.PERCENTAGE, percentage=100), 99, 1, False, 100),
    ],
)
def test_ties_and_exact_thresholds(rule, yes, no, passed, needed):
    decision = decide(rule, yes, no, 0, yes + no, 150)
    assert (decision.passed, decision.needed) == (passed, needed)


def test_abstentions_count_against_when_the_base_includes_them():
    counts = dict(yes=60, no=40, abstain=30, present=140, active=150)
    assert decide(Rule(Threshold.ABSOLUTE_MAJORITY), **counts).passed
    assert decide(Rule(Threshold.ABSOLUTE_MAJORITY, Base.CAST), **counts).reason == "needed 66 of 130 votes cast, got 60"
    assert decide(Rule(Threshold.ABSOLUTE_MAJORITY, Base.ACTIVE), **counts).reason == "needed 76 of 150 active members, got 60"
    assert decide(Rule(Threshold.ABSOLUTE_MAJORITY, Base.PRESENT), **counts).reason == "needed 71 of 140 members present, got 60"


@pytest.mark.parametrize("rule", RULES)
def test_everyone_abstaining_never_passes(rule):
    decision = decide(rule, 0, 0, 120, 130, 150)
    assert not decision.passed
    assert decision.got == 0 and decision.needed >= 1


def test_no_votes_at_all_says_so():
    assert decide(Rule(Threshold.TWO_THIRDS), 0, 0, 12, 12, 150).reason == "0 votes cast excluding abstentions: nothing can pass (needed 1 yes, got 0)"


def test_quorum_not_reached_fails_whatever_the_votes():
    rule = Rule(Threshold.SIMPLE_MAJORITY, quorum=Quorum("present", 76))
    decision = decide(rule, 70, 0, 0, 70, 150)
    assert decision == decision.__class__(False, 76, 70, "quorum not reached: 70 present, 76 needed")
    assert decide(rule, 70, 0, 0, 76, 150).passed
    voting = Rule(Threshold.TWO_THIRDS, Base.CAST, quorum=Quorum("voting", 100))
    assert decide(voting, 90, 0, 9, 140, 150).reason == "quorum not reached: 99 voting, 100 needed"
    assert decide(voting, 90, 0, 10, 140, 150).passed


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Rule(Threshold.PERCENTAGE), "whole number from 1 to 100"),
        (lambda: Rule(Threshold.PERCENTAGE, percentage=101), "whole number from 1 to 100"),
        (lambda: Rule(Threshold.TWO_THIRDS, percentage=60), "only a percentage"),
        (lambda: Rule(Threshold.SIMPLE_MAJORITY, Base.ACTIVE), "simple majority compares yes with no"),
        (lambda: Rule("most"), "most"),
        (lambda: Quorum("awake", 3), "“awake”"),
        (lambda: Quorum("present", 0), "at least 1"),
        (lambda: decide(Rule(Threshold.TWO_THIRDS), 5, 5, 5, 10, 20), "15 votes cast but only 10 members present"),
        (lambda: decide(Rule(Threshold.TWO_THIRDS), 5, 5, 0, 30, 20), "30 members present but only 20 active"),
        (lambda: decide(Rule(Threshold.TWO_THIRDS), -1, 5, 0, 10, 20), "number of yes"),
    ],
)
def test_bad_rules_and_counts_are_refused_with_a_reason(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_a_rule_is_frozen_and_accepts_plain_strings():
    rule = Rule("two_thirds", "present")
    assert rule == Rule(Threshold.TWO_THIRDS, Base.PRESENT)
    with pytest.raises(AttributeError):
        rule.base = Base.CAST  # type: ignore[misc]
    assert isinstance(RuleError("x"), ValueError)


counts = st.tuples(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), st.integers(0, 50), st.integers(0, 50))
quorums = st.none() | st.builds(Quorum, st.sampled_from(["present", "voting"]), st.integers(1, 400))
rules = st.sampled_from(RULES).flatmap(lambda rule: quorums.map(lambda quorum: Rule(rule.threshold, rule.base, rule.percentage, quorum)))


@given(rules, counts)
def test_one_more_yes_never_turns_a_pass_into_a_fail(rule, counts):
    yes, no, abstain, extra_present, extra_active = counts
    present = yes + no + abstain + extra_present
    before = decide(rule, yes, no, abstain, present, present + extra_active)
    after = decide(rule, yes + 1, no, abstain, present + 1, present + 1 + extra_active)
    assert not before.passed or after.passed


@given(rules, counts)
def test_a_no_turned_yes_never_turns_a_pass_into_a_fail(rule, counts):
    yes, no, abstain, extra_present, extra_active = counts
    present = yes + no + abstain + extra_present
    if no and decide(rule, yes, no, abstain, present, present + extra_active).passed:
        assert decide(rule, yes + 1, no - 1, abstain, present, present + extra_active).passed


@given(rules, counts)
def test_the_reason_states_the_numbers_that_decided(rule, counts):
    yes, no, abstain, extra_present, extra_active = counts
    present = yes + no + abstain + extra_present
    decision = decide(rule, yes, no, abstain, present, present + extra_active)
    numbers = [int(n) for n in re.findall(r"\d+", decision.reason)]
    assert decision.passed == (decision.got >= decision.needed)
    if decision.reason.startswith("quorum"):
        assert not decision.passed and numbers == [decision.got, decision.needed]
    else:
        assert decision.got == yes and decision.needed in numbers and numbers[-1] == yes
        if decision.passed:
            assert decision.needed >= 1 and (rule.threshold is Threshold.SIMPLE_MAJORITY or decision.needed <= _base(rule, yes, no, abstain, present, present + extra_active))
