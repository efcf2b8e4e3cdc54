"""A small set of AWS managed policies (``arn:aws:iam::aws:policy/...``) that accounts can attach.

Their documents grant what the real ones grant in spirit, written compactly with wildcards.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

_CREATED = 1423180800.0  # 2015-02-06, when AWS published its first managed policies


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=4)


def _allow(actions: list[str] | str, resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


# IAM's grammar wants a concrete service prefix in every action, so the read-only grant is spelled
# out for the prefixes of the services fogbank serves
_READ_PREFIXES = ("apigateway", "cloudformation", "cloudwatch", "codebuild", "codecommit", "codedeploy",
                  "cognito-identity", "cognito-idp", "cognito-sync", "dynamodb", "ec2", "ecs", "elasticache",
                  "elasticbeanstalk", "events", "execute-api", "firehose", "iam", "kinesis", "kinesisanalytics",
                  "kms", "lambda", "logs", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts", "tag", "xray")
_READ_VERBS = ("Describe*", "Get*", "List*", "BatchGet*", "Query", "Scan", "Head*", "Lookup*")
_READ = [f"{prefix}:{verb}" for prefix in _READ_PREFIXES for verb in _READ_VERBS]

# name -> (path, description, document)
_POLICIES: dict[str, tuple[str, str, str]] = {
    "AdministratorAccess": ("/", "Provides full access to AWS services and resources.", _doc(_allow("*"))),
    "ReadOnlyAccess": ("/", "Provides read-only access to AWS services and resources.", _doc(_allow(_READ))),
    "PowerUserAccess": ("/", "Provides full access to AWS services and resources, but does not allow "
                        "management of Users and groups.",
                        _doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                              "Resource": "*"},
                             _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                                     "organizations:DescribeOrganization", "account:ListRegions"]))),
    "IAMFullAccess": ("/", "Provides full access to IAM via the AWS Management Console.",
                      _doc(_allow(["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization"]))),
    "IAMReadOnlyAccess": ("/", "Provides read only access to IAM via the AWS Management Console.",
                          _doc(_allow(["iam:GenerateCredentialReport", "iam:Get*", "iam:List*", "iam:Simulate*"]))),
    "AmazonS3FullAccess": ("/", "Provides full access to all buckets via the AWS Management Console.",
                           _doc(_allow(["s3:*", "s3-object-lambda:*"]))),
    "AmazonS3ReadOnlyAccess": ("/", "Provides read only access to all buckets via the AWS Management Console.",
                               _doc(_allow(["s3:Get*", "s3:List*", "s3:Describe*"]))),
    "AmazonDynamoDBFullAccess": ("/", "Provides full access to Amazon DynamoDB via the AWS Management Console.",
                                 _doc(_allow(["dynamodb:*", "cloudwatch:*", "iam:PassRole"]))),
    "AmazonSQSFullAccess": ("/", "Provides full access to Amazon SQS via the AWS Management Console.",
                            _doc(_allow("sqs:*"))),
    "AmazonSNSFullAccess": ("/", "Provides full access to Amazon SNS via the AWS Management Console.",
                            _doc(_allow("sns:*"))),
    "CloudWatchLogsFullAccess": ("/", "Provides full access to CloudWatch Logs", _doc(_allow("logs:*"))),
    "AWSLambda_FullAccess": ("/", "Grants full access to AWS Lambda service.",
                             _doc(_allow(["lambda:*", "logs:*", "iam:PassRole", "iam:GetRole", "s3:*"]))),
    "AWSLambdaBasicExecutionRole": ("/service-role/", "Provides write permissions to CloudWatch Logs.",
                                    _doc(_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]))),
    "AWSCodeCommitPowerUser": ("/", "Provides full access to AWS CodeCommit repositories, but does not allow "
                               "repository deletion.", _doc(_allow(["codecommit:*"]))),
}


def _policy_id(name: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest().upper()
    return "ANPA" + "".join(c for c in digest if c.isalnum())[:17]


@functools.lru_cache(maxsize=1)
def _records() -> dict[str, dict[str, Any]]:
    out = {}
    for name, (path, description, document) in _POLICIES.items():
        arn = f"arn:aws:iam::aws:policy{path}{name}"
        out[arn] = {
            "PolicyName": name, "PolicyId": _policy_id(name), "Arn": arn, "Path": path,
            "DefaultVersionId": "v1", "IsAttachable": True, "Description": description,
            "CreateDate": _CREATED, "UpdateDate": _CREATED,
            "_versions": {"v1": {"Document": document, "CreateDate": _CREATED}},
        }
    return out


def managed(arn: str) -> dict[str, Any] | None:
    """The AWS managed policy with this ARN (a fresh copy), or None."""
    record = _records().get(arn)
    return json.loads(json.dumps(record)) if record else None


def all_managed() -> list[dict[str, Any]]:
    """Every AWS managed policy fogbank offers (fresh copies)."""
    return [json.loads(json.dumps(r)) for r in _records().values()]
