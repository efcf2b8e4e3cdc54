"""CloudWatch Logs' key layout in the store. Every key starts with ("logs", account, region).

  (..., "group", name)                         -> log group record (creation, retention, kms, class, tags)
  (..., "stream", group, stream)               -> log stream record (creation, first/last event and
                                                  ingestion times, stored bytes, next event seq)
  (..., "event", group, stream, ts_ms, seq)    -> {"m": message, "i": ingestion ms}; a stream's events
                                                  in time order, so reads and time ranges are range scans
  (..., "mfilter", group, name)                -> metric filter
  (..., "sfilter", group, name)                -> subscription filter
  (..., "query", query_id)                     -> a Logs Insights query with its results

Values are JSON.
"""

from __future__ import annotations

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "logs"



def group_key(account: str, region: str, name: str) -> tuple:
    """Where a log group's record lives."""
    return (SERVICE, account, region, "group", name)


def groups_prefix(account: str, region: str) -> tuple:
    """The prefix of every log group record, in name order."""
    return (SERVICE, account, region, "group")


def stream_key(account: str, region: str, group: str, stream: str) -> tuple:
    """Where a log stream's record lives."""
    return (SERVICE, account, region, "stream", group, stream)


def streams_prefix(account: str, region: str, group: str) -> tuple:
    """The prefix of a log group's stream records, in name order."""
    return (SERVICE, account, region, "stream", group)


def event_key(account: str, region: str, group: str, stream: str, ts: int, seq: int) -> tuple:
    """Where one log event lives."""
    return (SERVICE, account, region, "event", group, stream, ts, seq)


def events_prefix(account: str, region: str, group: str, stream: str | None = None) -> tuple:
    """The prefix of a stream's events in time order (or of all of a group's events)."""
    prefix: tuple = (SERVICE, account, region, "event", group)
    return prefix if stream is None else prefix + (stream,)


def filter_key(account: str, region: str, kind: str, group: str, name: str) -> tuple:
    """A metric ("mfilter") or subscription ("sfilter") filter."""
    return (SERVICE, account, region, kind, group, name)


def filters_prefix(account: str, region: str, kind: str, group: str | None = None) -> tuple:
    """The prefix of the filters of one kind (of a group, or of all groups)."""
    prefix: tuple = (SERVICE, account, region, kind)
    return prefix if group is None else prefix + (group,)


def query_key(account: str, region: str, query_id: str) -> tuple:
    """Where a Logs Insights query lives."""
    return (SERVICE, account, region, "query", query_id)


def queries_prefix(account: str, region: str) -> tuple:
    """The prefix of every Logs Insights query."""
    return (SERVICE, account, region, "query")


def group_prefixes(account: str, region: str, group: str) -> list[tuple]:
    """Every prefix holding something that belongs to a log group (its record aside)."""
    return [(SERVICE, account, region, kind, group) for kind in ("stream", "event", "mfilter", "sfilter")]
