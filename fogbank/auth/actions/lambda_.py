"""Lambda: function ARNs (from a name, partial or full ARN, with the qualifier), layer and event
source mapping ARNs; Invoke is ``lambda:InvokeFunction``; ``lambda:FunctionArn``,
``lambda:Principal`` and ``lambda:FunctionUrlAuthType``. The function policy is the resource policy."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def function_arn(ctx: Ctx, name: str, qualifier: str | None = None) -> str:
    """The ARN of a function given as a name, ``name:qualifier``, ``account:function:name`` or an ARN."""
    account, region = ctx.account, ctx.region
    if name.startswith("arn:"):
        parts = name.split(":")
        region, account, rest = parts[3], parts[4], parts[6:]
    elif ":function:" in name:
        account, _, tail = name.partition(":function:")
        rest = tail.split(":")
    else:
        rest = name.split(":")
    base = arn("lambda", region, account, f"function:{rest[0]}")
    qualifier = qualifier or (rest[1] if len(rest) > 1 else None)
    return f"{base}:{qualifier}" if qualifier else base


def _function(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource = function_arn(ctx, value, request.get("Qualifier"))
    return [(resource, resource.split(":")[4], ("lambda", resource))]


def _layer(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource = value if value.startswith("arn:") else arn("lambda", ctx.region, ctx.account, f"layer:{value}")
    if request.get("VersionNumber") is not None:
        resource += f":{request['VersionNumber']}"
    return [(resource, resource.split(":")[4], None)]


def _mapping(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(arn("lambda", ctx.region, ctx.account, f"event-source-mapping:{value}"), None, None)]


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if operation in ("CreateEventSourceMapping", "UpdateEventSourceMapping") and request.get("FunctionName"):
        out["lambda:FunctionArn"] = function_arn(ctx, request["FunctionName"])
    if operation == "AddPermission" and request.get("Principal"):
        out["lambda:Principal"] = request["Principal"]
    if request.get("AuthType"):
        out["lambda:FunctionUrlAuthType"] = request["AuthType"]
    return out


TABLES = {"lambda": Table(
    prefix="lambda",
    members=(("FunctionName", _function), ("LayerName", _layer), ("UUID", _mapping), ("Resource", _as_is),
             ("CodeSigningConfigArn", _as_is), ("Arn", _as_is)),
    actions={"Invoke": "lambda:InvokeFunction", "InvokeWithResponseStream": "lambda:InvokeFunction",
             "ListVersionsByFunction": "lambda:ListVersionsByFunction"},
    filters=frozenset({"MasterRegion", "FunctionVersion", "CompatibleRuntime", "CompatibleArchitecture",
                       "EventSourceArn"}),
    context=_context,
)}
