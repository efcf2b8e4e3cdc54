"""EventBridge: rule ARNs (``rule/<name>`` on the default bus, ``rule/<bus>/<name>`` on others),
event bus ARNs (``event-bus/<name>``), one question per entry's bus for PutEvents;
``events:source`` and ``events:detail-type`` of the events put."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, Target, arn, request_tags
from fogbank.context import Ctx

_BUS_OPS = frozenset({"CreateEventBus", "DescribeEventBus", "DeleteEventBus", "UpdateEventBus"})


def bus_arn(ctx: Ctx, name: str | None) -> str:
    """The ARN of an event bus given by name or ARN (the default bus when none is named)."""
    name = name or "default"
    return name if name.startswith("arn:") else arn("events", ctx.region, ctx.account, f"event-bus/{name}")


def rule_arn(ctx: Ctx, name: str, bus: str | None) -> str:
    """The ARN of a rule on a bus."""
    if name.startswith("arn:"):
        return name
    bus_name = (bus or "default").rsplit("/", 1)[-1]
    path = f"rule/{name}" if bus_name == "default" else f"rule/{bus_name}/{name}"
    return arn("events", ctx.region, ctx.account, path)


def _rule(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(rule_arn(ctx, value, request.get("EventBusName")), None, None)]


def _bus(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(bus_arn(ctx, value), None, None)]


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _bus_op(ctx: Ctx, request: dict[str, Any], operation: str) -> list[Target]:
    return [Target(f"events:{operation}", bus_arn(ctx, request.get("Name")))]


def _put_events(ctx: Ctx, request: dict[str, Any]) -> list[Target]:
    out = []
    for entry in request.get("Entries") or []:
        context = {k: v for k, v in (("events:source", entry.get("Source")),
                                     ("events:detail-type", entry.get("DetailType"))) if v}
        out.append(Target("events:PutEvents", bus_arn(ctx, entry.get("EventBusName")), context=context))
    return out


TABLES = {"events": Table(
    prefix="events",
    members=(("Rule", _rule), ("Name", _rule), ("ResourceARN", _as_is), ("EventBusName", _bus)),
    global_ops=frozenset({"ListEventBuses", "TestEventPattern"}),
    filters=frozenset({"TargetArn"}),
    special={
        "PutEvents": _put_events,
        **{op: (lambda ctx, request, _op=op: _bus_op(ctx, request, _op)) for op in _BUS_OPS},
    },
    context=lambda ctx, operation, request: request_tags(request),
)}
