"""GetMetricData: MetricStat queries read from the store, metric math expressions evaluated over
them in dependency order, labels, ScanBy order and MaxDatapoints pagination."""

from __future__ import annotations

import base64
import json
import math
import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.cloudwatch import metrics
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.errors import (
    InvalidNextToken,
    ValidationException,
    combination,
    invalid,
    missing,
)
from fogbank.services.cloudwatch.math import MathError, parse
from fogbank.services.cloudwatch.math.evaluate import FUNCTIONS, Env, Series, evaluate
from fogbank.services.cloudwatch.math.parser import calls, references
from fogbank.services.cloudwatch.math.search import MetricId, compile_search

_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
MAX_SEARCH_RESULTS = 500


def metric_series(ctx: Ctx, metric: dict[str, Any], stat: str, period: int, start: float, end: float,
                  unit: str | None = None, origin: int | None = None) -> Series:
    """One metric's ``stat`` per period over [start, end), periods starting at ``origin``."""
    dims = keys.dim_key(metric.get("Dimensions"))
    percentile = metrics.is_percentile(stat)
    slots = metrics.read_slots(ctx, metric["Namespace"], metric["MetricName"], dims, start, end, unit, with_dist=percentile)
    buckets = metrics.aggregate(slots, metrics.origin_for(start, period) if origin is None else origin, period)
    points: dict[int, float] = {}
    for ts, slot in buckets.items():
        if ts < start - period or ts >= end:
            continue
        value = metrics.statistic(slot, stat)
        if value is not None:
            points[ts] = value
    return Series(points, metric["MetricName"], period)


def check_period(period: int, where: str) -> None:
    """AWS's rule: 1, 5, 10, 30 or a multiple of 60 seconds."""
    if period <= 0 or (period not in (1, 5, 10, 20, 30) and period % 60):
        raise invalid(f"The parameter {where} must be a valid period: 1, 5, 10, 20, 30, or any multiple of 60.")


def check_stat(stat: str, where: str) -> None:
    """A statistic fogbank can compute (the basic five or a percentile)."""
    if stat not in metrics.BASIC_STATISTICS and not metrics.is_percentile(stat):
        raise invalid(f"The value {stat} for parameter {where} is invalid.")


def validate_queries(queries: list[dict[str, Any]], prefix: str = "MetricDataQueries") -> None:
    """The checks AWS makes on a list of MetricDataQuery before reading anything."""
    if len(queries) > MAX_QUERIES:
        raise invalid(f"The collection {prefix} must not have a size greater than {MAX_QUERIES}.")
    ids: set[str] = set()
    for i, query in enumerate(queries, 1):
        where = f"{prefix}.member.{i}"
        qid = query.get("Id", "")
        if not _ID.match(qid):
            raise invalid(f"The value {qid} for parameter {where}.Id is invalid.")
        if qid in ids:
            raise invalid(f"The values for parameter id in {prefix} are not unique.")
        ids.add(qid)
        has_stat = query.get("MetricStat") is not None
        has_expr = query.get("Expression") is not None
        if has_stat == has_expr:
            raise combination(f"Exactly one element of the {where}.MetricStat and {where}.Expression parameters must be specified.")
        if has_stat:
            stat = query["MetricStat"]
            check_period(stat["Period"], f"{where}.MetricStat.Period")
            check_stat(stat["Stat"], f"{where}.MetricStat.Stat")
            metrics.check_dimensions(stat["Metric"].get("Dimensions"), f"{where}.MetricStat.Metric.Dimensions")
            if not stat["Metric"].get("MetricName") or not stat["Metric"].get("Namespace"):
                raise missing(f"The parameter {where}.MetricStat.Metric.MetricName is required.")
        else:
            try:
                tree = parse(query["Expression"])
            except MathError as err:
                raise ValidationException(f"Error in expression {qid}: {err.message}") from None
            # refused now, so a stored alarm never holds an expression that cannot be evaluated
            unknown = sorted(calls(tree) - FUNCTIONS.keys())
            if unknown:
                raise ValidationException(f"Error in expression {qid}: Unknown function: {unknown[0]}")
            if query.get("Period") is not None:
                check_period(query["Period"], f"{where}.Period")
    if not any(q.get("ReturnData", True) for q in queries):
        raise invalid("No metric data query returns data: at least one must have ReturnData set to true.")


