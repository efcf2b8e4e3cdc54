"""SNS: topic ARNs (a subscription acts on its own ARN, which extends its topic's); a topic being
created is named from ``Name``."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _topic_named(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(arn("sns", ctx.region, ctx.account, value), None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    if operation == "Subscribe":
        out["sns:Protocol"] = request.get("Protocol", "")
        if request.get("Endpoint"):
            out["sns:Endpoint"] = request["Endpoint"]
    return out


TABLES = {"sns": Table(
    prefix="sns",
    members=(("TopicArn", _as_is), ("TargetArn", _as_is), ("SubscriptionArn", _as_is), ("ResourceArn", _as_is),
             ("Name", _topic_named)),
    global_ops=frozenset({"ListTopics", "ListSubscriptions"}),
    context=_context,
)}
