"""The evaluator of metric math: a parsed expression over time series, arrays and scalars.

Values are floats (scalars), ``Series`` (timestamp -> value, with a label) and lists of Series
(arrays, from ``METRICS()``, ``SEARCH()`` or ``[a, b]``). Arithmetic between two series keeps the
timestamps both have (``FILL`` exists for the rest); an array combined with anything applies the
operation to each of its series. Functions follow CloudWatch's documented meanings.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.cloudwatch.math.errors import MathError
from fogbank.services.cloudwatch.math.parser import Node


@dataclass
class Series:
    """One time series: values by timestamp (seconds), a label, and its period."""

    points: dict[int, float]
    label: str = ""
    period: int = 60

    def sorted_items(self) -> list[tuple[int, float]]:
        """(timestamp, value) oldest first."""
        return sorted(self.points.items())


Value = float | Series | list[Series]


@dataclass
class Env:
    """What an expression can see: the values of other queries, the grid of period timestamps,
    the ids of the metric queries (for ``METRICS()``) and a search function (for ``SEARCH()``)."""

    values: dict[str, Value]
    grid: list[int]
    period: int
    metric_ids: list[str] = field(default_factory=list)
    search: Callable[[str, str, int], list[Series]] | None = None


def evaluate(node: Node, env: Env) -> Value:
    """The value of ``node`` in ``env``; raises MathError for what cannot be evaluated."""
    kind = node[0]
    if kind == "num":
        return float(node[1])
    if kind == "str":
        raise MathError(f"A string ({node[1]!r}) is only allowed as a function argument")
    if kind == "word":
        raise MathError(f"{node[1]} is only allowed as a function argument")
    if kind == "ref":
        if node[1] not in env.values:
            raise MathError(f"Unrecognized metric id or function: {node[1]}")
        return env.values[node[1]]
    if kind == "neg":
        return _map(evaluate(node[1], env), lambda v: -v)
    if kind == "not":
        return _map(evaluate(node[1], env), lambda v: 0.0 if v else 1.0)
    if kind == "bin":
        return _binary(node[1], evaluate(node[2], env), evaluate(node[3], env))
    if kind == "array":
        out: list[Series] = []
        for item in node[1]:
            value = evaluate(item, env)
            if isinstance(value, float):
                raise MathError("An array may hold only time series")
            out.extend(value if isinstance(value, list) else [value])
        return out
    if kind == "call":
        handler = FUNCTIONS.get(node[1])
        if handler is None:
            raise MathError(f"Unknown function: {node[1]}")
        return handler(node[2], env)
    raise MathError(f"Cannot evaluate {kind}")


# --- element-wise helpers -----------------------------------------------------------------------


def _map(value: Value, fn: Callable[[float], float | None]) -> Value:
    if isinstance(value, float):
        result = fn(value)
        if result is None:
            raise MathError("The result of the expression is not a number")
        return result
    if isinstance(value, list):
        return [_map_series(s, fn) for s in value]
    return _map_series(value, fn)


def _map_series(series: Series, fn: Callable[[float], float | None]) -> Series:
    out: dict[int, float] = {}
    for ts, v in series.points.items():
        r = fn(v)
        if r is not None and not (math.isnan(r) or math.isinf(r)):
            out[ts] = r
    return Series(out, series.label, series.period)


def _apply(op: str, a: float, b: float) -> float | None:
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b if b else None
        if op == "^":
            result = a**b
            return None if isinstance(result, complex) else float(result)
    except OverflowError:
        return None
    if op == "==":
        return float(a == b)
    if op == "!=":
        return float(a != b)
    if op == "<":
        return float(a < b)
    if op == ">":
        return float(a > b)
    if op == "<=":
        return float(a <= b)
    if op == ">=":
        return float(a >= b)
    if op == "&&":
        return float(bool(a) and bool(b))
    if op == "||":
        return float(bool(a) or bool(b))
    raise MathError(f"Unknown operator {op}")


def _binary(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, list):
        if isinstance(right, list):
            if len(left) != len(right):
                raise MathError("Arrays in an operation must have the same number of time series")
            return [_binary_series(op, a, b) for a, b in zip(left, right, strict=True)]
        return [_binary(op, s, right) for s in left]  # type: ignore[misc]
    if isinstance(right, list):
        return [_binary(op, left, s) for s in right]  # type: ignore[misc]
    if isinstance(left, float) and isinstance(right, float):
        result = _apply(op, left, right)
        if result is None:
            raise MathError("The result of the expression is not a number")
        return result
    if isinstance(left, float):
        assert isinstance(right, Series)
        return _map_series(right, lambda v: _apply(op, left, v))
    if isinstance(right, float):
        return _map_series(left, lambda v: _apply(op, v, right))
    return _binary_series(op, left, right)


def _binary_series(op: str, left: Series, right: Series) -> Series:
    out: dict[int, float] = {}
    other = right.points
    for ts, a in left.points.items():
        b = other.get(ts)
        if b is None:
            continue
        r = _apply(op, a, b)
        if r is not None and not (math.isnan(r) or math.isinf(r)):
            out[ts] = r
    return Series(out, left.label, left.period)


# --- functions ----------------------------------------------------------------------------------


def _args(args: list[Node], env: Env, low: int, high: int, name: str) -> list[Value]:
    if not low <= len(args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise MathError(f"{name} takes {wanted} arguments, {len(args)} given")
    return [evaluate(a, env) for a in args]


def _reducer(name: str, reduce: Callable[[list[float]], float]) -> Callable[[list[Node], Env], Value]:
    def run(args: list[Node], env: Env) -> Value:
        (value,) = _args(args, env, 1, 1, name)
        if isinstance(value, float):
            return value
        if isinstance(value, Series):
            values = list(value.points.values())
            if not values:
                raise MathError(f"{name} of an empty time series")
            return reduce(values)
        by_ts: dict[int, list[float]] = {}
        for series in value:
            for ts, v in series.points.items():
                by_ts.setdefault(ts, []).append(v)
        period = value[0].period if value else env.period
        return Series({ts: reduce(vs) for ts, vs in by_ts.items()}, "", period)

    return run


def _stddev(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _elementwise(name: str, fn: Callable[[float], float | None]) -> Callable[[list[Node], Env], Value]:
    def run(args: list[Node], env: Env) -> Value:
        (value,) = _args(args, env, 1, 1, name)
        return _map(value, fn)

    return run


def _safe(fn: Callable[[float], float]) -> Callable[[float], float | None]:
    def run(v: float) -> float | None:
        try:
            return fn(v)
        except (ValueError, OverflowError):
            return None

    return run


def _per_series(value: Value, name: str, fn: Callable[[Series], Series]) -> Value:
    if isinstance(value, float):
        raise MathError(f"{name} needs a time series")
    if isinstance(value, list):
        return [fn(s) for s in value]
    return fn(value)


def _fill(args: list[Node], env: Env) -> Value:
    if len(args) != 2:
        raise MathError(f"FILL takes 2 arguments, {len(args)} given")
    value = evaluate(args[0], env)
    how = args[1]
    if how[0] == "word":
        mode = how[1]
        if mode not in ("REPEAT", "LINEAR"):
            raise MathError(f"FILL does not accept {mode}")
        filler: Value | str = mode
    else:
        filler = evaluate(how, env)

    def fill(series: Series) -> Series:
        out = dict(series.points)
        known = series.sorted_items()
        for ts in env.grid:
            if ts in out:
                continue
            if isinstance(filler, float):
                out[ts] = filler
            elif isinstance(filler, Series):
                if ts in filler.points:
                    out[ts] = filler.points[ts]
            elif filler == "REPEAT":
                before = [v for t, v in known if t < ts]
                after = [v for t, v in known if t > ts]
                if before:
                    out[ts] = before[-1]
                elif after:
                    out[ts] = after[0]
            else:
                before_t = [(t, v) for t, v in known if t < ts]
                after_t = [(t, v) for t, v in known if t > ts]
                if before_t and after_t:
                    (t0, v0), (t1, v1) = before_t[-1], after_t[0]
                    out[ts] = v0 + (v1 - v0) * (ts - t0) / (t1 - t0)
        return Series(out, series.label, series.period)

    return _per_series(value, "FILL", fill)


def _stepwise(name: str, per_second: bool) -> Callable[[list[Node], Env], Value]:
    def run(args: list[Node], env: Env) -> Value:
        (value,) = _args(args, env, 1, 1, name)

        def step(series: Series) -> Series:
            items = series.sorted_items()
            out: dict[int, float] = {}
            for (t0, v0), (t1, v1) in zip(items, items[1:], strict=False):
                out[t1] = (v1 - v0) / (t1 - t0) if per_second else v1 - v0
            return Series(out, series.label, series.period)

        return _per_series(value, name, step)

    return run


def _running_sum(args: list[Node], env: Env) -> Value:
    (value,) = _args(args, env, 1, 1, "RUNNING_SUM")

    def run(series: Series) -> Series:
        total = 0.0
        out: dict[int, float] = {}
        for ts, v in series.sorted_items():
            total += v
            out[ts] = total
        return Series(out, series.label, series.period)

    return _per_series(value, "RUNNING_SUM", run)


def _period(args: list[Node], env: Env) -> Value:
    (value,) = _args(args, env, 1, 1, "PERIOD")
    if isinstance(value, float):
        raise MathError("PERIOD needs a time series")
    if isinstance(value, list):
        return [Series(dict.fromkeys(s.points, float(s.period)), s.label, s.period) for s in value]
    return Series(dict.fromkeys(value.points, float(value.period)), value.label, value.period)


def _if(args: list[Node], env: Env) -> Value:
    values = _args(args, env, 2, 3, "IF")
    cond = values[0]
    yes = values[1]
    no = values[2] if len(values) == 3 else None
    if isinstance(cond, list):
        return [_if_series(c, yes, no, env) for c in cond]
    if isinstance(cond, float):
        chosen = yes if cond else no
        if chosen is None:
            raise MathError("IF with a false condition and no false value")
        return chosen
    return _if_series(cond, yes, no, env)


def _if_series(cond: Series, yes: Value, no: Value | None, env: Env) -> Series:
    def pick(value: Value | None, ts: int) -> float | None:
        if value is None:
            return None
        if isinstance(value, float):
            return value
        if isinstance(value, list):
            raise MathError("IF cannot mix a time series condition with an array")
        return value.points.get(ts)

    out: dict[int, float] = {}
    for ts, c in cond.points.items():
        v = pick(yes if c else no, ts)
        if v is not None:
            out[ts] = v
    label = yes.label if isinstance(yes, Series) else cond.label
    return Series(out, label, cond.period)


def _first_last(name: str, index: int) -> Callable[[list[Node], Env], Value]:
    def run(args: list[Node], env: Env) -> Value:
        (value,) = _args(args, env, 1, 1, name)
        if isinstance(value, list):
            if not value:
                raise MathError(f"{name} of an empty array")
            return value[index]
        if isinstance(value, float):
            raise MathError(f"{name} needs an array of time series")
        return value

    return run


def _metrics(args: list[Node], env: Env) -> Value:
    if len(args) > 1:
        raise MathError(f"METRICS takes 0 to 1 arguments, {len(args)} given")
    text = ""
    if args:
        if args[0][0] != "str":
            raise MathError("METRICS takes a string")
        text = args[0][1]
    out: list[Series] = []
    for mid in env.metric_ids:
        value = env.values.get(mid)
        if isinstance(value, Series) and text in value.label:
            out.append(value)
    return out


def _search(args: list[Node], env: Env) -> Value:
    if not 2 <= len(args) <= 3:
        raise MathError(f"SEARCH takes 2 to 3 arguments, {len(args)} given")
    if args[0][0] != "str" or args[1][0] != "str":
        raise MathError("SEARCH takes a search expression and a statistic as strings")
    period = env.period
    if len(args) == 3:
        p = evaluate(args[2], env)
        if not isinstance(p, float) or p <= 0 or p != int(p):
            raise MathError("The period of SEARCH must be a positive whole number of seconds")
        period = int(p)
    if env.search is None:
        raise MathError("SEARCH is not available here")
    return env.search(args[0][1], args[1][1], period)


def _time_series(args: list[Node], env: Env) -> Value:
    (value,) = _args(args, env, 1, 1, "TIME_SERIES")
    if not isinstance(value, float):
        raise MathError("TIME_SERIES takes a scalar")
    return Series(dict.fromkeys(env.grid, value), "", env.period)


def _datapoint_count(args: list[Node], env: Env) -> Value:
    (value,) = _args(args, env, 1, 1, "DATAPOINT_COUNT")
    if isinstance(value, Series):
        return float(len(value.points))
    if isinstance(value, list):
        return Series({ts: float(sum(ts in s.points for s in value)) for s in value for ts in s.points}, "", env.period)
    raise MathError("DATAPOINT_COUNT needs a time series")


def _remove_empty(args: list[Node], env: Env) -> Value:
    (value,) = _args(args, env, 1, 1, "REMOVE_EMPTY")
    if isinstance(value, list):
        return [s for s in value if s.points]
    return value


def _sort(args: list[Node], env: Env) -> Value:
    if not 3 <= len(args) <= 4:
        raise MathError(f"SORT takes 3 to 4 arguments, {len(args)} given")
    value = evaluate(args[0], env)
    if not isinstance(value, list):
        value = [value] if isinstance(value, Series) else []
    how = args[1][1] if args[1][0] in ("ref", "word") else ""
    order = args[2][1] if args[2][0] in ("ref", "word") else ""
    reducers = {"SUM": sum, "AVG": lambda v: sum(v) / len(v), "MIN": min, "MAX": max, "STDDEV": _stddev}
    if how not in reducers or order not in ("ASC", "DESC"):
        raise MathError("SORT takes an array, one of SUM, AVG, MIN, MAX or STDDEV, and ASC or DESC")
    key = reducers[how]
    ranked = sorted(value, key=lambda s: key(list(s.points.values())) if s.points else -math.inf, reverse=order == "DESC")
    if len(args) == 4:
        limit = evaluate(args[3], env)
        if not isinstance(limit, float):
            raise MathError("The limit of SORT must be a number")
        ranked = ranked[: int(limit)]
    return ranked


FUNCTIONS: dict[str, Callable[[list[Node], Env], Any]] = {
    "SUM": _reducer("SUM", sum),
    "AVG": _reducer("AVG", lambda v: sum(v) / len(v)),
    "MIN": _reducer("MIN", min),
    "MAX": _reducer("MAX", max),
    "STDDEV": _reducer("STDDEV", _stddev),
    "ABS": _elementwise("ABS", abs),
    "CEIL": _elementwise("CEIL", lambda v: float(math.ceil(v))),
    "FLOOR": _elementwise("FLOOR", lambda v: float(math.floor(v))),
    "SQRT": _elementwise("SQRT", _safe(math.sqrt)),
    "LOG": _elementwise("LOG", _safe(math.log)),
    "LOG10": _elementwise("LOG10", _safe(math.log10)),
    "EXP": _elementwise("EXP", _safe(math.exp)),
    "FILL": _fill,
    "RATE": _stepwise("RATE", True),
    "DIFF": _stepwise("DIFF", False),
    "RUNNING_SUM": _running_sum,
    "PERIOD": _period,
    "IF": _if,
    "FIRST": _first_last("FIRST", 0),
    "LAST": _first_last("LAST", -1),
    "METRICS": _metrics,
    "SEARCH": _search,
    "TIME_SERIES": _time_series,
    "DATAPOINT_COUNT": _datapoint_count,
    "REMOVE_EMPTY": _remove_empty,
    "SORT": _sort,
}
