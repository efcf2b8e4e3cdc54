"""Event notifications: S3 event records sent to SQS queues and Lambda functions, as the bucket's
NotificationConfiguration says (SNS topics once fogbank has SNS).

Destinations are reached through ``ctx.call`` in the destination's account and region (taken
from its ARN). A failed delivery never fails the write that caused it, as with S3. Lambda's
Invoke is asynchronous in fogbank, so its call is scheduled on the running event loop; the
``Notifier`` keeps those tasks referenced until they finish.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.s3.buckets import Bucket, canonical_id
from fogbank.services.s3.errors import InvalidArgument

log = logging.getLogger("fogbank.s3")

_KINDS = (("QueueConfigurations", "QueueArn"), ("LambdaFunctionConfigurations", "LambdaFunctionArn"),
          ("TopicConfigurations", "TopicArn"))


def _event_matches(patterns: list[str], event: str) -> bool:
    name = f"s3:{event}"
    for pattern in patterns:
        if pattern == name or (pattern.endswith(":*") and name.startswith(pattern[:-1])):
            return True
    return False


def _filter_matches(config: dict[str, Any], key: str) -> bool:
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name = (rule.get("Name") or "").lower()
        value = rule.get("Value") or ""
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(region, account, resource name) of an ARN."""
    parts = arn.split(":")
    if len(parts) < 6:
        return "", "", arn
    return parts[3], parts[4], parts[-1] if parts[2] != "lambda" else ":".join(parts[6:7])


def event_record(ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str, config_id: str) -> dict[str, Any]:
    """One S3 event record, shaped as S3 sends it."""
    obj: dict[str, Any] = {"key": quote_plus(record["key"], safe="/"), "sequencer": f"{record.get('seq', 0):016X}"}
    if not record.get("dm") and event.startswith("ObjectCreated"):
        obj["size"] = record.get("size", 0)
        obj["eTag"] = (record.get("etag") or "").strip('"')
    if bucket.versioning is not None and record.get("vid"):
        obj["versionId"] = record["vid"]
    principal = ctx.principal.user_id if ctx.principal is not None else ctx.account
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": bucket.region,
        "eventTime": datetime.fromtimestamp(ctx.clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventName": event,
        "userIdentity": {"principalId": principal},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": ctx.request_id.replace("-", "")[:16].upper(), "x-amz-id-2": ctx.request_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": config_id,
            "bucket": {"name": bucket.name, "ownerIdentity": {"principalId": canonical_id(bucket.account)},
                       "arn": f"arn:aws:s3:::{bucket.name}"},
            "object": obj,
        },
    }


def _queue_url(ctx: Ctx, arn: str) -> str:
    region, account, name = _arn_parts(arn)
    out = ctx.derive(region=region or ctx.region).call("sqs", "GetQueueUrl", {"QueueName": name, "QueueOwnerAWSAccountId": account})
    return out["QueueUrl"]


def validate(ctx: Ctx, bucket: Bucket, config: dict[str, Any]) -> None:
    """PutBucketNotificationConfiguration checks every queue exists and sends it ``s3:TestEvent``."""
    failed: list[str] = []
    for item in config.get("QueueConfigurations") or []:
        try:
            url = _queue_url(ctx, item["QueueArn"])
        except ServiceError:
            failed.append(item["QueueArn"])
            continue
        test = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": datetime.fromtimestamp(ctx.clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "Bucket": bucket.name, "RequestId": ctx.request_id, "HostId": ctx.request_id}
        region = _arn_parts(item["QueueArn"])[0] or ctx.region
        ctx.derive(region=region).call("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": json.dumps(test)})
    if failed:
        raise InvalidArgument("Unable to validate the following destination configurations",
                              ArgumentName=failed[0], ArgumentValue="Permissions on the destination queue do not allow S3 to publish notifications from this bucket")


class Notifier:
    """Sends a bucket's event notifications and keeps asynchronous deliveries referenced."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def notify(self, ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str) -> None:
        """Deliver ``event`` for ``record`` to every matching destination (errors are logged)."""
        config = bucket.cfg("notification")
        if not config:
            return
        for kind, arn_member in _KINDS:
            for item in config.get(kind) or []:
                if not _event_matches(item.get("Events") or [], event) or not _filter_matches(item, record["key"]):
                    continue
                body = json.dumps({"Records": [event_record(ctx, bucket, record, event, item.get("Id") or "")]})
                try:
                    self._deliver(ctx, kind, item[arn_member], body)
                except ServiceError as err:
                    log.warning("S3 notification to %s failed: %s", item[arn_member], err)

    def _deliver(self, ctx: Ctx, kind: str, arn: str, body: str) -> None:
        region = _arn_parts(arn)[0] or ctx.region
        target = ctx.derive(region=region)
        if kind == "QueueConfigurations":
            target.call("sqs", "SendMessage", {"QueueUrl": _queue_url(ctx, arn), "MessageBody": body})
        elif kind == "LambdaFunctionConfigurations":
            self._schedule(target.call("lambda", "Invoke", {"FunctionName": arn, "InvocationType": "Event", "Payload": body.encode()}))
        else:
            self._schedule(target.call("sns", "Publish", {"TopicArn": arn, "Message": body, "Subject": "Amazon S3 Notification"}))

    def _schedule(self, result: Any) -> None:
        if not inspect.isawaitable(result):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            close = getattr(result, "close", None)
            if callable(close):
                close()  # no loop in this thread (a worker): the delivery is dropped
            return
        task = loop.create_task(result)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
