"""ListSecrets (filters, sort, pagination, planned deletions) and ListSecretVersionIds."""

from __future__ import annotations

import base64
import json
from typing import Any

from fogbank.context import Ctx
from fogbank.services.secretsmanager import records, secrets
from fogbank.services.secretsmanager.errors import InvalidNextTokenException, InvalidParameterException
from fogbank.services.secretsmanager.records import when

DEFAULT_PAGE = 100


def _token(offset: int, marker: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, marker]).encode()).decode()


def _offset(token: str | None, marker: str) -> int:
    """The offset a NextToken resumes at; the marker ties it to the same listing."""
    if not token:
        return 0
    try:
        offset, seen = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        raise InvalidNextTokenException("The NextToken value is invalid.") from None
    if seen != marker or not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException("The NextToken value is invalid.")
    return offset


def _page(items: list[Any], request: dict[str, Any], marker: str) -> tuple[list[Any], str | None]:
    size = request.get("MaxResults") or DEFAULT_PAGE
    start = _offset(request.get("NextToken"), marker)
    page = items[start:start + size]
    return page, (_token(start + size, marker) if start + size < len(items) else None)


def _matches_value(text: str | None, wanted: str) -> bool:
    return text is not None and text.lower().startswith(wanted.lower())


def _words(record: dict[str, Any]) -> list[str]:
    values = [record["name"], record.get("description") or ""]
    for tag in record["tags"]:
        values += [tag["Key"], tag.get("Value", "")]
    return values


def _attributes(record: dict[str, Any], key: str, region: str) -> list[str]:
    if key == "name":
        return [record["name"]]
    if key == "description":
        return [record.get("description") or ""]
    if key == "tag-key":
        return [t["Key"] for t in record["tags"]]
    if key == "tag-value":
        return [t.get("Value", "") for t in record["tags"]]
    if key == "primary-region":
        return [region]
    if key == "owning-service":
        return []
    return _words(record)


def _passes(record: dict[str, Any], filters: list[dict[str, Any]], region: str) -> bool:
    """Every filter passes when one of its values prefix-matches (a leading ``!`` negates it)."""
    for flt in filters:
        attributes = _attributes(record, flt["Key"], region)
        if flt["Key"] == "all":
            attributes = [w for a in attributes for w in a.split()] + attributes
        positive = [v for v in flt.get("Values", []) if not v.startswith("!")]
        negative = [v[1:] for v in flt.get("Values", []) if v.startswith("!")]
        if positive and not any(_matches_value(a, v) for v in positive for a in attributes):
            return False
        if any(_matches_value(a, v) for v in negative for a in attributes):
            return False
    return True


_SORT_FIELDS = {"created-date": "created", "last-accessed-date": "last_accessed",
                "last-changed-date": "last_changed", "name": "name"}


def list_secrets(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """ListSecrets."""
    filters = request.get("Filters") or []
    for flt in filters:
        if not flt.get("Values"):
            raise InvalidParameterException("Invalid filter values: each filter needs at least one value.")
    found = [r for r in secrets.all_records(ctx)
             if (request.get("IncludePlannedDeletion") or r.get("deleted") is None)
             and _passes(r, filters, ctx.region)]
    field = _SORT_FIELDS[request.get("SortBy") or "created-date"]
    found.sort(key=lambda r: (r.get(field) is not None, r.get(field) or 0, r["name"]),
               reverse=request.get("SortOrder", "desc") == "desc")
    marker = json.dumps([filters, request.get("SortBy"), request.get("SortOrder"),
                         bool(request.get("IncludePlannedDeletion"))], sort_keys=True)
    page, token = _page(found, request, marker)
    out: dict[str, Any] = {"SecretList": [secrets.describe(ctx, r, "SecretVersionsToStages") for r in page]}
    if token:
        out["NextToken"] = token
    return out


def list_versions(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """ListSecretVersionIds: labelled versions, and the unlabelled ones with IncludeDeprecated."""
    record = records.require(ctx, request["SecretId"], allow_deleted=True)
    versions = []
    for vid, version in reversed(record["versions"].items()):
        if not version["stages"] and not request.get("IncludeDeprecated"):
            continue
        entry: dict[str, Any] = {"VersionId": vid, "VersionStages": list(version["stages"]),
                                 "CreatedDate": when(version["created"])}
        if version.get("kms"):
            entry["KmsKeyIds"] = list(version["kms"])
        versions.append(entry)
    page, token = _page(versions, request, record["arn"])
    out: dict[str, Any] = {"Versions": page, "ARN": record["arn"], "Name": record["name"]}
    if token:
        out["NextToken"] = token
    return out
