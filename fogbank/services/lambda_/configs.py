"""Per-function settings kept in the function record: event invoke configs, function URL
configs and provisioned concurrency configs."""

from __future__ import annotations

import secrets
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store, versions
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ProvisionedConcurrencyConfigNotFoundException,
    ResourceConflictException,
    ResourceNotFoundException,
)

EVENT_DEFAULTS = {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600}


def _target(ctx: Ctx, request: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
    record = functions.load(ctx, name, qualifier)
    if qualifier and qualifier != functions.LATEST:
        versions.config_of(ctx, name, qualifier, record)
    return name, qualifier or functions.LATEST, record


# --- event invoke configs -------------------------------------------------------------------


def _check_event_config(request: dict[str, Any]) -> None:
    retries = request.get("MaximumRetryAttempts")
    if retries is not None and not 0 <= retries <= 2:
        raise InvalidParameterValueException(f"1 validation error detected: Value '{retries}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2", code="ValidationException")
    age = request.get("MaximumEventAgeInSeconds")
    if age is not None and not 60 <= age <= 21600:
        raise InvalidParameterValueException(f"1 validation error detected: Value '{age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 21600", code="ValidationException")
    for kind in ("OnSuccess", "OnFailure"):
        dest = ((request.get("DestinationConfig") or {}).get(kind) or {}).get("Destination")
        if dest and dest.split(":")[2:3] not in (["sqs"], ["sns"], ["lambda"], ["events"]):
            raise InvalidParameterValueException(f"The provided destination config DestinationConfig({kind}) is invalid.")


def _event_shown(ctx: Ctx, name: str, qualifier: str, config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FunctionArn": functions.function_arn(ctx, name, qualifier),
            "LastModified": _dt(config.get("LastModified", 0))}


def _dt(seconds: float) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(float(seconds), UTC)


def put_event_config(ctx: Ctx, request: dict[str, Any], merge: bool) -> dict[str, Any]:
    """Put (replace) or Update (merge) a FunctionEventInvokeConfig."""
    _check_event_config(request)
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        configs = record.setdefault("invoke_configs", {})
        if merge and qualifier not in configs:
            raise ResourceNotFoundException(f"The function {functions.function_arn(ctx, name, qualifier)} doesn't have an EventInvokeConfig")
        config = dict(configs.get(qualifier, {})) if merge else {}
        for member in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"):
            if member in request:
                config[member] = request[member]
        for member, default in EVENT_DEFAULTS.items():
            config.setdefault(member, default)
        config.setdefault("DestinationConfig", {"OnSuccess": {}, "OnFailure": {}})
        config["LastModified"] = ctx.clock.now()
        configs[qualifier] = config
        store.put(ctx, record, "function", name)
    return _event_shown(ctx, name, qualifier, config)


def get_event_config(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetFunctionEventInvokeConfig."""
    name, qualifier, record = _target(ctx, request)
    config = (record.get("invoke_configs") or {}).get(qualifier)
    if config is None:
        raise ResourceNotFoundException(f"The function {functions.function_arn(ctx, name, qualifier)} doesn't have an EventInvokeConfig")
    return _event_shown(ctx, name, qualifier, config)


def delete_event_config(ctx: Ctx, request: dict[str, Any]) -> None:
    """DeleteFunctionEventInvokeConfig."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        if (record.get("invoke_configs") or {}).pop(qualifier, None) is None:
            raise ResourceNotFoundException(f"The function {functions.function_arn(ctx, name, qualifier)} doesn't have an EventInvokeConfig")
        store.put(ctx, record, "function", name)


def list_event_configs(ctx: Ctx, request: dict[str, Any]) -> list[dict[str, Any]]:
    """ListFunctionEventInvokeConfigs."""
    name, _q = functions.parse_name(ctx, request["FunctionName"])
    record = functions.load(ctx, name)
    return [_event_shown(ctx, name, q, c) for q, c in sorted((record.get("invoke_configs") or {}).items())]


# --- function URLs ---------------------------------------------------------------------------


def url_for(url_id: str, region: str, host: str = "") -> str:
    """The URL of a function URL: AWS's host name shape under ``localhost``, on fogbank's port
    (see urls.py, which also answers ``/_fogbank/lambda-url/<id>/`` for clients that cannot
    resolve ``*.localhost``)."""
    port = host.rpartition(":")[2] if ":" in host else "4566"
    return f"http://{url_id}.lambda-url.{region}.localhost:{port}/"


def url_index_key(url_id: str) -> tuple:
    """The global index from a URL id to its account and region (a URL names neither)."""
    return (store.SERVICE, "url-index", url_id)


def create_url(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """CreateFunctionUrlConfig."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        if qualifier != functions.LATEST and qualifier.isdigit():
            raise InvalidParameterValueException("Function URLs are not supported on function versions; use $LATEST or an alias.")
        urls = record.setdefault("urls", {})
        if qualifier in urls:
            raise ResourceConflictException(f"Failed to create function url config for [functionArn = {functions.function_arn(ctx, name, qualifier if request.get('Qualifier') else None)}]. Error message:  FunctionUrlConfig exists for this Lambda function")
        url_id = secrets.token_hex(16)
        now = functions.timestamp(ctx.clock.now())
        config = {
            "FunctionUrl": url_for(url_id, ctx.region, ctx.host),
            "FunctionArn": functions.function_arn(ctx, name, request.get("Qualifier")),
            "AuthType": request["AuthType"],
            "CreationTime": now,
            "LastModifiedTime": now,
            "InvokeMode": request.get("InvokeMode", "BUFFERED"),
        }
        if request.get("Cors"):
            config["Cors"] = request["Cors"]
        urls[qualifier] = config
        store.put(ctx, record, "function", name)
        store.put(ctx, {"function": name, "qualifier": request.get("Qualifier")}, "url", url_id)
        ctx.store.put(url_index_key(url_id), store.encode({"account": ctx.account, "region": ctx.region}))
    return {k: v for k, v in config.items() if k != "LastModifiedTime"}


def get_url(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetFunctionUrlConfig."""
    name, qualifier, record = _target(ctx, request)
    config = (record.get("urls") or {}).get(qualifier)
    if config is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return config


def update_url(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateFunctionUrlConfig."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        config = (record.get("urls") or {}).get(qualifier)
        if config is None:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        for member in ("AuthType", "Cors", "InvokeMode"):
            if request.get(member) is not None:
                config[member] = request[member]
        config["LastModifiedTime"] = functions.timestamp(ctx.clock.now())
        store.put(ctx, record, "function", name)
    return config


def delete_url(ctx: Ctx, request: dict[str, Any]) -> None:
    """DeleteFunctionUrlConfig."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        config = (record.get("urls") or {}).pop(qualifier, None)
        if config is None:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        url_id = config["FunctionUrl"].split("//", 1)[1].split(".", 1)[0]
        store.delete(ctx, "url", url_id)
        ctx.store.delete(url_index_key(url_id))
        store.put(ctx, record, "function", name)


def list_urls(ctx: Ctx, request: dict[str, Any]) -> list[dict[str, Any]]:
    """ListFunctionUrlConfigs."""
    name, _q = functions.parse_name(ctx, request["FunctionName"])
    record = functions.load(ctx, name)
    return [c for _q2, c in sorted((record.get("urls") or {}).items())]


# --- provisioned concurrency -----------------------------------------------------------------


def provisioned_total(record: dict[str, Any], skip: str | None = None) -> int:
    """The provisioned concurrency requested for a function's qualifiers (but ``skip``)."""
    return sum(int(c["RequestedProvisionedConcurrentExecutions"]) for q, c in (record.get("provisioned") or {}).items() if q != skip)


def put_provisioned(ctx: Ctx, request: dict[str, Any], limit: int, claimed_elsewhere: int) -> tuple[str, str, dict[str, Any]]:
    """PutProvisionedConcurrencyConfig: checks the amount against the function's reservation (or
    the account's unreserved pool, ``limit`` minus what other functions claim) and stores the
    config as IN_PROGRESS. Returns (name, qualifier, the config as answered)."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        if qualifier == functions.LATEST:
            raise InvalidParameterValueException("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
        amount = int(request["ProvisionedConcurrentExecutions"])
        wanted = provisioned_total(record, skip=qualifier) + amount
        reserved = record.get("concurrency")
        if reserved is not None and wanted > int(reserved):
            raise InvalidParameterValueException(
                "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")
        if reserved is None and limit - claimed_elsewhere - wanted < 100:
            raise InvalidParameterValueException(
                f"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{max(0, limit - claimed_elsewhere - 100)}].")
        config = {
            "RequestedProvisionedConcurrentExecutions": amount,
            "AvailableProvisionedConcurrentExecutions": 0,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "Status": "IN_PROGRESS",
            "LastModified": functions.timestamp(ctx.clock.now()),
        }
        record.setdefault("provisioned", {})[qualifier] = config
        store.put(ctx, record, "function", name)
    return name, qualifier, dict(config)


def provisioned_done(ctx: Ctx, name: str, qualifier: str, requested: int, allocated: int, failure: str | None) -> None:
    """Record that provisioning finished: READY with ``allocated`` environments, or FAILED."""
    with ctx.store.transaction():
        record = store.get(ctx, "function", name)
        config = ((record or {}).get("provisioned") or {}).get(qualifier)
        if record is None or config is None or config["RequestedProvisionedConcurrentExecutions"] != requested:
            return  # deleted or replaced meanwhile: the newer request reports for itself
        config.update(AllocatedProvisionedConcurrentExecutions=allocated, AvailableProvisionedConcurrentExecutions=allocated)
        if failure is None and allocated >= requested:
            config["Status"] = "READY"
            config.pop("StatusReason", None)
        else:
            config["Status"] = "FAILED"
            config["StatusReason"] = failure or "Provisioned environments could not be started."
        store.put(ctx, record, "function", name)


def get_provisioned(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetProvisionedConcurrencyConfig."""
    name, qualifier, record = _target(ctx, request)
    config = (record.get("provisioned") or {}).get(qualifier)
    if config is None:
        raise ProvisionedConcurrencyConfigNotFoundException("No Provisioned Concurrency Config found for this function")
    return config


def delete_provisioned(ctx: Ctx, request: dict[str, Any]) -> tuple[str, str]:
    """DeleteProvisionedConcurrencyConfig (the record; the caller retires the environments)."""
    with ctx.store.transaction():
        name, qualifier, record = _target(ctx, request)
        if (record.get("provisioned") or {}).pop(qualifier, None) is None:
            raise ProvisionedConcurrencyConfigNotFoundException("No Provisioned Concurrency Config found for this function")
        store.put(ctx, record, "function", name)
    return name, qualifier


def list_provisioned(ctx: Ctx, request: dict[str, Any]) -> list[dict[str, Any]]:
    """ListProvisionedConcurrencyConfigs."""
    name, _q = functions.parse_name(ctx, request["FunctionName"])
    record = functions.load(ctx, name)
    return [{"FunctionArn": functions.function_arn(ctx, name, q), **c} for q, c in sorted((record.get("provisioned") or {}).items())]
