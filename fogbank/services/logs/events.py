"""Log events: PutLogEvents' batch rules, GetLogEvents' forward/backward tokens, FilterLogEvents'
merge across streams. Events live under (group, stream, timestamp, seq), so every read is a range
scan of one stream (merged in time order across streams for FilterLogEvents)."""

from __future__ import annotations

import heapq
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fogbank.context import Ctx
from fogbank.services.logs import groups, paging, store
from fogbank.services.logs.errors import invalid, stream_not_found

MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_PAST_MS = 14 * groups.DAY_MS
MAX_FUTURE_MS = 2 * 3_600_000
MAX_SPAN_MS = groups.DAY_MS
MAX_EVENTS = 10_000
#: a position (timestamp, seq) packed into one number for GetLogEvents' tokens
_SEQ_SPAN = 10**12
_TOKEN = re.compile(r"([fb])/(\d+)(?:/s)?")


@dataclass(frozen=True)
class Event:
    """One stored log event."""

    stream: str
    timestamp: int
    seq: int
    message: str
    ingested: int

    def event_id(self) -> str:
        """A stable, unique id (a long number, as AWS's are)."""
        return f"{self.timestamp:020d}{zlib.crc32(self.stream.encode()):010d}{self.seq:012d}"

    def size(self) -> int:
        """The bytes the event counts for (UTF-8 message plus AWS's 26 bytes)."""
        return len(self.message.encode("utf-8")) + EVENT_OVERHEAD


@dataclass
class PutResult:
    """What PutLogEvents stored and what it rejected."""

    accepted: list[Event]
    rejected: dict[str, int]
    next_token: str


