"""AWS managed policies attached to users decide their requests under enforcement, as the
policies AWS publishes do (ReadOnlyAccess reads but never writes)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_read_only_access_reads_and_never_writes(secure, root) -> None:
    from tests.services.security.conftest import client

    iam = root("iam")
    url = root("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    iam.create_user(UserName="auditor")
    iam.attach_user_policy(UserName="auditor", PolicyArn=READ_ONLY)
    key = iam.create_access_key(UserName="auditor")["AccessKey"]

    def auditor(service: str):
        return client(secure, service, key["AccessKeyId"], key["SecretAccessKey"])

    assert auditor("sqs").list_queues()["QueueUrls"] == [url]
    assert auditor("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert auditor("dynamodb").list_tables()["TableNames"] == []
    assert auditor("iam").get_user()["User"]["UserName"] == "auditor"
    with pytest.raises(ClientError) as info:
        auditor("sqs").send_message(QueueUrl=url, MessageBody="x")
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    assert "sqs:SendMessage" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        auditor("s3").create_bucket(Bucket="not-allowed-bucket")
    assert info.value.response["Error"]["Code"] == "AccessDenied"


def test_simulating_a_read_only_role(root) -> None:
    iam = root("iam")
    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
             '"Action":"sts:AssumeRole"}]}')
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust)["Role"]
    iam.attach_role_policy(RoleName="reader", PolicyArn=READ_ONLY)
    results = iam.simulate_principal_policy(PolicySourceArn=role["Arn"],
                                            ActionNames=["s3:GetObject", "s3:PutObject", "dynamodb:Query"])
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results["EvaluationResults"]}
    assert decisions == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny", "dynamodb:Query": "allowed"}
