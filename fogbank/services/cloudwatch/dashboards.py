"""Dashboards: stored bodies (validated as JSON objects with AWS's messages), listed by name."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.errors import DashboardInvalidInputError, DashboardNotFoundError

_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,255}$")
PAGE = 1000


def arn(ctx: Ctx, name: str) -> str:
    """A dashboard's ARN (dashboards are global: no region in it)."""
    return f"arn:aws:cloudwatch::{ctx.account}:dashboard/{name}"


def put(ctx: Ctx, name: str, body: str) -> list[dict[str, str]]:
    """Store a dashboard; returns the validation messages (none when it is well formed)."""
    if not _NAME.match(name):
        raise DashboardInvalidInputError(
            "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).",
            fields={"dashboardValidationMessages": [{"DataPath": "/DashboardName", "Message": "Invalid characters"}]},
        )
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise DashboardInvalidInputError(
            "The field DashboardBody must be a valid JSON object",
            fields={"dashboardValidationMessages": [{"DataPath": "/", "Message": "Should be object"}]},
        )
    widgets = doc.get("widgets", [])
    if not isinstance(widgets, list):
        raise DashboardInvalidInputError(
            "The dashboard body is invalid, there are 1 validation errors",
            fields={"dashboardValidationMessages": [{"DataPath": "/widgets", "Message": "Should be array"}]},
        )
    record = {"body": body, "modified": ctx.clock.now(), "size": len(body.encode())}
    ctx.store.put(keys.dashboard_key(ctx.account, "global", name), keys.dumps(record))
    return []


def get(ctx: Ctx, name: str) -> dict[str, Any]:
    """GetDashboard's answer."""
    raw = ctx.store.get(keys.dashboard_key(ctx.account, "global", name))
    if raw is None:
        raise DashboardNotFoundError("Dashboard " + name + " does not exist")
    record = keys.loads(raw)
    return {"DashboardArn": arn(ctx, name), "DashboardBody": record["body"], "DashboardName": name}


def listing(ctx: Ctx, prefix: str | None, token: str | None) -> dict[str, Any]:
    """ListDashboards' answer: one page of dashboards whose name starts with ``prefix``."""
    entries: list[dict[str, Any]] = []
    next_token = None
    for key, raw in ctx.store.scan(keys.dashboards_prefix(ctx.account, "global")):
        name = key[-1]
        if prefix and not name.startswith(prefix):
            continue
        if token and name <= token:
            continue
        if len(entries) == PAGE:
            next_token = entries[-1]["DashboardName"]
            break
        record = keys.loads(raw)
        entries.append({
            "DashboardName": name,
            "DashboardArn": arn(ctx, name),
            "LastModified": datetime.fromtimestamp(record["modified"], UTC),
            "Size": record["size"],
        })
    out: dict[str, Any] = {"DashboardEntries": entries}
    if next_token:
        out["NextToken"] = next_token
    return out


def delete(ctx: Ctx, names: list[str]) -> None:
    """DeleteDashboards: all of them, or none when one does not exist."""
    with ctx.store.transaction() as txn:
        for name in names:
            key = keys.dashboard_key(ctx.account, "global", name)
            if txn.get(key) is None:
                raise DashboardNotFoundError("The specified dashboard does not exist. [" + name + "]")
            txn.delete(key)
