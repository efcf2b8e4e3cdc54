"""Managed and inline policies, roles and instance profiles through boto3, with AWS's errors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.conftest import allow, document, trust


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


ROOT = {"AWS": "arn:aws:iam::000000000000:root"}


def test_managed_policy_versions(iam) -> None:
    policy = iam.create_policy(PolicyName="s3read", Path="/app/", PolicyDocument=allow("s3:Get*"),
                               Description="read")["Policy"]
    arn = policy["Arn"]
    assert arn == "arn:aws:iam::000000000000:policy/app/s3read"
    assert policy["PolicyId"].startswith("ANPA") and policy["DefaultVersionId"] == "v1"
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("s3:*"), SetAsDefault=True)["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"]
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert got["Document"]["Statement"][0]["Action"] == "s3:*"
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("s3:List*"))
    with pytest.raises(ClientError) as info:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("s3:List*"))
    assert error_of(info)[:2] == ("LimitExceeded", 409)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v5", "v4", "v3", "v2", "v1"]
    with pytest.raises(ClientError) as info:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_of(info) == ("DeleteConflict", 409, "Cannot delete the default version of a policy.")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    with pytest.raises(ClientError) as info:
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v9")
    assert error_of(info)[:2] == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as info:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(info)[0] == "DeleteConflict"
    for v in ("v2", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as info:
        iam.get_policy(PolicyArn=arn)
    assert error_of(info) == ("NoSuchEntity", 404, f"Policy {arn} does not exist or is not attachable.")


@pytest.mark.parametrize(("doc", "message"), [
    ("{not json", "Syntax errors in policy."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
     "Policy statement must contain actions."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
     "Policy statement must contain resources."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}]}),
     'Resource bucket must be in ARN format or "*".'),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                                          "Resource": "*"}]}),
     "Policy document should not specify a principal."),
    (json.dumps({"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
     "The policy failed legacy parsing"),
])
def test_malformed_policy_documents(iam, doc: str, message: str) -> None:
    with pytest.raises(ClientError) as info:
        iam.create_policy(PolicyName="bad", PolicyDocument=doc)
    assert error_of(info) == ("MalformedPolicyDocument", 400, message)
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_duplicate_policy_name(iam) -> None:
    iam.create_policy(PolicyName="p", PolicyDocument=allow("s3:*"))
    with pytest.raises(ClientError) as info:
        iam.create_policy(PolicyName="p", Path="/other/", PolicyDocument=allow("s3:*"))
    assert error_of(info)[:2] == ("EntityAlreadyExists", 409)


def test_managed_policy_size_limit(iam) -> None:
    big = allow([f"s3:Action{i:05d}" for i in range(500)])
    with pytest.raises(ClientError) as info:
        iam.create_policy(PolicyName="big", PolicyDocument=big)
    assert error_of(info) == ("LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")


def test_aws_managed_policies_attach_and_count(iam) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ROOT))
    iam.create_user(UserName="u")
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    iam.attach_role_policy(RoleName="r", PolicyArn=admin)
    iam.attach_user_policy(UserName="u", PolicyArn=admin)
    policy = iam.get_policy(PolicyArn=admin)["Policy"]
    assert policy["AttachmentCount"] == 2 and policy["Path"] == "/"
    doc = iam.get_policy_version(PolicyArn=admin, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert doc["Statement"][0]["Action"] == "*"
    aws_names = {p["PolicyName"] for p in iam.list_policies(Scope="AWS")["Policies"]}
    assert {"AdministratorAccess", "ReadOnlyAccess"} <= aws_names
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [p["PolicyName"] for p in attached] == ["AdministratorAccess"]
    entities = iam.list_entities_for_policy(PolicyArn=admin)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["r"]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["u"]
    with pytest.raises(ClientError) as info:
        iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/NoSuchThing")
    assert error_of(info)[:2] == ("NoSuchEntity", 404)


def test_attach_limit_and_detach(iam) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ROOT))
    arns = [iam.create_policy(PolicyName=f"p{i}", PolicyDocument=allow("s3:*"))["Policy"]["Arn"] for i in range(11)]
    for arn in arns[:10]:
        iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    with pytest.raises(ClientError) as info:
        iam.attach_role_policy(RoleName="r", PolicyArn=arns[10])
    assert error_of(info) == ("LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")
    iam.detach_role_policy(RoleName="r", PolicyArn=arns[0])
    with pytest.raises(ClientError) as info:
        iam.detach_role_policy(RoleName="r", PolicyArn=arns[0])
    assert error_of(info)[0] == "NoSuchEntity"
    assert len(iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]) == 9


def test_role_lifecycle_and_delete_conflicts(iam) -> None:
    role = iam.create_role(RoleName="app", Path="/svc/", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}),
                           Description="d", MaxSessionDuration=7200, Tags=[{"Key": "k", "Value": "v"}])["Role"]
    assert role["RoleId"].startswith("AROA") and role["Arn"] == "arn:aws:iam::000000000000:role/svc/app"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    got = iam.get_role(RoleName="app")["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=trust(ROOT))
    assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == ROOT
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=allow("sqs:*"))
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["inline"]
    assert iam.get_role_policy(RoleName="app", PolicyName="inline")["PolicyDocument"]["Statement"][0]["Action"] == "sqs:*"
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="app")
    with pytest.raises(ClientError) as info:
        iam.delete_role(RoleName="app")
    assert error_of(info) == ("DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    iam.delete_role_policy(RoleName="app", PolicyName="inline")
    with pytest.raises(ClientError) as info:
        iam.delete_role(RoleName="app")
    assert error_of(info)[2] == "Cannot delete entity, must remove roles from instance profile first."
    iam.remove_role_from_instance_profile(InstanceProfileName="ip", RoleName="app")
    iam.delete_role(RoleName="app")
    assert iam.list_roles()["Roles"] == []


def test_trust_policy_must_name_a_principal(iam) -> None:
    with pytest.raises(ClientError) as info:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=allow("sts:AssumeRole"))
    assert error_of(info)[:2] == ("MalformedPolicyDocument", 400)
    with pytest.raises(ClientError) as info:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "not-an-arn"}))
    assert error_of(info) == ("MalformedPolicyDocument", 400, 'Invalid principal in policy: "AWS":"not-an-arn"')
    assert iam.list_roles()["Roles"] == []


def test_max_session_duration_range(iam) -> None:
    with pytest.raises(ClientError) as info:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ROOT), MaxSessionDuration=50000)
    assert error_of(info)[:2] == ("ValidationError", 400)


def test_instance_profiles(iam) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    profile = iam.create_instance_profile(InstanceProfileName="web", Path="/p/")["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Arn"] == "arn:aws:iam::000000000000:instance-profile/p/web"
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="r")
    iam.create_role(RoleName="r2", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    with pytest.raises(ClientError) as info:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="r2")
    assert error_of(info)[:2] == ("LimitExceeded", 409)
    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["r"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="r")["InstanceProfiles"]] == ["web"]
    with pytest.raises(ClientError) as info:
        iam.delete_instance_profile(InstanceProfileName="web")
    assert error_of(info)[0] == "DeleteConflict"
    with pytest.raises(ClientError) as info:
        iam.create_instance_profile(InstanceProfileName="web")
    assert error_of(info)[:2] == ("EntityAlreadyExists", 409)


def test_inline_policy_size_and_missing(iam) -> None:
    iam.create_user(UserName="u")
    with pytest.raises(ClientError) as info:
        iam.put_user_policy(UserName="u", PolicyName="big",
                            PolicyDocument=document(*[{"Effect": "Allow", "Action": f"s3:A{i:04d}", "Resource": "*"}
                                                      for i in range(60)]))
    assert error_of(info) == ("LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user u")
    with pytest.raises(ClientError) as info:
        iam.get_user_policy(UserName="u", PolicyName="none")
    assert error_of(info) == ("NoSuchEntity", 404, "The user policy with name none cannot be found.")


def test_permissions_boundary(iam) -> None:
    arn = iam.create_policy(PolicyName="bound", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    iam.create_user(UserName="u", PermissionsBoundary=arn)
    assert iam.get_user(UserName="u")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    with pytest.raises(ClientError) as info:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(info)[0] == "DeleteConflict"
    iam.delete_user_permissions_boundary(UserName="u")
    assert "PermissionsBoundary" not in iam.get_user(UserName="u")["User"]


def test_service_linked_role(iam) -> None:
    role = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")["Role"]
    assert role["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    assert role["RoleName"] == "AWSServiceRoleForElasticbeanstalk"
    with pytest.raises(ClientError) as info:
        iam.delete_role(RoleName=role["RoleName"])
    assert error_of(info)[:2] == ("UnmodifiableEntity", 400)
    task = iam.delete_service_linked_role(RoleName=role["RoleName"])["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
