"""DynamoDB Streams event source mappings: batches on the clock, starting positions, record shape,
bisecting failed batches and the on-failure destination."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.services.lambda_.helpers import create, error_of
from tests.services.lambda_.test_async_and_sqs import drain, wait_for

# sends each batch it accepts to the queue named by OUT; fails a batch holding a "bad" item
STREAM_RECORDER = """
import json, os, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    if any("bad" in (r["dynamodb"].get("NewImage") or {}) for r in event["Records"]):
        raise RuntimeError("bad item in batch")
    url = sqs.get_queue_url(QueueName=os.environ["OUT"])["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    return {}
"""


def _table(aws: Any, name: str) -> tuple[Any, str]:
    ddb = aws("dynamodb")
    made = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return ddb, made["TableDescription"]["LatestStreamArn"]


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_stream_batches_wait_for_the_window_and_carry_aws_records(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    seen, _ = _queue(sqs, "seen")
    latest_seen, _ = _queue(sqs, "latest-seen")
    ddb, stream = _table(aws, "orders")
    ddb.put_item(TableName="orders", Item={"pk": {"S": "before"}, "n": {"N": "0"}})
    create(lam, "all", {"app.py": STREAM_RECORDER}, Environment={"Variables": {"OUT": "seen"}})
    create(lam, "new", {"app.py": STREAM_RECORDER}, Environment={"Variables": {"OUT": "latest-seen"}})
    mapping = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName="all", StartingPosition="TRIM_HORIZON",
                                              BatchSize=10, MaximumBatchingWindowInSeconds=30)
    assert mapping["State"] == "Creating" and mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["MaximumRetryAttempts"] == -1 and mapping["BisectBatchOnFunctionError"] is False
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName="new", StartingPosition="LATEST",
                                    MaximumBatchingWindowInSeconds=30)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1"}, "blob": {"B": b"\x00\x01"}})
    ddb.update_item(TableName="orders", Key={"pk": {"S": "a"}}, UpdateExpression="SET n = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "before"}})
    time.sleep(0.6)  # a negative check: the pollers have read the records, the window holds them
    assert sqs.receive_message(QueueUrl=seen, WaitTimeSeconds=0).get("Messages") is None
    fogbank.advance(31)
    [batch] = drain(sqs, seen, 1)
    records = json.loads(batch["Body"])["Records"]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "before"), ("INSERT", "a"), ("MODIFY", "a"), ("REMOVE", "before")]
    insert = records[1]
    assert insert["eventVersion"] == "1.1" and insert["eventSource"] == "aws:dynamodb"
    assert insert["awsRegion"] == "us-east-1" and insert["eventSourceARN"] == stream
    body = insert["dynamodb"]
    assert body["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "1"}, "blob": {"B": "AAE="}}
    assert body["StreamViewType"] == "NEW_AND_OLD_IMAGES" and body["SizeBytes"] > 0
    assert isinstance(body["ApproximateCreationDateTime"], float | int) and body["SequenceNumber"].isdigit()
    assert records[2]["dynamodb"]["OldImage"]["n"] == {"N": "1"} and records[2]["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    assert "NewImage" not in records[3]["dynamodb"] and records[3]["dynamodb"]["OldImage"]["pk"] == {"S": "before"}
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len({r["eventID"] for r in records}) == 4
    # LATEST started after the first item: it sees only what came later
    [later] = drain(sqs, latest_seen, 1)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in json.loads(later["Body"])["Records"]] == ["a", "a", "before"]
    # a full batch goes at once, without waiting for the window
    lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=2)
    for key in ("x", "y"):
        ddb.put_item(TableName="orders", Item={"pk": {"S": key}})
    [full] = drain(sqs, seen, 1)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in json.loads(full["Body"])["Records"]] == ["x", "y"]


def test_stream_failures_bisect_and_go_to_the_failure_destination(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    seen, _ = _queue(sqs, "seen")
    failures, failures_arn = _queue(sqs, "stream-failures")
    ddb, stream = _table(aws, "events")
    create(lam, "picky", {"app.py": STREAM_RECORDER}, Environment={"Variables": {"OUT": "seen"}})
    lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="picky", StartingPosition="LATEST", BatchSize=4,
        MaximumBatchingWindowInSeconds=60, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    for key in ("k1", "k2", "k3"):
        ddb.put_item(TableName="events", Item={"pk": {"S": key}})
    ddb.put_item(TableName="events", Item={"pk": {"S": "k4"}, "bad": {"BOOL": True}})
    # four records make a full batch; it fails, is split, and only the poisoned record is skipped
    delivered = [json.loads(m["Body"])["Records"] for m in drain(sqs, seen, 2)]
    assert sorted(r["dynamodb"]["Keys"]["pk"]["S"] for batch in delivered for r in batch) == ["k1", "k2", "k3"]
    [failure] = drain(sqs, failures, 1)
    doc = json.loads(failure["Body"])
    assert doc["version"] == "1.0"
    assert doc["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert doc["requestContext"]["functionArn"].endswith(":function:picky")
    assert doc["requestContext"]["approximateInvokeCount"] == 3
    assert doc["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    info = doc["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1 and info["streamArn"] == stream and info["shardId"].startswith("shardId-")
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    # the shard moves on past the skipped record
    ddb.put_item(TableName="events", Item={"pk": {"S": "k5"}})
    fogbank.advance(61)
    [after] = drain(sqs, seen, 1)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in json.loads(after["Body"])["Records"]] == ["k5"]


def test_stream_records_past_their_maximum_age_are_skipped(lam: Any, aws: Any, fogbank: Any) -> None:
    sqs = aws("sqs")
    failures, failures_arn = _queue(sqs, "old-failures")
    ddb, stream = _table(aws, "aging")
    create(lam, "always-fails", {"app.py": "def handler(event, context):\n    raise ValueError('no')\n"})
    lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="always-fails", StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60, DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    ddb.put_item(TableName="aging", Item={"pk": {"S": "old"}})

    def arrived() -> Any:
        fogbank.advance(20)  # moves the retry backoff and the record's age along
        return sqs.receive_message(QueueUrl=failures, WaitTimeSeconds=0).get("Messages")

    [failure] = wait_for(arrived)
    doc = json.loads(failure["Body"])
    assert doc["requestContext"]["condition"] == "RecordAgeExceeded"
    assert doc["requestContext"]["approximateInvokeCount"] >= 1
    assert doc["DDBStreamBatchInfo"]["batchSize"] == 1


def test_stream_mapping_errors(lam: Any, aws: Any) -> None:
    ddb, stream = _table(aws, "t")
    create(lam, "f", {"app.py": STREAM_RECORDER})
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=stream, FunctionName="f")
    assert (code, status) == ("InvalidParameterValueException", 400)
    missing = stream.replace(":table/t/", ":table/nope/")
    code, status, message = error_of(lam.create_event_source_mapping, EventSourceArn=missing, FunctionName="f",
                                     StartingPosition="LATEST")
    assert (code, status, message) == ("InvalidParameterValueException", 400, f"Stream not found: {missing}")
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=stream, FunctionName="f",
                               StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=0)
    assert (code, status) == ("InvalidParameterValueException", 400)
    code, status, _ = error_of(lam.create_event_source_mapping, EventSourceArn=stream, FunctionName="f",
                               StartingPosition="LATEST", BatchSize=10001)
    assert status == 400
    assert lam.list_event_source_mappings(FunctionName="f")["EventSourceMappings"] == []
    del ddb
