"""SSM Parameter Store: parameter ARNs (``parameter/<name>`` with the name's leading slash folded
in), one per name for the batch reads, the path for GetParametersByPath; ``ssm:Overwrite`` and
``ssm:Recursive``."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def parameter_arn(ctx: Ctx, name: str) -> str:
    """The ARN of a parameter given by name or ARN."""
    if name.startswith("arn:"):
        return name
    name = name.split(":", 1)[0]  # a version or label selector is not part of the resource
    return arn("ssm", ctx.region, ctx.account, "parameter" + (name if name.startswith("/") else "/" + name))


def _one(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(parameter_arn(ctx, value), None, None)]


def _many(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(parameter_arn(ctx, name), None, None) for name in value]


def _tagged(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(parameter_arn(ctx, value) if request.get("ResourceType") == "Parameter" else value, None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if "Overwrite" in request:
        out["ssm:Overwrite"] = "true" if request["Overwrite"] else "false"
    if "Recursive" in request:
        out["ssm:Recursive"] = "true" if request["Recursive"] else "false"
    return out


TABLES = {"ssm": Table(
    prefix="ssm",
    members=(("Name", _one), ("Names", _many), ("Path", _one), ("ResourceId", _tagged)),
    global_ops=frozenset({"DescribeParameters"}),
    filters=frozenset({"Filters", "ParameterFilters", "Shared"}),
    context=_context,
)}
