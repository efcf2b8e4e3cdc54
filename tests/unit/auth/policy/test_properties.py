"""Property tests for the policy engine: wildcards, operator duality and deny precedence."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.auth.policy import Policy, PolicySet, Request, Statement, evaluate
from fogbank.auth.policy.conditions import evaluate_operator
from fogbank.auth.policy.matching import action_matches, glob_match

TEXT = st.text(alphabet=st.characters(blacklist_characters="*?", blacklist_categories=("Cs",)), max_size=12)
ACTIONS = st.sampled_from(["s3:GetObject", "s3:PutObject", "sqs:SendMessage", "iam:CreateUser", "ec2:RunInstances"])
PATTERNS = st.sampled_from(["*", "s3:*", "s3:Get*", "sqs:*", "iam:Create*", "ec2:Run?nstances", "*:*Object"])
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:sqs:us-east-1:1:q", "arn:aws:s3:::other"])


@given(TEXT)
def test_a_literal_pattern_matches_only_itself(value: str) -> None:
    assert glob_match(value, value)
    assert not glob_match(value, value + "x")


@given(TEXT, TEXT, TEXT)
def test_star_matches_any_surroundings(prefix: str, middle: str, suffix: str) -> None:
    assert glob_match("*" + middle + "*", prefix + middle + suffix)
    assert glob_match(prefix + "*", prefix + middle)


@given(st.text(alphabet="ab*?", max_size=6), st.text(alphabet="ab", max_size=6))
def test_glob_agrees_with_a_regular_expression(pattern: str, value: str) -> None:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    assert glob_match(pattern, value) == (re.fullmatch(regex, value, re.DOTALL) is not None)


@given(PATTERNS, ACTIONS)
def test_actions_ignore_case(pattern: str, action: str) -> None:
    assert action_matches(pattern, action) == action_matches(pattern.upper(), action.lower())


@given(st.sampled_from(["String", "StringIgnoreCase", "Numeric", "Date"]), st.text(max_size=5),
       st.lists(st.text(max_size=5), min_size=1, max_size=3))
def test_negated_operators_are_the_complement_for_present_keys(family: str, have: str, want: list[str]) -> None:
    positive = {"String": "StringEquals", "StringIgnoreCase": "StringEqualsIgnoreCase",
                "Numeric": "NumericEquals", "Date": "DateEquals"}[family]
    negative = positive.replace("Equals", "NotEquals")
    assert evaluate_operator(negative, have, want) == (not evaluate_operator(positive, have, want))


@given(st.lists(st.text(alphabet="abc", max_size=2), max_size=4), st.lists(st.text(alphabet="abc", max_size=2),
                                                                          min_size=1, max_size=3))
def test_set_qualifiers(have: list[str], want: list[str]) -> None:
    all_in = evaluate_operator("ForAllValues:StringEquals", have, want)
    any_in = evaluate_operator("ForAnyValue:StringEquals", have, want)
    assert all_in == all(v in want for v in have)
    assert any_in == any(v in want for v in have)


STATEMENTS = st.builds(
    lambda effect, action, resource: Statement(effect=effect, actions=(action,), resources=(resource,)),
    st.sampled_from(["Allow", "Deny"]), PATTERNS, RESOURCES)


def _policy(statements: list[Statement]) -> Policy:
    numbered = tuple(Statement(effect=s.effect, actions=s.actions, resources=s.resources, index=i)
                     for i, s in enumerate(statements))
    return Policy("2012-10-17", numbered)


@settings(max_examples=200)
@given(st.lists(STATEMENTS, max_size=6), st.lists(STATEMENTS, max_size=3), ACTIONS,
       st.sampled_from(["arn:aws:s3:::b/key", "arn:aws:sqs:us-east-1:1:q", "arn:aws:s3:::other"]))
def test_deny_precedence_and_allow_monotonicity(identity: list[Statement], boundary: list[Statement],
                                                action: str, resource: str) -> None:
    request = Request(action, resource)
    decision = evaluate(PolicySet(identity=[("p", _policy(identity))]), request).decision
    applies = [s for s in identity if action_matches(s.actions[0], action) and glob_match(s.resources[0], resource)]
    if any(s.effect == "Deny" for s in applies):
        assert decision == "explicitDeny"
    elif applies:
        assert decision == "allowed"
    else:
        assert decision == "implicitDeny"
    # a permissions boundary can only take permissions away
    bounded = evaluate(PolicySet(identity=[("p", _policy(identity))], boundaries=[("b", _policy(boundary))]),
                       request).decision
    if decision != "allowed":
        assert bounded != "allowed"
    if decision == "explicitDeny":
        assert bounded == "explicitDeny"
    # adding a matching Deny anywhere turns any decision into an explicit deny
    denied = evaluate(PolicySet(identity=[("p", _policy(identity)),
                                          ("d", _policy([Statement("Deny", actions=("*",), resources=("*",))]))]),
                      request).decision
    assert denied == "explicitDeny"
