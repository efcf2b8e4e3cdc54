"""Layers: published versions of a zip, their permissions, and listing.

A layer version is ``("layer", name, number)``: the LayerVersion as GetLayerVersion shows it
plus its code record and policy statements. Functions refer to layers by version ARN
(``versions.layer_refs``) and carry the code records along, so deleting a layer version does not
break the functions that use it, as on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)


def layer_arn(ctx: Ctx, name: str, version: int | None = None) -> str:
    """The ARN of a layer or of one of its versions."""
    arn = f"arn:aws:lambda:{ctx.region}:{ctx.account}:layer:{name}"
    return f"{arn}:{version}" if version is not None else arn


def shown(layer: dict[str, Any]) -> dict[str, Any]:
    """A layer version without fogbank's private fields."""
    return {k: v for k, v in layer.items() if k not in ("code", "policy", "next_sid")}


async def publish(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """PublishLayerVersion."""
    name = _name(request["LayerName"])
    code = await functions.take_code(ctx, request.get("Content") or {})
    with ctx.store.transaction():
        last = store.last(ctx, "layer", name)
        number = int(last["Version"]) + 1 if last else 1
        counter = store.get(ctx, "layer-counter", name) or {"next": 1}
        number = max(number, int(counter["next"]))
        layer: dict[str, Any] = {
            "Content": {"Location": f"{ctx.config.endpoint}/_fogbank/lambda/layer/{code['blob']}", "CodeSha256": code["sha256"], "CodeSize": code["size"]},
            "LayerArn": layer_arn(ctx, name),
            "LayerVersionArn": layer_arn(ctx, name, number),
            "Description": request.get("Description", ""),
            "CreatedDate": functions.timestamp(ctx.clock.now()),
            "Version": number,
            "code": code,
        }
        for member in ("CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"):
            if request.get(member):
                layer[member] = request[member]
        store.put(ctx, layer, "layer", name, number)
        store.put(ctx, {"next": number + 1}, "layer-counter", name)
    return shown(layer)


def _name(value: str) -> str:
    return value.split(":layer:", 1)[1].split(":")[0] if ":layer:" in value else value


def load(ctx: Ctx, name: str, version: int) -> dict[str, Any]:
    """A layer version, or ResourceNotFoundException."""
    layer = store.get(ctx, "layer", _name(name), int(version))
    if layer is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return layer


def get_by_arn(ctx: Ctx, arn: str) -> dict[str, Any]:
    """GetLayerVersionByArn."""
    parts = arn.split(":")
    if len(parts) != 8 or parts[5] != "layer" or not parts[7].isdigit():
        raise InvalidParameterValueException(f"1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint", code="ValidationException")
    owner = ctx.derive(account=parts[4], region=parts[3])
    return shown(load(owner, parts[6], int(parts[7])))


def list_versions(ctx: Ctx, name: str, runtime: str | None, architecture: str | None) -> list[dict[str, Any]]:
    """A layer's versions, newest first, filtered by runtime and architecture."""
    found = [shown(layer) for _k, layer in store.scan(ctx, "layer", _name(name))]
    found.reverse()
    if runtime:
        found = [v for v in found if runtime in v.get("CompatibleRuntimes", [])]
    if architecture:
        found = [v for v in found if architecture in v.get("CompatibleArchitectures", [])]
    return found


def list_layers(ctx: Ctx, runtime: str | None, architecture: str | None) -> list[dict[str, Any]]:
    """Every layer with its latest (matching) version."""
    latest: dict[str, dict[str, Any]] = {}
    for k, layer in store.scan(ctx, "layer"):
        if runtime and runtime not in layer.get("CompatibleRuntimes", []):
            continue
        if architecture and architecture not in layer.get("CompatibleArchitectures", []):
            continue
        latest[k[4]] = layer
    answer = []
    for name, layer in sorted(latest.items()):
        item = shown(layer)
        item.pop("LayerArn", None)
        answer.append({"LayerName": name, "LayerArn": layer["LayerArn"], "LatestMatchingVersion": item})
    return answer


def delete(ctx: Ctx, name: str, version: int) -> None:
    """DeleteLayerVersion (the zip stays while functions use it)."""
    store.delete(ctx, "layer", _name(name), int(version))


def add_permission(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """AddLayerVersionPermission."""
    with ctx.store.transaction():
        layer = load(ctx, request["LayerName"], request["VersionNumber"])
        if request.get("RevisionId") and request["RevisionId"] != layer.get("RevisionId", request["RevisionId"]):
            raise InvalidParameterValueException("Revision Id does not match")
        policy = layer.setdefault("policy", [])
        sid = request["StatementId"]
        if any(s["Sid"] == sid for s in policy):
            raise ResourceConflictException(f"The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement.")
        principal = request["Principal"]
        statement: dict[str, Any] = {
            "Sid": sid, "Effect": "Allow",
            "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
            "Action": request["Action"], "Resource": layer["LayerVersionArn"],
        }
        if request.get("OrganizationId"):
            statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": request["OrganizationId"]}}
        policy.append(statement)
        store.put(ctx, layer, "layer", _name(request["LayerName"]), int(request["VersionNumber"]))
    return {"Statement": json.dumps(statement), "RevisionId": _revision(policy)}


def remove_permission(ctx: Ctx, request: dict[str, Any]) -> None:
    """RemoveLayerVersionPermission."""
    with ctx.store.transaction():
        layer = load(ctx, request["LayerName"], request["VersionNumber"])
        policy = layer.get("policy", [])
        kept = [s for s in policy if s["Sid"] != request["StatementId"]]
        if len(kept) == len(policy):
            raise ResourceNotFoundException("Statement not found")
        layer["policy"] = kept
        store.put(ctx, layer, "layer", _name(request["LayerName"]), int(request["VersionNumber"]))


def get_policy(ctx: Ctx, name: str, version: int) -> dict[str, Any]:
    """GetLayerVersionPolicy."""
    layer = load(ctx, name, version)
    if not layer.get("policy"):
        raise ResourceNotFoundException("No policy is associated with the given resource.")
    doc = {"Version": "2012-10-17", "Id": "default", "Statement": layer["policy"]}
    return {"Policy": json.dumps(doc), "RevisionId": _revision(layer["policy"])}


def _revision(policy: list[dict[str, Any]]) -> str:
    import hashlib
    import uuid

    return str(uuid.UUID(hashlib.md5(json.dumps(policy, sort_keys=True).encode()).hexdigest()))
