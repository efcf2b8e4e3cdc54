"""STS: who the caller is.

LIMITATIONS: only GetCallerIdentity so far; AssumeRole, GetSessionToken and the other
credential-issuing operations arrive with the IAM/STS work.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx


class Provider:
    """The STS operations."""

    def get_caller_identity(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account, user id and ARN behind the request's credentials."""
        principal = ctx.principal
        if principal is None:
            return {"UserId": ctx.account, "Account": ctx.account, "Arn": f"arn:aws:iam::{ctx.account}:root"}
        return {"UserId": principal.user_id, "Account": principal.account, "Arn": principal.arn}
