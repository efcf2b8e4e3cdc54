"""Parsing and validating policy documents, with IAM's MalformedPolicyDocument messages."""

from __future__ import annotations

import json

import pytest

from fogbank.auth.policy import MalformedPolicy, parse


def doc(*statements: dict, version: str | None = "2012-10-17") -> str:
    body: dict = {"Statement": list(statements)}
    if version is not None:
        body["Version"] = version
    return json.dumps(body)


ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def test_statements_are_normalised_to_tuples() -> None:
    policy = parse(json.dumps({"Version": "2012-10-17", "Statement": {
        "Sid": "One", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::b/*",
        "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": True}}}}))
    (statement,) = policy.statements
    assert statement.sid == "One" and statement.actions == ("s3:Get*", "s3:List*")
    assert statement.resources == ("arn:aws:s3:::b/*",)
    assert statement.conditions == {"NumericLessThan": {"s3:max-keys": ("10",)},
                                    "Bool": {"aws:SecureTransport": ("true",)}}
    assert policy.substitutes_variables


def test_missing_version_is_the_2008_language() -> None:
    policy = parse(doc(ALLOW, version=None))
    assert policy.version == "2008-10-17" and not policy.substitutes_variables


@pytest.mark.parametrize(("text", "kind", "message"), [
    ("[]", "identity", "Syntax errors in policy."),
    ('{"Statement": []}', "identity", "Syntax errors in policy."),
    (doc(ALLOW, version="2011-01-01"), "identity", "The policy failed legacy parsing"),
    (doc({**ALLOW, "Effect": "Maybe"}), "identity", "Syntax errors in policy."),
    (doc({**ALLOW, "Extra": 1}), "identity", "Syntax errors in policy."),
    (doc({"Effect": "Allow", "Resource": "*"}), "identity", "Policy statement must contain actions."),
    (doc({**ALLOW, "NotAction": "s3:*"}), "identity", "Syntax errors in policy."),
    (doc({"Effect": "Allow", "Action": "s3:*"}), "identity", "Policy statement must contain resources."),
    (doc({**ALLOW, "Principal": "*"}), "identity", "Policy document should not specify a principal."),
    (doc({**ALLOW, "Action": "s3"}), "identity",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    (doc({**ALLOW, "Action": "s 3:Get"}), "identity", "Vendor s 3 is not valid"),
    (doc({**ALLOW, "Resource": "bucket/key"}), "identity", 'Resource bucket/key must be in ARN format or "*".'),
    (doc({**ALLOW, "Sid": "a-b"}), "identity",
     "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression "
     "[0-9A-Za-z]*"),
    (doc({**ALLOW, "Sid": "A"}, {**ALLOW, "Sid": "A"}), "identity",
     "Statement IDs (SID) in a single policy must be unique."),
    (doc({**ALLOW, "Condition": {"StringEqualz": {"aws:username": "x"}}}), "identity",
     "Invalid Condition type : StringEqualz"),
    (doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}, "Resource": "*"}), "trust",
     "Has prohibited field Resource"),
    (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), "trust", "Missing required field Principal"),
    (doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "bob"}}), "trust",
     'Invalid principal in policy: "AWS":"bob"'),
    (doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Robot": "x"}}), "trust",
     'Invalid principal in policy: "Robot":"x"'),
])
def test_malformed_documents(text: str, kind: str, message: str) -> None:
    with pytest.raises(MalformedPolicy) as info:
        parse(text, kind)
    assert info.value.message == message


@pytest.mark.parametrize("principal", [
    "*", {"AWS": "*"}, {"AWS": "123456789012"}, {"AWS": "arn:aws:iam::123456789012:root"},
    {"AWS": ["arn:aws:iam::123456789012:user/a/b", "arn:aws:iam::123456789012:role/r"]},
    {"AWS": "arn:aws:sts::123456789012:assumed-role/r/s"}, {"Service": "lambda.amazonaws.com"},
    {"Federated": "cognito-identity.amazonaws.com"},
])
def test_valid_principals(principal) -> None:
    parse(doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}), "trust")


def test_resource_policies_allow_any_sid() -> None:
    parse(doc({**ALLOW, "Sid": "read-only access", "Principal": "*"}), "resource")


@pytest.mark.parametrize("operator", ["ForAnyValue:StringLike", "ForAllValues:StringEquals", "StringLikeIfExists",
                                      "ForAllValues:ArnLikeIfExists", "Null", "NotIpAddress", "DateGreaterThan"])
def test_known_condition_operators(operator: str) -> None:
    parse(doc({**ALLOW, "Condition": {operator: {"aws:TagKeys": "x"}}}))


def test_null_takes_no_qualifier() -> None:
    with pytest.raises(MalformedPolicy):
        parse(doc({**ALLOW, "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}}))


def test_every_aws_managed_policy_fogbank_offers_is_valid() -> None:
    from fogbank.services.iam.builtin import all_managed

    for record in all_managed():
        document = record["_versions"][record["DefaultVersionId"]]["Document"]
        assert parse(document).statements, record["Arn"]
