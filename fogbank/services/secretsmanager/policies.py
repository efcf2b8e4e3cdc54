"""Resource policies of secrets: stored as given after a check of their form, and refused when
BlockPublicPolicy is set and a statement allows everyone."""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Ctx
from fogbank.services.secretsmanager import records
from fogbank.services.secretsmanager.errors import MalformedPolicyDocumentException, PublicPolicyException


def _parse(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except ValueError:
        raise MalformedPolicyDocumentException("This resource policy contains a syntax error.") from None
    statements = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("This resource policy contains a syntax error.")
    for st in statements:
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny") or not (
                "Action" in st or "NotAction" in st):
            raise MalformedPolicyDocumentException("This resource policy contains a syntax error.")
    doc["Statement"] = statements
    return doc


def _is_public(doc: dict[str, Any]) -> bool:
    for st in doc["Statement"]:
        if st["Effect"] != "Allow" or st.get("Condition"):
            continue
        principal = st.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"])):
            return True
    return False


def put(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """PutResourcePolicy."""
    record = records.require(ctx, request["SecretId"])
    doc = _parse(request["ResourcePolicy"])
    if request.get("BlockPublicPolicy") and _is_public(doc):
        raise PublicPolicyException("This resource policy contains public access and can't be applied.")
    record["policy"] = request["ResourcePolicy"]
    record["last_changed"] = ctx.clock.now()
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"]}


def get(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetResourcePolicy (no ResourcePolicy member when none is attached)."""
    record = records.require(ctx, request["SecretId"])
    out = {"ARN": record["arn"], "Name": record["name"]}
    if record.get("policy"):
        out["ResourcePolicy"] = record["policy"]
    return out


def delete(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteResourcePolicy."""
    record = records.require(ctx, request["SecretId"])
    record["policy"] = None
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"]}


def validate(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """ValidateResourcePolicy: the form check, reported as validation errors."""
    if request.get("SecretId"):
        records.require(ctx, request["SecretId"])
    try:
        _parse(request["ResourcePolicy"])
    except MalformedPolicyDocumentException as err:
        return {"PolicyValidationPassed": False,
                "ValidationErrors": [{"CheckName": "SYNTAX_CHECK", "ErrorMessage": err.message}]}
    return {"PolicyValidationPassed": True, "ValidationErrors": []}
