"""RotateSecret and CancelRotateSecret: rotation rules (AutomaticallyAfterDays or a
ScheduleExpression) with the next rotation on fogbank's clock, and rotation through a Lambda
function invoked for the steps createSecret, setSecret, testSecret and finishSecret with the
event Secrets Manager sends."""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.secretsmanager import records
from fogbank.services.secretsmanager.errors import InvalidParameterException, InvalidRequestException
from fogbank.services.secretsmanager.records import CURRENT, PENDING

log = logging.getLogger(__name__)

DAY = 86400.0
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
_RATE = re.compile(r"^rate\((\d+) (hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")


def interval(rules: dict[str, Any]) -> float:
    """Seconds between rotations under ``rules``; refuses rules AWS refuses."""
    days, expression = rules.get("AutomaticallyAfterDays"), rules.get("ScheduleExpression")
    if days is not None and expression is not None:
        raise InvalidParameterException(
            "You can't specify both AutomaticallyAfterDays and ScheduleExpression in RotationRules."
        )
    if days is not None:
        if not 1 <= days <= 1000:
            raise InvalidParameterException("The AutomaticallyAfterDays value must be between 1 and 1000.")
        return days * DAY
    if expression is None:
        raise InvalidParameterException("RotationRules must specify AutomaticallyAfterDays or ScheduleExpression.")
    rate = _RATE.match(expression)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2)
        seconds = amount * (3600.0 if unit.startswith("hour") else DAY)
        if not 4 * 3600 <= seconds <= 1000 * DAY:
            raise InvalidParameterException("The schedule expression's rate must be between 4 hours and 1000 days.")
        return seconds
    if _CRON.match(expression) and len(_CRON.match(expression).group(1).split()) == 6:
        return DAY  # cron schedules run at most daily here; see the provider's LIMITATIONS
    raise InvalidParameterException(f"Invalid ScheduleExpression: {expression}")


def _pending_elsewhere(record: dict[str, Any]) -> bool:
    for version in record["versions"].values():
        if PENDING in version["stages"] and CURRENT not in version["stages"]:
            return True
    return False


async def rotate(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """RotateSecret: store the rotation settings and, unless RotateImmediately is false, rotate."""
    record = records.require(ctx, request["SecretId"])
    rotation = dict(record.get("rotation") or {})
    lambda_arn = request.get("RotationLambdaARN") or rotation.get("lambda")
    if not lambda_arn:
        raise InvalidRequestException("No Lambda rotation function ARN is associated with this secret.")
    rules = request.get("RotationRules") or rotation.get("rules")
    period = interval(rules) if rules else None
    if _pending_elsewhere(record):
        raise InvalidRequestException("A previous rotation isn't complete. That rotation will be reattempted.")
    rotation.update(enabled=True, **{"lambda": lambda_arn})
    if rules:
        rotation["rules"] = rules
    record["rotation"] = rotation
    now = ctx.clock.now()
    if period is not None:
        rotation["next"] = now + period
    records.save(ctx, record)
    token = request.get("ClientRequestToken") or str(uuid.uuid4())
    out = {"ARN": record["arn"], "Name": record["name"]}
    if request.get("RotateImmediately", True) is False:
        return out
    await run(ctx, record["name"], token)
    out["VersionId"] = token
    return out


async def run(ctx: Ctx, name: str, token: str) -> bool:
    """One rotation: a pending version for ``token``, then the four steps; True on success."""
    record = records.by_name(ctx, name)
    if record is None:
        return False
    if token not in record["versions"]:
        record["versions"][token] = {"stages": [], "created": ctx.clock.now(), "has_value": False}
    records.set_stages(record, token, [PENDING])
    records.save(ctx, record)
    lambda_arn = record["rotation"]["lambda"]
    for step in STEPS:
        event = {"Step": step, "SecretId": record["arn"], "ClientRequestToken": token,
                 "RotationToken": str(uuid.uuid4())}
        if not await _invoke(ctx, lambda_arn, event):
            return False
    record = records.by_name(ctx, name)
    if record is None or token not in record["versions"] or CURRENT not in record["versions"][token]["stages"]:
        log.warning("rotation of %s did not make version %s AWSCURRENT", name, token)
        return False
    if PENDING in record["versions"][token]["stages"]:
        record["versions"][token]["stages"].remove(PENDING)
    rotation = record["rotation"]
    now = ctx.clock.now()
    rotation["last_rotated"] = now
    if rotation.get("rules"):
        rotation["next"] = now + interval(rotation["rules"])
    records.save(ctx, record)
    return True


async def _invoke(ctx: Ctx, function: str, event: dict[str, Any]) -> bool:
    """Invoke the rotation function for one step; False when it fails."""
    try:
        result = ctx.call("lambda", "Invoke", {"FunctionName": function, "Payload": json.dumps(event).encode()})
        if inspect.isawaitable(result):
            result = await result
    except ServiceError as err:
        log.warning("Secrets Manager could not invoke %s for %s: %s %s", function, event["Step"], err.code, err.message)
        return False
    if result.get("FunctionError"):
        payload = result.get("Payload") or b""
        if hasattr(payload, "read"):
            payload = payload.read()
        log.warning("rotation step %s of %s failed: %s", event["Step"], event["SecretId"], payload[:500])
        return False
    return True


def cancel(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """CancelRotateSecret: turn rotation off (the function and rules stay on record)."""
    record = records.require(ctx, request["SecretId"])
    rotation = record.get("rotation") or {}
    rotation["enabled"] = False
    rotation.pop("next", None)
    record["rotation"] = rotation
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"]}


def due(record: dict[str, Any], now: float) -> bool:
    """Whether a secret's scheduled rotation has come."""
    rotation = record.get("rotation") or {}
    return bool(rotation.get("enabled") and rotation.get("next") is not None and rotation["next"] <= now
                and record.get("deleted") is None)

