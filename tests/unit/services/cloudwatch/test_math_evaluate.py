"""The metric math evaluator on series, arrays and scalars."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.cloudwatch.math import MathError, parse
from fogbank.services.cloudwatch.math.evaluate import Env, Series, evaluate


def env() -> Env:
    values = {
        "a": Series({0: 1.0, 60: 2.0, 120: 4.0}, "A"),
        "b": Series({0: 10.0, 120: 30.0}, "B"),
    }
    return Env(values, [0, 60, 120], 60, ["a", "b"])


def run(text: str) -> object:
    return evaluate(parse(text), env())


def points(value: object) -> dict[int, float]:
    assert isinstance(value, Series)
    return value.points


def test_series_arithmetic_keeps_shared_timestamps() -> None:
    assert points(run("a + b")) == {0: 11.0, 120: 34.0}
    assert points(run("a * 2 - 1")) == {0: 1.0, 60: 3.0, 120: 7.0}
    assert points(run("b / (a - 1)")) == {120: 10.0}  # division by zero leaves no point
    assert run("2 ^ 10") == 1024.0


def test_reductions_over_time_and_across_arrays() -> None:
    assert run("SUM(a)") == 7.0 and run("MAX(b)") == 30.0 and run("AVG(b)") == 20.0
    assert points(run("SUM(METRICS())")) == {0: 11.0, 60: 2.0, 120: 34.0}
    assert points(run("MIN([a, b])")) == {0: 1.0, 60: 2.0, 120: 4.0}
    assert run("STDDEV(b)") == pytest.approx(14.1421356)
    assert [s.label for s in run("METRICS('B')")] == ["B"]


def test_fill_rate_diff_if() -> None:
    assert points(run("FILL(b, 0)")) == {0: 10.0, 60: 0.0, 120: 30.0}
    assert points(run("FILL(b, REPEAT)")) == {0: 10.0, 60: 10.0, 120: 30.0}
    assert points(run("FILL(b, LINEAR)")) == {0: 10.0, 60: 20.0, 120: 30.0}
    assert points(run("DIFF(a)")) == {60: 1.0, 120: 2.0}
    assert points(run("RATE(b)")) == {120: pytest.approx(20 / 120)}
    assert points(run("IF(a >= 2, a)")) == {60: 2.0, 120: 4.0}
    assert points(run("IF(a >= 2, 1, 0)")) == {0: 0.0, 60: 1.0, 120: 1.0}
    assert points(run("ABS(a - 3)")) == {0: 2.0, 60: 1.0, 120: 1.0}
    assert points(run("PERIOD(a)")) == {0: 60.0, 60: 60.0, 120: 60.0}
    assert run("FIRST(METRICS())").label == "A" and run("LAST(METRICS())").label == "B"
    assert points(run("RUNNING_SUM(a)")) == {0: 1.0, 60: 3.0, 120: 7.0}


@pytest.mark.parametrize("text", ["ghost + 1", "NOPE(a)", "FILL(a)", "SUM(a, b)", "'text' + 1", "1 / 0", "PERIOD(3)", "[a, 1]"])
def test_evaluation_errors(text: str) -> None:
    with pytest.raises(MathError):
        run(text)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 50).map(lambda i: i * 60), st.floats(-1e6, 1e6), max_size=20), st.floats(-100, 100))
def test_series_scalar_identities(data: dict[int, float], k: float) -> None:
    e = Env({"s": Series(data)}, sorted(data), 60, ["s"])
    assert evaluate(parse("s + 0"), e).points == data
    doubled = evaluate(parse("s * 2 - s"), e).points
    assert doubled.keys() == data.keys()
    for ts, v in data.items():
        assert doubled[ts] == pytest.approx(v, abs=1e-6)
    if data:
        assert evaluate(parse("SUM(s)"), e) == pytest.approx(sum(data.values()))
        assert evaluate(parse(f"MAX(s + {k!r})"), e) == pytest.approx(max(data.values()) + k)
