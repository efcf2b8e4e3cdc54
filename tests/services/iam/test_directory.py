"""What IAM enforcement will evaluate: the policies in force for each kind of caller, gathered
in-process from IAM's records and decided by the policy engine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.auth import principals
from fogbank.auth.policy import Request, evaluate
from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.context import Ctx, Principal
from fogbank.errors import ServiceError
from fogbank.services.iam import directory
from fogbank.services.iam.provider import Provider as Iam
from fogbank.services.sts.provider import Provider as Sts
from fogbank.store.memory import MemoryStore

ACCOUNT = "123456789012"


def doc(effect: str, action: str, resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action,
                                                                "Resource": resource}]})


@pytest.fixture
def ctx() -> Ctx:
    return Ctx(account=ACCOUNT, region="us-east-1", request_id="r", clock=Clock(), store=MemoryStore(),
               blobs=None, config=Config())  # type: ignore[arg-type]


def as_key(ctx: Ctx, key_id: str) -> Ctx:
    record = principals.lookup(ctx.store, key_id)
    return ctx.derive(principal=Principal(key_id, record["account"], record["arn"], record["user_id"]))


def decide(ctx: Ctx, key_id: str, action: str, resource: str = "*") -> str:
    policies = directory.policies_for(ctx, principals.lookup(ctx.store, key_id))
    assert policies is not None
    return evaluate(policies, Request(action, resource)).decision


def test_user_policies_through_groups_and_boundary(ctx: Ctx) -> None:
    iam = Iam()
    iam.create_user(ctx, {"UserName": "alice"})
    iam.create_group(ctx, {"GroupName": "devs"})
    iam.add_user_to_group(ctx, {"GroupName": "devs", "UserName": "alice"})
    iam.put_group_policy(ctx, {"GroupName": "devs", "PolicyName": "all", "PolicyDocument": doc("Allow", "*")})
    iam.put_user_policy(ctx, {"UserName": "alice", "PolicyName": "no-iam", "PolicyDocument": doc("Deny", "iam:*")})
    key = iam.create_access_key(ctx, {"UserName": "alice"})["AccessKey"]["AccessKeyId"]
    assert decide(ctx, key, "s3:GetObject") == "allowed"
    assert decide(ctx, key, "iam:CreateUser") == "explicitDeny"
    boundary = iam.create_policy(ctx, {"PolicyName": "b", "PolicyDocument": doc("Allow", "sqs:*")})["Policy"]["Arn"]
    iam.put_user_permissions_boundary(ctx, {"UserName": "alice", "PermissionsBoundary": boundary})
    assert decide(ctx, key, "s3:GetObject") == "implicitDeny"
    assert decide(ctx, key, "sqs:SendMessage") == "allowed"


def test_role_sessions_are_limited_by_session_policies(ctx: Ctx) -> None:
    iam, sts = Iam(), Sts()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"AWS": ACCOUNT}}]})
    role = iam.create_role(ctx, {"RoleName": "app", "AssumeRolePolicyDocument": trust})["Role"]
    iam.attach_role_policy(ctx, {"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"})
    root = ctx.derive(principal=principals.root_principal(ACCOUNT, ACCOUNT))
    plain = sts.assume_role(root, {"RoleArn": role["Arn"], "RoleSessionName": "plain"})["Credentials"]["AccessKeyId"]
    scoped = sts.assume_role(root, {"RoleArn": role["Arn"], "RoleSessionName": "scoped",
                                    "Policy": doc("Allow", "s3:GetObject")})["Credentials"]["AccessKeyId"]
    assert decide(ctx, plain, "s3:PutObject") == "allowed"
    assert decide(ctx, scoped, "s3:PutObject") == "implicitDeny"
    assert decide(ctx, scoped, "s3:GetObject") == "allowed"
    assert decide(ctx, plain, "sqs:SendMessage") == "implicitDeny"
    session: dict[str, Any] = sts.get_caller_identity(as_key(ctx, scoped), {})
    assert session["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app/scoped"


def test_root_is_unrestricted_and_federated_users_need_a_session_policy(ctx: Ctx) -> None:
    sts = Sts()
    root = ctx.derive(principal=principals.root_principal(ACCOUNT, ACCOUNT))
    assert directory.policies_for(ctx, {"kind": "root", "account": ACCOUNT}) is None
    bare = sts.get_federation_token(root, {"Name": "fed-a"})["Credentials"]["AccessKeyId"]
    scoped = sts.get_federation_token(root, {"Name": "fed-b", "Policy": doc("Allow", "s3:*")})[
        "Credentials"]["AccessKeyId"]
    assert decide(ctx, bare, "s3:GetObject") == "implicitDeny"
    assert decide(ctx, scoped, "s3:GetObject") == "allowed"
    assert decide(ctx, scoped, "sqs:SendMessage") == "implicitDeny"


def test_services_assume_roles_that_trust_them(ctx: Ctx) -> None:
    iam, sts = Iam(), Sts()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]})
    role = iam.create_role(ctx, {"RoleName": "fn", "AssumeRolePolicyDocument": trust})["Role"]
    lam = ctx.derive(extras={"service_principal": "lambda.amazonaws.com"})
    out = sts.assume_role(lam, {"RoleArn": role["Arn"], "RoleSessionName": "my-function"})
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/fn/my-function"
    root = ctx.derive(principal=principals.root_principal(ACCOUNT, ACCOUNT))
    with pytest.raises(ServiceError) as info:
        sts.assume_role(root, {"RoleArn": role["Arn"], "RoleSessionName": "me"})
    assert info.value.code == "AccessDenied"
    ec2 = ctx.derive(extras={"service_principal": "ec2.amazonaws.com"})
    with pytest.raises(ServiceError):
        sts.assume_role(ec2, {"RoleArn": role["Arn"], "RoleSessionName": "i-123"})
