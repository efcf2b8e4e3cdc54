"""Versions, aliases, revisions and paging of Lambda's lists.

A published version is a frozen copy of ``$LATEST``'s configuration and code under
``("version", name, number)``. PublishVersion publishes nothing new when neither the code nor the
configuration changed since the last version (AWS answers with that version). Aliases point at
a version, optionally sending a weighted share to one additional version.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)

# What makes two versions different (PublishVersion of an unchanged $LATEST returns the last one).
_FROZEN_IGNORES = ("Version", "FunctionArn", "LastModified", "RevisionId", "State", "LastUpdateStatus", "Description")
_LAYER_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9_-]+):(?P<version>\d+)$")


def check_revision(config: dict[str, Any], revision: str | None) -> None:
    """PreconditionFailedException when a given RevisionId is not the current one."""
    if revision and revision != config.get("RevisionId"):
        raise PreconditionFailedException("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")


def touched(ctx: Ctx, config: dict[str, Any]) -> dict[str, Any]:
    """A copy of a configuration with a new revision and modification time."""
    return {**config, "RevisionId": str(uuid.uuid4()), "LastModified": functions.timestamp(ctx.clock.now())}


def config_of(ctx: Ctx, name: str, qualifier: str | None, record: dict[str, Any]) -> dict[str, Any]:
    """The configuration of ``$LATEST``, a version number or an alias's version."""
    if not qualifier or qualifier == functions.LATEST:
        return record["config"]
    if not qualifier.isdigit():
        alias = store.get(ctx, "alias", name, qualifier)
        if alias is None:
            raise ResourceNotFoundException(f"Function not found: {functions.function_arn(ctx, name, qualifier)}")
        qualifier = alias["FunctionVersion"]
        if qualifier == functions.LATEST:
            return record["config"]
    found = store.get(ctx, "version", name, int(qualifier))
    if found is None:
        raise ResourceNotFoundException(f"Function not found: {functions.function_arn(ctx, name, qualifier)}")
    return found["config"]


def _frozen(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in _FROZEN_IGNORES}


def publish(ctx: Ctx, name: str, request: dict[str, Any] | None, description: str | None) -> dict[str, Any]:
    """Publish $LATEST as the next version (or answer the last one when nothing changed)."""
    request = request or {}
    with ctx.store.transaction():
        record = functions.load(ctx, name)
        latest = record["config"]
        check_revision(latest, request.get("RevisionId"))
        if request.get("CodeSha256") and request["CodeSha256"] != latest["CodeSha256"]:
            raise InvalidParameterValueException(f"CodeSHA256 ({request['CodeSha256']}) is different from current CodeSHA256 in $LATEST ({latest['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST.")
        last = store.last(ctx, "version", name)
        if last is not None and _frozen(last["config"]) == _frozen(latest):
            return last["config"]
        number = int(record.get("next_version", 1))
        config = {**latest, "Version": str(number), "FunctionArn": functions.function_arn(ctx, name, str(number)),
                  "RevisionId": str(uuid.uuid4()), "LastModified": functions.timestamp(ctx.clock.now())}
        if description is not None:
            config["Description"] = description
        store.put(ctx, {"config": config, "code": record["code"]}, "version", name, number)
        record["next_version"] = number + 1
        store.put(ctx, record, "function", name)
    return config


def delete_version(ctx: Ctx, name: str, qualifier: str) -> None:
    """Delete one published version, unless an alias points at it."""
    if not qualifier.isdigit() or store.get(ctx, "version", name, int(qualifier)) is None:
        raise ResourceNotFoundException(f"Function not found: {functions.function_arn(ctx, name, qualifier)}")
    for _k, alias in store.scan(ctx, "alias", name):
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        if alias["FunctionVersion"] == qualifier or qualifier in weights:
            raise ResourceConflictException(f"Unable to delete version because the following aliases reference it: [{alias['Name']}]")
    store.delete(ctx, "version", name, int(qualifier))


def blob_in_use(ctx: Ctx, name: str, blob: str) -> bool:
    """Whether a published version still uses a code blob."""
    return any(v["code"]["blob"] == blob for _k, v in store.scan(ctx, "version", name))


