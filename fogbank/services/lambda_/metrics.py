"""Lambda's own CloudWatch metrics (``AWS/Lambda``), published as AWS publishes them.

Each invocation records Invocations, Errors (0 or 1, so the Average is the error rate), Duration
(Milliseconds) and ConcurrentExecutions (the executions running as it started; read its Maximum)
for four dimension sets: none (the whole account and region), ``FunctionName``, ``FunctionName``
+ ``Resource`` (``name:version`` or ``name:alias``, when the caller named a qualifier) and, for
alias invocations, ``FunctionName`` + ``Resource`` + ``ExecutedVersion``. A throttled attempt
counts only as Throttles; queued asynchronous events count as AsyncEventsReceived, and events
that could not reach their dead-letter queue as DeadLetterErrors. All values of one invocation
go to the store in one ``publish_many`` call.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank import metrics
from fogbank.context import Ctx

NAMESPACE = "AWS/Lambda"


def dimension_sets(name: str, invoked_arn: str, version: str | None) -> list[Mapping[str, str]]:
    """The dimension sets one invocation of ``invoked_arn`` is counted under."""
    sets: list[Mapping[str, str]] = [{}, {"FunctionName": name}]
    parts = invoked_arn.split(":")
    qualifier = parts[7] if len(parts) > 7 else None
    if qualifier:
        resource = f"{name}:{qualifier}"
        sets.append({"FunctionName": name, "Resource": resource})
        is_alias = qualifier != "$LATEST" and not qualifier.isdigit()
        if is_alias and version is not None:
            sets.append({"FunctionName": name, "Resource": resource, "ExecutedVersion": version})
    return sets


def invoked(ctx: Ctx, name: str, invoked_arn: str, version: str, ok: bool, duration_ms: float,
            concurrent: int, concurrent_all: int) -> None:
    """Record one finished invocation (``concurrent``: the function's executions running as it
    started, ``concurrent_all``: the account's in this region)."""
    items: list[metrics.Metric] = []
    for dims in dimension_sets(name, invoked_arn, version):
        items += [
            ("Invocations", 1.0, "Count", dims),
            ("Errors", 0.0 if ok else 1.0, "Count", dims),
            ("Duration", duration_ms, "Milliseconds", dims),
            ("ConcurrentExecutions", float(concurrent if dims else concurrent_all), "Count", dims),
        ]
    metrics.publish_many(ctx, NAMESPACE, items)


def throttled(ctx: Ctx, name: str, invoked_arn: str) -> None:
    """Record an invocation refused for want of concurrency."""
    items = [("Throttles", 1.0, "Count", dims) for dims in dimension_sets(name, invoked_arn, None)]
    metrics.publish_many(ctx, NAMESPACE, items)


def async_received(ctx: Ctx, name: str, qualifier: str | None) -> None:
    """Record an event queued for asynchronous invocation."""
    sets: list[Mapping[str, str]] = [{"FunctionName": name}]
    if qualifier:
        sets.append({"FunctionName": name, "Resource": f"{name}:{qualifier}"})
    metrics.publish_many(ctx, NAMESPACE, [("AsyncEventsReceived", 1.0, "Count", dims) for dims in sets])


def dead_letter_error(ctx: Ctx, name: str) -> None:
    """Record an event that could not be sent to its dead-letter queue or topic."""
    metrics.publish(ctx, NAMESPACE, "DeadLetterErrors", 1.0, "Count", {"FunctionName": name})
