"""Event buses and rules as stored records: lookups that raise AWS's errors, ARNs, listing."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.events import store
from fogbank.services.events.errors import ValidationException, bus_not_found, rule_not_found
from fogbank.services.events.store import DEFAULT_BUS


def bus_arn(ctx: Ctx, name: str) -> str:
    """The ARN of a bus of the caller's account and region."""
    return f"arn:aws:events:{ctx.region}:{ctx.account}:event-bus/{name}"


def rule_arn(ctx: Ctx, bus: str, name: str) -> str:
    """A rule's ARN: the bus name appears for rules of custom buses only."""
    if bus == DEFAULT_BUS:
        return f"arn:aws:events:{ctx.region}:{ctx.account}:rule/{name}"
    return f"arn:aws:events:{ctx.region}:{ctx.account}:rule/{bus}/{name}"


def bus_name(ctx: Ctx, given: str | None) -> str:
    """The bus name a request means: a name, an ARN, or nothing (the default bus)."""
    if not given:
        return DEFAULT_BUS
    if given.startswith("arn:"):
        parts = given.split(":", 5)
        if len(parts) != 6 or not parts[5].startswith("event-bus/"):
            raise ValidationException(f"Parameter {given} is not valid. Reason: Provided Arn is not in correct format.")
        return parts[5][len("event-bus/"):]
    return given


def get_bus(ctx: Ctx, name: str) -> dict[str, Any] | None:
    """A bus record, or None (the default bus always exists)."""
    raw = ctx.store.get(store.bus_key(ctx.account, ctx.region, name))
    if raw is not None:
        return store.decode(raw)
    if name == DEFAULT_BUS:
        return {"Name": DEFAULT_BUS, "Arn": bus_arn(ctx, DEFAULT_BUS), "Tags": {}}
    return None


def require_bus(ctx: Ctx, name: str) -> dict[str, Any]:
    """A bus record, or AWS's ResourceNotFoundException."""
    bus = get_bus(ctx, name)
    if bus is None:
        raise bus_not_found(name)
    return bus


def put_bus(ctx: Ctx, bus: dict[str, Any]) -> None:
    """Store a bus record."""
    ctx.store.put(store.bus_key(ctx.account, ctx.region, bus["Name"]), store.encode(bus))


def all_buses(ctx: Ctx) -> list[dict[str, Any]]:
    """Every bus of the caller's account and region, by name (the default bus included)."""
    found = {store.decode(v)["Name"]: store.decode(v) for _, v in ctx.store.scan(prefix=store.buses_prefix(ctx.account, ctx.region))}
    found.setdefault(DEFAULT_BUS, get_bus(ctx, DEFAULT_BUS))  # type: ignore[arg-type]
    return [found[name] for name in sorted(found)]


def get_rule(ctx: Ctx, bus: str, name: str) -> dict[str, Any] | None:
    """A rule record, or None."""
    raw = ctx.store.get(store.rule_key(ctx.account, ctx.region, bus, name))
    return store.decode(raw) if raw is not None else None


def require_rule(ctx: Ctx, bus: str, name: str) -> dict[str, Any]:
    """A rule record, or AWS's ResourceNotFoundException."""
    rule = get_rule(ctx, bus, name)
    if rule is None:
        raise rule_not_found(name, bus)
    return rule


def put_rule(ctx: Ctx, rule: dict[str, Any]) -> None:
    """Store a rule record."""
    ctx.store.put(store.rule_key(ctx.account, ctx.region, rule["EventBusName"], rule["Name"]), store.encode(rule))


def rules_of(ctx: Ctx, bus: str) -> list[dict[str, Any]]:
    """A bus's rules in name order."""
    return [store.decode(v) for _, v in ctx.store.scan(prefix=store.rules_prefix(ctx.account, ctx.region, bus))]
