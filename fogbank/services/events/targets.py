"""A rule's targets: adding and replacing them by Id with EventBridge's per-entry checks, and
removing them."""

from __future__ import annotations

from typing import Any

from fogbank.services.events import transform
from fogbank.services.events.errors import LimitExceededException, ValidationException

MAX_TARGETS = 5
_RESERVED_PLACEHOLDERS = ("aws.events.",)


def _check(target: dict[str, Any]) -> tuple[str, str] | None:
    """(ErrorCode, ErrorMessage) for a target EventBridge refuses per entry, or None."""
    arn = target["Arn"]
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return "ValidationException", f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
    path = target.get("InputPath")
    if path is not None and not transform.valid_path(path):
        return "ValidationException", f"Parameter InputPath is not valid. Reason: {path} is not a valid JSON path."
    return None


def _check_request(target: dict[str, Any]) -> None:
    """Refuse a whole PutTargets request for a target EventBridge cannot take at all."""
    given = [m for m in ("Input", "InputPath", "InputTransformer") if target.get(m) is not None]
    if len(given) > 1:
        raise ValidationException("Only one of Input, InputPath, or InputTransformer must be provided.")
    transformer = target.get("InputTransformer")
    if transformer:
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            if name.startswith(_RESERVED_PLACEHOLDERS):
                raise ValidationException(f"InputTransformer: {name} is a reserved key")
            if not transform.valid_path(path):
                raise ValidationException(f"Parameter InputPathsMap is not valid. Reason: {path} is not a valid "
                                          "JSON path.")
    arn = target["Arn"]
    if arn.split(":")[2:3] == ["sqs"] and arn.endswith(".fifo") and not (target.get("SqsParameters") or {}).get(
            "MessageGroupId"):
        raise ValidationException(f"Parameter(s) SqsParameters must be specified for target: {target['Id']}.")


def put(rule: dict[str, Any], given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add or replace ``given`` on ``rule``; returns the FailedEntries."""
    for target in given:
        _check_request(target)
    current = {t["Id"]: t for t in rule.get("Targets") or []}
    failed: list[dict[str, Any]] = []
    for target in given:
        problem = _check(target)
        if problem is not None:
            failed.append({"TargetId": target["Id"], "ErrorCode": problem[0], "ErrorMessage": problem[1]})
            continue
        current[target["Id"]] = {k: v for k, v in target.items() if v is not None}
    if len(current) > MAX_TARGETS:
        raise LimitExceededException("The requested resource exceeds the maximum number allowed.")
    rule["Targets"] = list(current.values())
    return failed


def remove(rule: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    """Remove the targets of ``ids`` from ``rule``; returns the FailedEntries (none: an unknown Id
    is no error)."""
    drop = set(ids)
    rule["Targets"] = [t for t in rule.get("Targets") or [] if t["Id"] not in drop]
    return []
