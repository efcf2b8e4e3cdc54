"""Alarms: records, configuration checks, evaluation catch-up on fogbank's clock, transitions
with history and actions, composite alarms, and the Describe operations.

Every metric alarm keeps ``next``: the clock time of its next evaluation. ``catch_up`` evaluates
each boundary from ``next`` up to now, in order (see the provider's docstring for why).
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.cloudwatch import actions, composite, evaluation, metrics, queries, reasons
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.alarmconfig import check_composite, check_metric_alarm, period_of
from fogbank.services.cloudwatch.errors import InvalidFormatFault, InvalidNextToken, ResourceNotFound, invalid
from fogbank.services.cloudwatch.evaluation import INSUFFICIENT, Point
from fogbank.services.cloudwatch.workers import Scheduler

#: the most boundaries one catch-up evaluates (a day of minutes); older ones cannot change
#: what the latest evaluations decide
MAX_STEPS = 1440
HISTORY_DAYS = 30
INITIAL_REASON = "Unchecked: Initial alarm creation"


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def step_of(period: int) -> int:
    """How often an alarm of this period is evaluated: every minute, or every period below one."""
    return period if period < 60 else 60


class Alarms:
    """Alarm state and evaluation for every account and region."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._seq = itertools.count()
        self.tasks: set[Any] = set()
        self.scheduler = Scheduler(self)

    def start(self, ctx: Ctx, stop: threading.Event) -> None:
        """Start the scheduler."""
        self.scheduler.start(ctx, stop)

    def stop(self) -> None:
        """Stop the scheduler."""
        self.scheduler.stop()

    def clear(self) -> None:
        """Forget cached knowledge of where alarms are."""
        self.scheduler.clear()

    # --- records -------------------------------------------------------------------------------

    def _load(self, ctx: Ctx, name: str) -> dict[str, Any] | None:
        raw = ctx.store.get(keys.alarm_key(ctx.account, ctx.region, name))
        return keys.loads(raw) if raw else None

    def _all(self, ctx: Ctx) -> list[dict[str, Any]]:
        return [keys.loads(raw) for _, raw in ctx.store.scan(keys.alarms_prefix(ctx.account, ctx.region))]

    def _arn(self, ctx: Ctx, name: str) -> str:
        return f"arn:aws:cloudwatch:{ctx.region}:{ctx.account}:alarm:{name}"

    def _history(self, ctx: Ctx, name: str, when: float, kind: str, item: dict[str, Any], txn: Any = None) -> None:
        alarm_type = item.get("type", "MetricAlarm")
        value = {"type": alarm_type, "kind": kind, "summary": item["summary"], "data": json.dumps(item["data"], separators=(",", ":")), "ts": when}
        key = (*keys.history_prefix(ctx.account, ctx.region, name), int(when * 1000), next(self._seq))
        (txn or ctx.store).put(key, keys.dumps(value))

    def record_action(self, ctx: Ctx, name: str, when: float, kind: str, item: dict[str, Any]) -> None:
        """Write an action's outcome into the alarm's history."""
        raw = ctx.store.get(keys.alarm_key(ctx.account, ctx.region, name))
        if raw is not None:
            item = {**item, "type": "CompositeAlarm" if keys.loads(raw)["type"] == "composite" else "MetricAlarm"}
        self._history(ctx, name, when, kind, item)

    def _save_config(self, ctx: Ctx, name: str, kind: str, config: dict[str, Any], tags: list[dict[str, str]] | None) -> None:
        now = ctx.clock.now()
        with self._lock, ctx.store.transaction() as txn:
            key = keys.alarm_key(ctx.account, ctx.region, name)
            old_raw = txn.get(key)
            old = keys.loads(old_raw) if old_raw else None
            if old is not None and old["type"] != kind:
                raise invalid(f"The alarm {name} already exists as a {'composite' if old['type'] == 'composite' else 'metric'} alarm.")
            record = old or {
                "type": kind, "name": name, "arn": self._arn(ctx, name), "state": INSUFFICIENT,
                "reason": INITIAL_REASON, "reason_data": None, "updated": now, "transitioned": now,
            }
            record["config"] = config
            record["configured"] = now
            record["actions_enabled"] = config.get("ActionsEnabled", True)
            if kind == "metric":
                step = step_of(period_of(config))
                record["next"] = math.floor(now / step) * step + step
            txn.put(key, keys.dumps(record))
            history_type = "CompositeAlarm" if kind == "composite" else "MetricAlarm"
            summary = f'Alarm "{name}" {"updated" if old else "created"}'
            data = {"version": "1.0", "type": "Update" if old else "Create"}
            if old:
                data["originalConfiguration"] = old["config"]
            data["updatedConfiguration"] = config
            self._history(ctx, name, now, "ConfigurationUpdate", {"type": history_type, "summary": summary, "data": data}, txn)
        if tags:
            key = keys.tags_key(ctx.account, ctx.region, self._arn(ctx, name))
            raw = ctx.store.get(key)
            have = keys.loads(raw) if raw else {}
            have.update({t["Key"]: t["Value"] for t in tags})
            ctx.store.put(key, keys.dumps(have))
        self.scheduler.watch(ctx.account, ctx.region)

    def put_metric_alarm(self, ctx: Ctx, request: dict[str, Any]) -> None:
        """PutMetricAlarm."""
        config = check_metric_alarm(request)
        self._save_config(ctx, request["AlarmName"], "metric", config, request.get("Tags"))

    def put_composite_alarm(self, ctx: Ctx, request: dict[str, Any]) -> None:
        """PutCompositeAlarm: the rule must parse and name existing alarms; evaluated at once."""
        config = check_composite(request)
        rule = composite.parse(config["AlarmRule"])
        known = {a["name"] for a in self._all(ctx)} | {a["arn"] for a in self._all(ctx)}
        absent = sorted(c for c in composite.children(rule) if c not in known)
        if absent:
            raise invalid(f"Could not save the composite alarm as alarms [{', '.join(absent)}] in the alarm rule do not exist")
        if request["AlarmName"] in composite.children(rule) or self._arn(ctx, request["AlarmName"]) in composite.children(rule):
            raise invalid("An alarm rule must not refer to the alarm itself.")
        self._save_config(ctx, request["AlarmName"], "composite", config, request.get("Tags"))
        self.catch_up(ctx)

    def delete(self, ctx: Ctx, names: list[str]) -> None:
        """DeleteAlarms: every alarm or none."""
        with self._lock, ctx.store.transaction() as txn:
            for name in names:
                key = keys.alarm_key(ctx.account, ctx.region, name)
                if txn.get(key) is None:
                    raise ResourceNotFound(f"The following alarms could not be found: [{name}]")
            for name in names:
                txn.delete(keys.alarm_key(ctx.account, ctx.region, name))
                txn.delete(keys.tags_key(ctx.account, ctx.region, self._arn(ctx, name)))

    def set_actions_enabled(self, ctx: Ctx, names: list[str], enabled: bool) -> None:
        """Enable or disable the actions of the named alarms (unknown names are skipped, as AWS does)."""
        with self._lock, ctx.store.transaction() as txn:
            for name in names:
                key = keys.alarm_key(ctx.account, ctx.region, name)
                raw = txn.get(key)
                if raw is None:
                    continue
                record = keys.loads(raw)
                record["actions_enabled"] = enabled
                record["config"]["ActionsEnabled"] = enabled
                txn.put(key, keys.dumps(record))

    def set_state(self, ctx: Ctx, request: dict[str, Any]) -> None:
        """SetAlarmState: the state holds until the next evaluation decides otherwise."""
        data = request.get("StateReasonData")
        if data is not None:
            try:
                json.loads(data)
            except ValueError:
                raise InvalidFormatFault("Invalid value for parameter StateReasonData: the value must be JSON.") from None
        self.catch_up(ctx)
        with self._lock:
            record = self._load(ctx, request["AlarmName"])
            if record is None:
                raise ResourceNotFound(f"Alarm {request['AlarmName']} not found")
            pending: list[tuple[dict[str, Any], dict[str, Any], float]] = []
            with ctx.store.transaction() as txn:
                self._transition(ctx, txn, record, request["StateValue"], request["StateReason"], data, ctx.clock.now(), pending)
                txn.put(keys.alarm_key(ctx.account, ctx.region, record["name"]), keys.dumps(record))
        self._run_actions(ctx, pending)
        self.catch_up(ctx)

    # --- evaluation ----------------------------------------------------------------------------

    def catch_up(self, ctx: Ctx) -> None:
        """Evaluate every due boundary of every alarm of the context's account and region."""
        with self._lock:
            now = ctx.clock.now()
            pending: list[tuple[dict[str, Any], dict[str, Any], float]] = []
            records = self._all(ctx)
            changed: dict[str, dict[str, Any]] = {}
            for record in records:
                if record["type"] != "metric" or record["next"] > now:
                    continue
                step = step_of(period_of(record["config"]))
                first = record["next"]
                steps = int((now - first) // step) + 1
                if steps > MAX_STEPS:
                    first += (steps - MAX_STEPS) * step
                    steps = MAX_STEPS
                with ctx.store.transaction() as txn:
                    for i in range(steps):
                        self._evaluate(ctx, txn, record, first + i * step, pending)
                    record["next"] = first + steps * step
                    txn.put(keys.alarm_key(ctx.account, ctx.region, record["name"]), keys.dumps(record))
                changed[record["name"]] = record
            composites = [r for r in records if r["type"] == "composite"]
            if composites:
                self._evaluate_composites(ctx, records, composites, now, pending)
        self._run_actions(ctx, pending)

    def _evaluate(self, ctx: Ctx, txn: Any, record: dict[str, Any], when: float, pending: list) -> None:
        config = record["config"]
        period = period_of(config)
        n = config["EvaluationPeriods"]
        m = config.get("DatapointsToAlarm") or n
        end = int(when // period * period)
        start = end - evaluation.range_length(n) * period
        points = self._points(ctx, config, start, end, period)
        treat = config.get("TreatMissingData") or "missing"
        if config.get("Namespace", "").startswith("AWS/DynamoDB"):
            treat = "ignore"
        statistic = config.get("ExtendedStatistic")
        threshold = config.get("Threshold")
        operator = config["ComparisonOperator"]
        outcome = evaluation.decide(points, n, m, treat, operator, threshold, record["state"], statistic=statistic,
                                    low_samples=config.get("EvaluateLowSampleCountPercentile") or "evaluate")
        if outcome.state is None or outcome.state == record["state"]:
            return
        reason = reasons.reason(outcome, outcome.state, n, m, operator, threshold)
        recent = [p.value for p in points if p.value is not None]
        data = reasons.reason_data(outcome, config, when, start, recent, threshold)
        self._transition(ctx, txn, record, outcome.state, reason, data, when, pending)

    def _points(self, ctx: Ctx, config: dict[str, Any], start: int, end: int, period: int) -> list[Point]:
        grid = range(start, end, period)
        if config.get("Metrics"):
            try:
                results = queries.run(ctx, config["Metrics"], start, end)
            except ServiceError:
                # an expression that fails on this data is no data: one alarm must not break reads
                results = []
            main = next((s for q, s in results if q.get("ReturnData", True) and q["Id"] != config.get("ThresholdMetricId")), [])
            band = next((s for q, s in results if q["Id"] == config.get("ThresholdMetricId")), [])
            series = main[0].points if main else {}
            low = band[0].points if len(band) >= 2 else {}
            high = band[1].points if len(band) >= 2 else {}
            return [Point(ts, series.get(ts), None, low.get(ts), high.get(ts)) for ts in grid]
        stat = config.get("Statistic") or config.get("ExtendedStatistic")
        dims = keys.dim_key(config.get("Dimensions"))
        percentile = metrics.is_percentile(stat)
        slots = metrics.read_slots(ctx, config["Namespace"], config["MetricName"], dims, start, end, config.get("Unit"), with_dist=percentile)
        buckets = metrics.aggregate(slots, start, period)
        points = []
        for ts in grid:
            slot = buckets.get(ts)
            points.append(Point(ts, metrics.statistic(slot, stat) if slot else None, slot.count if slot else None))
        return points

    def _transition(self, ctx: Ctx, txn: Any, record: dict[str, Any], state: str, reason: str, data: str | None,
                    when: float, pending: list) -> None:
        previous = {k: record.get(k) for k in ("state", "reason", "reason_data", "updated")}
        old_state = record["state"]
        record.update({"state": state, "reason": reason, "reason_data": data, "updated": when})
        if old_state != state:
            record["transitioned"] = when
        new_state: dict[str, Any] = {"stateValue": state, "stateReason": reason}
        if data:
            new_state["stateReasonData"] = json.loads(data)
        history = {
            "version": "1.0",
            "oldState": {"stateValue": old_state, "stateReason": previous["reason"]},
            "newState": new_state,
        }
        if previous.get("reason_data"):
            history["oldState"]["stateReasonData"] = json.loads(previous["reason_data"])
        kind = "CompositeAlarm" if record["type"] == "composite" else "MetricAlarm"
        self._history(ctx, record["name"], when, "StateUpdate",
                      {"type": kind, "summary": f"Alarm updated from {old_state} to {state}", "data": history}, txn)
        if record.get("actions_enabled", True):
            pending.append((dict(record), previous, when))

    def _evaluate_composites(self, ctx: Ctx, records: list[dict[str, Any]], composites: list[dict[str, Any]],
                             now: float, pending: list) -> None:
        # a composite may watch other composites: settle in a few passes
        for _ in range(4):
            by_key = {}
            for r in self._all(ctx):
                by_key[r["name"]] = r
                by_key[r["arn"]] = r
            moved = False
            for record in [by_key[c["name"]] for c in composites if c["name"] in by_key]:
                rule = composite.parse(record["config"]["AlarmRule"])
                truth = composite.holds(rule, lambda name, known=by_key: known[name]["state"] if name in known else None)
                state = evaluation.ALARM if truth else evaluation.OK
                if state == record["state"]:
                    continue
                triggering = [by_key[c] for c in sorted(composite.children(rule)) if c in by_key]
                latest = max(triggering, key=lambda r: r["transitioned"], default=None)
                if latest is not None:
                    reason = (f"{latest['arn']} transitioned to {latest['state']} at "
                              f"{datetime.fromtimestamp(latest['transitioned'], UTC).strftime('%A %d %B, %Y %H:%M:%S UTC')}")
                else:
                    reason = "The alarm rule evaluated to " + ("TRUE" if truth else "FALSE")
                data = json.dumps({"triggeringAlarms": [
                    {"arn": r["arn"], "state": {"value": r["state"], "timestamp": reasons.iso(r["transitioned"])}} for r in triggering
                ]}, separators=(",", ":"))
                with ctx.store.transaction() as txn:
                    self._transition(ctx, txn, record, state, reason, data, now, pending)
                    txn.put(keys.alarm_key(ctx.account, ctx.region, record["name"]), keys.dumps(record))
                moved = True
            if not moved:
                return

    def _run_actions(self, ctx: Ctx, pending: list[tuple[dict[str, Any], dict[str, Any], float]]) -> None:
        for record, previous, when in pending:
            config = record["config"]
            arns = {"ALARM": config.get("AlarmActions"), "OK": config.get("OKActions"),
                    "INSUFFICIENT_DATA": config.get("InsufficientDataActions")}.get(record["state"]) or []
            if not arns:
                continue
            event = actions.alarm_event(ctx, record, previous, when)
            for arn in arns:
                actions.run(ctx, arn, event, self.record_action, record["name"], when, self.tasks)

    # --- describe ------------------------------------------------------------------------------

    def describe(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarms."""
        names = request.get("AlarmNames")
        prefix = request.get("AlarmNamePrefix")
        children_of = request.get("ChildrenOfAlarmName")
        parents_of = request.get("ParentsOfAlarmName")
        if names and prefix:
            raise invalid("AlarmNames and AlarmNamePrefix cannot be specified together.")
        if (children_of or parents_of) and (names or prefix or request.get("StateValue") or request.get("ActionPrefix")):
            raise invalid("ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with other filters.")
        if children_of and parents_of:
            raise invalid("ChildrenOfAlarmName and ParentsOfAlarmName cannot be specified together.")
        self.catch_up(ctx)
        types = request.get("AlarmTypes") or ["MetricAlarm"]
        limit = request.get("MaxRecords") or 50
        if not 1 <= limit <= 100:
            raise invalid(f"The value {limit} for parameter MaxRecords is invalid.")
        after = request.get("NextToken")
        records = self._all(ctx)
        if children_of:
            parent = next((r for r in records if r["name"] == children_of and r["type"] == "composite"), None)
            wanted = composite.children(composite.parse(parent["config"]["AlarmRule"])) if parent else set()
            records = [r for r in records if r["name"] in wanted or r["arn"] in wanted]
            types = ["MetricAlarm", "CompositeAlarm"]
        if parents_of:
            target = next((r for r in records if r["name"] == parents_of), None)
            records = [r for r in records if r["type"] == "composite" and target is not None
                       and {target["name"], target["arn"]} & composite.children(composite.parse(r["config"]["AlarmRule"]))]
            types = ["CompositeAlarm"]
        selected = []
        for record in records:
            kind = "CompositeAlarm" if record["type"] == "composite" else "MetricAlarm"
            if kind not in types:
                continue
            if names and record["name"] not in names:
                continue
            if prefix and not record["name"].startswith(prefix):
                continue
            if request.get("StateValue") and record["state"] != request["StateValue"]:
                continue
            if request.get("ActionPrefix"):
                every = [*(record["config"].get("AlarmActions") or ()), *(record["config"].get("OKActions") or ()),
                         *(record["config"].get("InsufficientDataActions") or ())]
                if not any(a.startswith(request["ActionPrefix"]) for a in every):
                    continue
            if after and record["name"] <= after:
                continue
            selected.append(record)
        if after and not any(r["name"] == after for r in records) and not selected:
            raise InvalidNextToken("The service cannot process the NextToken.")
        page = selected[:limit]
        out: dict[str, Any] = {
            "MetricAlarms": [describe_metric(r) for r in page if r["type"] == "metric"],
            "CompositeAlarms": [describe_composite(r) for r in page if r["type"] == "composite"],
        }
        if len(selected) > limit:
            out["NextToken"] = page[-1]["name"]
        return out

    def describe_for_metric(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarmsForMetric: metric alarms on exactly this metric (and the given filters)."""
        self.catch_up(ctx)
        dims = keys.dim_key(request.get("Dimensions"))
        out = []
        for record in self._all(ctx):
            config = record["config"]
            if record["type"] != "metric" or config.get("Metrics"):
                continue
            if config["MetricName"] != request["MetricName"] or config["Namespace"] != request["Namespace"]:
                continue
            if keys.dim_key(config.get("Dimensions")) != dims:
                continue
            if any(request.get(f) is not None and config.get(f) != request[f]
                   for f in ("Statistic", "ExtendedStatistic", "Period", "Unit")):
                continue
            out.append(describe_metric(record))
        return {"MetricAlarms": out}

    def history(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarmHistory: newest first by default, 30 days kept."""
        self.catch_up(ctx)
        now = ctx.clock.now()
        name = request.get("AlarmName")
        kind = request.get("HistoryItemType")
        types = request.get("AlarmTypes") or ["MetricAlarm", "CompositeAlarm"]
        start = metrics.seconds(request["StartDate"]) if request.get("StartDate") else now - HISTORY_DAYS * 86400
        end = metrics.seconds(request["EndDate"]) if request.get("EndDate") else math.inf
        limit = request.get("MaxRecords") or 100
        if not 1 <= limit <= 100:
            raise invalid(f"The value {limit} for parameter MaxRecords is invalid.")
        items = []
        for key, raw in ctx.store.scan(keys.history_prefix(ctx.account, ctx.region, name)):
            item = keys.loads(raw)
            if kind and item["kind"] != kind:
                continue
            if item["type"] not in types or not start <= item["ts"] <= end or item["ts"] < now - HISTORY_DAYS * 86400:
                continue
            items.append(((key[-2], key[-1]), key[-3], item))
        descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
        items.sort(key=lambda x: x[0], reverse=descending)
        skip = 0
        if request.get("NextToken"):
            try:
                skip = int(request["NextToken"])
            except ValueError:
                raise InvalidNextToken("The service cannot process the NextToken.") from None
        page = items[skip: skip + limit]
        out: dict[str, Any] = {"AlarmHistoryItems": [
            {"AlarmName": alarm, "AlarmType": item["type"], "Timestamp": _ts(item["ts"]), "HistoryItemType": item["kind"],
             "HistorySummary": item["summary"], "HistoryData": item["data"]}
            for _, alarm, item in page
        ]}
        if skip + limit < len(items):
            out["NextToken"] = str(skip + limit)
        return out


def _common(record: dict[str, Any]) -> dict[str, Any]:
    config = record["config"]
    out: dict[str, Any] = {
        "AlarmName": record["name"],
        "AlarmArn": record["arn"],
        "AlarmConfigurationUpdatedTimestamp": _ts(record["configured"]),
        "ActionsEnabled": record.get("actions_enabled", True),
        "OKActions": list(config.get("OKActions") or ()),
        "AlarmActions": list(config.get("AlarmActions") or ()),
        "InsufficientDataActions": list(config.get("InsufficientDataActions") or ()),
        "StateValue": record["state"],
        "StateReason": record["reason"],
        "StateUpdatedTimestamp": _ts(record["updated"]),
        "StateTransitionedTimestamp": _ts(record["transitioned"]),
    }
    if config.get("AlarmDescription") is not None:
        out["AlarmDescription"] = config["AlarmDescription"]
    if record.get("reason_data"):
        out["StateReasonData"] = record["reason_data"]
    return out


def describe_metric(record: dict[str, Any]) -> dict[str, Any]:
    """A MetricAlarm as DescribeAlarms answers it."""
    config = record["config"]
    out = _common(record)
    for name in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Period", "Unit", "EvaluationPeriods",
                 "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
                 "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId"):
        if config.get(name) is not None:
            out[name] = config[name]
    if not config.get("Metrics"):
        out["Dimensions"] = list(config.get("Dimensions") or ())
    return out


def describe_composite(record: dict[str, Any]) -> dict[str, Any]:
    """A CompositeAlarm as DescribeAlarms answers it."""
    out = _common(record)
    out["AlarmRule"] = record["config"]["AlarmRule"]
    for name in ("ActionsSuppressor", "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"):
        if record["config"].get(name) is not None:
            out[name] = record["config"][name]
    return out
