"""Function resource policies: AddPermission, RemovePermission, GetPolicy.

Statements are kept per qualifier in the function record (``policy``: {qualifier: [statement]})
in the form GetPolicy shows them, with the source ARN / account conditions AWS writes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.lambda_ import functions, store
from fogbank.services.lambda_.errors import (
    PolicyLengthExceededException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)

MAX_POLICY = 20480


def _revision(statements: list[dict[str, Any]]) -> str:
    return str(uuid.UUID(hashlib.md5(json.dumps(statements, sort_keys=True).encode()).hexdigest()))


def _principal(value: str) -> Any:
    if value == "*":
        return "*"
    if value.endswith(".amazonaws.com") or value.endswith(".amazon.com"):
        return {"Service": value}
    if value.isdigit():
        return {"AWS": f"arn:aws:iam::{value}:root"}
    return {"AWS": value}


def add(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """AddPermission."""
    name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
    with ctx.store.transaction():
        record = functions.load(ctx, name, qualifier)
        if qualifier:
            from fogbank.services.lambda_ import versions

            versions.config_of(ctx, name, qualifier, record)
        policies = record.setdefault("policy", {})
        statements = policies.setdefault(qualifier or "", [])
        if request.get("RevisionId") and request["RevisionId"] != _revision(statements):
            raise PreconditionFailedException("The RevisionId provided does not match the latest RevisionId for the Lambda function or alias. Call the GetFunction or the GetAlias API to retrieve the latest RevisionId for your resource.")
        sid = request["StatementId"]
        if any(s["Sid"] == sid for s in statements):
            raise ResourceConflictException(f"The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement.")
        action = request["Action"]
        if not action.startswith("lambda:") and action != "*":
            action = "lambda:" + action
        statement: dict[str, Any] = {
            "Sid": sid, "Effect": "Allow", "Principal": _principal(request["Principal"]), "Action": action,
            "Resource": functions.function_arn(ctx, name, qualifier),
        }
        condition: dict[str, Any] = {}
        if request.get("SourceAccount"):
            condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = request["SourceAccount"]
        if request.get("PrincipalOrgID"):
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = request["PrincipalOrgID"]
        if request.get("EventSourceToken"):
            condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = request["EventSourceToken"]
        if request.get("FunctionUrlAuthType"):
            condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = request["FunctionUrlAuthType"]
        if request.get("SourceArn"):
            condition["ArnLike"] = {"AWS:SourceArn": request["SourceArn"]}
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
        if len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements})) > MAX_POLICY:
            raise PolicyLengthExceededException("The final policy size (bigger than 20480) is bigger than the limit.")
        store.put(ctx, record, "function", name)
    return {"Statement": json.dumps(statement)}


def remove(ctx: Ctx, request: dict[str, Any]) -> None:
    """RemovePermission."""
    name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
    with ctx.store.transaction():
        record = functions.load(ctx, name, qualifier)
        statements = (record.get("policy") or {}).get(qualifier or "", [])
        if request.get("RevisionId") and request["RevisionId"] != _revision(statements):
            raise PreconditionFailedException("The RevisionId provided does not match the latest RevisionId for the Lambda function or alias. Call the GetFunction or the GetAlias API to retrieve the latest RevisionId for your resource.")
        kept = [s for s in statements if s["Sid"] != request["StatementId"]]
        if len(kept) == len(statements):
            raise ResourceNotFoundException(f"Statement {request['StatementId']} is not found in resource policy.")
        record["policy"][qualifier or ""] = kept
        store.put(ctx, record, "function", name)


def get(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetPolicy."""
    name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
    record = functions.load(ctx, name, qualifier)
    statements = (record.get("policy") or {}).get(qualifier or "", [])
    if not statements:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    doc = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
    return {"Policy": json.dumps(doc), "RevisionId": _revision(statements)}


@functools.lru_cache(maxsize=256)
def _access_facts(raw: bytes, qualifier: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    record = json.loads(raw)
    statements = (record.get("policy") or {}).get(qualifier, [])
    doc = json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}) if statements else None
    return doc, tuple(sorted((record.get("tags") or {}).items()))


def access_facts(reader: Any, account: str, region: str, name: str,
                 qualifier: str | None = None) -> tuple[str | None, dict[str, str]] | None:
    """The function policy (of ``qualifier``, or the unqualified one) and the function's tags,
    straight from the store for IAM enforcement (one read, no decoding while the record is
    unchanged); None when there is no such function."""
    raw = reader.get((store.SERVICE, account, region, "function", name))
    if raw is None:
        return None
    policy, tags = _access_facts(bytes(raw), qualifier or "")
    return policy, dict(tags)
