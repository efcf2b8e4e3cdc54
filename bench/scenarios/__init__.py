"""Every benchmark scenario, one module per service, and selection of them by name."""

from __future__ import annotations

import fnmatch

from bench.scenarios import dynamodb, lambda_, s3, sqs, sts
from bench.scenarios.base import Scenario

ALL: tuple[Scenario, ...] = (
    sts.SCENARIOS + sqs.SCENARIOS + dynamodb.SCENARIOS + s3.SCENARIOS + lambda_.SCENARIOS
)
DEFAULT = tuple(s.name for s in ALL)


def select(patterns: list[str]) -> list[Scenario]:
    """Scenarios whose names match any of the shell-style patterns ("sqs.*"), in ALL's order."""
    chosen = [s for s in ALL if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)]
    if not chosen:
        raise ValueError(f"no scenario matches {patterns}; known: {', '.join(s.name for s in ALL)}")
    return chosen
