"""SQS: queue ARNs from queue URLs (``.../<account>/<name>``) and names; batch calls are
authorised as their single-message actions; the queue's ``Policy`` attribute is its resource policy."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def queue_arn(ctx: Ctx, url: str) -> tuple[str, str]:
    """The ARN and owning account of the queue at ``url`` (an ARN is accepted too)."""
    if url.startswith("arn:"):
        return url, url.split(":")[4]
    parts = url.rstrip("/").split("/")
    name = parts[-1]
    account = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else ctx.account
    host = parts[2] if len(parts) > 2 else ""
    region = ctx.region
    for piece in host.split("."):
        if piece.count("-") >= 2 and piece[-1].isdigit():
            region = piece
            break
    return arn("sqs", region, account, name), account


def _by_url(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource, owner = queue_arn(ctx, value)
    return [(resource, owner, ("sqs", value))]


def _by_name(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    owner = request.get("QueueOwnerAWSAccountId") or ctx.account
    return [(arn("sqs", ctx.region, owner, value), owner, None)]


def _by_arn(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, value.split(":")[4] if value.count(":") >= 5 else None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return request_tags(request, "tags") if operation == "CreateQueue" else request_tags(request, "Tags")


TABLES = {"sqs": Table(
    prefix="sqs",
    members=(("QueueUrl", _by_url), ("QueueName", _by_name), ("SourceArn", _by_arn)),
    actions={"SendMessageBatch": "sqs:SendMessage", "DeleteMessageBatch": "sqs:DeleteMessage",
             "ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility"},
    filters=frozenset({"QueueNamePrefix", "TaskHandle"}),
    context=_context,
)}
