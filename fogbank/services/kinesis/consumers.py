"""Enhanced fan-out consumers: registered on a stream, kept in the stream's record by name.

A consumer's ARN is ``<stream arn>/consumer/<name>:<creation epoch seconds>``. It is CREATING
when registered and ACTIVE from the first DescribeStreamConsumer or ListStreamConsumers on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kinesis import streams
from fogbank.services.kinesis.errors import InvalidArgumentException, ResourceNotFoundException

MAX_CONSUMERS = 20


def consumer_arn(stream: dict[str, Any], name: str, created: float) -> str:
    """The ARN of a stream's consumer."""
    return f"{stream['arn']}/consumer/{name}:{int(created)}"


def shape(consumer: dict[str, Any]) -> dict[str, Any]:
    """A consumer as RegisterStreamConsumer and ListStreamConsumers answer it."""
    return {"ConsumerName": consumer["name"], "ConsumerARN": consumer["arn"], "ConsumerStatus": consumer["status"],
            "ConsumerCreationTimestamp": datetime.fromtimestamp(consumer["created"], UTC)}


def stream_of_consumer_arn(ctx: Ctx, arn: str) -> tuple[str, str]:
    """(stream name, consumer name) from a consumer ARN."""
    head, sep, tail = arn.partition("/consumer/")
    if not sep or ":" not in tail:
        raise InvalidArgumentException(f"Invalid ConsumerARN {arn}.")
    stream = streams.name_of(ctx, {"StreamARN": head})
    return stream, tail.rsplit(":", 1)[0]


def target(ctx: Ctx, request: dict[str, Any]) -> tuple[str, str]:
    """(stream name, consumer name) a consumer request names by ConsumerARN or StreamARN + ConsumerName."""
    if request.get("ConsumerARN"):
        return stream_of_consumer_arn(ctx, request["ConsumerARN"])
    if request.get("StreamARN") and request.get("ConsumerName"):
        return streams.name_of(ctx, {"StreamARN": request["StreamARN"]}), request["ConsumerName"]
    raise InvalidArgumentException("Either ConsumerARN or both StreamARN and ConsumerName must be provided.")


def find(ctx: Ctx, stream: dict[str, Any], name: str, arn: str | None) -> dict[str, Any]:
    """A stream's consumer; ResourceNotFoundException when there is none (or the ARN is stale)."""
    consumer = stream.get("consumers", {}).get(name)
    if consumer is None or (arn is not None and consumer["arn"] != arn):
        raise ResourceNotFoundException(
            f"Consumer {name} under stream {stream['name']} not found for account {ctx.account}.")
    return consumer
