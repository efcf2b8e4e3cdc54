"""A bus's resource policy: PutPermission adds a statement (or sets a whole policy),
RemovePermission takes one or all statements away. Stored on the bus record, not enforced."""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Ctx
from fogbank.services.events import buses
from fogbank.services.events.errors import (
    PolicyLengthExceededException,
    ResourceNotFoundException,
    ValidationException,
)

MAX_POLICY_BYTES = 10240


def _principal(given: str) -> Any:
    if given == "*":
        return "*"
    return {"AWS": f"arn:aws:iam::{given}:root"}


def put(ctx: Ctx, request: dict[str, Any]) -> None:
    """PutPermission."""
    bus = buses.require_bus(ctx, buses.bus_name(ctx, request.get("EventBusName")))
    if request.get("Policy"):
        try:
            policy = json.loads(request["Policy"])
        except ValueError:
            raise ValidationException("Parameter Policy is not valid.") from None
    else:
        for member in ("Action", "Principal", "StatementId"):
            if not request.get(member):
                raise ValidationException(f"Parameter {member} must be specified.")
        if request["Action"] != "events:PutEvents":
            raise ValidationException("Provided value in parameter 'action' is not supported.")
        statement: dict[str, Any] = {
            "Sid": request["StatementId"], "Effect": "Allow", "Principal": _principal(request["Principal"]),
            "Action": "events:PutEvents", "Resource": bus["Arn"],
        }
        condition = request.get("Condition")
        if condition:
            statement["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
        policy = json.loads(bus["Policy"]) if bus.get("Policy") else {"Version": "2012-10-17", "Statement": []}
        policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != request["StatementId"]]
        policy["Statement"].append(statement)
    text = json.dumps(policy)
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise PolicyLengthExceededException("Policy length exceeded.")
    bus["Policy"] = text
    bus["LastModifiedTime"] = ctx.clock.now()
    buses.put_bus(ctx, bus)


def remove(ctx: Ctx, request: dict[str, Any]) -> None:
    """RemovePermission."""
    bus = buses.require_bus(ctx, buses.bus_name(ctx, request.get("EventBusName")))
    if not bus.get("Policy"):
        raise ResourceNotFoundException("EventBus does not have a policy.")
    if request.get("RemoveAllPermissions"):
        bus.pop("Policy")
    else:
        sid = request.get("StatementId")
        if not sid:
            raise ValidationException("Parameter StatementId must be specified.")
        policy = json.loads(bus["Policy"])
        kept = [s for s in policy.get("Statement", []) if s.get("Sid") != sid]
        if len(kept) == len(policy.get("Statement", [])):
            raise ResourceNotFoundException("Statement with the provided id does not exist.")
        policy["Statement"] = kept
        if kept:
            bus["Policy"] = json.dumps(policy)
        else:
            bus.pop("Policy")
    buses.put_bus(ctx, bus)
