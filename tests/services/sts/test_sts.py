"""STS GetCallerIdentity end to end through boto3 and the AWS CLI; unimplemented operations are honest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError


def test_caller_identity_of_default_account(aws) -> None:
    identity = aws("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert identity["ResponseMetadata"]["RequestId"]


def test_twelve_digit_key_is_that_account(aws) -> None:
    identity = aws("sts", account="123456789012", region="eu-central-1").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"


def test_request_ids_differ(aws) -> None:
    sts = aws("sts")
    first = sts.get_caller_identity()["ResponseMetadata"]
    second = sts.get_caller_identity()["ResponseMetadata"]
    assert first["RequestId"] != second["RequestId"]
    assert first["HTTPHeaders"]["x-amzn-requestid"] == first["RequestId"]


ROOT_TASK = {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}


def test_unimplemented_operation_is_a_501_naming_it(aws) -> None:
    with pytest.raises(ClientError) as info:
        aws("sts").assume_root(TargetPrincipal="111111111111", TaskPolicyArn=ROOT_TASK)
    err = info.value.response
    assert err["Error"]["Code"] == "NotImplemented"
    assert "sts.AssumeRoot" in err["Error"]["Message"]
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_aws_cli(fogbank, tmp_path: Path) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    cli = [sys.executable, "-m", "awscli", "--endpoint-url", fogbank.endpoint, "sts"]
    out = subprocess.run([*cli, "get-caller-identity"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Account"] == "000000000000"
    out = subprocess.run([*cli, "assume-root", "--target-principal", "111111111111", "--task-policy-arn",
                          "arn=" + ROOT_TASK["arn"]], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "NotImplemented" in out.stderr and "sts.AssumeRoot" in out.stderr
