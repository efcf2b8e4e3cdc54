"""RotateSecret through a real rotation function written in Python that calls Secrets Manager
with boto3 from inside Lambda, rotation rules on fogbank's clock, and CancelRotateSecret."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.services.lambda_.helpers import zip_of
from tests.services.secretsmanager.conftest import ACCOUNT, error_of

ROLE = f"arn:aws:iam::{ACCOUNT}:role/rotation"

# The four steps as AWS's rotation templates write them.
ROTATOR = """
import json, boto3

def handler(event, context):
    client = boto3.client("secretsmanager")
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    versions = client.describe_secret(SecretId=arn)["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("version %s has no stage for rotation" % token)
    if "AWSCURRENT" in versions[token]:
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("version %s not set as AWSPENDING" % token)
    if step == "createSecret":
        current = json.loads(client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
        try:
            client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except client.exceptions.ResourceNotFoundException:
            password = client.get_random_password(ExcludePunctuation=True)["RandomPassword"]
            current["password"] = password
            current["steps"] = ["createSecret"]
            client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                    SecretString=json.dumps(current), VersionStages=["AWSPENDING"])
    elif step in ("setSecret", "testSecret"):
        pending = json.loads(client.get_secret_value(SecretId=arn, VersionId=token,
                                                     VersionStage="AWSPENDING")["SecretString"])
        assert pending["steps"], pending
    elif step == "finishSecret":
        current = next(v for v, stages in versions.items() if "AWSCURRENT" in stages)
        client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                           MoveToVersionId=token, RemoveFromVersionId=current)
    else:
        raise ValueError("unknown step " + step)
"""

FAILING = """
def handler(event, context):
    raise RuntimeError("cannot rotate")
"""


def create(lam: Any, name: str, code: str, **kwargs: Any) -> dict[str, Any]:
    """A Python function of the secrets' account running ``code`` as app.py."""
    return lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": zip_of({"app.py": code})}, **kwargs)


@pytest.fixture
def lam(aws: Any) -> Any:
    """A Lambda client of the secrets' account, with a long read timeout."""
    return aws("lambda", account=ACCOUNT, read_timeout=60)


@pytest.fixture
def rotator(lam: Any) -> str:
    """The ARN of a rotation function following AWS's template."""
    return create(lam, "rotator", ROTATOR, Timeout=30)["FunctionArn"]


def test_rotation_runs_the_four_steps(sm, rotator, fogbank) -> None:
    first = sm.create_secret(Name="db", SecretString='{"user": "admin", "password": "old"}')["VersionId"]
    out = sm.rotate_secret(SecretId="db", RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30})
    token = out["VersionId"]
    current = sm.get_secret_value(SecretId="db")
    assert current["VersionId"] == token and current["VersionStages"] == ["AWSCURRENT"]
    value = json.loads(current["SecretString"])
    assert value["user"] == "admin" and value["password"] != "old" and len(value["password"]) == 32
    described = sm.describe_secret(SecretId="db")
    assert described["RotationEnabled"] is True and described["RotationLambdaARN"] == rotator
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 30
    assert described["VersionIdsToStages"] == {first: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}
    assert (described["NextRotationDate"] - described["LastRotatedDate"]).days == 30
    # the schedule is kept; RotateSecret without arguments rotates again with the same function
    again = sm.rotate_secret(SecretId="db")["VersionId"]
    assert sm.get_secret_value(SecretId="db")["VersionId"] == again != token
    sm.cancel_rotate_secret(SecretId="db")
    described = sm.describe_secret(SecretId="db")
    assert described["RotationEnabled"] is False and "NextRotationDate" not in described


def test_rotate_later_and_failures(sm, lam, rotator) -> None:
    sm.create_secret(Name="later", SecretString='{"password": "p"}')
    out = sm.rotate_secret(SecretId="later", RotationLambdaARN=rotator, RotateImmediately=False,
                           RotationRules={"ScheduleExpression": "rate(10 days)"})
    assert "VersionId" not in out
    assert sm.get_secret_value(SecretId="later")["SecretString"] == '{"password": "p"}'
    assert sm.describe_secret(SecretId="later")["RotationEnabled"] is True
    sm.create_secret(Name="nofn", SecretString="x")
    assert error_of(sm.rotate_secret, SecretId="nofn")[:2] == ("InvalidRequestException", 400)
    assert error_of(sm.rotate_secret, SecretId="nofn", RotationLambdaARN=rotator,
                    RotationRules={"ScheduleExpression": "rate(1 hour)"})[0] == "InvalidParameterException"
    failing = create(lam, "failing", FAILING)["FunctionArn"]
    sm.create_secret(Name="broken", SecretString="keep")
    sm.rotate_secret(SecretId="broken", RotationLambdaARN=failing)
    assert sm.get_secret_value(SecretId="broken")["SecretString"] == "keep"
    code, _, msg = error_of(sm.rotate_secret, SecretId="broken")
    assert code == "InvalidRequestException" and "previous rotation isn't complete" in msg
    assert error_of(sm.rotate_secret, SecretId="missing", RotationLambdaARN=rotator)[0] == "ResourceNotFoundException"


def test_scheduled_rotation_on_the_clock(sm, rotator, fogbank) -> None:
    sm.create_secret(Name="sched", SecretString='{"password": "p"}')
    sm.rotate_secret(SecretId="sched", RotationLambdaARN=rotator, RotateImmediately=False,
                     RotationRules={"AutomaticallyAfterDays": 1})
    fogbank.advance(3600)
    assert sm.get_secret_value(SecretId="sched")["SecretString"] == '{"password": "p"}'
    fogbank.advance(86400 + 7200)
    # the rotation runs in the background once the clock has moved: wait for its Lambda steps
    deadline = time.monotonic() + 30
    while "LastRotatedDate" not in sm.describe_secret(SecretId="sched") and time.monotonic() < deadline:
        time.sleep(0.1)
    described = sm.describe_secret(SecretId="sched")
    assert "LastRotatedDate" in described
    assert json.loads(sm.get_secret_value(SecretId="sched")["SecretString"])["password"] != "p"
    assert (described["NextRotationDate"] - described["LastRotatedDate"]).days == 1