def run(ctx: Ctx, queries: list[dict[str, Any]], start: float, end: float, search_limit: int = MAX_SEARCH_RESULTS,
        raise_errors: bool = True) -> list[tuple[dict[str, Any], list[Series]]]:
    """Evaluate every query; returns (query, series) in request order. Expressions are evaluated
    after what they refer to; a cycle or an unknown id is a ValidationError."""
    by_id = {q["Id"]: q for q in queries}
    values: dict[str, Any] = {}
    metric_ids = [q["Id"] for q in queries if q.get("MetricStat")]
    periods = [q["MetricStat"]["Period"] for q in queries if q.get("MetricStat")]
    default_period = min(periods) if periods else max(60, int(math.ceil((end - start) / 1440 / 60)) * 60)
    for q in queries:
        if q.get("MetricStat"):
            stat = q["MetricStat"]
            series = metric_series(ctx, stat["Metric"], stat["Stat"], stat["Period"], start, end, stat.get("Unit"))
            series.label = q.get("Label") or stat["Metric"]["MetricName"]
            values[q["Id"]] = series
    state: dict[str, int] = {}

    def resolve(qid: str, trail: tuple[str, ...]) -> Any:
        if qid in values:
            return values[qid]
        if state.get(qid) == 1:
            raise ValidationException(f"Circular dependency between the metric data queries {', '.join(trail)}.")
        query = by_id.get(qid)
        if query is None:
            raise ValidationException(f"Error in expression {trail[-1]}: Unrecognized metric id or function: {qid}")
        state[qid] = 1
        node = parse(query["Expression"])
        for ref in references(node):
            if ref in by_id:
                resolve(ref, (*trail, ref))
        period = query.get("Period") or default_period
        grid = list(range(metrics.origin_for(start, period), int(end), period))
        env = Env(values, grid, period, metric_ids, lambda text, stat, p: _search(ctx, text, stat, p, start, end, search_limit))
        try:
            value = evaluate(node, env)
        except MathError as err:
            raise ValidationException(f"Error in expression {qid}: {err.message}") from None
        if isinstance(value, float):
            value = Series(dict.fromkeys(grid, value), "", period)
        if isinstance(value, Series):
            # a series picked out of an array (FIRST/LAST) keeps its own label
            picked = node[0] == "call" and node[1] in ("FIRST", "LAST") and value.label
            value = Series(value.points, query.get("Label") or (value.label if picked else qid), value.period)
        state[qid] = 2
        values[qid] = value
        return value

    out: list[tuple[dict[str, Any], list[Series]]] = []
    for q in queries:
        value = resolve(q["Id"], (q["Id"],))
        out.append((q, value if isinstance(value, list) else [value]))
    return out


def _search(ctx: Ctx, text: str, stat: str, period: int, start: float, end: float, limit: int) -> list[Series]:
    try:
        check_stat(stat, "SEARCH")
    except Exception:
        raise MathError(f"Invalid statistic {stat} in SEARCH") from None
    predicate = compile_search(text)
    found: list[Series] = []
    for key, raw in ctx.store.scan(keys.metrics_prefix(ctx.account, ctx.region)):
        namespace, name = key[-3], key[-2]
        record = keys.loads(raw)
        metric_id = MetricId(namespace, name, tuple((d, v) for d, v in record["d"]))
        if not predicate(metric_id):
            continue
        metric = {"Namespace": namespace, "MetricName": name, "Dimensions": [{"Name": d, "Value": v} for d, v in record["d"]]}
        series = metric_series(ctx, metric, stat, period, start, end)
        series.label = " ".join([name, *(v for _, v in record["d"])])
        found.append(series)
        if len(found) >= limit:
            break
    return found


def results(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The whole GetMetricData answer, one page of it."""
    queries = request["MetricDataQueries"]
    validate_queries(queries)
    start = metrics.seconds(request["StartTime"])
    end = metrics.seconds(request["EndTime"])
    if end <= start:
        raise invalid("The parameter StartTime must be less than the parameter EndTime.")
    descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    max_points = request.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS
    skip = _untoken(request.get("NextToken"))
    flat: list[dict[str, Any]] = []
    for query, series_list in run(ctx, queries, start, end):
        if not query.get("ReturnData", True):
            continue
        for series in series_list:
            items = [(ts, v) for ts, v in sorted(series.points.items(), reverse=descending) if start <= ts < end]
            flat.append({"Id": query["Id"], "Label": series.label, "items": items})
    out: list[dict[str, Any]] = []
    position = 0
    returned = 0
    total = sum(len(e["items"]) for e in flat)
    for entry in flat:
        items = entry["items"]
        available = items[max(0, skip - position):]
        page = available[: max_points - returned]
        returned += len(page)
        out.append(_result(entry, page, "Complete" if len(page) == len(available) else "PartialData"))
        position += len(items)
    next_token = _token(skip + returned) if skip + returned < total else None
    answer: dict[str, Any] = {"MetricDataResults": out, "Messages": []}
    if next_token is not None:
        answer["NextToken"] = next_token
    return answer


def _result(entry: dict[str, Any], items: list[tuple[int, float]], status: str) -> dict[str, Any]:
    from datetime import UTC, datetime

    return {
        "Id": entry["Id"],
        "Label": entry["Label"],
        "Timestamps": [datetime.fromtimestamp(ts, UTC) for ts, _ in items],
        "Values": [v for _, v in items],
        "StatusCode": status,
    }


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"skip": offset}).encode()).decode()


def _untoken(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["skip"])
    except (ValueError, KeyError, TypeError):
        raise InvalidNextToken("The service cannot process the NextToken.") from None
