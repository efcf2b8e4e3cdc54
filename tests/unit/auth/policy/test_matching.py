"""Wildcards in actions and ARNs, and policy variables."""

from __future__ import annotations

import pytest

from fogbank.auth.policy.matching import action_matches, arn_matches, glob_match, substitute


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("s3:*", "s3:GetObject", True),
    ("s3:Get*", "s3:getobject", True),
    ("S3:GETOBJECT", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("*", "anything:AtAll", True),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?etObject", "s3:GGetObject", False),
    ("iam:*User*", "iam:ListUserTags", True),
    ("ec2:Describe*", "ec2:DescribeInstances", True),
])
def test_actions(pattern: str, value: str, expected: bool) -> None:
    assert action_matches(pattern, value) is expected


@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c.txt", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a", False),
    ("arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", False),
    ("arn:aws:dynamodb:*:*:table/Orders", "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders", True),
    ("arn:aws:dynamodb:*:111111111111:table/*", "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders", False),
    ("arn:aws:sqs:us-*-1:*:q", "arn:aws:sqs:us-east-1:123:q", True),
    ("arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:log-stream:x", True),
    ("*", "arn:aws:s3:::x", True),
    ("arn:aws:s3:::*", "arn:aws:iam::123:user/x", False),
])
def test_arns(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


def test_wildcard_in_region_does_not_cross_into_the_account() -> None:
    assert not arn_matches("arn:aws:sqs:*:queue", "arn:aws:sqs:us-east-1:123:queue")


def test_question_mark_is_one_character() -> None:
    assert glob_match("a?c", "abc") and not glob_match("a?c", "ac")


def test_variables() -> None:
    values = {"aws:username": "bob", "aws:PrincipalTag/team": "blue"}
    lookup = values.get
    assert substitute("arn:aws:s3:::home/${aws:username}/*", lookup) == "arn:aws:s3:::home/bob/*"
    assert substitute("${aws:PrincipalTag/team}-${aws:username}", lookup) == "blue-bob"
    assert substitute("${aws:userid}", lookup) is None
    assert substitute("${aws:userid, 'nobody'}", lookup) == "nobody"
    assert substitute("literal ${*} ${?} ${$}", lookup) == "literal * ? $"
