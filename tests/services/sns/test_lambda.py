"""Lambda subscribers: the function is invoked asynchronously with SNS's event record."""

from __future__ import annotations

import json
from typing import Any

from tests.services.lambda_.helpers import create
from tests.services.lambda_.test_async_and_sqs import drain
from tests.services.sns.helpers import error_of

RECORDER = """
import json, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
"""


def test_lambda_subscriber_gets_the_sns_event(aws: Any, sns: Any, sqs: Any) -> None:
    lam = aws("lambda", read_timeout=60)
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    function = create(lam, "on-sns", {"app.py": RECORDER})["FunctionArn"]
    topic = sns.create_topic(Name="to-lambda")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"go": [{"exists": True}]}))
    sns.publish(TopicArn=topic, Message="filtered out")
    answer = sns.publish(TopicArn=topic, Message="hello lambda",
                         MessageAttributes={"go": {"DataType": "String", "StringValue": "yes"}})
    [message] = drain(sqs, seen, 1)
    event = json.loads(message["Body"])
    [record] = event["Records"]
    assert (record["EventSource"], record["EventVersion"], record["EventSubscriptionArn"]) == (
        "aws:sns", "1.0", sub)
    sns_part = record["Sns"]
    assert sns_part["Type"] == "Notification"
    assert sns_part["MessageId"] == answer["MessageId"]
    assert (sns_part["TopicArn"], sns_part["Message"], sns_part["Subject"]) == (topic, "hello lambda", None)
    assert sns_part["MessageAttributes"] == {"go": {"Type": "String", "Value": "yes"}}
    assert "SigningCertUrl" in sns_part and sub in sns_part["UnsubscribeUrl"]
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="RawMessageDelivery",
                    AttributeValue="true")[0] == "InvalidParameter"