def put(ctx: Ctx, group: dict[str, Any], stream_name: str, events: list[dict[str, Any]]) -> PutResult:
    """Store a batch of events (the stream must exist), rejecting too old / too new / expired ones."""
    stream_key = store.stream_key(ctx.account, ctx.region, group["name"], stream_name)
    groups.get_stream(ctx, group["name"], stream_name)
    if len(events) > MAX_EVENTS:
        raise invalid(f"The maximum number of log events in a batch is {MAX_EVENTS}.")
    stamps = [int(e["timestamp"]) for e in events]
    if any(b < a for a, b in zip(stamps, stamps[1:], strict=False)):
        raise invalid("Log events in a single PutLogEvents request must be in chronological order.")
    total = sum(len(e["message"].encode("utf-8")) + EVENT_OVERHEAD for e in events)
    if total > MAX_BATCH_BYTES:
        raise invalid(f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    now = ctx.clock.now_ms()
    too_old = sum(1 for t in stamps if t < now - MAX_PAST_MS)
    cutoff = groups.cutoff_ms(ctx, group)
    expired = sum(1 for t in stamps if t < cutoff)
    too_new_start = next((i for i, t in enumerate(stamps) if t > now + MAX_FUTURE_MS), len(stamps))
    first_ok = max(too_old, expired)
    valid = range(first_ok, too_new_start)
    if valid and stamps[valid[-1]] - stamps[valid[0]] > MAX_SPAN_MS:
        raise invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
    rejected: dict[str, int] = {}
    if too_new_start < len(stamps):
        rejected["tooNewLogEventStartIndex"] = too_new_start
    if too_old:
        rejected["tooOldLogEventEndIndex"] = too_old
    if expired:
        rejected["expiredLogEventEndIndex"] = expired
    accepted: list[Event] = []
    with ctx.store.transaction() as txn:
        raw = txn.get(stream_key)
        if raw is None:
            raise stream_not_found()
        stream = store.load(raw)
        seq = stream.get("seq", 0)
        for i in valid:
            seq += 1
            event = Event(stream_name, stamps[i], seq, events[i]["message"], now)
            txn.put(store.event_key(ctx.account, ctx.region, group["name"], stream_name, event.timestamp, seq),
                    store.dump({"m": event.message, "i": now}))
            accepted.append(event)
        if accepted:
            first, last = accepted[0].timestamp, accepted[-1].timestamp
            stream["first"] = first if stream["first"] is None else min(stream["first"], first)
            stream["last"] = last if stream["last"] is None else max(stream["last"], last)
            stream["ingested"] = now
            stream["bytes"] += sum(len(e.message.encode("utf-8")) for e in accepted)
        stream["seq"] = seq
        txn.put(stream_key, store.dump(stream))
    return PutResult(accepted, rejected, str(seq).zfill(56))


def _event(stream: str, key: tuple, raw: bytes) -> Event:
    data = store.load(raw)
    return Event(stream, key[-2], key[-1], data["m"], data["i"])


def scan_stream(ctx: Ctx, group: str, stream: str, start: tuple = (), end: tuple | None = None,
                reverse: bool = False, limit: int | None = None) -> Iterator[Event]:
    """A stream's events from position ``start`` (inclusive) to ``end`` (exclusive), in time order."""
    prefix = store.events_prefix(ctx.account, ctx.region, group, stream)
    rows = ctx.store.scan(prefix, start=prefix + start if start else None,
                          end=prefix + end if end is not None else None, reverse=reverse, limit=limit)
    for key, raw in rows:
        yield _event(stream, key, raw)


def _pack(ts: int, seq: int) -> int:
    return ts * _SEQ_SPAN + seq


def _unpack(n: int) -> tuple[int, int]:
    return divmod(n, _SEQ_SPAN)


def _token(kind: str, n: int) -> str:
    return f"{kind}/{n:056d}/s"


def get(ctx: Ctx, group: dict[str, Any], stream: str, request: dict[str, Any]) -> dict[str, Any]:
    """GetLogEvents: a page of one stream's events and the tokens either way."""
    groups.get_stream(ctx, group["name"], stream)
    limit = paging.limit(request.get("limit"), MAX_EVENTS, MAX_EVENTS)
    low = max(int(request.get("startTime") or 0), groups.cutoff_ms(ctx, group))
    high = request.get("endTime")
    token = request.get("nextToken")
    if token:
        match = _TOKEN.fullmatch(token)
        if not match:
            raise invalid("The specified nextToken is invalid.")
        forward, mark = match.group(1) == "f", int(match.group(2))
    else:
        forward = bool(request.get("startFromHead"))
        mark = 0 if forward else _pack((high if high is not None else 2**53), 0)
    lo_pos = (low, 0)
    hi_pos = (int(high), 0) if high is not None else None
    if forward:
        start = max(lo_pos, _unpack(mark))
        found = _bounded(scan_stream(ctx, group["name"], stream, start=start, end=hi_pos, limit=limit))
    else:
        end = _unpack(mark) if hi_pos is None else min(hi_pos, _unpack(mark))
        found = _bounded(scan_stream(ctx, group["name"], stream, start=lo_pos, end=end, reverse=True, limit=limit))
        found.reverse()
    if found:
        next_f = _token("f", _pack(found[-1].timestamp, found[-1].seq) + 1)
        next_b = _token("b", _pack(found[0].timestamp, found[0].seq))
    elif forward:
        next_f = token or _token("f", mark)
        next_b = _token("b", mark)
    else:
        next_b = token or _token("b", mark)
        next_f = _token("f", mark)
    return {
        "events": [{"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingested} for e in found],
        "nextForwardToken": next_f,
        "nextBackwardToken": next_b,
    }


def _bounded(events: Iterator[Event]) -> list[Event]:
    """Events up to the 1 MB a response may carry."""
    out: list[Event] = []
    size = 0
    for event in events:
        size += event.size()
        if out and size > MAX_BATCH_BYTES:
            break
        out.append(event)
    return out


def filter_events(ctx: Ctx, group: dict[str, Any], request: dict[str, Any],
                  matches: Callable[[str], bool]) -> dict[str, Any]:
    """FilterLogEvents: matching events of a group's streams, merged in time order, paginated."""
    names = request.get("logStreamNames")
    prefix = request.get("logStreamNamePrefix")
    if names and prefix:
        raise invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
    limit = paging.limit(request.get("limit"), MAX_EVENTS, MAX_EVENTS)
    low = max(int(request.get("startTime") or 0), groups.cutoff_ms(ctx, group))
    high = request.get("endTime")
    after = paging.decode(request.get("nextToken"))
    if after is not None and not (isinstance(after, list) and len(after) == 3):
        raise invalid("The specified nextToken is invalid.")
    chosen = [s["name"] for s in groups.streams(ctx, group["name"])
              if (not names or s["name"] in names) and (not prefix or s["name"].startswith(prefix))]
    end = (int(high) + 1, 0) if high is not None else None
    iterators = []
    for name in chosen:
        start = (low, 0)
        if after is not None:
            ts, stream, seq = after
            resume = (ts, 0) if name > stream else (ts + 1, 0) if name < stream else (ts, seq + 1)
            start = max(start, resume)
        iterators.append(scan_stream(ctx, group["name"], name, start=start, end=end))
    merged = heapq.merge(*iterators, key=lambda e: (e.timestamp, e.stream, e.seq))
    found: list[Event] = []
    more = False
    size = 0
    for event in merged:
        if not matches(event.message):
            continue
        if len(found) >= limit or (found and size + event.size() > MAX_BATCH_BYTES):
            more = True
            break
        size += event.size()
        found.append(event)
    out: dict[str, Any] = {
        "events": [{"logStreamName": e.stream, "timestamp": e.timestamp, "message": e.message,
                    "ingestionTime": e.ingested, "eventId": e.event_id()} for e in found],
        # AWS stopped reporting searched streams in 2020 and answers an empty list
        "searchedLogStreams": [],
    }
    if more:
        last = found[-1]
        out["nextToken"] = paging.encode([last.timestamp, last.stream, last.seq])
    return out


def group_events(ctx: Ctx, group: dict[str, Any], start_ms: int, end_ms: int) -> Iterator[Event]:
    """Every event of a group with start_ms <= timestamp <= end_ms, merged in time order."""
    low = max(start_ms, groups.cutoff_ms(ctx, group))
    iterators = [scan_stream(ctx, group["name"], s["name"], start=(low, 0), end=(end_ms + 1, 0))
                 for s in groups.streams(ctx, group["name"])]
    return heapq.merge(*iterators, key=lambda e: (e.timestamp, e.stream, e.seq))
