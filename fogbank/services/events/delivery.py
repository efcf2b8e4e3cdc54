"""Routing an event on a bus to the targets of the rules it matches, and handing it to each
target's service (SQS, Lambda, SNS, CloudWatch Logs, another bus). A failed delivery goes to the
target's dead-letter queue when it has one, and is otherwise logged and dropped, as AWS drops it."""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.events import buses, transform
from fogbank.services.events.patterns import InvalidPattern, compile_pattern

log = logging.getLogger(__name__)

# an event forwarded from bus to bus stops after this many hops (AWS forbids longer chains)
MAX_HOPS = 5


def arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(arn)
    return parts[2], parts[3], parts[4], parts[5]


def matching_rules(ctx: Ctx, bus: str, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The enabled pattern rules of ``bus`` that ``event`` matches."""
    out = []
    for rule in buses.rules_of(ctx, bus):
        if rule.get("State", "ENABLED") == "DISABLED" or not rule.get("EventPattern"):
            continue
        try:
            if compile_pattern(rule["EventPattern"]).matches(event):
                out.append(rule)
        except InvalidPattern:
            continue
    return out


async def route(ctx: Ctx, bus: str, event: dict[str, Any], hops: int = 0) -> None:
    """Deliver ``event`` to the targets of every rule of ``bus`` that it matches."""
    for rule in matching_rules(ctx, bus, event):
        await deliver_rule(ctx, rule, event, hops)


async def deliver_rule(ctx: Ctx, rule: dict[str, Any], event: dict[str, Any], hops: int = 0) -> None:
    """Deliver ``event`` to each target of ``rule``."""
    arn = buses.rule_arn(ctx, rule["EventBusName"], rule["Name"])
    for target in rule.get("Targets") or []:
        try:
            text = transform.render(target, event, rule["Name"], arn, event.get("time", ""))
            await _send(ctx, target, text, event, hops)
        except ServiceError as err:
            await _dead_letter(ctx, target, arn, event, err.code, err.message)
        except ValueError as err:
            await _dead_letter(ctx, target, arn, event, "InvalidTarget", str(err))


async def _dead_letter(ctx: Ctx, target: dict[str, Any], rule_arn: str, event: dict[str, Any],
                       code: str, message: str) -> None:
    queue = (target.get("DeadLetterConfig") or {}).get("Arn")
    log.warning("EventBridge delivery to %s failed: %s %s", target.get("Arn"), code, message)
    if not queue:
        return
    attributes = {
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message[:256] or code,
        "RULE_ARN": rule_arn,
        "TARGET_ARN": target["Arn"],
    }
    try:
        await _to_sqs(ctx, queue, json.dumps(event), event, {}, {
            k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
        })
    except (ServiceError, ValueError) as err:
        log.warning("EventBridge dead-letter queue %s refused an event: %s", queue, err)


async def _send(ctx: Ctx, target: dict[str, Any], text: str, event: dict[str, Any], hops: int) -> None:
    service, region, account, resource = arn_parts(target["Arn"])
    there = ctx.derive(region=region or ctx.region, account=account or ctx.account)
    if service == "sqs":
        await _to_sqs(ctx, target["Arn"], text, event, target.get("SqsParameters") or {}, {})
    elif service == "lambda":
        await _call(there, "lambda", "Invoke", {
            "FunctionName": target["Arn"], "InvocationType": "Event", "Payload": text.encode(),
        })
    elif service == "sns":
        await _call(there, "sns", "Publish", {"TopicArn": target["Arn"], "Message": text})
    elif service == "logs":
        await _to_logs(there, resource, text, event)
    elif service == "events" and resource.startswith("event-bus/"):
        if hops >= MAX_HOPS:
            raise ValueError("too many event bus hops")
        name = resource[len("event-bus/"):]
        if buses.get_bus(there, name) is None:
            raise ServiceError(f"Event bus {name} does not exist.", code="ResourceNotFoundException")
        await route(there, name, event, hops + 1)
    else:
        raise ServiceError(f"fogbank cannot deliver to {service} targets yet", code="NotImplemented", status=501)


async def _call(ctx: Ctx, service: str, operation: str, params: dict[str, Any]) -> Any:
    result = ctx.call(service, operation, params)
    if inspect.isawaitable(result):
        result = await result
    return result


async def _to_sqs(ctx: Ctx, arn: str, body: str, event: dict[str, Any], sqs_params: dict[str, Any],
                  attributes: dict[str, Any]) -> None:
    _, region, account, name = arn_parts(arn)
    there = ctx.derive(region=region or ctx.region)
    url = (await _call(there, "sqs", "GetQueueUrl", {"QueueName": name, "QueueOwnerAWSAccountId": account}))["QueueUrl"]
    params: dict[str, Any] = {"QueueUrl": url, "MessageBody": body}
    if attributes:
        params["MessageAttributes"] = attributes
    if name.endswith(".fifo"):
        params["MessageGroupId"] = sqs_params.get("MessageGroupId") or "default"
        params["MessageDeduplicationId"] = event.get("id", "")
    await _call(there, "sqs", "SendMessage", params)


async def _to_logs(ctx: Ctx, resource: str, text: str, event: dict[str, Any]) -> None:
    # resource is "log-group:NAME" or "log-group:NAME:*"
    group = resource[len("log-group:"):]
    if group.endswith(":*"):
        group = group[:-2]
    stream = event.get("id") or "events"
    try:
        await _call(ctx, "logs", "CreateLogStream", {"logGroupName": group, "logStreamName": stream})
    except ServiceError as err:
        if err.code != "ResourceAlreadyExistsException":
            raise
    await _call(ctx, "logs", "PutLogEvents", {
        "logGroupName": group, "logStreamName": stream,
        "logEvents": [{"timestamp": ctx.clock.now_ms(), "message": text}],
    })


