"""Where the outcome of an asynchronous invocation goes: destinations and dead-letter queues.

Destination records use AWS's format (``version``, ``requestContext`` with ``condition`` and
``approximateInvokeCount``, ``requestPayload``, ``responseContext``, ``responsePayload``). A
dead-letter queue gets the event itself with the ``RequestID``, ``ErrorCode`` and
``ErrorMessage`` message attributes. SQS and Lambda targets work now; SNS and EventBridge go
through ``ctx.call`` and are skipped while fogbank lacks those services.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError


async def _call(ctx: Ctx, service: str, operation: str, params: dict[str, Any]) -> Any:
    result = ctx.call(service, operation, params)
    if inspect.isawaitable(result):
        result = await result
    return result


async def queue_url(ctx: Ctx, arn: str) -> str:
    """The URL of the SQS queue named by ``arn``."""
    parts = arn.split(":")
    owner = ctx.derive(region=parts[3])
    answer = await _call(owner, "sqs", "GetQueueUrl", {"QueueName": parts[5], "QueueOwnerAWSAccountId": parts[4]})
    return answer["QueueUrl"]


def record(ctx: Ctx, request_id: str, function_arn: str, condition: str, attempts: int, payload: bytes,
           ok: bool, response: bytes, version: str) -> dict[str, Any]:
    """A destination record in AWS's format."""
    moment = ctx.clock.utcnow()
    doc: dict[str, Any] = {
        "version": "1.0",
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "requestContext": {"requestId": request_id, "functionArn": function_arn, "condition": condition,
                           "approximateInvokeCount": attempts},
        "requestPayload": _json(payload),
        "responseContext": {"statusCode": 200, "executedVersion": version},
    }
    if not ok:
        doc["responseContext"]["functionError"] = "Unhandled"
    if response:
        doc["responsePayload"] = _json(response)
    return doc


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


async def send(ctx: Ctx, target: str, doc: dict[str, Any], invoke_async: Callable[[Ctx, str, bytes], Any]) -> None:
    """Deliver a destination record to an SQS queue, a function, an SNS topic or an event bus."""
    body = json.dumps(doc)
    service = target.split(":")[2] if target.count(":") >= 5 else ""
    try:
        if service == "sqs":
            url = await queue_url(ctx, target)
            await _call(ctx.derive(region=target.split(":")[3]), "sqs", "SendMessage", {"QueueUrl": url, "MessageBody": body})
        elif service == "lambda":
            await invoke_async(ctx, target, body.encode())
        elif service == "sns":
            await _call(ctx, "sns", "Publish", {"TopicArn": target, "Message": body})
        elif service == "events":
            bus = target.split(":")[5].removeprefix("event-bus/")
            condition = doc["requestContext"]["condition"]
            detail_type = "Lambda Function Invocation Result - " + ("Success" if condition == "Success" else "Failure")
            await _call(ctx, "events", "PutEvents", {"Entries": [{"Source": "lambda", "DetailType": detail_type, "Detail": body, "EventBusName": bus}]})
    except ServiceError:
        pass  # AWS drops a record its destination refuses (and reports it in metrics only)


async def dead_letter(ctx: Ctx, target: str, payload: bytes, request_id: str, error_code: int, error_message: str) -> bool:
    """Send a failed event to the function's dead-letter queue (SQS) or topic (SNS); False when
    the target refused it."""
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": str(error_code)},
        "ErrorMessage": {"DataType": "String", "StringValue": error_message[:1024] or "Unhandled"},
    }
    try:
        if target.split(":")[2] == "sqs":
            url = await queue_url(ctx, target)
            await _call(ctx.derive(region=target.split(":")[3]), "sqs", "SendMessage",
                        {"QueueUrl": url, "MessageBody": payload.decode("utf-8", "replace"), "MessageAttributes": attributes})
        else:
            await _call(ctx, "sns", "Publish", {"TopicArn": target, "Message": payload.decode("utf-8", "replace"), "MessageAttributes": attributes})
    except ServiceError:
        return False
    return True
