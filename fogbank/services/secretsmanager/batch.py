"""BatchGetSecretValue: the current values of up to 20 secrets named by id or found by filters."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.secretsmanager import listing, records, secrets
from fogbank.services.secretsmanager.errors import InvalidParameterException

MAX_IDS = 20


def batch_get(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """BatchGetSecretValue: values found, and an error entry for each id that failed."""
    ids, filters = request.get("SecretIdList"), request.get("Filters")
    if bool(ids) == bool(filters):
        raise InvalidParameterException("Either SecretIdList or Filters must be specified, but not both.")
    if ids and request.get("MaxResults"):
        raise InvalidParameterException("MaxResults can be specified only with Filters.")
    out: dict[str, Any] = {"SecretValues": [], "Errors": []}
    if ids:
        if len(ids) > MAX_IDS:
            raise InvalidParameterException(f"SecretIdList can contain at most {MAX_IDS} secret ids.")
        for secret_id in dict.fromkeys(ids):
            try:
                record = records.require(ctx, secret_id)
                out["SecretValues"].append(secrets.read_value(ctx, record, None, None))
            except ServiceError as err:
                out["Errors"].append({"SecretId": secret_id, "ErrorCode": err.code, "Message": err.message})
        return out
    listed = listing.list_secrets(ctx, {"Filters": filters, "MaxResults": request.get("MaxResults") or MAX_IDS,
                                        "NextToken": request.get("NextToken"), "SortOrder": "asc"})
    for entry in listed["SecretList"]:
        try:
            record = records.require(ctx, entry["ARN"])
            out["SecretValues"].append(secrets.read_value(ctx, record, None, None))
        except ServiceError as err:
            out["Errors"].append({"SecretId": entry["ARN"], "ErrorCode": err.code, "Message": err.message})
    if listed.get("NextToken"):
        out["NextToken"] = listed["NextToken"]
    return out
