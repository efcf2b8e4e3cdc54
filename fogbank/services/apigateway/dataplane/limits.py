"""API keys, usage plan throttles and quotas, and stage/method throttling."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import keys, store
from fogbank.services.apigateway.dataplane import failures
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.dataplane.state import RuntimeState

#: the account-level default limits of a Region
ACCOUNT_RATE = 10000.0
ACCOUNT_BURST = 5000


def _setting_key(call: Call) -> str:
    return call.resource["path"].lstrip("/") + "/" + call.method["httpMethod"]


def find_api_key(ctx: Ctx, call: Call) -> dict[str, Any] | None:
    """The API key the request presents (header or authorizer's ``usageIdentifierKey``), if valid."""
    source = (call.snapshot.get("api") or {}).get("apiKeySource") or "HEADER"
    if source == "AUTHORIZER":
        value = call.usage_key
    else:
        value = call.headers.get("x-api-key")
    if not value:
        return None
    for _, raw in ctx.store.scan(prefix=store.key(ctx.account, ctx.region, "apikey")):
        key = store.load(raw)
        if key["value"] == value:
            return key if key.get("enabled") else None
    return None


def plan_for(ctx: Ctx, call: Call, key: dict[str, Any]) -> dict[str, Any] | None:
    """The usage plan that covers this stage and holds the key, if any."""
    for _, raw in ctx.store.scan(prefix=store.key(ctx.account, ctx.region, "plan")):
        plan = store.load(raw)
        for api_stage in plan.get("apiStages") or []:
            if api_stage["apiId"] == call.api_id and api_stage["stage"] == call.stage_name:
                if ctx.store.get(store.key(ctx.account, ctx.region, "plankey", plan["id"], key["id"])) is not None:
                    return {**plan, "_apiStage": api_stage}
    return None


def check_api_key(ctx: Ctx, call: Call, state: RuntimeState) -> None:
    """For a method that requires a key: a valid key in a plan of this stage, within its limits."""
    key = find_api_key(ctx, call)
    if key is None:
        raise failures.forbidden()
    plan = plan_for(ctx, call, key)
    if plan is None:
        raise failures.forbidden()
    call.api_key = key
    throttle = dict(plan.get("throttle") or {})
    method_throttle = (plan["_apiStage"].get("throttle") or {}).get(_setting_key(call))
    if method_throttle:
        throttle.update(method_throttle)
    if throttle:
        rate = throttle.get("rateLimit", ACCOUNT_RATE)
        burst = throttle.get("burstLimit", ACCOUNT_BURST)
        if not state.admit(("plan", plan["id"], key["id"]), rate, burst, call.now):
            raise failures.throttled()
    quota = plan.get("quota")
    if quota:
        days = keys.period_days(quota, call.now)
        if keys.usage_used(ctx, plan["id"], key["id"], days) >= quota["limit"]:
            raise failures.quota_exceeded()
    keys.count_usage(ctx, plan["id"], key["id"], keys.day_of(call.now))


def check_stage_throttle(call: Call, state: RuntimeState) -> None:
    """The stage's method settings (the method's own, else ``*/*``), else the account's limits."""
    settings = call.stage.get("methodSettings") or {}
    own = settings.get(_setting_key(call))
    general = settings.get("*/*")
    chosen = own if own is not None else general
    rate = ACCOUNT_RATE if chosen is None else chosen.get("throttlingRateLimit", ACCOUNT_RATE)
    burst = ACCOUNT_BURST if chosen is None else chosen.get("throttlingBurstLimit", ACCOUNT_BURST)
    scope = ("stage", call.account, call.api_id, call.stage_name, _setting_key(call) if own is not None else "*/*")
    if not state.admit(scope, float(rate), float(burst), call.now):
        raise failures.throttled()
