"""Evaluating the IAM policy a Lambda authorizer returns against a method ARN."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def _pattern(glob: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob) + r"\Z",
                      re.IGNORECASE if glob.startswith("execute-api") or glob == "*" else 0)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _applies(statement: dict[str, Any], method_arn: str) -> bool:
    actions = _listed(statement.get("Action"))
    if not any(_pattern(a.lower()).match("execute-api:invoke") for a in actions):
        return False
    return any(_pattern(r).match(method_arn) for r in _listed(statement.get("Resource")))


def decide(policy: dict[str, Any], method_arn: str) -> str:
    """``"Allow"``, ``"Deny"`` (an explicit deny) or ``"None"`` (nothing allows it)."""
    allowed = False
    for statement in policy.get("Statement") or []:
        if not isinstance(statement, dict) or not _applies(statement, method_arn):
            continue
        effect = statement.get("Effect")
        if effect == "Deny":
            return "Deny"
        if effect == "Allow":
            allowed = True
    return "Allow" if allowed else "None"


def valid(policy: Any) -> bool:
    """Whether an authorizer's policy document has the shape API Gateway accepts."""
    if not isinstance(policy, dict):
        return False
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        policy["Statement"] = statements = [statements]
    return isinstance(statements, list) and all(isinstance(s, dict) and s.get("Effect") in ("Allow", "Deny") for s in statements)
