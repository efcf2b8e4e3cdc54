"""Event source mapping records: Create/Get/Update/Delete/List with AWS's defaults and checks.

Polling is in ``mappings.py``; this module only keeps the records.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store, streams
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)

_SETTINGS = ("BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig",
             "FilterCriteria", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
             "ParallelizationFactor", "DestinationConfig", "TumblingWindowInSeconds")


def _kind(arn: str) -> str:
    parts = arn.split(":")
    if len(parts) < 6:
        raise InvalidParameterValueException(f"Unrecognized event source: {arn}")
    return "dynamodb" if parts[2] == "dynamodb" else parts[2]


def _check(mapping: dict[str, Any]) -> None:
    kind = _kind(mapping["EventSourceArn"])
    size = mapping.get("BatchSize")
    window = mapping.get("MaximumBatchingWindowInSeconds") or 0
    if kind == "sqs":
        top = 10000 if window else 10
        if size is not None and not 1 <= size <= top:
            raise InvalidParameterValueException(
                f"Maximum batch size is {top}" + ("" if window else " when MaximumBatchingWindowInSeconds is not set") + ".")
        if not 0 <= window <= 300:
            raise InvalidParameterValueException("Maximum batching window must be between 0 and 300 seconds.")
        scaling = (mapping.get("ScalingConfig") or {}).get("MaximumConcurrency")
        if scaling is not None and not 2 <= scaling <= 1000:
            raise InvalidParameterValueException("ScalingConfig.MaximumConcurrency must be between 2 and 1000.")
    elif kind in ("kinesis", "dynamodb"):
        if size is not None and not 1 <= size <= 10000:
            raise InvalidParameterValueException("Maximum batch size is 10000.")
    else:
        raise InvalidParameterValueException(f"Unrecognized event source, must be kinesis, dynamodb stream or sqs: {mapping['EventSourceArn']}")


def _shown(mapping: dict[str, Any]) -> dict[str, Any]:
    return {**mapping, "LastModified": datetime.fromtimestamp(float(mapping["LastModified"]), UTC)}


def create(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """CreateEventSourceMapping (the record; the caller starts the poller)."""
    name, qualifier = functions.parse_name(ctx, request["FunctionName"])
    functions.load(ctx, name, qualifier)
    arn = request.get("EventSourceArn")
    if not arn:
        raise InvalidParameterValueException("Unrecognized event source.")
    kind = _kind(arn)
    for _k, other in store.scan(ctx, "esm"):
        if other["EventSourceArn"] == arn and other["FunctionArn"] == functions.function_arn(ctx, name, qualifier) and kind == "sqs":
            raise ResourceConflictException(f"An event source mapping with SQS arn (\" {arn} \") and function (\" {name} \") already exists. Please update or delete the existing mapping with UUID {other['UUID']}")
    if kind in ("kinesis", "dynamodb") and not request.get("StartingPosition"):
        raise InvalidParameterValueException("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.")
    mapping: dict[str, Any] = {
        "UUID": str(uuid.uuid4()),
        "EventSourceArn": arn,
        "FunctionArn": functions.function_arn(ctx, name, qualifier),
        "LastModified": ctx.clock.now(),
        "State": "Enabled" if request.get("Enabled", True) else "Disabled",
        "StateTransitionReason": "USER_INITIATED",
        "BatchSize": request.get("BatchSize") or (10 if kind == "sqs" else 100),
        "MaximumBatchingWindowInSeconds": request.get("MaximumBatchingWindowInSeconds", 0),
        "FunctionResponseTypes": request.get("FunctionResponseTypes") or [],
    }
    for member in _SETTINGS:
        if member in request and member not in mapping:
            mapping[member] = request[member]
    if kind in ("kinesis", "dynamodb"):
        mapping["StartingPosition"] = request["StartingPosition"]
        if request.get("StartingPositionTimestamp"):
            mapping["StartingPositionTimestamp"] = request["StartingPositionTimestamp"].timestamp()
        mapping.setdefault("MaximumRetryAttempts", -1)
        mapping.setdefault("MaximumRecordAgeInSeconds", -1)
        mapping.setdefault("BisectBatchOnFunctionError", False)
        mapping.setdefault("ParallelizationFactor", 1)
        mapping["LastProcessingResult"] = "No records processed"
    _check(mapping)
    if kind == "dynamodb":
        checkpoint = streams.starting_checkpoint(ctx, arn, mapping["StartingPosition"])
        store.put(ctx, checkpoint, "esm-position", mapping["UUID"])
    store.put(ctx, mapping, "esm", mapping["UUID"])
    return {**_shown(mapping), "State": "Creating" if mapping["State"] == "Enabled" else "Disabled"}


def load(ctx: Ctx, uuid_: str) -> dict[str, Any]:
    """A mapping record, or ResourceNotFoundException."""
    mapping = store.get(ctx, "esm", uuid_)
    if mapping is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return mapping


def get(ctx: Ctx, uuid_: str) -> dict[str, Any]:
    """GetEventSourceMapping."""
    return _shown(load(ctx, uuid_))


def update(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateEventSourceMapping."""
    with ctx.store.transaction():
        mapping = load(ctx, request["UUID"])
        if request.get("FunctionName"):
            name, qualifier = functions.parse_name(ctx, request["FunctionName"])
            functions.load(ctx, name, qualifier)
            mapping["FunctionArn"] = functions.function_arn(ctx, name, qualifier)
        for member in _SETTINGS:
            if member in request:
                mapping[member] = request[member]
        if "Enabled" in request:
            mapping["State"] = "Enabled" if request["Enabled"] else "Disabled"
        mapping["LastModified"] = ctx.clock.now()
        _check(mapping)
        store.put(ctx, mapping, "esm", mapping["UUID"])
    return {**_shown(mapping), "State": "Updating" if mapping["State"] == "Enabled" else "Disabling"}


def delete(ctx: Ctx, uuid_: str) -> dict[str, Any]:
    """DeleteEventSourceMapping."""
    mapping = load(ctx, uuid_)
    store.delete(ctx, "esm", uuid_)
    store.delete(ctx, "esm-position", uuid_)
    return {**_shown(mapping), "State": "Deleting"}


def list_all(ctx: Ctx, request: dict[str, Any]) -> list[dict[str, Any]]:
    """ListEventSourceMappings, filtered by source and function."""
    found = [m for _k, m in store.scan(ctx, "esm")]
    if request.get("EventSourceArn"):
        found = [m for m in found if m["EventSourceArn"] == request["EventSourceArn"]]
    if request.get("FunctionName"):
        name, qualifier = functions.parse_name(ctx, request["FunctionName"])
        arn = functions.function_arn(ctx, name, qualifier)
        found = [m for m in found if m["FunctionArn"] == arn]
    return [_shown(m) for m in found]
