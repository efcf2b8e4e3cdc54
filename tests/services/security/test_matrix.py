"""The enforcement matrix: for S3, SQS, DynamoDB, KMS, SSM, Lambda and IAM, one action is called by
principals with an allowing policy, an explicit deny, no policy, a permissions boundary and a
session policy. Expected decisions and messages follow AWS's policy evaluation documentation:
an explicit deny wins; without an allow the request is implicitly denied; a boundary or a session
policy only limits what the identity policy allows; and each service words its denial its own way
(S3 says only "Access Denied")."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.security.conftest import allow, client, deny, policy

ACCOUNT = "000000000000"


@dataclass(frozen=True)
class Case:
    """One service's row: how root sets up the resource, the action, and the call that needs it."""

    service: str
    action: str
    other: str  # an action of the same service the boundary or session policy allows instead
    setup: Callable[[Callable[..., Any]], str]  # returns the resource ARN
    call: Callable[[Any, str], Any]
    denial: tuple[str, int]  # error code and HTTP status of this service's denial
    detailed: bool = True  # whether the message names the principal, action and resource


def _bucket(root: Callable[..., Any]) -> str:
    root("s3").create_bucket(Bucket="matrix-bucket")
    root("s3").put_object(Bucket="matrix-bucket", Key="k", Body=b"v")
    return "arn:aws:s3:::matrix-bucket/k"


def _queue(root: Callable[..., Any]) -> str:
    root("sqs").create_queue(QueueName="matrix")
    return f"arn:aws:sqs:us-east-1:{ACCOUNT}:matrix"


def _table(root: Callable[..., Any]) -> str:
    root("dynamodb").create_table(TableName="matrix", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
    return f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/matrix"


def _key(root: Callable[..., Any]) -> str:
    return root("kms").create_key()["KeyMetadata"]["Arn"]


def _parameter(root: Callable[..., Any]) -> str:
    root("ssm").put_parameter(Name="/matrix/p", Value="v", Type="String")
    return f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/matrix/p"


def _function(root: Callable[..., Any]) -> str:
    trust = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    role = root("iam").create_role(RoleName="matrix-fn", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return root("lambda").create_function(FunctionName="matrix", Runtime="python3.11", Role=role,
                                          Handler="app.handler", Code={"ZipFile": buf.getvalue()})["FunctionArn"]


def _role(root: Callable[..., Any]) -> str:
    trust = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    return root("iam").create_role(RoleName="matrix-target", AssumeRolePolicyDocument=trust)["Role"]["Arn"]


CASES = [
    Case("s3", "s3:GetObject", "s3:PutObject", _bucket,
         lambda c, arn: c.get_object(Bucket="matrix-bucket", Key="k")["Body"].read(), ("AccessDenied", 403), False),
    Case("sqs", "sqs:SendMessage", "sqs:ReceiveMessage", _queue,
         lambda c, arn: c.send_message(QueueUrl=f"{c.meta.endpoint_url}/{ACCOUNT}/matrix", MessageBody="m"),
         ("AccessDenied", 403)),
    Case("dynamodb", "dynamodb:GetItem", "dynamodb:PutItem", _table,
         lambda c, arn: c.get_item(TableName="matrix", Key={"pk": {"S": "a"}}), ("AccessDeniedException", 400)),
    Case("kms", "kms:Encrypt", "kms:Decrypt", _key,
         lambda c, arn: c.encrypt(KeyId=arn, Plaintext=b"p"), ("AccessDeniedException", 400)),
    Case("ssm", "ssm:GetParameter", "ssm:PutParameter", _parameter,
         lambda c, arn: c.get_parameter(Name="/matrix/p"), ("AccessDeniedException", 400)),
    Case("lambda", "lambda:GetFunction", "lambda:InvokeFunction", _function,
         lambda c, arn: c.get_function(FunctionName="matrix"), ("AccessDeniedException", 403)),
    Case("iam", "iam:GetRole", "iam:DeleteRole", _role,
         lambda c, arn: c.get_role(RoleName="matrix-target"), ("AccessDenied", 403)),
]


def _refusal(case: Case, call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert (error["Code"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]) == case.denial
    return error["Message"]


def _expect(case: Case, message: str, principal: str, resource: str, reason: str) -> None:
    if not case.detailed:
        assert message == "Access Denied"
        return
    assert message == (f"User: {principal} is not authorized to perform: {case.action} on resource: {resource} "
                       f"{reason}")


@pytest.mark.parametrize("case", CASES, ids=[c.service for c in CASES])
def test_users_and_role_sessions(case: Case, secure, root, user) -> None:
    arn = case.setup(root)
    service = f"{case.action.split(':')[0]}:*"

    def run(make: Callable[..., Any]) -> Any:
        return case.call(make(case.service), arn)

    # allow: an identity policy naming the action and the resource
    run(user("allowed", policy(allow(case.action, arn))))
    # deny: an explicit deny beats the allow of the whole service
    message = _refusal(case, lambda: run(user("denied", policy(allow(service), deny(case.action, arn)))))
    _expect(case, message, f"arn:aws:iam::{ACCOUNT}:user/denied", arn,
            "with an explicit deny in an identity-based policy")
    # no policy: implicitly denied
    message = _refusal(case, lambda: run(user("nobody")))
    _expect(case, message, f"arn:aws:iam::{ACCOUNT}:user/nobody", arn,
            f"because no identity-based policy allows the {case.action} action")
    # boundary: the service is allowed, the boundary only another action of it
    message = _refusal(case, lambda: run(user("bounded", policy(allow(service)), boundary=policy(allow(case.other)))))
    _expect(case, message, f"arn:aws:iam::{ACCOUNT}:user/bounded", arn,
            f"because no permissions boundary allows the {case.action} action")
    run(user("within", policy(allow(service)), boundary=policy(allow(case.action))))
    # session policy: the role allows the service, the session only another action of it
    iam = root("iam")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="matrix-session", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="matrix-session", PolicyName="svc", PolicyDocument=policy(allow(service)))

    def session(name: str, session_policy: str | None) -> Callable[..., Any]:
        extra = {"Policy": session_policy} if session_policy else {}
        creds = root("sts").assume_role(RoleArn=role, RoleSessionName=name, **extra)["Credentials"]
        return lambda svc, **kw: client(secure, svc, creds["AccessKeyId"], creds["SecretAccessKey"],
                                        creds["SessionToken"], **kw)

    message = _refusal(case, lambda: run(session("narrow", policy(allow(case.other)))))
    _expect(case, message, f"arn:aws:sts::{ACCOUNT}:assumed-role/matrix-session/narrow", arn,
            f"because no session policy allows the {case.action} action")
    run(session("fitting", policy(allow(case.action))))
    run(session("plain", None))


def test_matrix_session_policy_cannot_widen_the_role(secure, root) -> None:
    """A session policy that allows more than the role grants nothing beyond the role."""
    iam = root("iam")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="narrow-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="narrow-role", PolicyName="sqs", PolicyDocument=policy(allow("sqs:ListQueues")))
    creds = root("sts").assume_role(RoleArn=role, RoleSessionName="wide", Policy=policy(allow("*")))["Credentials"]
    session = client(secure, "dynamodb", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    with pytest.raises(ClientError) as info:
        session.list_tables()
    assert info.value.response["Error"]["Message"].endswith(
        "because no identity-based policy allows the dynamodb:ListTables action")
