"""Logs Insights queries: StartQuery runs the query at once over the chosen groups and stores the
finished result; GetQueryResults, StopQuery and DescribeQueries read those records."""

from __future__ import annotations

import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.logs import events, groups, store
from fogbank.services.logs.errors import ResourceNotFoundException, invalid
from fogbank.services.logs.insights import evaluate
from fogbank.services.logs.insights.parser import parse

MAX_GROUPS = 50
MAX_LIMIT = 10_000


def start(ctx: Ctx, request: dict[str, Any]) -> str:
    """Parse and run a query; returns its id."""
    names = [n for n in ([request.get("logGroupName")] if request.get("logGroupName") else [])]
    names += list(request.get("logGroupNames") or [])
    names += [groups.name_from_identifier(i) for i in request.get("logGroupIdentifiers") or []]
    if not names:
        raise invalid("Either logGroupName, logGroupNames or logGroupIdentifiers must be specified.")
    if len(names) > MAX_GROUPS:
        raise invalid(f"A query can search at most {MAX_GROUPS} log groups.")
    start_s, end_s = int(request["startTime"]), int(request["endTime"])
    if end_s < start_s:
        raise invalid("endTime must be greater than or equal to startTime.")
    limit = request.get("limit")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise invalid(f"limit must be between 1 and {MAX_LIMIT}.")
    commands = parse(request["queryString"])
    records = [rec for name in names for rec in _records(ctx, groups.get_group(ctx, name), start_s, end_s)]
    outcome = evaluate.run(commands, records, limit)
    query_id = str(uuid.uuid4())
    record = {
        "queryId": query_id, "queryString": request["queryString"], "status": "Complete",
        "createTime": ctx.clock.now_ms(), "logGroupName": names[0], "results": outcome.rows,
        "statistics": {"recordsMatched": float(outcome.matched), "recordsScanned": float(outcome.scanned),
                       "bytesScanned": float(outcome.bytes_scanned)},
    }
    ctx.store.put(store.query_key(ctx.account, ctx.region, query_id), store.dump(record))
    return query_id


def _records(ctx: Ctx, group: dict[str, Any], start_s: int, end_s: int) -> list[dict[str, Any]]:
    log = f"{ctx.account}:{group['name']}"
    return [evaluate.record(e.stream, e.timestamp, e.message, e.ingested, log, e.event_id())
            for e in events.group_events(ctx, group, start_s * 1000, end_s * 1000 + 999)]


def get(ctx: Ctx, query_id: str) -> dict[str, Any]:
    """A stored query, or ResourceNotFoundException."""
    raw = ctx.store.get(store.query_key(ctx.account, ctx.region, query_id))
    if raw is None:
        raise ResourceNotFoundException("Query does not exist.")
    return store.load(raw)


def results(ctx: Ctx, query_id: str) -> dict[str, Any]:
    """GetQueryResults."""
    record = get(ctx, query_id)
    return {"queryLanguage": "CWLI", "results": record["results"], "statistics": record["statistics"],
            "status": record["status"]}


def describe(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeQueries: newest first, by group and status."""
    group, status = request.get("logGroupName"), request.get("status")
    found = [store.load(raw) for _, raw in ctx.store.scan(store.queries_prefix(ctx.account, ctx.region))]
    found = [q for q in found if (not group or q["logGroupName"] == group) and (not status or q["status"] == status)]
    found.sort(key=lambda q: q["createTime"], reverse=True)
    limit = request.get("maxResults") or 1000
    return {"queries": [{"queryLanguage": "CWLI", "queryId": q["queryId"], "queryString": q["queryString"],
                         "status": q["status"], "createTime": q["createTime"], "logGroupName": q["logGroupName"]}
                        for q in found[:limit]]}
