"""EventBridge: event buses (the default one and custom ones, with resource policies), rules with
event patterns or schedules, targets with input shaping, PutEvents and TestEventPattern. Events
reach SQS, Lambda, SNS, CloudWatch Logs and other buses through ``delivery``; scheduled rules
fire from ``workers.Scheduler`` on fogbank's clock. Targets are kept in ``targets``.

LIMITATIONS: archives, replays, connections, API destinations, endpoints and partner event
sources answer NotImplemented; bus policies are stored but not enforced; RetryPolicy is stored
but a failed delivery is not retried (it goes straight to the dead-letter queue, if any); role
ARNs are not assumed; targets other than SQS, Lambda, SNS, CloudWatch Logs and event buses fail
delivery; cross-account PutEvents through a bus ARN is not supported.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.events import buses, delivery, permissions, schedule, targets
from fogbank.services.events.errors import (
    InvalidEventPatternException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
    rule_not_found,
)
from fogbank.services.events.patterns import InvalidPattern, compile_pattern
from fogbank.services.events.store import DEFAULT_BUS
from fogbank.services.events.workers import Scheduler, first_fire, iso

MAX_EVENTS_BYTES = 256 * 1024
RULE_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def _page(items: list[Any], request: dict[str, Any], key: str) -> tuple[list[Any], str | None]:
    """One page of ``items`` (each sorted by ``key``) after the request's NextToken."""
    token = request.get("NextToken")
    if token:
        try:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        except ValueError:
            raise ValidationException("The NextToken provided is invalid.") from None
        items = [i for i in items if i[key] > after]
    limit = request.get("Limit") or 100
    page = items[:limit]
    more = len(items) > limit
    return page, base64.urlsafe_b64encode(page[-1][key].encode()).decode() if more and page else None


def _check_pattern(text: str) -> None:
    try:
        compile_pattern(text)
    except InvalidPattern as err:
        raise InvalidEventPatternException(str(err)) from None


