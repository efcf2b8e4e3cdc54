"""Running a parsed Logs Insights query over log events: records with their discovered fields,
then each command in turn; answers rows of ``{"field", "value"}`` as GetQueryResults does."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.services.logs.insights.lexer import malformed
from fogbank.services.logs.insights.parser import AGGREGATES, Command, bin_seconds

DEFAULT_LIMIT = 10_000


@dataclass
class Outcome:
    """A query's rows and statistics."""

    rows: list[list[dict[str, str]]]
    matched: int
    scanned: int
    bytes_scanned: int


def record(stream: str, timestamp: int, message: str, ingested: int, log: str, ptr: str) -> dict[str, Any]:
    """One event as Insights sees it: the @ fields plus the fields discovered in a JSON message."""
    rec: dict[str, Any] = {"@timestamp": timestamp, "@message": message, "@logStream": stream, "@log": log,
                           "@ingestionTime": ingested, "@ptr": ptr}
    text = message.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            _flatten(doc, "", rec)
    return rec


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}{key}.", out)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _flatten(inner, f"{prefix}{i}.", out)
    else:
        out.setdefault(prefix[:-1], value)


def run(commands: list[Command], records: Iterable[dict[str, Any]], limit: int | None = None) -> Outcome:
    """Run the commands over the records."""
    rows: list[dict[str, Any]] = []
    scanned = size = 0
    for rec in records:
        scanned += 1
        size += len(rec["@message"].encode("utf-8"))
        rows.append(rec)
    projection: list[str] | None = None
    matched: int | None = None
    aggregated = sorted_ = False
    for cmd in commands:
        if cmd.name == "parse":
            for row in rows:
                _parse(cmd, row)
        elif cmd.name == "filter":
            rows = [row for row in rows if truthy(value(cmd.expr, row))]
        elif cmd.name == "fields":
            for row in rows:
                for expr, name in cmd.items:
                    row[name] = value(expr, row)
            names = [name for _, name in cmd.items]
            projection = names if projection is None else projection + [n for n in names if n not in projection]
        elif cmd.name == "display":
            for row in rows:
                for expr, name in cmd.items:
                    if expr != ("field", name):
                        row[name] = value(expr, row)
            projection = [name for _, name in cmd.items]
        elif cmd.name == "stats":
            if matched is None:
                matched = len(rows)
            rows = _stats(cmd, rows)
            projection = [name for _, name in cmd.by] + [name for _, name in cmd.items]
            aggregated = True
        elif cmd.name == "sort":
            for expr, descending in reversed(cmd.order):
                rows.sort(key=lambda row, e=expr: _order(value(e, row)), reverse=descending)
            sorted_ = True
        elif cmd.name == "limit":
            rows = rows[:cmd.number]
        elif cmd.name == "dedup":
            seen: set[tuple] = set()
            kept = []
            for row in rows:
                key = tuple(_text(value(expr, row)) for expr, _ in cmd.items)
                if key not in seen:
                    seen.add(key)
                    kept.append(row)
            rows = kept
    if matched is None:
        matched = len(rows)
    if not aggregated and not sorted_:
        rows.sort(key=lambda row: _order(row.get("@timestamp")), reverse=True)
    rows = rows[:limit or DEFAULT_LIMIT]
    return Outcome([_output(row, projection, aggregated) for row in rows], matched, scanned, size)


def _output(row: dict[str, Any], projection: list[str] | None, aggregated: bool) -> list[dict[str, str]]:
    names = projection if projection is not None else [n for n in row if n != "@ptr"]
    out = [{"field": n, "value": _text(row.get(n), n)} for n in names if row.get(n) is not None]
    if not aggregated and row.get("@ptr"):
        out.append({"field": "@ptr", "value": row["@ptr"]})
    return out


def _parse(cmd: Command, row: dict[str, Any]) -> None:
    source = value(cmd.source, row)
    if cmd.regex is None or not isinstance(source, str):
        return
    m = cmd.regex.search(source) if cmd.regex.groupindex else cmd.regex.fullmatch(source) or cmd.regex.search(source)
    if m is None:
        return
    if cmd.regex.groupindex:
        for name in cmd.names:
            row[name] = m.group(name)
    else:
        for name, captured in zip(cmd.names, m.groups(), strict=False):
            row[name] = captured


