"""Topics: create (idempotent), attributes, listing with pages, delete, tags and their errors."""

from __future__ import annotations

import json
from typing import Any

from tests.services.sns.helpers import error_of


def test_create_topic_is_idempotent_and_reports_attributes(sns: Any) -> None:
    arn = sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:000000000000:orders"
    assert sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})["TopicArn"] == arn
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Orders"
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == "000000000000"
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"],
            attributes["SubscriptionsDeleted"]) == ("0", "0", "0")
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Resource"] == arn
    assert "FifoTopic" not in attributes
    code, status, message = error_of(sns.create_topic, Name="orders", Attributes={"DisplayName": "Other"})
    assert (code, status) == ("InvalidParameter", 400)
    assert message == "Invalid parameter: Attributes Reason: Topic already exists with different attributes"


def test_set_topic_attributes_and_delivery_policy(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shown")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    delivery = json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 5}}})
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=delivery)
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Shown"
    assert attributes["KmsMasterKeyId"] == "alias/aws/sns"
    assert json.loads(attributes["DeliveryPolicy"]) == json.loads(delivery)
    code, status, _ = error_of(sns.set_topic_attributes, TopicArn=arn, AttributeName="Nope", AttributeValue="x")
    assert (code, status) == ("InvalidParameter", 400)
    code, _, _ = error_of(sns.set_topic_attributes, TopicArn=arn, AttributeName="ContentBasedDeduplication",
                          AttributeValue="true")
    assert code == "InvalidParameter"
    code, _, _ = error_of(sns.set_topic_attributes, TopicArn=arn, AttributeName="Policy", AttributeValue="{nope")
    assert code == "InvalidParameter"
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Shown"


def test_fifo_topic_attributes_and_name_rules(sns: Any) -> None:
    arn = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})[
        "TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    code, _, message = error_of(sns.create_topic, Name="plain", Attributes={"FifoTopic": "true"})
    assert code == "InvalidParameter" and "Fifo Topic names must end with .fifo" in message
    code, _, message = error_of(sns.create_topic, Name="x.fifo")
    assert (code, message) == ("InvalidParameter", "Invalid parameter: Topic Name")
    code, _, _ = error_of(sns.create_topic, Name="bad name")
    assert code == "InvalidParameter"


def test_unknown_topic_answers_not_found(sns: Any) -> None:
    arn = "arn:aws:sns:us-east-1:000000000000:missing"
    code, status, message = error_of(sns.get_topic_attributes, TopicArn=arn)
    assert (code, status, message) == ("NotFound", 404, "Topic does not exist")
    code, status, message = error_of(sns.get_topic_attributes, TopicArn="not-an-arn")
    assert (code, status, message) == ("InvalidParameter", 400, "Invalid parameter: TopicArn")
    code, _, _ = error_of(sns.publish, TopicArn=arn, Message="hi")
    assert code == "NotFound"


def test_list_topics_pages_and_delete(sns: Any) -> None:
    arns = {sns.create_topic(Name=f"topic-{i:03d}")["TopicArn"] for i in range(105)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and "NextToken" in first
    second = sns.list_topics(NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {t["TopicArn"] for t in first["Topics"] + second["Topics"]} == arns
    gone = "arn:aws:sns:us-east-1:000000000000:topic-000"
    sns.delete_topic(TopicArn=gone)
    sns.delete_topic(TopicArn=gone)  # deleting again is no error
    assert gone not in {t["TopicArn"] for t in sns.get_paginator("list_topics").paginate().build_full_result()["Topics"]}
    assert error_of(sns.get_topic_attributes, TopicArn=gone)[0] == "NotFound"


def test_tags(sns: Any) -> None:
    arn = sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}]
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    code, status, _ = error_of(sns.tag_resource, ResourceArn=arn,
                               Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert (code, status) == ("TagLimitExceeded", 400)
    assert len(sns.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 1
    code, status, _ = error_of(sns.list_tags_for_resource, ResourceArn=arn + "x")
    assert (code, status) == ("ResourceNotFound", 404)
    code, _, message = error_of(sns.create_topic, Name="tagged", Tags=[{"Key": "team", "Value": "b"}])
    assert message == "Invalid parameter: Tags Reason: Topic already exists with different tags"


def test_add_and_remove_permission(sns: Any) -> None:
    arn = sns.create_topic(Name="shared")["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="let-other", AWSAccountId=["222222222222"], ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    [added] = [s for s in statements if s["Sid"] == "let-other"]
    assert added["Principal"] == {"AWS": "arn:aws:iam::222222222222:root"}
    assert added["Action"] == ["SNS:Publish"]
    assert error_of(sns.add_permission, TopicArn=arn, Label="let-other", AWSAccountId=["222222222222"],
                    ActionName=["Publish"])[:2] == ("InvalidParameter", 400)
    sns.remove_permission(TopicArn=arn, Label="let-other")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]


def test_unimplemented_operations_say_so(sns: Any) -> None:
    code, status, message = error_of(sns.list_platform_applications)
    assert (code, status) == ("NotImplemented", 501)
    assert "ListPlatformApplications" in message
