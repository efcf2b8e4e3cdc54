"""CloudWatch Logs: log groups and streams, events with AWS's batch rules and retention on
fogbank's clock, filter patterns, metric filters publishing to CloudWatch, subscription filters
delivering to Lambda, and Logs Insights queries. Groups and streams live in ``groups``, events in
``events``, filters in ``filters``, the filter pattern language in ``filterpattern/`` and the
Insights query language in ``insights/``.

LIMITATIONS: export tasks, destinations, deliveries, data protection, transformers, anomaly
detection, account and resource policies, Live Tail and scheduled queries answer NotImplemented;
subscription filters to Kinesis and Firehose are stored but deliver nothing yet; KMS keys are
stored without encrypting anything; log group classes are stored without their feature limits;
FilterLogEvents reports ``searchedLogStreams`` as the empty list AWS now answers; Insights queries
run to completion inside StartQuery (so StopQuery never has anything to stop) and know fields,
display, filter, stats, sort, limit, parse and dedup, not pattern, diff, unmask, unnest or SOURCE;
field indexes and query definitions are not kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.logs import delivery, events, filters, groups, paging, queries, store
from fogbank.services.logs.errors import (
    InvalidParameterException,
    TooManyTagsException,
    invalid,
)
from fogbank.services.logs.filterpattern import compile_pattern

MAX_TAGS = 50
DESCRIBE_LIMIT = 50


class Provider:
    """The CloudWatch Logs operations."""

    def __init__(self) -> None:
        # subscription deliveries in flight (Lambda's Invoke runs on the loop); kept so they finish
        self.deliveries: set[asyncio.Future] = set()

    # --- log groups --------------------------------------------------------------------------

    def create_log_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateLogGroup."""
        tags = dict(request.get("tags") or {})
        _check_tags(tags)
        groups.create_group(ctx, request["logGroupName"], request.get("kmsKeyId"), tags,
                            request.get("logGroupClass"), bool(request.get("deletionProtectionEnabled")))
        return {}

    def delete_log_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteLogGroup (with its streams, events and filters)."""
        groups.delete_group(ctx, request["logGroupName"])
        return {}

    def describe_log_groups(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeLogGroups: name prefix or pattern, class, identifiers, pagination."""
        prefix = request.get("logGroupNamePrefix")
        pattern = request.get("logGroupNamePattern")
        idents = request.get("logGroupIdentifiers")
        if prefix and pattern:
            raise invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
        if idents and (prefix or pattern):
            raise invalid("LogGroup identifiers cannot be combined with a LogGroup name prefix or pattern.")
        limit = paging.limit(request.get("limit"), DESCRIBE_LIMIT, DESCRIBE_LIMIT)
        after = paging.decode(request.get("nextToken"))
        wanted = {groups.name_from_identifier(i) for i in idents} if idents else None
        cls = request.get("logGroupClass")
        base = store.groups_prefix(ctx.account, ctx.region)
        start = base + (prefix,) if prefix else None
        out: list[dict[str, Any]] = []
        token = None
        for key, raw in ctx.store.scan(base, start=start):
            name = key[-1]
            if prefix and not name.startswith(prefix):
                break
            if after is not None and name <= after:
                continue
            if pattern and pattern.lower() not in name.lower():
                continue
            if wanted is not None and name not in wanted:
                continue
            record = store.load(raw)
            if cls and record.get("class", "STANDARD") != cls:
                continue
            if len(out) == limit:
                token = paging.encode(out[-1]["logGroupName"])
                break
            groups.sweep(ctx, record)
            out.append(groups.describe_group(ctx, record))
        answer: dict[str, Any] = {"logGroups": out}
        if token:
            answer["nextToken"] = token
        return answer

    def put_retention_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutRetentionPolicy: events older than the retention disappear."""
        days = groups.check_retention(request["retentionInDays"])
        record = groups.get_group(ctx, request["logGroupName"])
        record["retention"] = days
        groups.put_group(ctx, record)
        groups.sweep(ctx, record)
        return {}

    def delete_retention_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteRetentionPolicy: keep events for ever."""
        record = groups.get_group(ctx, request["logGroupName"])
        record["retention"] = None
        groups.put_group(ctx, record)
        return {}

    # --- log streams -------------------------------------------------------------------------

    def create_log_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateLogStream."""
        groups.create_stream(ctx, request["logGroupName"], request["logStreamName"])
        return {}

    def delete_log_stream(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteLogStream (and its events)."""
        groups.delete_stream(ctx, request["logGroupName"], request["logStreamName"])
        return {}

    def describe_log_streams(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeLogStreams: by name (prefix) or by last event time, either way, paginated."""
        record = groups.get_group(ctx, groups.group_name_of(request))
        prefix = request.get("logStreamNamePrefix")
        order = request.get("orderBy") or "LogStreamName"
        if prefix and order == "LastEventTime":
            raise invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        limit = paging.limit(request.get("limit"), DESCRIBE_LIMIT, DESCRIBE_LIMIT)
        offset = paging.decode(request.get("nextToken")) or 0
        if not isinstance(offset, int) or offset < 0:
            raise invalid("The specified nextToken is invalid.")
        groups.sweep(ctx, record)
        found = [s for s in groups.streams(ctx, record["name"]) if not prefix or s["name"].startswith(prefix)]
        if order == "LastEventTime":
            found.sort(key=lambda s: (s["last"] if s["last"] is not None else -1, s["name"]))
        if request.get("descending"):
            found.reverse()
        page = found[offset:offset + limit]
        answer: dict[str, Any] = {"logStreams": [groups.describe_stream(ctx, record["name"], s) for s in page]}
        if offset + limit < len(found):
            answer["nextToken"] = paging.encode(offset + limit)
        return answer

    # --- events ------------------------------------------------------------------------------

    def put_log_events(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutLogEvents (sequence tokens are accepted and ignored, as AWS now does)."""
        record = groups.get_group(ctx, request["logGroupName"])
        result = events.put(ctx, record, request["logStreamName"], request["logEvents"])
        if result.accepted:
            delivery.publish_metrics(ctx, record["name"], result.accepted)
            delivery.deliver(ctx, record["name"], request["logStreamName"], result.accepted, self.deliveries)
        answer: dict[str, Any] = {"nextSequenceToken": result.next_token}
        if result.rejected:
            answer["rejectedLogEventsInfo"] = result.rejected
        return answer

    def get_log_events(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetLogEvents: one stream, from the head or the tail, with forward and backward tokens."""
        record = groups.get_group(ctx, groups.group_name_of(request))
        return events.get(ctx, record, request["logStreamName"], request)

    def filter_log_events(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """FilterLogEvents: a group's events across streams that match a filter pattern."""
        record = groups.get_group(ctx, groups.group_name_of(request))
        pattern = compile_pattern(request.get("filterPattern"))
        return events.filter_events(ctx, record, request, lambda message: pattern.match(message) is not None)

    # --- metric and subscription filters -----------------------------------------------------

    def put_metric_filter(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutMetricFilter."""
        filters.put_metric_filter(ctx, request)
        return {}

    def describe_metric_filters(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeMetricFilters."""
        return filters.describe(ctx, filters.METRIC, request)

    def delete_metric_filter(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteMetricFilter."""
        filters.delete(ctx, filters.METRIC, request["logGroupName"], request["filterName"])
        return {}

    def test_metric_filter(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TestMetricFilter."""
        return {"matches": filters.test_metric_filter(request["filterPattern"], request["logEventMessages"])}

    def put_subscription_filter(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutSubscriptionFilter."""
        filters.put_subscription_filter(ctx, request)
        return {}

    def describe_subscription_filters(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeSubscriptionFilters."""
        return filters.describe(ctx, filters.SUBSCRIPTION, request)

    def delete_subscription_filter(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteSubscriptionFilter."""
        filters.delete(ctx, filters.SUBSCRIPTION, request["logGroupName"], request["filterName"])
        return {}

    # --- Logs Insights -----------------------------------------------------------------------

    def start_query(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """StartQuery: the query runs at once and is Complete when this returns."""
        return {"queryId": queries.start(ctx, request)}

    def get_query_results(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetQueryResults."""
        return queries.results(ctx, request["queryId"])

    def stop_query(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """StopQuery: queries finish as they start, so there is never one left to stop."""
        queries.get(ctx, request["queryId"])
        return {"success": False}

    def describe_queries(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeQueries."""
        return queries.describe(ctx, request)

    # --- tags --------------------------------------------------------------------------------

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource (log groups)."""
        record = groups.get_group(ctx, _group_of_arn(request["resourceArn"]))
        tags = {**record.get("tags", {}), **request["tags"]}
        _check_tags(tags, TooManyTagsException)
        record["tags"] = tags
        groups.put_group(ctx, record)
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        record = groups.get_group(ctx, _group_of_arn(request["resourceArn"]))
        record["tags"] = {k: v for k, v in record.get("tags", {}).items() if k not in set(request["tagKeys"])}
        groups.put_group(ctx, record)
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource."""
        return {"tags": groups.get_group(ctx, _group_of_arn(request["resourceArn"])).get("tags", {})}

    def tag_log_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagLogGroup (the legacy form of TagResource)."""
        record = groups.get_group(ctx, request["logGroupName"])
        tags = {**record.get("tags", {}), **request["tags"]}
        _check_tags(tags)
        record["tags"] = tags
        groups.put_group(ctx, record)
        return {}

    def untag_log_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagLogGroup (legacy)."""
        record = groups.get_group(ctx, request["logGroupName"])
        record["tags"] = {k: v for k, v in record.get("tags", {}).items() if k not in set(request["tags"])}
        groups.put_group(ctx, record)
        return {}

    def list_tags_log_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsLogGroup (legacy)."""
        return {"tags": groups.get_group(ctx, request["logGroupName"]).get("tags", {})}


def _group_of_arn(arn: str) -> str:
    if ":log-group:" not in arn:
        raise invalid(f"Invalid resource arn: {arn}")
    return groups.name_from_identifier(arn)


def _check_tags(tags: dict[str, str], error: type[ServiceError] = InvalidParameterException) -> None:
    if len(tags) > MAX_TAGS:
        raise error(f"A resource can have no more than {MAX_TAGS} tags.")
    for key in tags:
        if key.lower().startswith("aws:"):
            raise invalid("Tag keys prefixed with 'aws:' are reserved.")