# --- stats --------------------------------------------------------------------------------


def _stats(cmd: Command, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    buckets: dict[tuple, list[dict[str, Any]]] = {}
    keys: dict[tuple, list[Any]] = {}
    for row in rows:
        values = [value(expr, row) for expr, _ in cmd.by]
        key = tuple(_text(v) for v in values)
        buckets.setdefault(key, []).append(row)
        keys.setdefault(key, values)
    if not cmd.by and not buckets:
        buckets[()] = []
        keys[()] = []
    out = []
    for key in sorted(buckets, key=lambda k: [_order(v) for v in keys[k]]):
        group = buckets[key]
        result: dict[str, Any] = {}
        for (expr, name), v in zip(cmd.by, keys[key], strict=True):
            is_bin = expr[0] == "call" and expr[1] == "bin"
            result[name] = _text(v, "@timestamp") if is_bin else v
        for expr, name in cmd.items:
            result[name] = _aggregate(expr, group)
        out.append(result)
    return out


def _aggregate(expr: Any, rows: list[dict[str, Any]]) -> Any:
    kind = expr[0]
    if kind == "call" and expr[1] in AGGREGATES:
        return _reduce(expr[1], expr[2], rows)
    if kind == "lit":
        return expr[1]
    if kind == "op":
        return _arith(expr[1], _aggregate(expr[2], rows), _aggregate(expr[3], rows))
    if kind == "neg":
        inner = _aggregate(expr[1], rows)
        return -inner if isinstance(inner, int | float) else None
    if kind == "call":
        return _call(expr[1], [_aggregate(a, rows) for a in expr[2]], rows[0] if rows else {})
    return value(expr, rows[0]) if rows else None


def _reduce(name: str, args: list[Any], rows: list[dict[str, Any]]) -> Any:
    if name == "count" and (not args or args[0] == ("lit", "*")):
        return len(rows)
    if not args:
        raise malformed(f"{name}() needs an argument")
    present = [v for v in (value(args[0], row) for row in rows) if v is not None and v != ""]
    if name == "count":
        return len(present)
    if name == "count_distinct":
        return len({_text(v) for v in present})
    if name in ("earliest", "latest"):
        timed = sorted(((row.get("@timestamp") or 0, value(args[0], row)) for row in rows), key=lambda p: p[0])
        timed = [p for p in timed if p[1] is not None]
        return (timed[0] if name == "earliest" else timed[-1])[1] if timed else None
    numbers = [n for n in (number(v) for v in present) if n is not None]
    if not numbers:
        return None
    if name == "sum":
        return sum(numbers)
    if name == "avg":
        return sum(numbers) / len(numbers)
    if name == "min":
        return min(numbers)
    if name == "max":
        return max(numbers)
    if name == "stddev":
        mean = sum(numbers) / len(numbers)
        return math.sqrt(sum((n - mean) ** 2 for n in numbers) / len(numbers))
    # pct(field, p): the nearest-rank percentile
    p = number(value(args[1], {})) if len(args) > 1 else 50.0
    ordered = sorted(numbers)
    rank = max(1, math.ceil((p or 0) / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# --- expressions --------------------------------------------------------------------------


def value(expr: Any, row: dict[str, Any]) -> Any:
    """The value of an expression for one record (None when a field is missing)."""
    kind = expr[0]
    if kind == "lit":
        return expr[1]
    if kind == "field":
        return row.get(expr[1])
    if kind == "and":
        return truthy(value(expr[1], row)) and truthy(value(expr[2], row))
    if kind == "or":
        return truthy(value(expr[1], row)) or truthy(value(expr[2], row))
    if kind == "not":
        return not truthy(value(expr[1], row))
    if kind == "neg":
        inner = number(value(expr[1], row))
        return None if inner is None else -inner
    if kind == "like":
        subject = value(expr[1], row)
        found = subject is not None and expr[2].search(_text(subject)) is not None
        return found != expr[3]
    if kind == "in":
        subject = value(expr[1], row)
        found = any(_equal(subject, value(v, row)) for v in expr[2])
        return found != expr[3]
    if kind == "op":
        left, right = value(expr[2], row), value(expr[3], row)
        op = expr[1]
        if op in ("=", "!="):
            return _equal(left, right) == (op == "=")
        if op in ("<", ">", "<=", ">="):
            return _compare(op, left, right)
        return _arith(op, left, right)
    if kind == "call":
        if expr[1] in AGGREGATES:
            raise malformed(f"{expr[1]}() can only be used in stats")
        return _call(expr[1], [value(a, row) for a in expr[2]], row)
    raise malformed(f"cannot evaluate {kind}")


def _call(name: str, args: list[Any], row: dict[str, Any]) -> Any:
    first = args[0] if args else None
    if name == "bin":
        period = bin_seconds(str(first)) * 1000
        stamp = number(row.get("@timestamp"))
        return None if stamp is None else int(stamp // period * period)
    if name == "ispresent":
        return first is not None
    if name == "isempty":
        return first is None or first == ""
    if name == "isblank":
        return first is None or str(first).strip() == ""
    if name == "coalesce":
        return next((a for a in args if a is not None), None)
    if name == "concat":
        return "".join(_text(a) for a in args if a is not None)
    if first is None:
        return None
    text_functions = {"strlen": lambda s: len(s), "tolower": str.lower, "toupper": str.upper, "trim": str.strip,
                      "ltrim": str.lstrip, "rtrim": str.rstrip}
    if name in text_functions:
        return text_functions[name](_text(first))
    if name == "substr":
        start = int(number(args[1]) or 0)
        length = int(number(args[2])) if len(args) > 2 and number(args[2]) is not None else None
        text = _text(first)
        return text[start:] if length is None else text[start:start + length]
    if name == "replace" and len(args) == 3:
        return _text(first).replace(_text(args[1]), _text(args[2]))
    if name == "strcontains" and len(args) == 2:
        return _text(args[1]) in _text(first)
    numeric = {"abs": abs, "ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt, "log": math.log}
    if name in numeric:
        n = number(first)
        return None if n is None else numeric[name](n)
    raise malformed(f"unknown function {name}")


def truthy(v: Any) -> bool:
    """Whether a value counts as true in ``filter``."""
    return bool(v) and v != "false"


def number(v: Any) -> float | int | None:
    """A value as a number when it is one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v
    if isinstance(v, str) and re.fullmatch(r"\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*", v):
        n = float(v)
        return int(n) if n.is_integer() and "." not in v and "e" not in v.lower() else n
    return None


def _equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        return na == nb
    return _text(a) == _text(b)


def _compare(op: str, a: Any, b: Any) -> bool:
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        left, right = na, nb
    elif a is not None and b is not None and not isinstance(a, bool) and not isinstance(b, bool):
        left, right = _text(a), _text(b)
    else:
        return False
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left >= right


def _arith(op: str, a: Any, b: Any) -> Any:
    na, nb = number(a), number(b)
    if na is None or nb is None:
        return None
    if op == "+":
        return na + nb
    if op == "-":
        return na - nb
    if op == "*":
        return na * nb
    if nb == 0:
        return None
    return na / nb if op == "/" else na % nb


def _order(v: Any) -> tuple:
    if v is None:
        return (0, 0, "")
    n = number(v)
    if n is not None:
        return (1, n, "")
    return (2, 0, _text(v))


def _text(v: Any, name: str = "") -> str:
    """A value as GetQueryResults shows it (timestamps as ``YYYY-MM-DD HH:MM:SS.mmm``)."""
    if v is None:
        return ""
    if name in ("@timestamp", "@ingestionTime") or name.startswith("bin("):
        n = number(v)
        if n is not None:
            return datetime.fromtimestamp(n / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dict | list):
        return json.dumps(v)
    return str(v)
