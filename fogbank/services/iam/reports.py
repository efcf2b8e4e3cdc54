"""The credential report: a CSV of every user's password, MFA, access key and signing
certificate state, generated on request and kept for four hours as AWS does."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from fogbank.auth import principals
from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.errors import CredentialReportExpiredException, CredentialReportNotPresentException

REPORT_LIFETIME = 4 * 3600
COLUMNS = ["user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
           "password_next_rotation", "mfa_active",
           *[f"access_key_{n}_{field}" for n in (1, 2) for field in
             ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service")],
           *[f"cert_{n}_{field}" for n in (1, 2) for field in ("active", "last_rotated")]]


def _iso(epoch: float | None) -> str:
    return "N/A" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _owned(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return sorted((r for r in rows if (r.get("UserName") or "").lower() == name.lower()),
                  key=lambda r: r.get("CreateDate") or r.get("UploadDate") or 0)


def _report(ctx: Ctx) -> str:
    keys = list(store.records(ctx.store, ctx.account, "key"))
    devices = list(store.records(ctx.store, ctx.account, "mfa"))
    certs = list(store.records(ctx.store, ctx.account, "signcert"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    root = ["<root_account>", f"arn:aws:iam::{ctx.account}:root", "N/A", "not_supported", "N/A", "not_supported",
            "not_supported", "false"] + ["false", "N/A", "N/A", "N/A", "N/A"] * 2 + ["false", "N/A"] * 2
    writer.writerow(root)
    for user in store.records(ctx.store, ctx.account, "user"):
        name = user["UserName"]
        login = store.load(ctx.store, ctx.account, "login", name)
        row = [name, user["Arn"], _iso(user["CreateDate"]), "true" if login else "false", "N/A",
               _iso(login["CreateDate"]) if login else "N/A", "N/A",
               "true" if _owned(devices, name) else "false"]
        user_keys = _owned(keys, name)
        for n in range(2):
            if n < len(user_keys):
                key = user_keys[n]
                used = (principals.lookup(ctx.store, key["AccessKeyId"]) or {}).get("last_used") or {}
                row += ["true" if key["Status"] == "Active" else "false", _iso(key["CreateDate"]),
                        _iso(used.get("date")), used.get("region", "N/A"), used.get("service", "N/A")]
            else:
                row += ["false", "N/A", "N/A", "N/A", "N/A"]
        user_certs = _owned(certs, name)
        for n in range(2):
            if n < len(user_certs):
                row += ["true" if user_certs[n]["Status"] == "Active" else "false", _iso(user_certs[n]["UploadDate"])]
            else:
                row += ["false", "N/A"]
        writer.writerow(row)
    return out.getvalue()


class Reports:
    """Credential report operations."""

    def generate_credential_report(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Start a report (STARTED), or say the current one is ready (COMPLETE)."""
        now = ctx.clock.now()
        current = store.load(ctx.store, ctx.account, "account", "credential-report")
        if current is not None and now - current["generated"] < REPORT_LIFETIME:
            return {"State": "COMPLETE"}
        store.save(ctx.store, ctx.account, "account", "credential-report", {"generated": now, "content": _report(ctx)})
        return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}

    def get_credential_report(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The latest report, as CSV, while it is under four hours old."""
        current = store.load(ctx.store, ctx.account, "account", "credential-report")
        if current is None:
            raise CredentialReportNotPresentException("Credential report not present. Use GenerateCredentialReport to "
                                                      "generate a report.")
        if ctx.clock.now() - current["generated"] >= REPORT_LIFETIME:
            raise CredentialReportExpiredException("Credential report is expired. Use GenerateCredentialReport to "
                                                   "generate a new report.")
        return {"Content": current["content"].encode(), "ReportFormat": "text/csv",
                "GeneratedTime": store.when(current["generated"])}
