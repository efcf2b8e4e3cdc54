"""Event notifications to SQS: the test event, created/removed events, filters, bad destinations."""

from __future__ import annotations

import json
from typing import Any

from tests.services.s3.helpers import assert_error


def _queue(aws: Any, name: str = "s3-events") -> tuple[Any, str, str]:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            return out
        for message in got:
            out.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_events_reach_the_queue(aws: Any, s3: Any, bucket: str) -> None:
    sqs, url, arn = _queue(aws)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "created", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".csv"}]}}},
        {"Id": "removed", "QueueArn": arn, "Events": ["s3:ObjectRemoved:Delete"]},
    ]})
    test_event = _drain(sqs, url)
    assert test_event[0]["Event"] == "s3:TestEvent" and test_event[0]["Bucket"] == bucket
    etag = s3.put_object(Bucket=bucket, Key="in/data file.csv", Body=b"a,b")["ETag"]
    s3.put_object(Bucket=bucket, Key="in/skip.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="out/skip.csv", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="in/copy.csv", CopySource=f"{bucket}/in/skip.txt")
    s3.delete_object(Bucket=bucket, Key="in/skip.txt")
    records = [r for body in _drain(sqs, url) for r in body["Records"]]
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectCreated:Put", "in/data+file.csv"), ("ObjectCreated:Copy", "in/copy.csv"), ("ObjectRemoved:Delete", "in/skip.txt")]
    first = records[0]
    assert first["eventSource"] == "aws:s3"
    assert first["awsRegion"] == "us-east-1"
    assert first["s3"]["bucket"]["name"] == bucket
    assert first["s3"]["object"]["eTag"] == etag.strip('"')
    assert first["s3"]["object"]["size"] == 3
    assert first["s3"]["configurationId"] == "created"
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert [c["Id"] for c in got["QueueConfigurations"]] == ["created", "removed"]


def test_multipart_and_delete_marker_events(aws: Any, s3: Any, bucket: str) -> None:
    sqs, url, arn = _queue(aws)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*"]}]})
    _drain(sqs, url)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    s3.delete_object(Bucket=bucket, Key="mp")
    records = [r for body in _drain(sqs, url) for r in body["Records"]]
    assert [r["eventName"] for r in records] == ["ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:DeleteMarkerCreated"]
    assert records[0]["s3"]["object"]["versionId"]


def test_missing_queue_is_refused(s3: Any, bucket: str) -> None:
    config = {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:nope", "Events": ["s3:ObjectCreated:*"]}]}
    err = assert_error(s3.put_bucket_notification_configuration, "InvalidArgument", 400, Bucket=bucket, NotificationConfiguration=config)
    assert "Unable to validate" in err["Message"]
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
