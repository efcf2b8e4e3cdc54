"""API keys, usage plans, usage plan keys and the usage counted against quotas."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import patch, store
from fogbank.services.apigateway.documents import new_id, out, page, put_record, record, records, shape
from fogbank.services.apigateway.errors import BadRequestException, ConflictException, NotFoundException

_KEY_CHARS = string.ascii_letters + string.digits
MIN_KEY_LENGTH = 20
QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")


def _stage_exists(ctx: Ctx, api_id: str, stage: str) -> bool:
    doc = store.load(ctx.store.get(store.api_key(ctx.account, ctx.region, api_id)))
    return doc is not None and stage in doc["stages"]


def key_out(key: dict[str, Any], include_value: bool) -> dict[str, Any]:
    """An API key as answered (its value only when asked for)."""
    return out(key) if include_value else out(key, "value")


def day_of(epoch: float) -> str:
    """The UTC day (YYYY-MM-DD) of a time."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def period_days(quota: dict[str, Any], now: float) -> list[str]:
    """The days of the quota period that ``now`` falls in, up to today."""
    today = datetime.fromtimestamp(now, UTC).date()
    period = quota.get("period", "DAY")
    offset = quota.get("offset") or 0
    if period == "WEEK":
        start = today - timedelta(days=(today.weekday() - offset) % 7)
    elif period == "MONTH":
        start = today.replace(day=1) + timedelta(days=offset)
        if start > today:
            prev = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
            start = prev + timedelta(days=offset)
    else:
        start = today
    return [(start + timedelta(days=i)).isoformat() for i in range((today - start).days + 1)]


def usage_used(ctx: Ctx, plan_id: str, key_id: str, days: list[str]) -> int:
    """Requests counted for a key under a plan over ``days``."""
    total = 0
    for day in days:
        value = store.load(ctx.store.get(store.key(ctx.account, ctx.region, "usage", plan_id, key_id, day)))
        total += (value or {}).get("used", 0)
    return total


def count_usage(ctx: Ctx, plan_id: str, key_id: str, day: str, amount: int = 1) -> None:
    """Count ``amount`` requests of a key under a plan on ``day``."""
    key = store.key(ctx.account, ctx.region, "usage", plan_id, key_id, day)
    with ctx.store.transaction() as txn:
        value = store.load(txn.get(key)) or {"used": 0}
        value["used"] += amount
        txn.put(key, store.dump(value))


