"""Key policy documents: the default policy KMS gives a new key and the AWS managed key policy,
written in the pretty-printed layout GetKeyPolicy answers with, plus the checks PutKeyPolicy makes.

Policies are stored and returned; they are not enforced (IAM policy evaluation does that).
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.kms.errors import MalformedPolicyDocumentException

POLICY_NAME = "default"
MAX_POLICY_BYTES = 32768


def pretty(value: Any, indent: int = 0) -> str:
    """JSON in the layout AWS's policy printer uses (``"key" : value``, inline list openers)."""
    pad = " " * indent
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = [f"{inner}{json.dumps(k)} : {pretty(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(pretty(v, indent) for v in value) + " ]"
    return json.dumps(value)


def default_policy(account: str) -> str:
    """The policy KMS attaches to a key created without one."""
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def managed_policy(account: str, region: str, service: str) -> str:
    """The policy of the AWS managed key ``alias/aws/<service>``."""
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-1",
            "Statement": [
                {
                    "Sid": f"Allow access through {service.upper()} for all principals in the account that are authorized to use {service.upper()}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account,
                            "kms:ViaService": f"{service}.{region}.amazonaws.com",
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        }
    )


def check(text: str) -> None:
    """Raise ``MalformedPolicyDocumentException`` unless ``text`` is a plausible policy document."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise MalformedPolicyDocumentException("The policy document is not valid JSON.") from exc
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicyDocumentException("Policy contains a statement with an invalid effect.")
        if "Principal" not in statement:
            raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
        if "Action" not in statement and "NotAction" not in statement:
            raise MalformedPolicyDocumentException("Policy contains a statement with no action.")
