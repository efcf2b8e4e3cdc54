"""Function logs: START/END/REPORT lines around the output, the 4 KB tail, CloudWatch Logs.

Lines go to the log group ``/aws/lambda/<name>`` through ``ctx.call("logs", ...)`` when fogbank
has a CloudWatch Logs service; until then they are only returned as ``LogType=Tail`` results.
"""

from __future__ import annotations

import base64
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError

TAIL_BYTES = 4096


def report(request_id: str, version: str, output: str, duration_ms: float, memory_mb: int,
           max_used_mb: int, init_ms: float | None) -> str:
    """The invocation's log as Lambda writes it."""
    billed = max(1, int(-(-duration_ms // 1)))
    text = f"START RequestId: {request_id} Version: {version}\n{output}"
    if text and not text.endswith("\n"):
        text += "\n"
    text += f"END RequestId: {request_id}\n"
    text += (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed} ms\t"
             f"Memory Size: {memory_mb} MB\tMax Memory Used: {max_used_mb} MB\t")
    if init_ms is not None:
        text += f"Init Duration: {init_ms:.2f} ms\t"
    return text + "\n"


def tail(text: str) -> str:
    """The last 4 KB of a log, base64 (``X-Amz-Log-Result``)."""
    data = text.encode("utf-8", "replace")[-TAIL_BYTES:]
    return base64.b64encode(data).decode()


def ship(ctx: Ctx, group: str, stream: str, text: str, flags: dict[str, Any]) -> None:
    """Send the log lines to CloudWatch Logs when fogbank has it (``flags`` caches that it has not).

    A warm environment writes to a stream that exists: the group and stream are created only
    when PutLogEvents finds them missing (first invocation, or after someone deleted them)."""
    if flags.get("no_logs") or not text:
        return
    now_ms = ctx.clock.now_ms()
    events = [{"timestamp": now_ms, "message": line} for line in text.splitlines() if line]
    put = {"logGroupName": group, "logStreamName": stream, "logEvents": events}
    try:
        try:
            ctx.call("logs", "PutLogEvents", put)
            return
        except ServiceError as err:
            if err.code != "ResourceNotFoundException":
                raise
        for op, params in (("CreateLogGroup", {"logGroupName": group}), ("CreateLogStream", {"logGroupName": group, "logStreamName": stream})):
            try:
                ctx.call("logs", op, params)
            except ServiceError as err:
                if err.code != "ResourceAlreadyExistsException":
                    raise
        ctx.call("logs", "PutLogEvents", put)
    except ServiceError as err:
        if err.code == "NotImplemented":
            flags["no_logs"] = True