class KeyOperations:
    """API keys, usage plans and usage."""

    # --- API keys ------------------------------------------------------------------------

    def create_api_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateApiKey (disabled unless ``enabled``; a 40-character value unless one is given)."""
        value = request.get("value") or "".join(secrets.choice(_KEY_CHARS) for _ in range(40))
        if len(value) < MIN_KEY_LENGTH:
            raise BadRequestException(f"API Key value should be at least {MIN_KEY_LENGTH} characters")
        if any(k["value"] == value for k in records(ctx, "apikey")):
            raise ConflictException("API Key already exists")
        now = ctx.clock.now()
        key: dict[str, Any] = {"id": new_id(), "value": value, "enabled": bool(request.get("enabled", False)),
                               "createdDate": now, "lastUpdatedDate": now, "stageKeys": []}
        for name in ("name", "description", "customerId", "tags"):
            if request.get(name) is not None:
                key[name] = request[name]
        for stage_key in request.get("stageKeys") or []:
            api_id, stage = stage_key.get("restApiId", ""), stage_key.get("stageName", "")
            if not _stage_exists(ctx, api_id, stage):
                raise BadRequestException("Invalid stage key provided")
            key["stageKeys"].append(f"{api_id}/{stage}")
        put_record(ctx, "apikey", key["id"], key)
        return out(key)

    def get_api_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetApiKey."""
        key = record(ctx, "apikey", request["apiKey"], "Invalid API Key identifier specified")
        return key_out(key, bool(request.get("includeValue")))

    def get_api_keys(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetApiKeys (by name prefix or customer id)."""
        keys = sorted(records(ctx, "apikey"), key=lambda k: k["createdDate"])
        if request.get("nameQuery"):
            keys = [k for k in keys if k.get("name", "").startswith(request["nameQuery"])]
        if request.get("customerId"):
            keys = [k for k in keys if k.get("customerId") == request["customerId"]]
        result = page(keys, request)
        result["items"] = [key_out(k, bool(request.get("includeValues"))) for k in result["items"]]
        return result

    def update_api_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateApiKey: name, description, enabled, customer id, and ``/stages`` add/remove."""
        key = record(ctx, "apikey", request["apiKey"], "Invalid API Key identifier specified")
        plain = []
        for operation in request.get("patchOperations") or []:
            if operation.get("path") == "/stages":
                value = operation.get("value") or ""
                if operation.get("op") == "add":
                    api_id, _, stage = value.partition("/")
                    if not _stage_exists(ctx, api_id, stage):
                        raise BadRequestException("Invalid stage key provided")
                    if value not in key["stageKeys"]:
                        key["stageKeys"].append(value)
                elif operation.get("op") == "remove" and value in key["stageKeys"]:
                    key["stageKeys"].remove(value)
            else:
                plain.append(operation)
        patch.apply(key, plain, shape("ApiKey"), ("name", "description", "enabled", "customerId"))
        key["lastUpdatedDate"] = ctx.clock.now()
        put_record(ctx, "apikey", key["id"], key)
        return out(key)

    def delete_api_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteApiKey (and its usage plan memberships)."""
        record(ctx, "apikey", request["apiKey"], "Invalid API Key identifier specified")
        with ctx.store.transaction() as txn:
            txn.delete(store.key(ctx.account, ctx.region, "apikey", request["apiKey"]))
            for plan in records(ctx, "plan"):
                txn.delete(store.key(ctx.account, ctx.region, "plankey", plan["id"], request["apiKey"]))
        return {}

    # --- usage plans ---------------------------------------------------------------------

    def create_usage_plan(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateUsagePlan."""
        plan: dict[str, Any] = {"id": new_id(6), "name": request["name"], "apiStages": []}
        for name in ("description", "throttle", "quota", "tags"):
            if request.get(name) is not None:
                plan[name] = request[name]
        for api_stage in request.get("apiStages") or []:
            plan["apiStages"].append(self._api_stage(ctx, api_stage))
        _check_plan(plan)
        put_record(ctx, "plan", plan["id"], plan)
        return plan

    def _api_stage(self, ctx: Ctx, api_stage: dict[str, Any]) -> dict[str, Any]:
        if not _stage_exists(ctx, api_stage.get("apiId", ""), api_stage.get("stage", "")):
            raise NotFoundException(
                f"Invalid stage identifier specified: {api_stage.get('apiId')}:{api_stage.get('stage')}"
            )
        return {k: v for k, v in api_stage.items() if v is not None}

    def get_usage_plan(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetUsagePlan."""
        return record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")

    def get_usage_plans(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetUsagePlans (those holding a key, when ``keyId`` is given)."""
        plans = records(ctx, "plan")
        if request.get("keyId"):
            plans = [p for p in plans
                     if ctx.store.get(store.key(ctx.account, ctx.region, "plankey", p["id"], request["keyId"]))]
        return page(plans, request)

    def update_usage_plan(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateUsagePlan: name, description, throttle, quota, and ``/apiStages`` add/remove."""
        plan = record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        plain = []
        for operation in request.get("patchOperations") or []:
            if operation.get("path") == "/apiStages":
                api_id, _, stage = (operation.get("value") or "").partition(":")
                if operation.get("op") == "add":
                    entry = self._api_stage(ctx, {"apiId": api_id, "stage": stage})
                    if not any(s["apiId"] == api_id and s["stage"] == stage for s in plan["apiStages"]):
                        plan["apiStages"].append(entry)
                elif operation.get("op") == "remove":
                    before = len(plan["apiStages"])
                    plan["apiStages"] = [s for s in plan["apiStages"] if (s["apiId"], s["stage"]) != (api_id, stage)]
                    if len(plan["apiStages"]) == before:
                        raise NotFoundException(f"Invalid API Stage {{api: {api_id}, stage: {stage}}} specified for usageplan {plan['id']}")
            else:
                plain.append(operation)
        patch.apply(plan, plain, shape("UsagePlan"), ("name", "description", "throttle", "quota", "productCode"))
        _check_plan(plan)
        put_record(ctx, "plan", plan["id"], plan)
        return plan

    def delete_usage_plan(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteUsagePlan with its keys and usage."""
        record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        with ctx.store.transaction() as txn:
            txn.delete(store.key(ctx.account, ctx.region, "plan", request["usagePlanId"]))
            txn.delete_prefix(store.key(ctx.account, ctx.region, "plankey", request["usagePlanId"]))
            txn.delete_prefix(store.key(ctx.account, ctx.region, "usage", request["usagePlanId"]))
        return {}

    # --- usage plan keys -----------------------------------------------------------------

    def create_usage_plan_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateUsagePlanKey: an API key joins a plan."""
        record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        if request["keyType"] != "API_KEY":
            raise BadRequestException(f"Invalid key type specified: {request['keyType']}")
        key = record(ctx, "apikey", request["keyId"], "Invalid API Key identifier specified")
        slot = store.key(ctx.account, ctx.region, "plankey", request["usagePlanId"], key["id"])
        if ctx.store.get(slot) is not None:
            raise ConflictException(f"Usage plan {request['usagePlanId']} already contains API key {key['id']}")
        ctx.store.put(slot, store.dump({"id": key["id"], "type": "API_KEY"}))
        return _plan_key(key)

    def get_usage_plan_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetUsagePlanKey."""
        record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        if ctx.store.get(store.key(ctx.account, ctx.region, "plankey", request["usagePlanId"], request["keyId"])) is None:
            raise NotFoundException("Invalid Usage Plan Key identifier specified")
        return _plan_key(record(ctx, "apikey", request["keyId"], "Invalid API Key identifier specified"))

    def get_usage_plan_keys(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetUsagePlanKeys."""
        record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        keys = []
        for entry in records(ctx, "plankey", request["usagePlanId"]):
            key = store.load(ctx.store.get(store.key(ctx.account, ctx.region, "apikey", entry["id"])))
            if key is not None and key.get("name", "").startswith(request.get("nameQuery") or ""):
                keys.append(_plan_key(key))
        return page(keys, request)

    def delete_usage_plan_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteUsagePlanKey."""
        record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        if not ctx.store.delete(store.key(ctx.account, ctx.region, "plankey", request["usagePlanId"], request["keyId"])):
            raise NotFoundException("Invalid Usage Plan Key identifier specified")
        return {}

    # --- usage ---------------------------------------------------------------------------

    def get_usage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetUsage: per key, per day between the dates, [used, remaining]."""
        plan = record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        try:
            start = date.fromisoformat(request["startDate"])
            end = date.fromisoformat(request["endDate"])
        except ValueError:
            raise BadRequestException("Invalid date format, expected yyyy-MM-dd") from None
        if end < start:
            raise BadRequestException("The start date must be before the end date")
        key_ids = [request["keyId"]] if request.get("keyId") else [e["id"] for e in records(ctx, "plankey", plan["id"])]
        limit = (plan.get("quota") or {}).get("limit")
        items: dict[str, list[list[int]]] = {}
        for key_id in key_ids:
            days = []
            day = start
            while day <= end:
                used = usage_used(ctx, plan["id"], key_id, [day.isoformat()])
                days.append([used, max(limit - used, 0) if limit is not None else 0])
                day += timedelta(days=1)
            items[key_id] = days
        return {"usagePlanId": plan["id"], "startDate": request["startDate"], "endDate": request["endDate"], "items": items}

    def update_usage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateUsage: ``replace /remaining`` grants a key a new remaining quota for this period."""
        plan = record(ctx, "plan", request["usagePlanId"], "Invalid Usage Plan ID specified")
        quota = plan.get("quota")
        if not quota:
            raise BadRequestException("Usage plan has no quota")
        now = ctx.clock.now()
        for operation in request.get("patchOperations") or []:
            if operation.get("path") != "/remaining" or operation.get("op") != "replace":
                raise BadRequestException(f"Invalid patch path {operation.get('path')}")
            remaining = int(patch.coerce(operation.get("value"), shape("QuotaSettings").members["limit"], "/remaining"))
            days = period_days(quota, now)
            used_before_today = usage_used(ctx, plan["id"], request["keyId"], days[:-1])
            today_used = quota["limit"] - remaining - used_before_today
            ctx.store.put(store.key(ctx.account, ctx.region, "usage", plan["id"], request["keyId"], days[-1]),
                          store.dump({"used": today_used}))
        today = day_of(now)
        return self.get_usage(ctx, {"usagePlanId": plan["id"], "keyId": request["keyId"], "startDate": today, "endDate": today})


def _plan_key(key: dict[str, Any]) -> dict[str, Any]:
    return {"id": key["id"], "type": "API_KEY", "value": key["value"], **({"name": key["name"]} if "name" in key else {})}


def _check_plan(plan: dict[str, Any]) -> None:
    quota = plan.get("quota")
    if quota:
        if quota.get("period") not in QUOTA_PERIODS:
            raise BadRequestException(f"Invalid quota period: {quota.get('period')}")
        if quota.get("limit", 0) < 0:
            raise BadRequestException("Quota limit must be a positive number")
        last_offset = {"DAY": 0, "WEEK": 6, "MONTH": 27}[quota["period"]]
        if not 0 <= quota.get("offset", 0) <= last_offset:
            raise BadRequestException(f"Quota offset must be between 0 and {last_offset} for period {quota['period']}")
    throttle = plan.get("throttle")
    if throttle and (throttle.get("rateLimit", 0) < 0 or throttle.get("burstLimit", 0) < 0):
        raise BadRequestException("Throttle settings must be non-negative")