class Provider:
    """The EventBridge operations."""

    def __init__(self) -> None:
        self.scheduler = Scheduler()

    def start(self, ctx: Ctx) -> None:
        """Start the scheduler of scheduled rules."""
        self.scheduler.start(ctx)

    async def stop(self) -> None:
        """Stop the scheduler."""
        await self.scheduler.stop()

    def reset(self, ctx: Ctx) -> None:
        """State is going: let the scheduler look again."""
        self.scheduler.poke()

    # --- event buses -----------------------------------------------------------------------

    def create_event_bus(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateEventBus."""
        name = request["Name"]
        if name == DEFAULT_BUS or buses.get_bus(ctx, name) is not None:
            raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
        if "/" in name and not request.get("EventSourceName"):
            raise ValidationException("Event bus name must not contain '/'.")
        now = ctx.clock.now()
        bus: dict[str, Any] = {"Name": name, "Arn": buses.bus_arn(ctx, name), "CreationTime": now,
                               "LastModifiedTime": now, "Tags": {t["Key"]: t["Value"] for t in request.get("Tags") or []}}
        for member in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
            if member in request:
                bus[member] = request[member]
        buses.put_bus(ctx, bus)
        out = {"EventBusArn": bus["Arn"]}
        out.update({m: bus[m] for m in ("Description", "KmsKeyIdentifier", "DeadLetterConfig") if m in bus})
        return out

    def describe_event_bus(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeEventBus."""
        return self._bus_view(buses.require_bus(ctx, buses.bus_name(ctx, request.get("Name"))), full=True)

    @staticmethod
    def _bus_view(bus: dict[str, Any], full: bool = False) -> dict[str, Any]:
        out = {"Name": bus["Name"], "Arn": bus["Arn"]}
        for member in ("Description", "Policy", "CreationTime", "LastModifiedTime") + (
                ("KmsKeyIdentifier", "DeadLetterConfig") if full else ()):
            if bus.get(member) is not None:
                out[member] = bus[member]
        return out

    def list_event_buses(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListEventBuses with NamePrefix, Limit and NextToken."""
        prefix = request.get("NamePrefix") or ""
        found = [b for b in buses.all_buses(ctx) if b["Name"].startswith(prefix)]
        page, token = _page(found, request, "Name")
        out: dict[str, Any] = {"EventBuses": [self._bus_view(b) for b in page]}
        if token:
            out["NextToken"] = token
        return out

    def delete_event_bus(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteEventBus (the default bus cannot go; an unknown bus is no error)."""
        name = request["Name"]
        if name == DEFAULT_BUS:
            raise ValidationException("Cannot delete event bus default.")
        if buses.get_bus(ctx, name) is None:
            return {}
        if buses.rules_of(ctx, name):
            raise ValidationException(f"Cannot delete event bus {name} because it has rules.")
        ctx.store.delete(("events", ctx.account, ctx.region, "bus", name))
        return {}

    def put_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutPermission: a whole policy, or one statement added to the bus's policy."""
        permissions.put(ctx, request)
        return {}

    def remove_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemovePermission: one statement, or all of them."""
        permissions.remove(ctx, request)
        return {}

    # --- rules -----------------------------------------------------------------------------

    def put_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutRule: create or update a rule (targets and tags of an existing rule stay)."""
        name = request["Name"]
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        buses.require_bus(ctx, bus)
        pattern = request.get("EventPattern")
        expression = request.get("ScheduleExpression")
        if not pattern and not expression:
            raise ValidationException("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        if pattern:
            _check_pattern(pattern)
        if expression:
            if bus != DEFAULT_BUS:
                raise ValidationException("ScheduleExpression is supported only on the default event bus.")
            try:
                schedule.parse(expression)
            except schedule.InvalidSchedule:
                raise ValidationException("Parameter ScheduleExpression is not valid.") from None
        state = request.get("State") or "ENABLED"
        with ctx.store.transaction():
            rule = buses.get_rule(ctx, bus, name) or {
                "Name": name, "EventBusName": bus, "Targets": [], "Tags": {}, "CreatedBy": ctx.account,
            }
            for member in ("EventPattern", "ScheduleExpression", "Description", "RoleArn"):
                if request.get(member):
                    rule[member] = request[member]
                else:
                    rule.pop(member, None)
            rule["State"] = state
            rule["Tags"].update({t["Key"]: t["Value"] for t in request.get("Tags") or []})
            self._reschedule(ctx, rule)
            buses.put_rule(ctx, rule)
        self.scheduler.poke()
        return {"RuleArn": buses.rule_arn(ctx, bus, name)}

    @staticmethod
    def _reschedule(ctx: Ctx, rule: dict[str, Any]) -> None:
        if rule.get("ScheduleExpression") and rule.get("State") != "DISABLED":
            now = ctx.clock.now()
            rule["Anchor"] = now
            rule["NextFire"] = first_fire(rule["ScheduleExpression"], now)
        else:
            rule.pop("NextFire", None)

    def describe_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeRule."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        return self._rule_view(ctx, buses.require_rule(ctx, bus, request["Name"]), described=True)

    @staticmethod
    def _rule_view(ctx: Ctx, rule: dict[str, Any], described: bool = False) -> dict[str, Any]:
        out = {"Name": rule["Name"], "Arn": buses.rule_arn(ctx, rule["EventBusName"], rule["Name"])}
        for member in ("EventPattern", "ScheduleExpression", "State", "Description", "RoleArn", "ManagedBy",
                       "EventBusName"):
            if rule.get(member):
                out[member] = rule[member]
        if described:
            out["CreatedBy"] = rule.get("CreatedBy", ctx.account)
        return out

    def list_rules(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListRules with NamePrefix, Limit and NextToken."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        buses.require_bus(ctx, bus)
        prefix = request.get("NamePrefix") or ""
        found = [r for r in buses.rules_of(ctx, bus) if r["Name"].startswith(prefix)]
        page, token = _page(found, request, "Name")
        out: dict[str, Any] = {"Rules": [self._rule_view(ctx, r) for r in page]}
        if token:
            out["NextToken"] = token
        return out

    def _set_state(self, ctx: Ctx, request: dict[str, Any], state: str) -> dict[str, Any]:
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        with ctx.store.transaction():
            rule = buses.require_rule(ctx, bus, request["Name"])
            if rule.get("State") != state:
                rule["State"] = state
                self._reschedule(ctx, rule)
                buses.put_rule(ctx, rule)
        self.scheduler.poke()
        return {}

    def enable_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """EnableRule."""
        return self._set_state(ctx, request, "ENABLED")

    def disable_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DisableRule."""
        return self._set_state(ctx, request, "DISABLED")

    def delete_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteRule: refused while the rule has targets; an unknown rule is no error."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        rule = buses.get_rule(ctx, bus, request["Name"])
        if rule is None:
            return {}
        if rule.get("Targets"):
            raise ValidationException("Rule can't be deleted since it has targets.")
        ctx.store.delete(("events", ctx.account, ctx.region, "rule", bus, rule["Name"]))
        self.scheduler.poke()
        return {}

    def list_rule_names_by_target(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListRuleNamesByTarget."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        buses.require_bus(ctx, bus)
        arn = request["TargetArn"]
        found = [r for r in buses.rules_of(ctx, bus) if any(t["Arn"] == arn for t in r.get("Targets") or [])]
        page, token = _page(found, request, "Name")
        out: dict[str, Any] = {"RuleNames": [r["Name"] for r in page]}
        if token:
            out["NextToken"] = token
        return out

    # --- targets ---------------------------------------------------------------------------

    def put_targets(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutTargets: add or replace targets by Id, reporting refused ones per entry."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        with ctx.store.transaction():
            rule = buses.require_rule(ctx, bus, request["Rule"])
            failed = targets.put(rule, request["Targets"])
            buses.put_rule(ctx, rule)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def remove_targets(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemoveTargets by Id."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        with ctx.store.transaction():
            rule = buses.require_rule(ctx, bus, request["Rule"])
            failed = targets.remove(rule, request["Ids"])
            buses.put_rule(ctx, rule)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def list_targets_by_rule(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTargetsByRule."""
        bus = buses.bus_name(ctx, request.get("EventBusName"))
        rule = buses.require_rule(ctx, bus, request["Rule"])
        page, token = _page(sorted(rule.get("Targets") or [], key=lambda t: t["Id"]), request, "Id")
        out: dict[str, Any] = {"Targets": page}
        if token:
            out["NextToken"] = token
        return out

    # --- events ----------------------------------------------------------------------------

    async def put_events(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutEvents: each entry is checked, given an id and routed to the rules it matches."""
        entries = request["Entries"]
        total = sum(_entry_size(e) for e in entries)
        if total > MAX_EVENTS_BYTES:
            raise ValidationException("Total size of the entries in the request is over the limit.")
        results: list[dict[str, Any]] = []
        routed: list[tuple[str, dict[str, Any]]] = []
        for entry in entries:
            problem = _entry_problem(ctx, entry)
            if problem is not None:
                results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                continue
            event = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": entry["DetailType"],
                "source": entry["Source"],
                "account": ctx.account,
                "time": iso(entry["Time"].timestamp() if entry.get("Time") else ctx.clock.now()),
                "region": ctx.region,
                "resources": list(entry.get("Resources") or []),
                "detail": json.loads(entry["Detail"]),
            }
            results.append({"EventId": event["id"]})
            routed.append((buses.bus_name(ctx, entry.get("EventBusName")), event))
        for bus, event in routed:
            await delivery.route(ctx, bus, event)
        return {"FailedEntryCount": sum(1 for r in results if "ErrorCode" in r), "Entries": results}

    def test_event_pattern(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TestEventPattern."""
        _check_pattern(request["EventPattern"])
        try:
            event = json.loads(request["Event"])
        except ValueError:
            raise ValidationException("Parameter Event is not valid.") from None
        if not isinstance(event, dict):
            raise ValidationException("Parameter Event is not valid.")
        missing = [f for f in ("id", "account", "source", "time", "region", "detail-type") if f not in event]
        if missing:
            raise ValidationException("Parameter Event is not valid. Reason: Provided Event is missing required "
                                      f"field {missing[0]}.")
        return {"Result": compile_pattern(request["EventPattern"]).matches(event)}

    # --- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: Ctx, arn: str) -> tuple[dict[str, Any], Any]:
        """The record an ARN names and the function that stores it back."""
        resource = arn.split(":", 5)[-1] if arn.startswith("arn:") else ""
        if resource.startswith("event-bus/"):
            name = resource[len("event-bus/"):]
            bus = buses.get_bus(ctx, name)
            if bus is None:
                raise buses_not_found_arn(arn)
            return bus, lambda: buses.put_bus(ctx, bus)
        if resource.startswith("rule/"):
            parts = resource[len("rule/"):].split("/")
            bus_name, name = (DEFAULT_BUS, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
            rule = buses.get_rule(ctx, bus_name, name)
            if rule is None:
                raise rule_not_found(name, bus_name)
            return rule, lambda: buses.put_rule(ctx, rule)
        raise ValidationException(f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.")

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource on a bus or a rule."""
        record, save = self._tagged(ctx, request["ResourceARN"])
        record.setdefault("Tags", {}).update({t["Key"]: t["Value"] for t in request["Tags"]})
        save()
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        record, save = self._tagged(ctx, request["ResourceARN"])
        for key in request["TagKeys"]:
            record.setdefault("Tags", {}).pop(key, None)
        save()
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource."""
        record, _ = self._tagged(ctx, request["ResourceARN"])
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted((record.get("Tags") or {}).items())]}


def buses_not_found_arn(arn: str) -> ResourceNotFoundException:
    """AWS's answer for a tag call on a bus that does not exist."""
    return ResourceNotFoundException(f"Event bus {arn.rsplit('/', 1)[-1]} does not exist.")


def _entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as EventBridge counts it against the 256 KB limit."""
    size = 14 if entry.get("Time") else 0
    for member in ("Source", "DetailType", "Detail"):
        size += len((entry.get(member) or "").encode())
    size += sum(len(r.encode()) for r in entry.get("Resources") or [])
    return size


def _entry_problem(ctx: Ctx, entry: dict[str, Any]) -> tuple[str, str] | None:
    """(ErrorCode, ErrorMessage) of an entry EventBridge refuses, or None."""
    for member in ("Source", "DetailType", "Detail"):
        if not entry.get(member):
            return "InvalidArgument", f"Parameter {member} is not valid. Reason: {member} is a required argument."
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        return "MalformedDetail", "Detail is malformed."
    if not isinstance(detail, dict):
        return "MalformedDetail", "Detail is malformed."
    try:
        bus = buses.bus_name(ctx, entry.get("EventBusName"))
    except ValidationException as err:
        return "InvalidArgument", err.message
    if buses.get_bus(ctx, bus) is None:
        return "ResourceNotFoundException", f"Event bus {bus} does not exist."
    return None
