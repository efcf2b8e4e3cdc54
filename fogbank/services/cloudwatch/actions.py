"""Alarm actions: invoking a Lambda function with the alarm event, publishing to SNS, and the
EC2, Auto Scaling and Systems Manager actions (recorded in history until those services exist).

An action's outcome becomes an ``Action`` item of the alarm's history, as AWS writes it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.cloudwatch.reasons import iso

log = logging.getLogger("fogbank.cloudwatch")
Recorder = Callable[[Ctx, str, float, str, dict[str, Any]], None]


def alarm_event(ctx: Ctx, record: dict[str, Any], previous: dict[str, Any], when: float) -> dict[str, Any]:
    """The event a Lambda alarm action receives (AWS's format)."""
    config = record["config"]
    configuration: dict[str, Any] = {}
    if config.get("AlarmDescription"):
        configuration["description"] = config["AlarmDescription"]
    if record["type"] == "composite":
        configuration["alarmRule"] = config["AlarmRule"]
    elif config.get("Metrics"):
        configuration["metrics"] = [_query(q) for q in config["Metrics"]]
    else:
        metric = {
            "namespace": config["Namespace"],
            "name": config["MetricName"],
            "dimensions": {d["Name"]: d["Value"] for d in config.get("Dimensions") or ()},
        }
        stat = {"metric": metric, "period": config["Period"], "stat": config.get("Statistic") or config.get("ExtendedStatistic")}
        if config.get("Unit"):
            stat["unit"] = config["Unit"]
        configuration["metrics"] = [{"id": "m1", "metricStat": stat, "returnData": True}]

    def state(value: str, reason: str, data: str | None, ts: float) -> dict[str, Any]:
        out: dict[str, Any] = {"value": value, "reason": reason, "timestamp": iso(ts)}
        if data:
            out["reasonData"] = data
        return out

    return {
        "source": "aws.cloudwatch",
        "alarmArn": record["arn"],
        "accountId": ctx.account,
        "time": iso(when),
        "region": ctx.region,
        "alarmData": {
            "alarmName": record["name"],
            "state": state(record["state"], record["reason"], record.get("reason_data"), record["updated"]),
            "previousState": state(previous["state"], previous["reason"], previous.get("reason_data"), previous["updated"]),
            "configuration": configuration,
        },
    }


def _query(query: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": query["Id"], "returnData": query.get("ReturnData", True)}
    if query.get("Expression"):
        out["expression"] = query["Expression"]
    if query.get("Label"):
        out["label"] = query["Label"]
    if query.get("MetricStat"):
        stat = query["MetricStat"]
        metric = stat["Metric"]
        out["metricStat"] = {
            "metric": {"namespace": metric["Namespace"], "name": metric["MetricName"],
                       "dimensions": {d["Name"]: d["Value"] for d in metric.get("Dimensions") or ()}},
            "period": stat["Period"],
            "stat": stat["Stat"],
        }
    return out


def run(ctx: Ctx, arn: str, event: dict[str, Any], record: Recorder, alarm: str, when: float, tasks: set[Any]) -> None:
    """Carry out one action; its outcome is recorded in the alarm's history (now or, for a
    Lambda invocation that completes later, when it completes)."""
    parts = arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    target_ctx = ctx.derive(region=parts[3]) if len(parts) > 3 and parts[3] else ctx
    try:
        if service == "lambda":
            payload = json.dumps(event).encode()
            result = target_ctx.call("lambda", "Invoke", {"FunctionName": arn, "InvocationType": "Event", "Payload": payload})
        elif service == "sns":
            message = json.dumps(_sns_message(event))
            result = target_ctx.call("sns", "Publish", {"TopicArn": arn, "Subject": f'{event["alarmData"]["state"]["value"]}: "{alarm}" in {ctx.region}', "Message": message})
        else:
            _record(ctx, record, alarm, when, arn, f"fogbank does not deliver {service or 'this'} actions yet", failed=True)
            return
    except ServiceError as err:
        _record(ctx, record, alarm, when, arn, err.message or err.code, failed=True)
        return
    except Exception as err:  # an action must never break evaluation
        log.warning("alarm action %s failed: %r", arn, err)
        _record(ctx, record, alarm, when, arn, repr(err), failed=True)
        return
    if inspect.isawaitable(result):
        _finish_later(ctx, result, record, alarm, when, arn, tasks)
        return
    _record(ctx, record, alarm, when, arn, "", failed=False)


def _finish_later(ctx: Ctx, pending: Any, record: Recorder, alarm: str, when: float, arn: str, tasks: set[Any]) -> None:
    async def wait() -> None:
        try:
            await pending
        except ServiceError as err:
            _record(ctx, record, alarm, when, arn, err.message or err.code, failed=True)
            return
        except Exception as err:
            _record(ctx, record, alarm, when, arn, repr(err), failed=True)
            return
        _record(ctx, record, alarm, when, arn, "", failed=False)

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(wait())
        return
    task = loop.create_task(wait())
    # the loop holds tasks weakly: ``tasks`` keeps this one alive until it finishes
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def _record(ctx: Ctx, record: Recorder, alarm: str, when: float, arn: str, error: str, *, failed: bool) -> None:
    if failed:
        summary = f"Failed to execute action {arn}. Received error: \"{error}\""
        data = {"actionState": "Failed", "notificationResource": arn, "error": error}
    else:
        summary = f"Successfully executed action {arn}"
        data = {"actionState": "Succeeded", "notificationResource": arn}
    record(ctx, alarm, when, "Action", {"summary": summary, "data": data})


def _sns_message(event: dict[str, Any]) -> dict[str, Any]:
    data = event["alarmData"]
    return {
        "AlarmName": data["alarmName"],
        "AlarmDescription": data["configuration"].get("description"),
        "AWSAccountId": event["accountId"],
        "NewStateValue": data["state"]["value"],
        "NewStateReason": data["state"]["reason"],
        "StateChangeTime": data["state"]["timestamp"],
        "Region": event["region"],
        "AlarmArn": event["alarmArn"],
        "OldStateValue": data["previousState"]["value"],
    }
