"""Queue lifecycle through boto3: create, URLs, listing, attributes, tags, purge, permissions."""

from __future__ import annotations

import json
from typing import Any

from .helpers import counts, error_of


def test_create_is_idempotent_and_conflicts_on_other_attributes(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert url == f"{fogbank.endpoint}/000000000000/orders"
    assert sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    assert sqs.create_queue(QueueName="orders")["QueueUrl"] == url
    code, status, message = error_of(sqs.create_queue, QueueName="orders", Attributes={"VisibilityTimeout": "46"})
    assert (code, status) == ("QueueAlreadyExists", 400)
    assert "VisibilityTimeout" in message
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"] == {"VisibilityTimeout": "45"}


def test_queue_names_and_fifo_suffix(sqs: Any) -> None:
    for bad in ("has space", "x" * 81, "semi;colon"):
        assert error_of(sqs.create_queue, QueueName=bad)[:2] == ("InvalidParameterValue", 400)
    assert error_of(sqs.create_queue, QueueName="plain", Attributes={"FifoQueue": "true"})[0] == "InvalidParameterValue"
    assert error_of(sqs.create_queue, QueueName="named.fifo")[0] == "InvalidParameterValue"
    assert sqs.list_queues().get("QueueUrls") is None
    url = sqs.create_queue(QueueName="ok-1_2.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"


def test_attribute_validation(sqs: Any) -> None:
    cases = [
        {"DelaySeconds": "901"}, {"MaximumMessageSize": "1023"}, {"MaximumMessageSize": "1048577"},
        {"MessageRetentionPeriod": "59"}, {"ReceiveMessageWaitTimeSeconds": "21"}, {"VisibilityTimeout": "43201"},
        {"VisibilityTimeout": "soon"},
    ]
    for attrs in cases:
        assert error_of(sqs.create_queue, QueueName="q", Attributes=attrs)[:2] == ("InvalidAttributeValue", 400), attrs
    assert error_of(sqs.create_queue, QueueName="q", Attributes={"ContentBasedDeduplication": "true"})[0] == "InvalidAttributeName"
    url = sqs.create_queue(QueueName="q", Attributes={"MaximumMessageSize": "1048576", "MessageRetentionPeriod": "1209600"})["QueueUrl"]
    assert error_of(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["FifoQueue"])[0] == "InvalidAttributeName"


def test_unknown_attribute_name(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"Bogus": "1"})[:2] == ("InvalidAttributeName", 400)


def test_all_attributes_and_timestamps(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="attrs")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:attrs"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert "Policy" not in attrs and "FifoQueue" not in attrs
    created = int(attrs["CreatedTimestamp"])
    fogbank.advance(100)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5", "KmsMasterKeyId": "alias/aws/sqs"})
    after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(after["LastModifiedTimestamp"]) >= created + 100
    assert after["CreatedTimestamp"] == attrs["CreatedTimestamp"]
    assert after["DelaySeconds"] == "5"
    assert after["KmsMasterKeyId"] == "alias/aws/sqs"
    assert after["KmsDataKeyReusePeriodSeconds"] == "300"
    assert after["SqsManagedSseEnabled"] == "false"


def test_get_queue_url_list_and_delete(sqs: Any, fogbank: Any) -> None:
    for name in ("alpha-1", "alpha-2", "alpha-3", "beta"):
        sqs.create_queue(QueueName=name)
    assert sqs.get_queue_url(QueueName="beta")["QueueUrl"].endswith("/000000000000/beta")
    code, status, message = error_of(sqs.get_queue_url, QueueName="gamma")
    assert (code, status) == ("AWS.SimpleQueueService.NonExistentQueue", 400)
    assert message == "The specified queue does not exist."
    urls = sqs.list_queues(QueueNamePrefix="alpha")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in urls] == ["alpha-1", "alpha-2", "alpha-3"]
    page = sqs.list_queues(MaxResults=2)
    assert len(page["QueueUrls"]) == 2
    rest = sqs.list_queues(MaxResults=2, NextToken=page["NextToken"])
    assert len(rest["QueueUrls"]) == 2 and "NextToken" not in rest
    assert set(page["QueueUrls"]) | set(rest["QueueUrls"]) == set(sqs.list_queues()["QueueUrls"])
    url = sqs.get_queue_url(QueueName="beta")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error_of(sqs.create_queue, QueueName="beta")[:2] == ("AWS.SimpleQueueService.QueueDeletedRecently", 400)
    fogbank.advance(61)
    assert sqs.create_queue(QueueName="beta")["QueueUrl"] == url


def test_accounts_and_regions_are_isolated(aws: Any) -> None:
    mine = aws("sqs", account="111111111111")
    other = aws("sqs", account="222222222222")
    elsewhere = aws("sqs", region="eu-west-1", account="111111111111")
    url = mine.create_queue(QueueName="shared")["QueueUrl"]
    assert "/111111111111/shared" in url
    assert error_of(other.get_queue_url, QueueName="shared")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error_of(elsewhere.get_queue_url, QueueName="shared")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    assert other.list_queues().get("QueueUrls") is None
    assert elsewhere.list_queues().get("QueueUrls") is None
    assert error_of(elsewhere.send_message, QueueUrl=url, MessageBody="x")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    # another account reaches it by naming the owner
    assert other.get_queue_url(QueueName="shared", QueueOwnerAWSAccountId="111111111111")["QueueUrl"] == url
    other.create_queue(QueueName="shared")
    assert len(mine.list_queues()["QueueUrls"]) == 1


def test_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev", "team": "b"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}
    too_many = {f"k{i}": "v" for i in range(50)}
    assert error_of(sqs.tag_queue, QueueUrl=url, Tags=too_many)[0] == "InvalidParameterValue"
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}


def test_purge_and_purge_in_progress(sqs: Any, fogbank: Any) -> None:
    url = sqs.create_queue(QueueName="purged")["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=url)
    assert counts(sqs, url) == (0, 0, 0)
    code, status, _ = error_of(sqs.purge_queue, QueueUrl=url)
    assert (code, status) == ("AWS.SimpleQueueService.PurgeQueueInProgress", 403)
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    assert counts(sqs, url) == (1, 0, 0)
    fogbank.advance(60)
    sqs.purge_queue(QueueUrl=url)
    assert counts(sqs, url) == (0, 0, 0)


def test_add_and_remove_permission(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="shared-perm")["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["123456789012"], Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=url, Label="all", AWSAccountIds=["123456789012", "210987654321"], Actions=["*"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["send", "all"]
    assert policy["Statement"][0]["Action"] == "SQS:SendMessage"
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert policy["Statement"][0]["Resource"] == "arn:aws:sqs:us-east-1:000000000000:shared-perm"
    assert error_of(sqs.add_permission, QueueUrl=url, Label="send", AWSAccountIds=["1"], Actions=["SendMessage"])[0] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="send")
    sqs.remove_permission(QueueUrl=url, Label="all")
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert error_of(sqs.remove_permission, QueueUrl=url, Label="gone")[0] == "InvalidParameterValue"


def test_bad_queue_urls(sqs: Any) -> None:
    assert error_of(sqs.send_message, QueueUrl="http://localhost/000000000000/none", MessageBody="x")[:2] == (
        "AWS.SimpleQueueService.NonExistentQueue", 400)
    assert error_of(sqs.get_queue_attributes, QueueUrl="http://localhost/", AttributeNames=["All"])[:2] == ("InvalidAddress", 404)
