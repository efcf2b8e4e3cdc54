"""Account delegation in resource policies, and IAM changes taking effect on the very next request
(enforcement caches each caller's policies per IAM generation)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.security.conftest import allow, policy


def _denied(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]


def test_queue_policy_naming_its_own_account_grants_nothing_alone(root, user) -> None:
    # AWS: a resource policy naming the account (root ARN or id) delegates to the account's
    # identity policies; only the root user itself is named by it
    sqs = root("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sqs:SendMessage",
         "Resource": "arn:aws:sqs:us-east-1:000000000000:jobs"})})
    nobody = user("nobody")
    err = _denied(lambda: nobody("sqs").send_message(QueueUrl=url, MessageBody="x"))
    assert err["Message"].endswith("because no identity-based policy allows the sqs:SendMessage action")
    sender = user("sender", policy(allow("sqs:SendMessage")))
    sender("sqs").send_message(QueueUrl=url, MessageBody="x")
    # naming the user itself is enough on its own
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/nobody"},
         "Action": "sqs:SendMessage", "Resource": "*"})})
    nobody("sqs").send_message(QueueUrl=url, MessageBody="y")
    assert int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
               ["Attributes"]["ApproximateNumberOfMessages"]) == 2


def test_policy_changes_apply_to_the_next_request(root, user) -> None:
    url = root("sqs").create_queue(QueueName="q")["QueueUrl"]
    iam = root("iam")
    client = user("walt", policy(allow("sqs:SendMessage")))
    client("sqs").send_message(QueueUrl=url, MessageBody="1")
    iam.delete_user_policy(UserName="walt", PolicyName="p0")
    _denied(lambda: client("sqs").send_message(QueueUrl=url, MessageBody="2"))
    arn = iam.create_policy(PolicyName="send", PolicyDocument=policy(allow("sqs:SendMessage")))["Policy"]["Arn"]
    iam.create_group(GroupName="senders")
    iam.attach_group_policy(GroupName="senders", PolicyArn=arn)
    _denied(lambda: client("sqs").send_message(QueueUrl=url, MessageBody="3"))
    iam.add_user_to_group(GroupName="senders", UserName="walt")
    client("sqs").send_message(QueueUrl=url, MessageBody="4")
    iam.create_policy_version(PolicyArn=arn, SetAsDefault=True,
                              PolicyDocument=policy(allow("sqs:ReceiveMessage")))
    _denied(lambda: client("sqs").send_message(QueueUrl=url, MessageBody="5"))


def test_principal_tag_changes_apply_to_the_next_request(root, user) -> None:
    url = root("sqs").create_queue(QueueName="tagged")["QueueUrl"]
    client = user("tina", policy(allow("sqs:SendMessage", Condition={
        "StringEquals": {"aws:PrincipalTag/team": "blue"}})))
    _denied(lambda: client("sqs").send_message(QueueUrl=url, MessageBody="1"))
    root("iam").tag_user(UserName="tina", Tags=[{"Key": "team", "Value": "blue"}])
    client("sqs").send_message(QueueUrl=url, MessageBody="2")
    root("iam").untag_user(UserName="tina", TagKeys=["team"])
    _denied(lambda: client("sqs").send_message(QueueUrl=url, MessageBody="3"))


def test_a_key_policy_that_leaves_out_the_account_binds_its_root_user_too(root, user) -> None:
    # AWS KMS: without the statement that names the account, not even the root user may use the key
    user("ivan")
    kms = root("kms")
    only_ivan = kms.create_key(BypassPolicyLockoutSafetyCheck=True, Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/ivan"}, "Action": "kms:*",
         "Resource": "*"}))["KeyMetadata"]["KeyId"]
    err = _denied(lambda: kms.encrypt(KeyId=only_ivan, Plaintext=b"p"))
    assert err["Code"] == "AccessDeniedException"
    default = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.encrypt(KeyId=default, Plaintext=b"p")["KeyId"].endswith(default)