def page(items: list[dict[str, Any]], request: dict[str, Any], member: str, marker_of: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """One page of a list, with Lambda's opaque NextMarker."""
    limit = int(request.get("MaxItems") or 50)
    start = 0
    marker = request.get("Marker")
    if marker:
        try:
            after = base64.urlsafe_b64decode(marker.encode()).decode()
        except ValueError:
            raise InvalidParameterValueException("Invalid marker") from None
        start = next((i + 1 for i, item in enumerate(items) if marker_of(item) == after), len(items))
    chunk = items[start:start + limit]
    answer: dict[str, Any] = {member: chunk}
    if start + limit < len(items) and chunk:
        answer["NextMarker"] = base64.urlsafe_b64encode(marker_of(chunk[-1]).encode()).decode()
    return answer


# --- layers referenced by functions -------------------------------------------------------


def layer_refs(ctx: Ctx, arns: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``Layers`` of a configuration and the layers' code records, in the given order."""
    if len(arns) > functions.MAX_LAYERS:
        raise InvalidParameterValueException("Cannot reference more than 5 layers.")
    shown: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    for arn in arns:
        match = _LAYER_ARN.match(arn)
        if match is None:
            raise InvalidParameterValueException(f"1 validation error detected: Value '[{arn}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+, Member must not be null]")
        owner = ctx.derive(account=match.group("account"), region=match.group("region"))
        layer = store.get(owner, "layer", match.group("name"), int(match.group("version")))
        if layer is None:
            raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
        shown.append({"Arn": arn, "CodeSize": layer["code"]["size"]})
        codes.append(layer["code"])
    return shown, codes


# --- aliases --------------------------------------------------------------------------------


def _check_routing(ctx: Ctx, name: str, version: str, routing: dict[str, Any] | None) -> dict[str, Any] | None:
    if not routing:
        return None
    weights = routing.get("AdditionalVersionWeights") or {}
    if not weights:
        return None
    if len(weights) > 1:
        raise InvalidParameterValueException("Number of items in AdditionalVersionWeights cannot be greater than 1")
    record = functions.load(ctx, name)
    for extra, weight in weights.items():
        if version == functions.LATEST or extra == functions.LATEST:
            raise InvalidParameterValueException("$LATEST is not supported for an alias pointing to more than 1 version")
        if extra == version:
            raise InvalidParameterValueException(f"Invalid function version {extra}. Function version {extra} is already included in routing configuration.")
        if not 0.0 <= weight <= 1.0:
            raise InvalidParameterValueException("Invalid weight value. Weights must be between 0.0 and 1.0.")
        main = config_of(ctx, name, version, record)
        other = config_of(ctx, name, extra, record)
        if main.get("Role") != other.get("Role") or main.get("DeadLetterConfig") != other.get("DeadLetterConfig"):
            raise InvalidParameterValueException("The versions in the routing configuration must have the same execution role and dead letter queue configuration.")
    return {"AdditionalVersionWeights": {k: float(v) for k, v in weights.items()}}


def _check_version(ctx: Ctx, name: str, version: str) -> None:
    if version == functions.LATEST:
        return
    if not version.isdigit() or store.get(ctx, "version", name, int(version)) is None:
        raise ResourceNotFoundException(f"Function not found: {functions.function_arn(ctx, name, version)}")


def create_alias(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """CreateAlias."""
    name, _q = functions.parse_name(ctx, request["FunctionName"])
    functions.load(ctx, name)
    alias_name = request["Name"]
    if alias_name.isdigit() or alias_name == functions.LATEST:
        raise InvalidParameterValueException(f"1 validation error detected: Value '{alias_name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)", code="ValidationException")
    version = request["FunctionVersion"]
    _check_version(ctx, name, version)
    routing = _check_routing(ctx, name, version, request.get("RoutingConfig"))
    alias = {
        "AliasArn": functions.function_arn(ctx, name, alias_name),
        "Name": alias_name,
        "FunctionVersion": version,
        "Description": request.get("Description", ""),
        "RevisionId": str(uuid.uuid4()),
    }
    if routing:
        alias["RoutingConfig"] = routing
    with ctx.store.transaction():
        if store.get(ctx, "alias", name, alias_name) is not None:
            raise ResourceConflictException(f"Alias already exists: {alias['AliasArn']}")
        store.put(ctx, alias, "alias", name, alias_name)
    return alias


def load_alias(ctx: Ctx, name: str, alias_name: str) -> dict[str, Any]:
    """An alias, or ResourceNotFoundException."""
    functions.load(ctx, name)
    alias = store.get(ctx, "alias", name, alias_name)
    if alias is None:
        raise ResourceNotFoundException(f"Alias not found: {functions.function_arn(ctx, name, alias_name)}")
    return alias


def update_alias(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateAlias."""
    name, _q = functions.parse_name(ctx, request["FunctionName"])
    with ctx.store.transaction():
        alias = load_alias(ctx, name, request["Name"])
        if request.get("RevisionId") and request["RevisionId"] != alias["RevisionId"]:
            raise PreconditionFailedException("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
        if request.get("FunctionVersion"):
            _check_version(ctx, name, request["FunctionVersion"])
            alias["FunctionVersion"] = request["FunctionVersion"]
        if request.get("Description") is not None:
            alias["Description"] = request["Description"]
        if "RoutingConfig" in request:
            routing = _check_routing(ctx, name, alias["FunctionVersion"], request["RoutingConfig"])
            if routing:
                alias["RoutingConfig"] = routing
            else:
                alias.pop("RoutingConfig", None)
        alias["RevisionId"] = str(uuid.uuid4())
        store.put(ctx, alias, "alias", name, request["Name"])
    return alias
