"""Which configuration an invocation runs: ``$LATEST``, a published version or an alias.

An alias with ``RoutingConfig.AdditionalVersionWeights`` sends that share of invocations to its
additional version, chosen at random per invocation as AWS does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store
from fogbank.services.lambda_.errors import ResourceNotFoundException


@dataclass
class Target:
    """A resolved invocation target."""

    name: str
    record: dict[str, Any]  # the function record
    config: dict[str, Any]  # the configuration that runs
    code: dict[str, Any]
    version: str  # the version that runs ($LATEST or a number)
    invoked_arn: str  # the ARN the caller named (qualified by what it named)


def version_record(ctx: Ctx, name: str, version: str, record: dict[str, Any]) -> dict[str, Any]:
    """The ``{"config", "code"}`` of a version (``$LATEST`` from the function record)."""
    if version == functions.LATEST:
        return {"config": record["config"], "code": record["code"]}
    found = store.get(ctx, "version", name, int(version)) if version.isdigit() else None
    if found is None:
        raise ResourceNotFoundException(f"Function not found: {functions.function_arn(ctx, name, version)}")
    return found


def target(ctx: Ctx, function_name: str, qualifier: str | None, rng: random.Random | None = None) -> Target:
    """Resolve what ``Invoke(FunctionName, Qualifier)`` runs."""
    name, qualifier = functions.parse_name(ctx, function_name, qualifier)
    record = functions.load(ctx, name, qualifier)
    invoked = functions.function_arn(ctx, name, qualifier)
    version = qualifier or functions.LATEST
    if qualifier and qualifier != functions.LATEST and not qualifier.isdigit():
        alias = store.get(ctx, "alias", name, qualifier)
        if alias is None:
            raise ResourceNotFoundException(f"Function not found: {invoked}")
        version = alias["FunctionVersion"]
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        draw = (rng or random).random()
        for extra, weight in weights.items():
            if draw < weight:
                version = extra
                break
            draw -= weight
    found = version_record(ctx, name, version, record)
    return Target(name, record, found["config"], found["code"], version, invoked)
