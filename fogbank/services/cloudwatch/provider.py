"""CloudWatch: metrics with AWS's resolutions and retention roll-up, statistics and percentiles,
GetMetricData with metric math (``math/``), alarms evaluated M of N on fogbank's clock
(``alarms``, ``evaluation``, ``workers``), composite alarms, alarm actions and dashboards.

Scheduling choice: alarms are evaluated at each period boundary of fogbank's clock (every minute
for periods of a minute or more, every period for 10/20/30-second alarms). Evaluation "catches up"
every boundary passed since the last one, in order, so advancing the clock by ten minutes gives the
same ten evaluations (and the same history) as waiting ten minutes. The catch-up runs in a worker
started by ``start`` (which wakes on the clock, so actions fire without anyone reading) and before
every read of alarm state (so a test that advances the clock and then reads sees a deterministic
result without waiting for the worker).

LIMITATIONS: anomaly detection (PutAnomalyDetector, ANOMALY_DETECTION_BAND) is not implemented;
band comparison operators work only with a ThresholdMetricId expression that gives two series;
metric streams, Insights rules, log alarms, mute rules and cross-account observability are not
implemented; composite alarm action suppressors are stored but not applied; extended statistics other than percentiles (tm, wm, tc, ts, PR, IQM) are refused;
dynamic labels are not expanded; SNS, EC2, Auto Scaling and Systems Manager actions are recorded
in alarm history rather than delivered while those services are absent.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.cloudwatch import dashboards, metrics, queries
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.alarms import Alarms
from fogbank.services.cloudwatch.errors import (
    InvalidNextToken,
    ResourceNotFoundException,
    combination,
    invalid,
    missing,
)

MAX_DATAPOINTS = 1440
LIST_PAGE = 500
#: metrics in one PutMetricData (MetricData and EntityMetricData together)
MAX_DATA = 1000


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Provider:
    """The CloudWatch operations."""

    def __init__(self) -> None:
        self.alarms = Alarms()
        self._stop = threading.Event()

    def start(self, ctx: Ctx) -> None:
        """Start the alarm scheduler and retention roll-up on fogbank's clock."""
        self.alarms.start(ctx, self._stop)

    def stop(self) -> None:
        """Stop the scheduler."""
        self._stop.set()
        self.alarms.stop()

    def reset(self, ctx: Ctx) -> None:
        """Forget which accounts and regions have alarms (their records are going)."""
        self.alarms.clear()

    # --- metric data -------------------------------------------------------------------------

    def put_metric_data(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutMetricData: every datum checked first, then all stored in one transaction."""
        namespace = request["Namespace"]
        if namespace.startswith("AWS/") and not ctx.extras.get("internal_metrics"):
            raise invalid(f"The value {namespace} for parameter Namespace is invalid.")
        # entity-tagged data is stored as plain data: fogbank keeps no entity index
        data = list(request.get("MetricData") or [])
        for entity in request.get("EntityMetricData") or []:
            data += entity.get("MetricData") or []
        if not data:
            raise missing("The parameter MetricData is required.")
        if len(data) > MAX_DATA:
            raise invalid(f"The collection MetricData must not have a size greater than {MAX_DATA}.")
        now = ctx.clock.now()
        # data for one slot (same metric, time slot and unit) is merged before it is written
        merged: dict[tuple, tuple[dict[str, Any], int, int, str, Any]] = {}
        for i, datum in enumerate(data, 1):
            start, resolution, unit, slot = metrics.parse_datum(datum, i, now)
            ident = (datum["MetricName"], keys.dim_key(datum.get("Dimensions")), start, resolution, unit)
            if ident in merged:
                merged[ident][4].merge(slot)
            else:
                merged[ident] = (datum, start, resolution, unit, slot)
        with ctx.store.transaction() as txn:
            for datum, start, resolution, unit, slot in merged.values():
                metrics.store_datum(ctx, txn, namespace, datum, start, resolution, unit, slot, now)
        self.alarms.scheduler.watch(ctx.account, ctx.region)
        return {}

    def get_metric_statistics(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetMetricStatistics: one datapoint per period with data, oldest first."""
        stats = request.get("Statistics") or []
        extended = request.get("ExtendedStatistics") or []
        if stats and extended:
            raise combination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
        if not stats and not extended:
            raise missing("Must specify either Statistics or ExtendedStatistics.")
        for i, stat in enumerate(extended, 1):
            if not metrics.is_percentile(stat):
                raise invalid(f"The value {stat} for parameter ExtendedStatistics.member.{i} is invalid.")
        start = metrics.seconds(request["StartTime"])
        end = metrics.seconds(request["EndTime"])
        if end <= start:
            raise invalid("The parameter StartTime must be less than the parameter EndTime.")
        period = request["Period"]
        queries.check_period(period, "Period")
        metrics.check_dimensions(request.get("Dimensions"), "Dimensions")
        origin = metrics.origin_for(start, period)
        count = -(-(int(end) - origin) // period)
        if count > MAX_DATAPOINTS:
            raise combination(
                f"You have requested up to {count:,} datapoints, which exceeds the limit of {MAX_DATAPOINTS:,}. "
                "You may reduce the datapoints requested by increasing Period, or decreasing the time range."
            )
        metrics.retain(ctx)
        dims = keys.dim_key(request.get("Dimensions"))
        units: dict[int, str] = {}
        slots = metrics.read_slots(ctx, request["Namespace"], request["MetricName"], dims, origin, end,
                                   request.get("Unit"), with_dist=bool(extended))
        buckets = metrics.aggregate(slots, origin, period, units)
        points: list[dict[str, Any]] = []
        for ts in sorted(buckets):
            slot = buckets[ts]
            point: dict[str, Any] = {"Timestamp": _ts(ts), "Unit": units[ts]}
            for stat in stats:
                value = metrics.statistic(slot, stat)
                if value is not None:
                    point[stat] = value
            if extended:
                point["ExtendedStatistics"] = {
                    stat: value for stat in extended if (value := metrics.statistic(slot, stat)) is not None
                }
            points.append(point)
        return {"Label": request["MetricName"], "Datapoints": points}

    def get_metric_data(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetMetricData: MetricStat queries and metric math, paginated by MaxDatapoints."""
        metrics.retain(ctx)
        return queries.results(ctx, request)

    def list_metrics(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListMetrics with namespace, name, dimension and RecentlyActive filters, 500 a page."""
        namespace = request.get("Namespace")
        name = request.get("MetricName")
        wanted = request.get("Dimensions") or []
        metrics.check_dimensions([{"Name": d["Name"], "Value": d.get("Value", "")} for d in wanted], "Dimensions")
        recent = request.get("RecentlyActive")
        if recent is not None and recent != "PT3H":
            raise invalid(f"The value {recent} for parameter RecentlyActive is invalid.")
        now = ctx.clock.now()
        after = _untoken(request.get("NextToken"))
        parts = [p for p in (namespace, name if namespace else None) if p is not None]
        prefix = keys.metrics_prefix(ctx.account, ctx.region, *parts)
        start = (*keys.metrics_prefix(ctx.account, ctx.region), *after) if after else None
        out: list[dict[str, Any]] = []
        next_token = None
        last_seen: tuple = ()
        for key, raw in ctx.store.scan(prefix, start=start):
            ident = tuple(key[-3:])
            if after and ident == tuple(after):
                continue
            if name is not None and key[-2] != name:
                continue
            record = keys.loads(raw)
            have = dict((d, v) for d, v in record["d"])
            if any(d["Name"] not in have or ("Value" in d and have[d["Name"]] != d["Value"]) for d in wanted):
                continue
            if recent and now - record["t"] > metrics.RECENTLY_ACTIVE:
                continue
            if len(out) == LIST_PAGE:
                next_token = _token(list(last_seen))
                break
            last_seen = ident
            out.append({"Namespace": key[-3], "MetricName": key[-2],
                        "Dimensions": [{"Name": d, "Value": v} for d, v in record["d"]]})
        answer: dict[str, Any] = {"Metrics": out}
        if next_token:
            answer["NextToken"] = next_token
        return answer

    # --- alarms ------------------------------------------------------------------------------

    def put_metric_alarm(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutMetricAlarm (creates or overwrites the configuration; the state stays)."""
        self.alarms.put_metric_alarm(ctx, request)
        return {}

    def put_composite_alarm(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutCompositeAlarm."""
        self.alarms.put_composite_alarm(ctx, request)
        return {}

    def describe_alarms(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarms (after catching evaluation up with the clock)."""
        return self.alarms.describe(ctx, request)

    def describe_alarms_for_metric(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarmsForMetric."""
        return self.alarms.describe_for_metric(ctx, request)

    def describe_alarm_history(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeAlarmHistory."""
        return self.alarms.history(ctx, request)

    def delete_alarms(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteAlarms: all named alarms, or none when one does not exist."""
        self.alarms.delete(ctx, request["AlarmNames"])
        return {}

    def set_alarm_state(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SetAlarmState: a temporary state until the next evaluation."""
        self.alarms.set_state(ctx, request)
        return {}

    def enable_alarm_actions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """EnableAlarmActions."""
        self.alarms.set_actions_enabled(ctx, request["AlarmNames"], True)
        return {}

    def disable_alarm_actions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DisableAlarmActions."""
        self.alarms.set_actions_enabled(ctx, request["AlarmNames"], False)
        return {}

    # --- dashboards --------------------------------------------------------------------------

    def put_dashboard(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutDashboard."""
        messages = dashboards.put(ctx, request["DashboardName"], request["DashboardBody"])
        if request.get("Tags"):
            self._tag(ctx, dashboards.arn(ctx, request["DashboardName"]), request["Tags"])
        return {"DashboardValidationMessages": messages}

    def get_dashboard(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetDashboard."""
        return dashboards.get(ctx, request["DashboardName"])

    def list_dashboards(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListDashboards."""
        return dashboards.listing(ctx, request.get("DashboardNamePrefix"), request.get("NextToken"))

    def delete_dashboards(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteDashboards."""
        dashboards.delete(ctx, request["DashboardNames"])
        for name in request["DashboardNames"]:
            ctx.store.delete(keys.tags_key(ctx.account, ctx.region, dashboards.arn(ctx, name)))
        return {}

    # --- tags --------------------------------------------------------------------------------

    def _exists(self, ctx: Ctx, arn: str) -> bool:
        if ":dashboard/" in arn:
            return ctx.store.get(keys.dashboard_key(ctx.account, "global", arn.rsplit("/", 1)[-1])) is not None
        if ":alarm:" in arn:
            return ctx.store.get(keys.alarm_key(ctx.account, ctx.region, arn.split(":alarm:", 1)[1])) is not None
        return False

    def _tag(self, ctx: Ctx, arn: str, tags: list[dict[str, str]]) -> None:
        key = keys.tags_key(ctx.account, ctx.region, arn)
        with ctx.store.transaction() as txn:
            raw = txn.get(key)
            have = keys.loads(raw) if raw else {}
            have.update({t["Key"]: t["Value"] for t in tags})
            if len(have) > 50:
                raise invalid("The maximum number of tags for a resource is 50.")
            txn.put(key, keys.dumps(have))

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource on an alarm or dashboard."""
        arn = request["ResourceARN"]
        if not self._exists(ctx, arn):
            raise ResourceNotFoundException(f"The resource {arn} does not exist.")
        self._tag(ctx, arn, request["Tags"])
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        arn = request["ResourceARN"]
        if not self._exists(ctx, arn):
            raise ResourceNotFoundException(f"The resource {arn} does not exist.")
        key = keys.tags_key(ctx.account, ctx.region, arn)
        with ctx.store.transaction() as txn:
            raw = txn.get(key)
            have = keys.loads(raw) if raw else {}
            for name in request["TagKeys"]:
                have.pop(name, None)
            txn.put(key, keys.dumps(have))
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource."""
        arn = request["ResourceARN"]
        if not self._exists(ctx, arn):
            raise ResourceNotFoundException(f"The resource {arn} does not exist.")
        raw = ctx.store.get(keys.tags_key(ctx.account, ctx.region, arn))
        have = keys.loads(raw) if raw else {}
        return {"Tags": [{"Key": k, "Value": v} for k, v in have.items()]}


def _token(parts: list[str]) -> str:
    return base64.urlsafe_b64encode(keys.dumps(parts)).decode()


def _untoken(token: str | None) -> list[str] | None:
    if not token:
        return None
    try:
        parts = keys.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        raise InvalidNextToken("The service cannot process the NextToken.") from None
    if not isinstance(parts, list) or len(parts) != 3 or not all(isinstance(p, str) for p in parts):
        raise InvalidNextToken("The service cannot process the NextToken.")
    return parts
