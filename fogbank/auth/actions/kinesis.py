"""Kinesis: stream ARNs, from ``StreamARN`` or ``ResourceARN`` as given or built from ``StreamName``."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _stream_named(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(arn("kinesis", ctx.region, ctx.account, f"stream/{value}"), None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return request_tags(request)


TABLES = {"kinesis": Table(
    prefix="kinesis",
    members=(("ConsumerARN", _as_is), ("StreamARN", _as_is), ("ResourceARN", _as_is), ("StreamName", _stream_named)),
    global_ops=frozenset({"ListStreams", "DescribeLimits"}),
    context=_context,
)}
