"""Calling a Lambda function named in an integration or authorizer URI, through ``ctx.call``."""

from __future__ import annotations

import inspect
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError

log = logging.getLogger("fogbank.apigateway")

_FUNCTION = re.compile(r":lambda:path/\d{4}-\d{2}-\d{2}/functions/(?P<arn>.+?)/invocations/?$")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


@dataclass
class LambdaResult:
    """What a function answered: its payload and whether it failed (``FunctionError``)."""

    payload: bytes
    failed: bool

    def json(self) -> Any:
        """The payload parsed as JSON (ValueError when it is not)."""
        return json.loads(self.payload) if self.payload else None


class LambdaUnavailable(Exception):
    """The function could not be invoked at all (unknown, misconfigured, Lambda missing)."""


def substitute(text: str, stage_variables: dict[str, str]) -> str:
    """``${stageVariables.name}`` replaced by the stage's values."""
    return _STAGE_VARIABLE.sub(lambda m: stage_variables.get(m.group(1), ""), text)


def function_arn(uri: str, stage_variables: dict[str, str]) -> str:
    """The function ARN (or name) inside an ``arn:aws:apigateway:...:lambda:path/...`` URI."""
    m = _FUNCTION.search(substitute(uri, stage_variables))
    if not m:
        raise LambdaUnavailable(f"not a Lambda invocation URI: {uri}")
    return m.group("arn")


async def invoke(ctx: Ctx, function: str, event: Any) -> LambdaResult:
    """Invoke ``function`` synchronously with ``event`` (JSON)."""
    try:
        result = ctx.call("lambda", "Invoke", {"FunctionName": function, "Payload": json.dumps(event).encode()})
        if inspect.isawaitable(result):
            result = await result
    except ServiceError as err:
        log.warning("API Gateway could not invoke %s: %s %s", function, err.code, err.message)
        raise LambdaUnavailable(err.message) from None
    payload = result.get("Payload") or b""
    if hasattr(payload, "read"):
        payload = payload.read()
    return LambdaResult(payload, bool(result.get("FunctionError")))
