"""IAM enforcement through boto3: each expected decision follows AWS's documented evaluation
logic (explicit deny > allow > implicit deny; boundaries and session policies limit identity
policies; cross-account access needs both sides; KMS keys are governed by their key policy)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.security.conftest import allow, client, deny, policy


def _denied(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    return {**info.value.response["Error"], "Status": info.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_user_without_policies_is_denied_with_aws_messages(root, user) -> None:
    url = root("sqs").create_queue(QueueName="orders")["QueueUrl"]
    root("dynamodb").create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
    root("s3").create_bucket(Bucket="data-bucket")
    root("s3").put_object(Bucket="data-bucket", Key="k", Body=b"v")
    alice = user("alice")
    err = _denied(lambda: alice("sqs").send_message(QueueUrl=url, MessageBody="x"))
    assert (err["Code"], err["Status"]) == ("AccessDenied", 403)
    assert err["Message"] == ("User: arn:aws:iam::000000000000:user/alice is not authorized to perform: "
                              "sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:orders because no "
                              "identity-based policy allows the sqs:SendMessage action")
    err = _denied(lambda: alice("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}}))
    assert (err["Code"], err["Status"]) == ("AccessDeniedException", 400)
    assert "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/t" in err["Message"]
    err = _denied(lambda: alice("s3").get_object(Bucket="data-bucket", Key="k"))
    assert (err["Code"], err["Message"], err["Status"]) == ("AccessDenied", "Access Denied", 403)
    err = _denied(lambda: alice("iam").list_users())
    assert (err["Code"], err["Status"]) == ("AccessDenied", 403)
    assert alice("sts").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/alice"
    assert root("sqs").receive_message(QueueUrl=url).get("Messages") is None  # nothing was sent


def test_allow_is_limited_to_its_actions_and_resources(root, user) -> None:
    sqs = root("sqs")
    mine = sqs.create_queue(QueueName="mine")["QueueUrl"]
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    bob = user("bob", policy(allow(["sqs:SendMessage", "sqs:ReceiveMessage"],
                                   "arn:aws:sqs:us-east-1:000000000000:mine")))
    bob("sqs").send_message(QueueUrl=mine, MessageBody="hi")
    assert bob("sqs").receive_message(QueueUrl=mine)["Messages"][0]["Body"] == "hi"
    _denied(lambda: bob("sqs").send_message(QueueUrl=other, MessageBody="x"))
    err = _denied(lambda: bob("sqs").delete_queue(QueueUrl=mine))
    assert "sqs:DeleteQueue" in err["Message"]
    assert sqs.get_queue_url(QueueName="mine")["QueueUrl"] == mine


def test_explicit_deny_wins_over_allow(root, user) -> None:
    root("s3").create_bucket(Bucket="keep-bucket")
    root("s3").put_object(Bucket="keep-bucket", Key="a", Body=b"1")
    carol = user("carol", policy(allow("*"), deny("s3:DeleteObject", "arn:aws:s3:::keep-bucket/*")))
    assert carol("s3").get_object(Bucket="keep-bucket", Key="a")["Body"].read() == b"1"
    _denied(lambda: carol("s3").delete_object(Bucket="keep-bucket", Key="a"))
    assert root("s3").head_object(Bucket="keep-bucket", Key="a")["ContentLength"] == 1
    url = root("sqs").create_queue(QueueName="q")["QueueUrl"]
    dave = user("dave", policy(allow("sqs:*"), deny("sqs:PurgeQueue")))
    err = _denied(lambda: dave("sqs").purge_queue(QueueUrl=url))
    assert err["Message"].endswith("with an explicit deny in an identity-based policy")


def test_permissions_boundary_limits_identity_policies(root, user) -> None:
    root("dynamodb").create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
    erin = user("erin", policy(allow("dynamodb:*")), boundary=policy(allow("dynamodb:GetItem")))
    assert "Item" not in erin("dynamodb").get_item(TableName="t", Key={"pk": {"S": "a"}})
    err = _denied(lambda: erin("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}}))
    assert err["Message"].endswith("because no permissions boundary allows the dynamodb:PutItem action")
    # the boundary alone grants nothing
    frank = user("frank", boundary=policy(allow("dynamodb:*")))
    _denied(lambda: frank("dynamodb").get_item(TableName="t", Key={"pk": {"S": "a"}}))


def test_session_policy_limits_a_role_session(secure, root) -> None:
    iam = root("iam")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                    "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)["Role"]
    iam.put_role_policy(RoleName="app", PolicyName="ssm", PolicyDocument=policy(allow("ssm:*")))
    root("ssm").put_parameter(Name="/app/db", Value="secret", Type="String")
    creds = root("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1",
                                    Policy=policy(allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/app/*")))
    c = creds["Credentials"]
    ssm = client(secure, "ssm", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert ssm.get_parameter(Name="/app/db")["Parameter"]["Value"] == "secret"
    err = _denied(lambda: ssm.put_parameter(Name="/app/db", Value="x", Type="String", Overwrite=True))
    assert err["Message"] == ("User: arn:aws:sts::000000000000:assumed-role/app/s1 is not authorized to perform: "
                              "ssm:PutParameter on resource: arn:aws:ssm:us-east-1:000000000000:parameter/app/db "
                              "because no session policy allows the ssm:PutParameter action")
    # without a session policy the role's own policy decides
    full = root("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s2")["Credentials"]
    client(secure, "ssm", full["AccessKeyId"], full["SecretAccessKey"], full["SessionToken"]).put_parameter(
        Name="/app/db", Value="y", Type="String", Overwrite=True)
    # and the session cannot reach what the role may not
    _denied(lambda: client(secure, "sqs", full["AccessKeyId"], full["SecretAccessKey"],
                           full["SessionToken"]).list_queues())


def test_cross_account_bucket_access_needs_the_bucket_policy(root, user) -> None:
    owner = root("s3", account="222222222222")
    owner.create_bucket(Bucket="shared-bucket")
    owner.put_object(Bucket="shared-bucket", Key="report.csv", Body=b"a,b")
    other = root("s3", account="111111111111")
    _denied(lambda: other.get_object(Bucket="shared-bucket", Key="report.csv"))
    owner.put_bucket_policy(Bucket="shared-bucket", Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::shared-bucket/*"}))
    assert other.get_object(Bucket="shared-bucket", Key="report.csv")["Body"].read() == b"a,b"
    _denied(lambda: other.put_object(Bucket="shared-bucket", Key="x", Body=b"1"))
    # a user of the trusted account needs its own identity policy as well
    grace = user("grace", account="111111111111")
    _denied(lambda: grace("s3").get_object(Bucket="shared-bucket", Key="report.csv"))
    heidi = user("heidi", policy(allow("s3:GetObject")), account="111111111111")
    assert heidi("s3").get_object(Bucket="shared-bucket", Key="report.csv")["Body"].read() == b"a,b"
    # an explicit deny in the bucket policy beats everything, even the owner's root
    owner.put_bucket_policy(Bucket="shared-bucket", Policy=policy(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}))
    _denied(lambda: owner.get_object(Bucket="shared-bucket", Key="report.csv"))


def test_kms_key_usable_only_through_its_key_policy(root, user) -> None:
    ivan = user("ivan")
    judy = user("judy", policy(allow("kms:*")))
    kms = root("kms")
    key = kms.create_key(BypassPolicyLockoutSafetyCheck=True, Policy=policy(
        {"Sid": "Ivan", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/ivan"},
         "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}))["KeyMetadata"]["KeyId"]
    blob = ivan("kms").encrypt(KeyId=key, Plaintext=b"p")["CiphertextBlob"]
    assert ivan("kms").decrypt(CiphertextBlob=blob, KeyId=key)["Plaintext"] == b"p"
    err = _denied(lambda: judy("kms").encrypt(KeyId=key, Plaintext=b"p"))
    assert (err["Code"], err["Status"]) == ("AccessDeniedException", 400)
    # a key whose policy delegates to the account: identity policies decide
    default = kms.create_key()["KeyMetadata"]["KeyId"]
    judy("kms").encrypt(KeyId=default, Plaintext=b"p")
    _denied(lambda: ivan("kms").encrypt(KeyId=default, Plaintext=b"p"))
    # a grant gives its grantee the operations it names
    kms.create_grant(KeyId=default, GranteePrincipal="arn:aws:iam::000000000000:user/ivan", Operations=["Encrypt"])
    ivan("kms").encrypt(KeyId=default, Plaintext=b"p")


def test_encryption_context_condition(root, user) -> None:
    key = root("kms").create_key()["KeyMetadata"]["KeyId"]
    mallory = user("mallory", policy(allow("kms:Encrypt", Condition={
        "StringEquals": {"kms:EncryptionContext:team": "blue"}})))
    mallory("kms").encrypt(KeyId=key, Plaintext=b"p", EncryptionContext={"team": "blue"})
    _denied(lambda: mallory("kms").encrypt(KeyId=key, Plaintext=b"p", EncryptionContext={"team": "red"}))
    _denied(lambda: mallory("kms").encrypt(KeyId=key, Plaintext=b"p"))


def test_s3_prefix_condition_on_listing(root, user) -> None:
    root("s3").create_bucket(Bucket="home-bucket")
    oscar = user("oscar", policy(allow("s3:ListBucket", "arn:aws:s3:::home-bucket",
                                       Condition={"StringLike": {"s3:prefix": "oscar/*"}})))
    assert oscar("s3").list_objects_v2(Bucket="home-bucket", Prefix="oscar/")["KeyCount"] == 0
    _denied(lambda: oscar("s3").list_objects_v2(Bucket="home-bucket", Prefix="trent/"))
    _denied(lambda: oscar("s3").list_objects_v2(Bucket="home-bucket"))


def test_queue_policy_grants_another_account(root) -> None:
    sqs = root("sqs", account="222222222222")
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    stranger = root("sqs", account="333333333333")
    _denied(lambda: stranger.send_message(QueueUrl=url, MessageBody="x"))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(
        {"Effect": "Allow", "Principal": {"AWS": "333333333333"}, "Action": "sqs:SendMessage",
         "Resource": "arn:aws:sqs:us-east-1:222222222222:inbox"})})
    stranger.send_message(QueueUrl=url, MessageBody="x")
    _denied(lambda: stranger.receive_message(QueueUrl=url))


def test_anonymous_s3_reads_only_what_a_public_policy_allows(secure, root) -> None:
    import urllib.error
    import urllib.request

    s3 = root("s3")
    s3.create_bucket(Bucket="site-bucket")
    s3.put_object(Bucket="site-bucket", Key="index.html", Body=b"<h1>")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{secure.endpoint}/site-bucket/index.html")
    assert info.value.code == 403
    s3.put_bucket_policy(Bucket="site-bucket", Policy=policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site-bucket/*"}))
    assert urllib.request.urlopen(f"{secure.endpoint}/site-bucket/index.html").read() == b"<h1>"
